"""When the database cannot serve (read-only, locked, unreachable): a 503 with Retry-After and a
message in the user's language, never a 500; /readyz says so; and the next request after the
database is back succeeds, with no wait for the pool to recycle its connections.

The read-only file is made with `chattr +i`: the suite runs as root, whom file permissions do
not stop, but an immutable file refuses root's open for writing too, so SQLite opens it
read-only exactly as it does a file an unprivileged server may not write.
"""

import contextlib
import sqlite3
import subprocess
import uuid

import pytest

from app import database
from app.config import Config
from app.extensions import db
from app.models import Response
from tests.conftest import AuthActions, RequestPerContextClient, make_app
from tests.definitions import definition, nps
from tests.factories import make_published, make_user

DEFINITION = definition(nps(required=True), title="故障测试")
TO_RESPONDENT = "服务暂时不可用，请稍后再试；您的答案已保留在本机"


@pytest.fixture
def sqlite_app(tmp_path):
    """The app on a SQLite file with the production pool (connections kept and reused)."""
    path = tmp_path / "wenfang.sqlite3"
    app = make_app(
        f"sqlite:///{path}",
        tmp_path / "instance",
        SQLALCHEMY_ENGINE_OPTIONS=Config.SQLALCHEMY_ENGINE_OPTIONS,
    )
    app.test_client_class = RequestPerContextClient
    with app.app_context():
        db.create_all()
        app.config["TEST_SLUG"] = make_published(DEFINITION).slug
        # Every connection opened so far closed (the session's too: returned first, so that
        # dispose closes it): SQLite would hand a later open in this process the descriptor of
        # one left to the garbage collector, opened for writing before the file was made
        # immutable. The requests open their own connections.
        db.session.remove()
        db.engine.dispose()
    app.config["TEST_PATH"] = path
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def submit(client, slug: str):
    return client.post(
        f"/s/{slug}/submit",
        json={"answers": {"nps": 9}},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def stored(app) -> int:
    with app.app_context():
        return db.session.query(Response).count()


@contextlib.contextmanager
def immutable(path):
    """*path* cannot be opened for writing, not even by root, until the block ends."""
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not allowed here: {made.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def assert_unavailable(reply) -> None:
    """The reply respond.js retries later (any 5xx), with the message for the respondent."""
    assert reply.status_code == 503, reply.get_data(as_text=True)
    assert int(reply.headers["Retry-After"]) > 0
    assert TO_RESPONDENT in reply.json["message"]


def test_a_submit_to_a_read_only_database_is_503_and_works_as_soon_as_it_is_writable(
    sqlite_app,
):
    client, slug = sqlite_app.test_client(), sqlite_app.config["TEST_SLUG"]
    with immutable(sqlite_app.config["TEST_PATH"]):
        assert_unavailable(submit(client, slug))
        assert_unavailable(submit(client, slug))
        assert client.get("/healthz").status_code == 200  # it can still be read
        ready = client.get("/readyz")
        assert (ready.status_code, ready.json["database"]) == (503, "read_only")
    # Writable again: the connections opened read-only are gone, the very next submit works.
    assert submit(client, slug).status_code == 201
    assert client.get("/readyz").json == {"status": "ready", "database": "ok"}
    assert stored(sqlite_app) == 1


def test_a_submit_meeting_a_write_lock_held_past_the_busy_timeout_is_503(sqlite_app, monkeypatch):
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 1)
    client, slug = sqlite_app.test_client(), sqlite_app.config["TEST_SLUG"]
    other = sqlite3.connect(sqlite_app.config["TEST_PATH"], isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert_unavailable(submit(client, slug))
        ready = client.get("/readyz")
        assert (ready.status_code, ready.json["database"]) == (503, "locked")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert submit(client, slug).status_code == 201
    assert stored(sqlite_app) == 1


def test_the_respondent_form_and_submit_are_503_when_postgresql_is_down(tmp_path):
    """Nothing listens on port 1: every connection is refused (only the driver is needed)."""
    app = make_app("postgresql+psycopg://postgres@127.0.0.1:1/wenfang", tmp_path)
    client = app.test_client()
    page = client.get("/s/abcdef", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 503
    assert TO_RESPONDENT in page.get_data(as_text=True)
    assert int(page.headers["Retry-After"]) > 0
    assert_unavailable(submit(client, "abcdef"))
    english = client.get("/s/abcdef", headers={"Accept-Language": "en"})
    assert "your answers are kept on this device" in english.get_data(as_text=True)
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json["database"]) == (503, "unreachable")


def test_a_signed_in_page_is_503_when_the_database_cannot_be_opened(tmp_path):
    """Loading the signed-in user fails too: the page is still the 503, not a 500 raised while
    rendering the error page."""
    app = make_app(f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}", tmp_path)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
    reply = client.get("/studies/", headers={"Accept-Language": "zh-CN"})
    assert reply.status_code == 503
    assert "服务暂时不可用" in reply.get_data(as_text=True)
    assert TO_RESPONDENT not in reply.get_data(as_text=True)  # not a respondent's page


def test_a_bug_in_sql_stays_a_500_not_a_503(database_url, tmp_path):
    """sqlite3 raises OperationalError for a missing table too: that is a bug, not an outage,
    and goes to the log and the 500 page as any other (here no table was created)."""
    app = make_app(database_url, tmp_path / "instance", PROPAGATE_EXCEPTIONS=False)
    reply = app.test_client().get("/s/abcdef", headers={"Accept": "application/json"})
    assert reply.status_code == 500
    assert "Retry-After" not in reply.headers
    with app.app_context():
        db.engine.dispose()


def test_readyz_is_ready_when_the_database_takes_writes(client, ctx):
    make_user()
    assert client.get("/readyz").json == {"status": "ready", "database": "ok"}


def set_read_only(name: str, on: bool) -> None:
    """Make every new session on database *name* read-only, as on a standby, or undo it."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if on:
            connection.exec_driver_sql(
                f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'
            )
        else:
            connection.exec_driver_sql("SET default_transaction_read_only = off")
            connection.exec_driver_sql(
                f'ALTER DATABASE "{name}" RESET default_transaction_read_only'
            )
    db.engine.dispose()  # new connections read the setting


def test_a_read_only_postgresql_is_503_on_submit_and_readyz(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a read-only server is a PostgreSQL setting")
    app.test_client_class = RequestPerContextClient
    client = app.test_client()
    with app.app_context():
        slug = make_published(DEFINITION).slug
        name = db.engine.url.database
        set_read_only(name, True)
    try:
        assert_unavailable(submit(client, slug))
        ready = client.get("/readyz")
        assert (ready.status_code, ready.json["database"]) == (503, "read_only")
    finally:
        with app.app_context():
            set_read_only(name, False)
    assert submit(client, slug).status_code == 201


def test_a_researcher_saving_to_a_read_only_database_is_told_the_storage_refuses_writes(
    sqlite_app,
):
    """Not "try again in a moment": a read-only file will not become writable by waiting."""
    client = sqlite_app.test_client()
    with sqlite_app.app_context():
        make_user("readonly@example.cn")
    assert AuthActions(client).login("readonly@example.cn").status_code == 302
    with sqlite_app.app_context():
        db.engine.dispose()  # the pool's writable connections go; new ones open read-only
    with immutable(sqlite_app.config["TEST_PATH"]):
        for language, text in (
            ("zh-CN", "存储空间已满或只读，本次操作未保存。请告知本站管理员。"),
            ("en", "its storage is full or read-only, and nothing was saved"),
        ):
            reply = client.post(
                "/studies/new", data={"title": "只读测试"}, headers={"Accept-Language": language}
            )
            page = reply.get_data(as_text=True)
            assert reply.status_code == 503, page[:2000]
            assert text in page and "Traceback" not in page
    assert client.post("/studies/new", data={"title": "只读测试"}).status_code == 302
