"""Consent per purpose on a directory record (issue 28.1, PIPL art. 14–15): a researcher records
a consent given or withdrawn and how; the earlier state stays in the purpose's history; audited
without personal values; a person who withdrew their consent to invitations gets no personal
link when their segment is invited; an empty form changes nothing. The findings page offers
the directory's segments as a filter."""

from app.extensions import db
from app.models import AuditEvent, Invitation, Participant
from tests.factories import make_published
from tests.web.test_outreach import INVITATION_ONLY, SURVEY, _invite, world  # noqa: F401


def _consent(client, world, person, **data):  # noqa: F811
    url = f"/organisations/{world['organisation'].id}/directory/{person.id}/consent"
    return client.post(url, data=data)


def test_a_consent_and_its_withdrawal_are_recorded_with_their_history(client, auth, world):  # noqa: F811
    auth.login("owner@example.cn")
    person = world["people"][1]
    reply = _consent(client, world, person, purpose="invitation", granted="yes", source="电话确认")
    assert reply.status_code == 302 and reply.headers["Location"].endswith("#consents")
    _consent(client, world, person, purpose="invitation", granted="no", source="短信回复退订")
    db.session.expire_all()
    consent = db.session.get(Participant, person.id).consents["invitation"]
    assert (consent["granted"], consent["source"]) == (False, "短信回复退订")
    assert [(h["granted"], h["source"]) for h in consent["history"]] == [(True, "电话确认")]

    page = client.get(f"/organisations/{world['organisation'].id}/directory/{person.id}")
    text = page.get_data(as_text=True)
    assert "参加研究的邀请" in text and "短信回复退订" in text and "电话确认" in text
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "participant.consent")
    ).all()
    assert [e.detail["granted"] for e in events] == [True, False]
    assert "李娜" not in str([e.detail for e in events])


def test_an_empty_form_records_nothing(client, auth, world):  # noqa: F811
    auth.login("owner@example.cn")
    person = world["people"][0]
    reply = _consent(client, world, person, purpose="invitation", granted="no", source="")
    assert reply.status_code == 302
    db.session.expire_all()
    assert db.session.get(Participant, person.id).consents == {}


def test_a_withdrawn_invitation_consent_gets_no_link(client, auth, world):  # noqa: F811
    auth.login("owner@example.cn")
    withdrawn, given = world["people"][0], world["people"][1]
    _consent(client, world, withdrawn, purpose="invitation", granted="no", source="电话拒绝")
    _consent(client, world, given, purpose="invitation", granted="yes", source="电话确认")
    questionnaire = make_published(SURVEY, study=world["study"], settings=INVITATION_ONLY)
    assert _invite(client, world, questionnaire).status_code in (200, 302)
    invited = set(
        db.session.scalars(
            db.select(Invitation.participant_id).where(
                Invitation.questionnaire_id == questionnaire.id
            )
        )
    )
    assert given.id in invited and withdrawn.id not in invited
    assert len(invited) == 4  # the segment's five members but the one who withdrew


def test_the_findings_page_offers_the_directory_segments_and_applies_one(client, auth, world):  # noqa: F811
    questionnaire = make_published(SURVEY, study=world["study"], settings=INVITATION_ONLY)
    auth.login("owner@example.cn")
    path = f"/studies/{world['study'].id}/findings/{questionnaire.id}/"
    page = client.get(path).get_data(as_text=True)
    assert 'name="participant_segment"' in page and "一线与新一线" in page
    chosen = client.get(path, query_string={"participant_segment": world["segment"].id})
    assert f'value="{world["segment"].id}" selected' in chosen.get_data(as_text=True)
