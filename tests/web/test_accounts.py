from app.extensions import db
from app.models import AuditEvent, User
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
