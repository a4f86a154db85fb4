import re
from datetime import date

from app.extensions import db
from app.models import AuditEvent, MemberInvitation, Membership, Role, Study
from tests.definitions import definition, nps
from tests.factories import make_study, make_user, study_with_roles


def _events(action: str) -> list[AuditEvent]:
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def test_create_study_makes_the_creator_owner_and_is_audited(client, auth, ctx):
    user = make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    response = client.post(
        "/studies/new",
        data={
            "title": "外卖 App 会员体系研究",
            "goal": "判断会员权益是否值得续费",
            "audience": "月下单 4 次以上的用户",
            "sample_plan": "问卷 400 份",
            "methods": ["questionnaire", "focus_group"],
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-20",
        },
    )
    assert response.status_code == 302
    study = db.session.scalar(db.select(Study))
    assert response.headers["Location"] == f"/studies/{study.id}"
    assert study.methods == ["questionnaire", "focus_group"]
    assert study.starts_on == date(2026, 12, 1)
    membership = db.session.scalar(db.select(Membership))
    assert (membership.user_id, membership.role) == (user.id, Role.OWNER)

    [event] = _events("study.create")
    assert event.actor_id == user.id
    assert event.study_id == study.id
    assert event.detail["after"]["title"] == "外卖 App 会员体系研究"
    assert event.detail["after"]["ends_on"] == "2026-12-20"

    page = client.get(f"/studies/{study.id}").get_data(as_text=True)
    assert "外卖 App 会员体系研究" in page
    assert "焦点小组" in page


def test_invalid_study_form_keeps_what_was_entered(client, auth, ctx):
    make_user("li.lei@example.cn")
    auth.login("li.lei@example.cn")
    response = client.post(
        "/studies/new",
        data={
            "title": "",
            "goal": "这段很长的研究目标不能丢",
            "starts_on": "2026-12-20",
            "ends_on": "2026-12-01",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "这段很长的研究目标不能丢" in page
    assert "该字段是必填字段。" in page
    assert "结束日期不能早于开始日期。" in page
    assert db.session.scalar(db.select(db.func.count(Study.id))) == 0


def test_edit_is_audited_with_before_and_after(client, auth, ctx):
    study, users = study_with_roles()
    auth.login("researcher@example.cn")
    client.post(
        f"/studies/{study.id}/edit",
        data={"title": "结账流程研究（第二轮）", "goal": study.goal, "methods": ["interview"]},
    )
    [event] = _events("study.update")
    assert event.actor_id == users["researcher"].id
    assert event.detail["before"]["title"] == "新版结账流程满意度研究"
    assert event.detail["after"]["title"] == "结账流程研究（第二轮）"
    assert event.detail["before"]["methods"] == ["questionnaire", "interview"]
    assert event.detail["after"]["methods"] == ["interview"]
    assert "goal" not in event.detail["after"]  # unchanged fields are not noise in the log


def test_saving_without_changes_writes_no_audit_event(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    client.post(
        f"/studies/{study.id}/edit",
        data={
            "title": study.title,
            "goal": study.goal,
            "audience": study.audience,
            "sample_plan": study.sample_plan,
            "methods": study.methods,
        },
    )
    assert _events("study.update") == []


def test_archived_studies_leave_the_list_until_asked_for(client, auth, ctx):
    owner = make_user("li.lei@example.cn")
    kept = make_study(owner, title="保留的研究")
    archived = make_study(owner, title="归档的研究")
    auth.login("li.lei@example.cn")
    client.post(f"/studies/{archived.id}/archive")
    listing = client.get("/studies/").get_data(as_text=True)
    assert kept.title in listing and archived.title not in listing
    assert archived.title in client.get("/studies/?archived=1").get_data(as_text=True)
    assert [e.detail for e in _events("study.archive")] == [
        {"before": {"status": "active"}, "after": {"status": "archived"}}
    ]


def test_list_shows_only_my_studies(client, auth, ctx):
    make_study(make_user("a@example.cn"), title="甲的研究")
    make_study(make_user("b@example.cn"), title="乙的研究")
    auth.login("a@example.cn")
    page = client.get("/studies/").get_data(as_text=True)
    assert "甲的研究" in page and "乙的研究" not in page


def test_owner_adds_changes_and_removes_members_with_audit(client, auth, ctx):
    study, _ = study_with_roles()
    newcomer = make_user("wang.fang@example.cn")
    auth.login("owner@example.cn")
    client.post(
        f"/studies/{study.id}/members", data={"email": "Wang.Fang@example.cn", "role": "viewer"}
    )
    _accept_invitation(client, auth, "wang.fang@example.cn")
    auth.logout()
    auth.login("owner@example.cn")
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == newcomer.id))
    assert membership.role is Role.VIEWER

    client.post(f"/studies/{study.id}/members/{membership.id}/role", data={"role": "researcher"})
    db.session.refresh(membership)
    assert membership.role is Role.RESEARCHER

    membership_id = membership.id
    client.post(f"/studies/{study.id}/members/{membership_id}/remove")
    assert db.session.get(Membership, membership_id) is None
    assert [
        e.action
        for e in db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.action.like("membership.%"))
            .order_by(AuditEvent.id)
        )
    ] == ["membership.invite", "membership.add", "membership.change_role", "membership.remove"]
    assert _events("membership.change_role")[0].detail == {
        "before": {"user": "wang.fang@example.cn", "role": "viewer"},
        "after": {"user": "wang.fang@example.cn", "role": "researcher"},
    }


