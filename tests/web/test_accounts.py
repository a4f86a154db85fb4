from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from argon2 import PasswordHasher

from app.extensions import db
from app.models import AuditEvent, LoginSession, User
from tests.conftest import make_app
from tests.factories import make_user


def test_login_then_logout(client, auth, ctx):
    make_user("li.lei@example.cn")
    response = auth.login("li.lei@example.cn")
    assert response.status_code == 302
    assert response.headers["Location"] == "/studies/"
    assert client.get("/studies/").status_code == 200

    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/studies/").status_code == 302  # back to the login page


def test_email_is_case_insensitive(auth, ctx):
    make_user("han.meimei@example.cn")
    assert auth.login("Han.Meimei@Example.CN").status_code == 302


def test_wrong_password_shows_message_in_chinese_and_keeps_email(auth, ctx):
    make_user("li.lei@example.cn")
    response = auth.login("li.lei@example.cn", "wrong password 123")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "邮箱或密码错误。" in page
    assert 'value="li.lei@example.cn"' in page


def test_failed_logins_are_audited_without_revealing_accounts(auth, ctx):
    user = make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn", "wrong password 123")
    auth.login("nobody@example.cn", "whatever 12345")
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.action == "auth.login_failed")
        .order_by(AuditEvent.id)
    ).all()
    assert [e.detail["email"] for e in events] == ["li.lei@example.cn", "nobody@example.cn"]
    assert events[0].object_id == user.id
    assert events[1].object_id is None
    assert all(e.actor_id is None and e.ip_address for e in events)


def test_passwords_are_stored_as_argon2id_hashes(ctx):
    user = make_user("li.lei@example.cn", password="correct horse battery")
    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse battery" not in user.password_hash


def test_inactive_user_cannot_sign_in(auth, ctx):
    user = make_user("gone@example.cn")
    user.active = False
    db.session.commit()
    assert auth.login("gone@example.cn").status_code == 200


def test_login_redirects_only_to_local_pages(client, auth, ctx):
    make_user("li.lei@example.cn")
    response = auth.login("li.lei@example.cn", query_string={"next": "https://evil.example/x"})
    assert response.headers["Location"] == "/studies/"
    auth.logout()
    response = auth.login("li.lei@example.cn", query_string={"next": "//evil.example/x"})
    assert response.headers["Location"] == "/studies/"
    auth.logout()
    response = auth.login("li.lei@example.cn", query_string={"next": "/account/password"})
    assert response.headers["Location"] == "/account/password"


def test_change_password(client, auth, ctx):
    make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    rejected = client.post(
        "/account/password",
        data={
            "current_password": "not my password",
            "new_password": "new secret 2026",
            "confirm": "new secret 2026",
        },
    )
    assert "当前密码不正确。" in rejected.get_data(as_text=True)

    changed = client.post(
        "/account/password",
        data={
            "current_password": "correct horse battery",
            "new_password": "new secret 2026",
            "confirm": "new secret 2026",
        },
    )
    assert changed.status_code == 302
    auth.logout()
    assert auth.login("li.lei@example.cn", "correct horse battery").status_code == 200
    assert auth.login("li.lei@example.cn", "new secret 2026").status_code == 302
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "auth.password_changed")
    )


def test_new_password_must_be_long_enough_and_confirmed(client, auth, ctx):
    make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    response = client.post(
        "/account/password",
        data={"current_password": "correct horse battery", "new_password": "short", "confirm": "x"},
    )
    page = response.get_data(as_text=True)
    assert "两次输入的密码不一致。" in page
    assert "10" in page  # the length rule names the minimum


def wrong_password_attempts(client, count: int) -> list[int]:
    return [
        client.post(
            "/login", data={"email": "li.lei@example.cn", "password": "guess 1234567"}
        ).status_code
        for _ in range(count)
    ]


def test_login_is_rate_limited(database_url, tmp_path):
    app = make_app(database_url, tmp_path / "instance", RATELIMIT_ENABLED=True)
    with app.app_context():
        db.create_all()
        make_user("li.lei@example.cn")
        client = app.test_client()
        statuses = wrong_password_attempts(client, 11)
        assert statuses[:10] == [200] * 10
        assert statuses[10] == 429
        assert "尝试次数过多" in client.post(
            "/login", data={"email": "li.lei@example.cn", "password": "x"}
        ).get_data(as_text=True)
        db.engine.dispose()


