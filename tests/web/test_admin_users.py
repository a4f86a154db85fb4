"""The administrator's user page (issue 27.10): invite, reset, deactivate, the account log."""

import re

import pytest

from app.extensions import db
from app.models import AuditEvent, User
from tests.factories import make_user


@pytest.fixture
def people(ctx):
    return {
        "admin": make_user("admin@example.cn", is_admin=True, display_name="王老师"),
        "member": make_user("li.lei@example.cn", display_name="李雷"),
    }


def _actions() -> list[str]:
    return list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)))


def _link(page: str) -> str:
    return re.search(
        r'id="password-link" type="text" readonly value="http://localhost([^"]+)"', page
    ).group(1)


ADMIN_ROUTES = [
    ("get", "/admin/users"),
    ("post", "/admin/users"),
    ("post", "/admin/users/{member}/reset-password"),
    ("post", "/admin/users/{member}/deactivate"),
    ("post", "/admin/users/{member}/reactivate"),
    ("get", "/admin/audit"),
]


@pytest.mark.parametrize(("who", "expected"), [(None, 302), ("member", 403), ("admin", 200)])
@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_only_administrators_reach_the_user_pages(
    client, auth, people, who, expected, method, path
):
    if who is not None:
        auth.login(people[who].email)
    response = getattr(client, method)(path.format(member=people["member"].id))
    if who == "admin" and method == "post":
        assert response.status_code in (200, 302)  # done, shown or redirected back
    else:
        assert response.status_code == expected
        if who is None:
            assert response.headers["Location"].startswith("/login")
    db.session.refresh(people["member"])
    if who != "admin":
        assert people["member"].active and not people["member"].awaiting_password


def test_invite_shows_a_one_time_link_with_which_the_person_sets_a_password(
    app, client, auth, people
):
    auth.login("admin@example.cn")
    response = client.post(
        "/admin/users", data={"email": "Wang.Fang@corp.test", "display_name": "王芳"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "72 小时" in page
    link = _link(page)
    invited = db.session.scalar(db.select(User).where(User.email == "wang.fang@corp.test"))
    assert invited.awaiting_password and not invited.is_admin
    assert link.rsplit("/", 1)[1] not in (invited.password_link_hash or "")  # stored hashed

    newcomer = app.test_client()
    assert "wang.fang@corp.test" in newcomer.get(link).get_data(as_text=True)
    weak = newcomer.post(link, data={"new_password": "aaaaaaaaaa", "confirm": "aaaaaaaaaa"})
    assert "这个密码太容易被猜到" in weak.get_data(as_text=True)
    chosen = newcomer.post(
        link, data={"new_password": "青山绿水 meets 2026", "confirm": "青山绿水 meets 2026"}
    )
    assert chosen.status_code == 302
    assert newcomer.get(link).status_code == 404  # the link works once
    assert (
        newcomer.post(
            "/login", data={"email": "wang.fang@corp.test", "password": "青山绿水 meets 2026"}
        ).status_code
        == 302
    )
    assert _actions()[-4:] == [
        "user.create",
        "user.invite",
        "auth.password_set_from_link",
        "auth.login",
    ]


def test_an_invited_account_cannot_sign_in_before_choosing_a_password(client, auth, people):
    auth.login("admin@example.cn")
    client.post("/admin/users", data={"email": "new@example.cn", "is_admin": "y"})
    auth.logout()
    assert auth.login("new@example.cn", "!").status_code == 200
    assert db.session.scalar(db.select(User.is_admin).where(User.email == "new@example.cn"))


def test_a_set_password_link_expires(app, client, auth, people):
    auth.login("admin@example.cn")
    page = client.post("/admin/users", data={"email": "new@example.cn"}).get_data(as_text=True)
    link = _link(page)
    user = db.session.scalar(db.select(User).where(User.email == "new@example.cn"))
    user.password_link_expires_at = (
        user.password_link_expires_at - app.config["PASSWORD_LINK_LIFETIME"]
    )
    db.session.commit()
    assert app.test_client().get(link).status_code == 404


def test_reset_password_ends_the_users_sessions_and_old_password(app, client, auth, people):
    member_browser = app.test_client()
    member_browser.post(
        "/login", data={"email": "li.lei@example.cn", "password": "correct horse battery"}
    )
    assert member_browser.get("/studies/").status_code == 200

    auth.login("admin@example.cn")
    page = client.post(f"/admin/users/{people['member'].id}/reset-password").get_data(as_text=True)
    link = _link(page)
    assert member_browser.get("/studies/").status_code == 302
    assert (
        member_browser.post(
            "/login", data={"email": "li.lei@example.cn", "password": "correct horse battery"}
        ).status_code
        == 200
    )
    member_browser.post(
        link, data={"new_password": "new secret 2026", "confirm": "new secret 2026"}
    )
    assert (
        member_browser.post(
            "/login", data={"email": "li.lei@example.cn", "password": "new secret 2026"}
        ).status_code
        == 302
    )
    assert "user.password_reset" in _actions()


def test_deactivate_signs_the_user_out_and_reactivate_lets_them_back(app, client, auth, people):
    member_browser = app.test_client()
    member_browser.post(
        "/login", data={"email": "li.lei@example.cn", "password": "correct horse battery"}
    )
    auth.login("admin@example.cn")
    client.post(f"/admin/users/{people['member'].id}/deactivate")
    assert member_browser.get("/studies/").status_code == 302
    assert (
        member_browser.post(
            "/login", data={"email": "li.lei@example.cn", "password": "correct horse battery"}
        ).status_code
        == 200
    )
    assert "已停用" in client.get("/admin/users").get_data(as_text=True)

    client.post(f"/admin/users/{people['member'].id}/reactivate")
    assert (
        member_browser.post(
            "/login", data={"email": "li.lei@example.cn", "password": "correct horse battery"}
        ).status_code
        == 302
    )
    assert {"user.deactivate", "user.reactivate"} <= set(_actions())


def test_an_administrator_cannot_deactivate_themselves(client, auth, people):
    auth.login("admin@example.cn")
    response = client.post(f"/admin/users/{people['admin'].id}/deactivate", follow_redirects=True)
    assert "不能停用你自己的账号。" in response.get_data(as_text=True)
    assert client.get("/studies/").status_code == 200


def test_the_account_log_reads_as_chinese_sentences(client, auth, people):
    auth.login("li.lei@example.cn", "wrong password 123")
    auth.login("admin@example.cn")
    client.post("/admin/users", data={"email": "zhao@example.cn", "display_name": "赵敏"})
    client.post(f"/admin/users/{people['member'].id}/deactivate")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "以 li.lei@example.cn 登录失败" in page
    assert "王老师 为 zhao@example.cn 生成了设置密码链接" in page
    assert "王老师 停用了 li.lei@example.cn" in page
    assert "王老师 登录了" in page
    assert "\\u" not in page
