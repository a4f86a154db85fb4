"""A study is attached to an organisation's participant directory on its form (the directory
its outreach invites from, issue 28.2): only a directory the user may use is offered, a study
keeps its organisation when edited by someone outside it, the change is audited, and the
navigation links the directories the user may open."""

from app.extensions import db
from app.models import AuditEvent, OrganisationRole, Study
from tests.factories import make_organisation, make_study, make_user

FIELDS = {"title": "社区团购复购研究", "retention_action": "anonymise"}


def test_a_study_is_attached_to_a_directory_its_creator_may_use(client, auth, ctx):
    user = make_user("zhou.min@example.cn")
    mine = make_organisation(user, name="华东用户研究部")
    make_organisation(name="别人的机构")
    auth.login("zhou.min@example.cn")

    page = client.get("/studies/new").get_data(as_text=True)
    assert "参与者档案" in page and "华东用户研究部" in page and "别人的机构" not in page

    reply = client.post("/studies/new", data={**FIELDS, "organisation_id": str(mine.id)})
    assert reply.status_code == 302
    study = db.session.scalar(db.select(Study))
    assert study.organisation_id == mine.id
    [event] = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "study.create")
    ).all()
    assert event.detail["after"]["organisation_id"] == mine.id


def test_a_directory_the_user_may_not_use_is_refused_on_the_field(client, auth, ctx):
    make_user("zhou.min@example.cn")
    other = make_organisation(name="别人的机构")
    auth.login("zhou.min@example.cn")
    reply = client.post("/studies/new", data={**FIELDS, "organisation_id": str(other.id)})
    assert reply.status_code == 200
    assert "社区团购复购研究" in reply.get_data(as_text=True)  # what was typed is kept
    assert db.session.scalar(db.select(Study)) is None


def test_a_plain_member_of_an_organisation_is_not_offered_its_directory(client, auth, ctx):
    user = make_user("zhou.min@example.cn")
    make_organisation(members={user: OrganisationRole.MEMBER}, name="华东用户研究部")
    auth.login("zhou.min@example.cn")
    page = client.get("/studies/new").get_data(as_text=True)
    assert "华东用户研究部" not in page and 'name="organisation_id"' not in page


def test_editing_keeps_the_organisation_and_detaching_is_audited(client, auth, ctx):
    owner = make_user("zhou.min@example.cn")
    organisation = make_organisation(name="华东用户研究部")  # the owner is not in it
    study = make_study(owner, title="社区团购复购研究")
    study.organisation_id = organisation.id
    db.session.commit()
    auth.login("zhou.min@example.cn")

    page = client.get(f"/studies/{study.id}/edit").get_data(as_text=True)
    assert f'value="{organisation.id}" selected' in page or (
        f'selected value="{organisation.id}"' in page
    )
    kept = {**FIELDS, "goal": "看复购", "organisation_id": str(organisation.id)}
    client.post(f"/studies/{study.id}/edit", data=kept)
    db.session.expire_all()
    assert db.session.get(Study, study.id).organisation_id == organisation.id

    client.post(
        f"/studies/{study.id}/edit", data={**FIELDS, "goal": "看复购", "organisation_id": ""}
    )
    db.session.expire_all()
    assert db.session.get(Study, study.id).organisation_id is None
    event = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.action == "study.update")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.detail["before"] == {"organisation_id": organisation.id}


def test_the_navigation_links_the_directories_the_user_may_open(client, auth, ctx):
    user = make_user("zhou.min@example.cn")
    organisation = make_organisation(user, name="华东用户研究部")
    auth.login("zhou.min@example.cn")
    page = client.get("/studies/").get_data(as_text=True)
    assert f'href="/organisations/{organisation.id}/directory/"' in page