def test_admin_creates_users_and_others_cannot(client, auth, ctx):
    make_user("admin@example.cn", is_admin=True)
    make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    assert client.get("/admin/users").status_code == 403
    auth.logout()

    auth.login("admin@example.cn")
    response = client.post(
        "/admin/users",
        data={
            "email": "New.Person@example.cn",
            "display_name": "王芳",
            "password": "初始密码很长很长很长的",
        },
    )
    assert response.status_code == 302
    created = db.session.scalar(db.select(User).where(User.email == "new.person@example.cn"))
    assert created.display_name == "王芳"
    assert not created.is_admin

    duplicate = client.post(
        "/admin/users",
        data={"email": "new.person@example.cn", "password": "another long pw"},
    )
    assert "该邮箱已有账号。" in duplicate.get_data(as_text=True)


def test_login_stays_rate_limited_when_the_shared_storage_is_down(database_url, tmp_path):
    """Redis down (nothing listens on the port): sign-in still works and is still limited,
    counted in the process's memory until Redis is back."""
    app = make_app(
        database_url,
        tmp_path / "instance",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
    )
    with app.app_context():
        db.create_all()
        make_user("li.lei@example.cn")
        client = app.test_client()
        statuses = wrong_password_attempts(client, 11)
        assert statuses == [200] * 10 + [429]
        db.engine.dispose()


# --- sign-ins end on the server (issue 30.5) ---------------------------------------------