def _accept_invitation(client, auth, email: str):
    """Sign in as *email* and accept the one invitation on the studies page."""
    auth.logout()
    auth.login(email)
    page = client.get("/studies/").get_data(as_text=True)
    [action] = re.findall(r'action="(/studies/invitations/\d+/accept)"', page)
    return client.post(action)


def test_the_member_form_answers_alike_whether_or_not_an_account_uses_the_email(client, auth, ctx):
    """It said "No account uses this email" to any owner, and anyone can own a study: a
    way to learn which addresses have accounts. Every address now gets an invitation."""
    study, _ = study_with_roles()
    make_user("wang.fang@example.cn", display_name="王芳")
    auth.login("owner@example.cn")
    answers = []
    for email in ("wang.fang@example.cn", "nobody@example.cn"):
        response = client.post(
            f"/studies/{study.id}/members",
            data={"email": email, "role": "viewer"},
            follow_redirects=True,
        )
        page = response.get_data(as_text=True)
        answers.append(page.replace(email, "EMAIL").split("已邀请")[1].split("</div>")[0])
        assert f"已邀请 {email} 以只读成员身份加入" in page
    assert answers[0] == answers[1]
    members_page = client.get(f"/studies/{study.id}/members").get_data(as_text=True)
    assert "王芳" not in members_page  # nothing only an account has is shown
    assert db.session.scalar(db.select(db.func.count(MemberInvitation.id))) == 2


def test_an_invitation_is_accepted_by_the_invitee_and_no_one_else(client, auth, ctx):
    study, _ = study_with_roles()
    newcomer = make_user("wang.fang@example.cn")
    auth.login("owner@example.cn")
    client.post(
        f"/studies/{study.id}/members", data={"email": "wang.fang@example.cn", "role": "researcher"}
    )
    invitation = db.session.scalar(db.select(MemberInvitation))
    auth.logout()
    auth.login("outsider@example.cn")
    assert client.post(f"/studies/invitations/{invitation.id}/accept").status_code == 404

    accepted = _accept_invitation(client, auth, "wang.fang@example.cn")
    assert accepted.headers["Location"] == f"/studies/{study.id}"
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == newcomer.id))
    assert membership.role is Role.RESEARCHER
    assert db.session.scalar(db.select(MemberInvitation)) is None


