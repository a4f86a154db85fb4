"""Answers to questions flagged personal or sensitive are encrypted at rest (issue 28.3): the
raw row shows a Fernet token and no plaintext, whichever way the answers came in (form
submit, the JSON submit, a saved draft, an import), and the store gives them back."""

import uuid

import sqlalchemy as sa

from app.extensions import db
from app.models import Response, ResponseStatus, WebhookEvent
from app.responses import importing, listing
from app.webhooks import addresses, endpoints
from tests.definitions import definition, long_text, short_text
from tests.factories import make_published

PHONE_NUMBER = "13912345678"
PHONE = short_text("phone", "您的手机号", privacy="personal")
SURVEY = definition(
    short_text("city", "您所在的城市"),
    PHONE,
    long_text("why", "您为什么选择我们"),
    title="会员调查",
)
ANSWERS = {"city": "杭州", "phone": PHONE_NUMBER, "why": "送货很快"}
LOOPBACK = addresses.AddressPolicy(allow_http=True, allow_private_networks=True)


def raw_row(response_id: int) -> dict:
    """Every column of the response as the database holds it (JSON as its text)."""
    row = db.session.execute(
        sa.text("SELECT * FROM responses WHERE id = :id"), {"id": response_id}
    ).one()
    return {key: ("" if value is None else str(value)) for key, value in row._mapping.items()}


def assert_sealed(response_id: int) -> None:
    raw = raw_row(response_id)
    assert not any(PHONE_NUMBER in value for value in raw.values()), raw
    assert raw["protected_answers"].startswith("gAAAAA")
    assert "city" in raw["answers"]  # the other answers stay plain JSON, for analysis


def only_response() -> Response:
    [row] = db.session.scalars(db.select(Response)).all()
    return row


def test_a_json_submit_stores_the_personal_answer_encrypted_and_the_store_reads_it(client, ctx):
    survey = make_published(SURVEY)
    sent = client.post(
        f"/s/{survey.slug}/submit",
        json={"answers": ANSWERS},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert sent.status_code == 201
    assert_sealed(sent.json["response_id"])
    assert listing.answers_of(sent.json["response_id"]) == ANSWERS
    detail = listing.response_detail(survey, sent.json["response_id"])
    assert detail is not None and detail.answers["phone"] == PHONE_NUMBER


def test_a_form_post_stores_the_personal_answer_encrypted(client, ctx):
    survey = make_published(SURVEY)
    page = client.get(f"/s/{survey.slug}")
    assert page.status_code == 200
    key = uuid.uuid4().hex
    posted = client.post(f"/s/{survey.slug}", data={**ANSWERS, "_key": key})
    assert posted.status_code in (200, 201, 303), posted.get_data(as_text=True)[:500]
    row = only_response()
    assert row.status is ResponseStatus.COMPLETE
    assert_sealed(row.id)
    assert listing.answers_of(row.id)["phone"] == PHONE_NUMBER


def test_a_draft_with_a_personal_answer_is_encrypted_and_resumes_with_it(client, ctx):
    survey = make_published(SURVEY)
    saved = client.post(
        f"/s/{survey.slug}/progress", json={"answers": {"phone": PHONE_NUMBER}, "page": "p1"}
    )
    assert saved.status_code == 200
    row = only_response()
    assert row.status is ResponseStatus.PARTIAL
    raw = raw_row(row.id)
    assert not any(PHONE_NUMBER in value for value in raw.values())
    assert raw["protected_answers"].startswith("gAAAAA")
    # The same browser comes back: its page shows what it typed.
    assert PHONE_NUMBER in client.get(f"/s/{survey.slug}").get_data(as_text=True)
    # Completing the draft keeps the answer sealed.
    done = client.post(
        f"/s/{survey.slug}/submit",
        json={"answers": ANSWERS},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert done.status_code == 201 and done.json["response_id"] == row.id
    assert_sealed(row.id)
    assert listing.answers_of(row.id) == ANSWERS


def test_an_imported_personal_answer_is_encrypted(ctx):
    survey = make_published(SURVEY)
    data = f"编号,填写时间,城市,手机,原因\nA-01,2026-09-03 12:00,成都,{PHONE_NUMBER},价格实惠\n"
    mapping = {0: "response_id", 1: "submitted_at", 2: "city", 3: "phone", 4: "why"}
    done = importing.import_responses(
        survey, "会员.csv", data.encode(), actor=None, mapping=mapping, zone="Asia/Shanghai",
        locale="zh_CN",
    )  # fmt: skip
    assert done.stored == 1
    row = only_response()
    raw = raw_row(row.id)
    assert not any(PHONE_NUMBER in value for value in raw.values())
    assert raw["protected_answers"].startswith("gAAAAA")
    assert listing.answers_of(row.id) == {"city": "成都", "phone": PHONE_NUMBER, "why": "价格实惠"}


def test_a_webhook_event_carries_the_personal_answer_masked(client, ctx):
    survey = make_published(SURVEY)
    study = survey.study
    endpoints.create_endpoint(
        study, study.created_by, url="http://127.0.0.1:9/hook", description="",
        event_types=["response.completed"], policy=LOOPBACK,
    )  # fmt: skip
    db.session.commit()
    sent = client.post(
        f"/s/{survey.slug}/submit",
        json={"answers": ANSWERS},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert sent.status_code == 201
    [event] = db.session.scalars(db.select(WebhookEvent)).all()
    assert event.payload["answers"] == {**ANSWERS, "phone": "***"}
    stored = db.session.execute(sa.text("SELECT * FROM webhook_events")).all()
    assert PHONE_NUMBER not in str(stored)


def test_a_response_without_flagged_questions_has_no_protected_column(client, ctx):
    survey = make_published(definition(short_text("city", "您所在的城市")))
    sent = client.post(
        f"/s/{survey.slug}/submit",
        json={"answers": {"city": "杭州"}},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert raw_row(sent.json["response_id"])["protected_answers"] == ""


def test_the_command_encrypts_personal_answers_stored_in_plain_before(runner, ctx):
    survey = make_published(SURVEY)
    row = Response(
        questionnaire_id=survey.id,
        version_id=survey.latest_version.id,
        status=ResponseStatus.COMPLETE,
        answers=dict(ANSWERS),  # as stored before the upgrade: all in plain text
        resume_token_hash=uuid.uuid4().hex,
    )
    db.session.add(row)
    db.session.commit()
    assert PHONE_NUMBER in raw_row(row.id)["answers"]
    result = runner.invoke(args=["privacy", "protect-answers"])
    assert result.exit_code == 0 and "1 responses" in result.output
    db.session.expire_all()
    assert_sealed(row.id)
    assert listing.answers_of(row.id) == ANSWERS
    again = runner.invoke(args=["privacy", "protect-answers"])
    assert "0 responses" in again.output