def _protected_page_with_cookies(app, cookies: dict[str, str]):
    """GET /studies/ from a fresh browser holding only these (copied) cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other.get("/studies/")


def test_a_copied_session_cookie_stops_working_after_logout(app, client, auth, ctx):
    make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    copied = {"session": client.get_cookie("session").value}
    assert _protected_page_with_cookies(app, copied).status_code == 200

    auth.logout()
    replayed = _protected_page_with_cookies(app, copied)
    assert replayed.status_code == 302
    assert replayed.headers["Location"].startswith("/login")


def test_a_copied_remember_me_cookie_stops_working_after_logout(app, client, auth, ctx):
    make_user("li.lei@example.cn")
    client.post(
        "/login",
        data={"email": "li.lei@example.cn", "password": "correct horse battery", "remember": "y"},
    )
    copied = {"remember_token": client.get_cookie("remember_token").value}
    assert _protected_page_with_cookies(app, copied).status_code == 200

    auth.logout()
    assert _protected_page_with_cookies(app, copied).status_code == 302


def test_a_password_change_signs_out_other_browsers_but_not_this_one(app, client, auth, ctx):
    make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    copied = {"session": client.get_cookie("session").value}
    changed = client.post(
        "/account/password",
        data={
            "current_password": "correct horse battery",
            "new_password": "new secret 2026",
            "confirm": "new secret 2026",
        },
    )
    assert changed.status_code == 302
    assert client.get("/studies/").status_code == 200
    assert _protected_page_with_cookies(app, copied).status_code == 302


def test_sign_out_everywhere_ends_every_sign_in_of_the_account(app, client, auth, ctx):
    make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    other = app.test_client()
    other.post("/login", data={"email": "li.lei@example.cn", "password": "correct horse battery"})
    assert other.get("/studies/").status_code == 200

    assert "退出所有设备" in client.get("/account/password").get_data(as_text=True)
    client.post("/account/sign-out-everywhere")
    assert client.get("/studies/").status_code == 302
    assert other.get("/studies/").status_code == 302
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "auth.signed_out_everywhere")
    )


def test_each_sign_in_gets_its_own_token(app, client, auth, ctx):
    """Signing in again does not continue an earlier sign-in: a fresh token each time."""
    make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    first = client.get_cookie("session").value
    auth.logout()
    auth.login("li.lei@example.cn")
    assert client.get_cookie("session").value != first
    assert _protected_page_with_cookies(app, {"session": first}).status_code == 302


def test_remember_me_lasts_fourteen_days_not_a_year(client, ctx):
    make_user("li.lei@example.cn")
    response = client.post(
        "/login",
        data={"email": "li.lei@example.cn", "password": "correct horse battery", "remember": "y"},
    )
    cookie = next(
        header for header in response.headers.getlist("Set-Cookie") if "remember_token=" in header
    )
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert timedelta(days=13) < expires - datetime.now(UTC) <= timedelta(days=14)
    row = db.session.scalar(db.select(LoginSession))
    assert timedelta(days=13) < row.expires_at - datetime.now(UTC) <= timedelta(days=14)


# --- the same work for known and unknown emails (issue 30.6) ------------------------------


def test_unknown_and_known_emails_cost_the_same_hashing_work(auth, ctx, monkeypatch):
    """Timing revealed accounts: an unknown email hashed a dummy password *and* verified it.
    Both now verify exactly one argon2 hash and compute none."""
    make_user("li.lei@example.cn")
    auth.login("nobody@example.cn", "whatever 12345")  # the dummy hash is made once, here
    calls = []
    for name in ("hash", "verify"):
        original = getattr(PasswordHasher, name)

        def spy(self, *args, _name=name, _original=original):
            calls.append(_name)
            return _original(self, *args)

        monkeypatch.setattr(PasswordHasher, name, spy)

    auth.login("nobody@example.cn", "whatever 12345")
    unknown, calls[:] = list(calls), []
    auth.login("li.lei@example.cn", "whatever 12345")
    assert unknown == calls == ["verify"]


# --- lockout per account, counted in the database (issue 30.11) ---------------------------


def test_ten_failures_across_processes_lock_the_account(app, database_url, tmp_path, ctx):
    """Two apps on one database stand for two worker processes: their failures add up."""
    make_user("li.lei@example.cn")
    second_app = make_app(database_url, tmp_path / "second")
    clients = [app.test_client(), second_app.test_client()]
    for attempt in range(10):
        clients[attempt % 2].post(
            "/login", data={"email": "li.lei@example.cn", "password": "guess 1234567"}
        )
    refused = clients[0].post(
        "/login", data={"email": "li.lei@example.cn", "password": "correct horse battery"}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "该账号登录失败次数过多，请 15 分钟后再试。" in page
    assert 'value="li.lei@example.cn"' in page
    assert (
        db.session.scalar(
            db.select(db.func.count(AuditEvent.id)).where(
                AuditEvent.action == "auth.account_locked"
            )
        )
        == 1
    )

    user = db.session.scalar(db.select(User))
    user.locked_until = datetime.now(UTC) - timedelta(seconds=1)  # the lock has run out
    db.session.commit()
    assert (
        clients[1]
        .post("/login", data={"email": "li.lei@example.cn", "password": "correct horse battery"})
        .status_code
        == 302
    )
    with second_app.app_context():
        db.engine.dispose()


def test_failures_older_than_the_window_do_not_count(client, ctx):
    user = make_user("li.lei@example.cn")
    for _ in range(9):
        client.post("/login", data={"email": "li.lei@example.cn", "password": "guess 1234567"})
    user = db.session.get(User, user.id)
    user.failed_logins_since = datetime.now(UTC) - timedelta(minutes=16)
    db.session.commit()
    client.post("/login", data={"email": "li.lei@example.cn", "password": "guess 1234567"})
    assert db.session.scalar(db.select(User.failed_logins)) == 1  # a new window began
    assert db.session.scalar(db.select(User.locked_until)) is None
    for _ in range(9):
        client.post("/login", data={"email": "li.lei@example.cn", "password": "guess 1234567"})
    assert db.session.scalar(db.select(User.locked_until)) is not None


# --- one password rule (issue 30.11) -------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaa", "1234567890", "qwertyuiop", "password1234", "li.lei@example.cn"]
)
def test_easily_guessed_passwords_are_refused_beside_the_field(client, auth, ctx, password):
    make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    response = client.post(
        "/account/password",
        data={
            "current_password": "correct horse battery",
            "new_password": password,
            "confirm": password,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "这个密码太容易被猜到" in page
    assert auth.logout() and auth.login("li.lei@example.cn").status_code == 302


# --- one email rule: intranet addresses sign in (issue 27.11) -----------------------------


@pytest.mark.parametrize("email", ["admin@corp.test", "wang@lab.local", "root@localhost"])
def test_an_intranet_account_made_on_the_command_line_can_sign_in(runner, auth, ctx, email):
    created = runner.invoke(
        args=["users", "create", email, "--password-stdin"], input="a long enough password\n"
    )
    assert created.exit_code == 0, created.output
    assert auth.login(email, "a long enough password").status_code == 302


@pytest.mark.parametrize("email", ["bad@@corp.test", "no-at-sign", "wang@.cn"])
def test_malformed_emails_are_refused_everywhere(runner, auth, ctx, email):
    created = runner.invoke(
        args=["users", "create", email, "--password-stdin"], input="a long enough password\n"
    )
    assert created.exit_code == 1
    assert "not a valid email address" in created.output
    page = auth.login(email, "a long enough password").get_data(as_text=True)
    assert "请输入有效的邮箱地址" in page