def test_an_invitation_can_be_declined_or_withdrawn(client, auth, ctx):
    study, _ = study_with_roles()
    make_user("wang.fang@example.cn")
    auth.login("owner@example.cn")
    for email in ("wang.fang@example.cn", "zhao@example.cn"):
        client.post(f"/studies/{study.id}/members", data={"email": email, "role": "viewer"})
    withdrawn = db.session.scalar(
        db.select(MemberInvitation).where(MemberInvitation.email == "zhao@example.cn")
    )
    client.post(f"/studies/{study.id}/invitations/{withdrawn.id}/cancel")
    auth.logout()
    auth.login("wang.fang@example.cn")
    [declined] = db.session.scalars(db.select(MemberInvitation)).all()
    client.post(f"/studies/invitations/{declined.id}/decline")
    assert db.session.scalar(db.select(MemberInvitation)) is None
    assert db.session.scalar(db.select(db.func.count(Membership.id))) == 3
    assert [e.action for e in _events("membership.decline")] == ["membership.decline"]


def test_the_last_owner_cannot_leave_or_be_demoted(client, auth, ctx):
    study, users = study_with_roles()
    owner_membership = db.session.scalar(
        db.select(Membership).where(Membership.user_id == users["owner"].id)
    )
    auth.login("owner@example.cn")
    client.post(f"/studies/{study.id}/members/{owner_membership.id}/role", data={"role": "viewer"})
    response = client.post(
        f"/studies/{study.id}/members/{owner_membership.id}/remove", follow_redirects=True
    )
    assert "一个研究至少需要一位负责人。" in response.get_data(as_text=True)
    db.session.refresh(owner_membership)
    assert owner_membership.role is Role.OWNER


def test_audit_log_page_lists_changes_for_the_owner(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    client.post(f"/studies/{study.id}/edit", data={"title": "新标题"})
    page = client.get(f"/studies/{study.id}/audit").get_data(as_text=True)
    assert "study.update" in page and "study.create" in page
    assert "owner@example.cn" in page


def test_audit_log_reads_as_chinese_sentences_with_old_and_new_values(client, auth, ctx):
    """The page showed raw keys and `\\u`-escaped JSON; now one sentence per event."""
    from tests.factories import make_published

    study, users = study_with_roles()
    users["owner"].display_name = "王老师"
    db.session.commit()
    make_published(
        definition(nps(title="您向朋友推荐的可能性？"), title="外卖 App 满意度调查"), study=study
    )
    auth.login("owner@example.cn")
    client.post(f"/studies/{study.id}/edit", data={"title": "新标题"})
    viewer = db.session.scalar(
        db.select(Membership).where(Membership.user_id == users["viewer"].id)
    )
    client.post(f"/studies/{study.id}/members/{viewer.id}/role", data={"role": "researcher"})
    page = client.get(f"/studies/{study.id}/audit").get_data(as_text=True)
    assert "王老师 发布了问卷《外卖 App 满意度调查》第 1 版" in page
    assert "王老师 编辑了研究" in page
    assert "标题：新版结账流程满意度研究 → 新标题" in page
    assert "王老师 更改了 viewer@example.cn 的角色" in page
    assert "角色：只读成员 → 研究员" in page
    assert "\\u" not in page
    assert "{&#34;" not in page and '{"' not in page  # no JSON dumped on the page


def test_an_intranet_address_can_be_added_as_a_member(client, auth, ctx):
    """The member form refused .local/.test addresses the command line had accepted."""
    study, _ = study_with_roles()
    colleague = make_user("zhao.min@lab.local")
    auth.login("owner@example.cn")
    client.post(
        f"/studies/{study.id}/members", data={"email": "zhao.min@lab.local", "role": "viewer"}
    )
    _accept_invitation(client, auth, "zhao.min@lab.local")
    assert db.session.scalar(db.select(Membership).where(Membership.user_id == colleague.id))
    auth.logout()
    auth.login("owner@example.cn")
    page = client.post(
        f"/studies/{study.id}/members", data={"email": "zhao@@lab.local", "role": "viewer"}
    ).get_data(as_text=True)
    assert "请输入有效的邮箱地址" in page
