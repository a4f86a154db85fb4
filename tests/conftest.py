"""Fixtures for the whole suite: an app on a fresh real database per test.

Every database test runs on a temporary SQLite file and, when TEST_DATABASE_URL is set
(`.ci/run` sets it when the local PostgreSQL answers), on PostgreSQL as well.
"""

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from hypothesis import settings

from app import create_app
from app.config import TestingConfig
from app.extensions import db

# The fuzz tests (tests/fuzz/): a few dozen examples each keeps all of them under a minute in
# `make test`; CI replays the same examples every run (derandomize), so that a red CI is a
# change of the code, not a new draw. `HYPOTHESIS_PROFILE=thorough` searches far longer. The
# deadline turns an example that hangs into a failure without a timing assertion.
settings.register_profile("wenfang", max_examples=60, deadline=timedelta(seconds=5))
settings.register_profile(
    "ci", max_examples=60, deadline=timedelta(seconds=5), derandomize=True, database=None
)
settings.register_profile("thorough", max_examples=2000, deadline=timedelta(seconds=5))
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "wenfang")
)

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def reset_postgres(url: str) -> None:
    """Empty the test database: drop and recreate the public schema."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'wenfang-test.sqlite3'}"
    url = os.environ["TEST_DATABASE_URL"]
    reset_postgres(url)
    return url


def make_app(database_url: str, instance_path, **settings):
    """An app for tests: TestingConfig with the database URI and any other settings."""
    config = type(
        "TestConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": database_url, **settings}
    )
    return create_app(config, instance_path=str(instance_path))


@pytest.fixture
def empty_app(database_url, tmp_path):
    """An app whose database has no tables yet (for migration tests)."""
    app = make_app(database_url, tmp_path / "instance")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(empty_app):
    with empty_app.app_context():
        db.create_all()
    yield empty_app
    with empty_app.app_context():
        db.session.remove()


class RequestPerContextClient(FlaskClient):
    """Runs each request in its own app context, as production does.

    Without this, a request made while the test holds an app context (the `ctx` fixture)
    would share that context's `g` and database session, hiding per-request state bugs.
    Afterwards the test's own session is ended, so it sees what the request committed.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.rollback()
        return response


@pytest.fixture
def client(app):
    app.test_client_class = RequestPerContextClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for tests that use services and models directly."""
    with app.app_context():
        yield


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = "correct horse battery", **kwargs):
        return self._client.post("/login", data={"email": email, "password": password}, **kwargs)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
