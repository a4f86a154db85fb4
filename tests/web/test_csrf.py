import re

import pytest

from app.extensions import db
from app.models import User
from tests.conftest import make_app
from tests.factories import make_user


@pytest.fixture
def csrf_app(database_url, tmp_path):
    app = make_app(database_url, tmp_path / "instance", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        make_user("li.lei@example.cn")
        yield app
        db.session.remove()
        db.engine.dispose()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_form_without_csrf_token_is_rejected_with_a_friendly_page(csrf_app):
    client = csrf_app.test_client()
    response = client.post(
        "/login", data={"email": "li.lei@example.cn", "password": "correct horse battery"}
    )
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


def test_form_with_csrf_token_is_accepted(csrf_app):
    client = csrf_app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={
            "email": "li.lei@example.cn",
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302


def test_logout_needs_a_csrf_token(csrf_app):
    client = csrf_app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={
            "email": "li.lei@example.cn",
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    assert client.post("/logout").status_code == 400
    assert client.get("/studies/").status_code == 200  # still signed in


def test_language_switch_is_a_form_that_needs_a_csrf_token(csrf_app):
    """GET /language/en saved the language on the account: a link on another site could
    change it. Now only a POST with the page's token does."""
    client = csrf_app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={
            "email": "li.lei@example.cn",
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    assert client.get("/language/en").status_code == 405
    assert client.post("/language/en").status_code == 400
    assert db.session.scalar(db.select(User.locale)) is None

    page = client.get("/studies/").get_data(as_text=True)
    assert re.search(r'<form method="post" action="/language/en\?next=[^"]*"', page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/language/en", data={"csrf_token": token})
    assert db.session.scalar(db.select(User.locale)) == "en"
