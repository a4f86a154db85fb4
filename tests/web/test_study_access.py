"""The access matrix: every study route tried as each kind of caller (STYLE 13); the
product manager (产品经理) reads like a viewer here (tests/web/test_needs_access.py: needs,
findings and respondent data)."""

import pytest

from app.extensions import db
from app.models import Membership, Role
from tests.factories import make_user, study_with_roles

EDIT_FORM = {"title": "改过的标题", "goal": "新的目标"}

# (method, path template, form data, {caller: expected status})
MATRIX = [
    (
        "GET",
        "/studies/{id}",
        None,
        {
            "anonymous": 302,
            "outsider": 404,
            "viewer": 200,
            "product_manager": 200,
            "researcher": 200,
            "owner": 200,
        },
    ),
    (
        "GET",
        "/studies/{id}/edit",
        None,
        {
            "anonymous": 302,
            "outsider": 404,
            "viewer": 403,
            "product_manager": 403,
            "researcher": 200,
            "owner": 200,
        },
    ),
    (
        "POST",
        "/studies/{id}/edit",
        EDIT_FORM,
        {
            "anonymous": 302,
            "outsider": 404,
            "viewer": 403,
            "product_manager": 403,
            "researcher": 302,
            "owner": 302,
        },
    ),
    (
        "POST",
        "/studies/{id}/archive",
        {},
        {
            "anonymous": 302,
            "outsider": 404,
            "viewer": 403,
            "product_manager": 403,
            "researcher": 403,
            "owner": 302,
        },
    ),
    (
        "GET",
        "/studies/{id}/members",
        None,
        {
            "anonymous": 302,
            "outsider": 404,
            "viewer": 200,
            "product_manager": 200,
            "researcher": 200,
            "owner": 200,
        },
    ),
    (
        "POST",
        "/studies/{id}/members",
        {"email": "new@example.cn", "role": "viewer"},
        {
            "anonymous": 302,
            "outsider": 404,
            "viewer": 403,
            "product_manager": 403,
            "researcher": 403,
            "owner": 302,
        },
    ),
    (
        "POST",
        "/studies/{id}/members/{viewer_membership}/role",
        {"role": "researcher"},
        {
            "anonymous": 302,
            "outsider": 404,
            "viewer": 403,
            "product_manager": 403,
            "researcher": 403,
            "owner": 302,
        },
    ),
    (
        "POST",
        "/studies/{id}/members/{viewer_membership}/remove",
        {},
        {
            "anonymous": 302,
            "outsider": 404,
            "viewer": 403,
            "product_manager": 403,
            "researcher": 403,
            "owner": 302,
        },
    ),
    (
        "GET",
        "/studies/{id}/audit",
        None,
        {
            "anonymous": 302,
            "outsider": 404,
            "viewer": 403,
            "product_manager": 403,
            "researcher": 403,
            "owner": 200,
        },
    ),
]

CALLERS = ["anonymous", "outsider", "viewer", "product_manager", "researcher", "owner"]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(
    ("method", "path", "data", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
def test_access_matrix(client, auth, ctx, caller, method, path, data, expected):
    study, users = study_with_roles()
    make_user("new@example.cn")
    users["product_manager"] = make_user("pm@example.cn")
    study.memberships.append(
        Membership(user_id=users["product_manager"].id, role=Role.PRODUCT_MANAGER)
    )
    db.session.commit()
    viewer_membership = db.session.scalar(
        db.select(Membership.id).where(Membership.user_id == users["viewer"].id)
    )
    if caller != "anonymous":
        auth.login(users[caller].email)
    url = path.format(id=study.id, viewer_membership=viewer_membership)
    response = client.open(url, method=method, data=data)
    assert response.status_code == expected[caller]
    if expected[caller] == 302 and caller == "anonymous":
        assert response.headers["Location"].startswith("/login")


def test_unknown_study_is_404_like_a_foreign_one(client, auth, ctx):
    study_with_roles()
    auth.login("owner@example.cn")
    assert client.get("/studies/99999").status_code == 404


def test_non_member_404_page_is_in_chinese(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("outsider@example.cn")
    response = client.get(f"/studies/{study.id}")
    assert "页面不存在" in response.get_data(as_text=True)


def test_viewer_refusal_changes_nothing(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("viewer@example.cn")
    response = client.post(f"/studies/{study.id}/edit", data=EDIT_FORM)
    assert response.status_code == 403
    assert "无权操作" in response.get_data(as_text=True)
    db.session.expire_all()
    assert study.title == "新版结账流程满意度研究"


def test_archived_study_is_read_only_until_restored(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    client.post(f"/studies/{study.id}/archive")
    assert client.get(f"/studies/{study.id}").status_code == 200
    assert client.get(f"/studies/{study.id}/edit").status_code == 403
    client.post(f"/studies/{study.id}/archive", data={"restore": "1"})
    assert client.get(f"/studies/{study.id}/edit").status_code == 200


def test_members_role_is_checked_on_every_request(client, auth, ctx):
    study, users = study_with_roles()
    auth.login("researcher@example.cn")
    assert client.get(f"/studies/{study.id}/edit").status_code == 200
    membership = db.session.scalar(
        db.select(Membership).where(Membership.user_id == users["researcher"].id)
    )
    membership.role = Role.VIEWER
    db.session.commit()
    assert client.get(f"/studies/{study.id}/edit").status_code == 403
