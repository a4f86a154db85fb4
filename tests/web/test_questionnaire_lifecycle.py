"""A draft that was never published can be deleted; a published questionnaire is archived
instead: out of the list, link closed, responses kept, and restorable (issue 27.5)."""

import pytest

from app.extensions import db
from app.models import AuditEvent, Questionnaire, QuestionnaireStatus, Response
from tests.definitions import WITH_LOGIC
from tests.factories import make_published, make_questionnaire, study_with_roles
from tests.web.test_results import submit


@pytest.fixture
def study(ctx):
    study, _ = study_with_roles()
    return study


def url(q, tail=""):
    return f"/studies/{q.study_id}/questionnaires/{q.id}/{tail}"


def actions(name):
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == name)).all()


def test_a_draft_is_deleted_once_the_box_is_ticked(client, auth, study):
    draft = make_questionnaire(
        {"schema_version": 1, "title": "还没发布的问卷", "pages": []}, study=study
    )
    draft_id, delete = draft.id, url(draft, "delete")
    auth.login("researcher@example.cn")
    assert "删除草稿" in client.get(url(draft)).get_data(as_text=True)
    client.post(delete, data={})
    assert db.session.get(Questionnaire, draft_id) is not None
    reply = client.post(delete, data={"confirm": "1"}, follow_redirects=True)
    assert "问卷已删除。" in reply.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Questionnaire, draft_id) is None
    [event] = actions("questionnaire.delete")
    assert event.detail["before"] == {"title": "还没发布的问卷"}


@pytest.mark.parametrize(
    ("who", "status"), [("viewer@example.cn", 403), ("outsider@example.cn", 404)]
)
def test_only_editors_delete_a_draft(client, auth, study, who, status):
    draft = make_questionnaire(study=study)
    auth.login(who)
    assert client.post(url(draft, "delete"), data={"confirm": "1"}).status_code == status
    assert db.session.get(Questionnaire, draft.id) is not None


def test_a_published_questionnaire_is_archived_not_deleted_and_restored(app, client, auth, study):
    published = make_published(WITH_LOGIC, study=study)
    kept = submit(app.test_client(), published.slug, {"region": "south", "stars": 3})
    auth.login("researcher@example.cn")
    refused = client.post(url(published, "delete"), data={"confirm": "1"}, follow_redirects=True)
    assert "已发布的问卷不能删除，请改为归档。" in refused.get_data(as_text=True)

    client.post(url(published, "archive"), data={"action": "archive"})
    db.session.refresh(published)
    assert published.archived_at is not None
    assert published.status is QuestionnaireStatus.CLOSED
    assert app.test_client().get(f"/s/{published.slug}").status_code == 410  # link closed
    listing = f"/studies/{study.id}/questionnaires/"
    assert WITH_LOGIC["title"] not in client.get(listing).get_data(as_text=True)
    assert WITH_LOGIC["title"] in client.get(listing + "?archived=1").get_data(as_text=True)
    assert db.session.get(Response, kept) is not None
    client.post(url(published, "status"), data={"status": "open"})  # no reopening while archived
    db.session.refresh(published)
    assert published.status is QuestionnaireStatus.CLOSED

    client.post(url(published, "archive"), data={"action": "restore"})
    db.session.refresh(published)
    assert published.archived_at is None
    assert WITH_LOGIC["title"] in client.get(listing).get_data(as_text=True)
    assert [len(actions(a)) for a in ("questionnaire.archive", "questionnaire.restore")] == [1, 1]
