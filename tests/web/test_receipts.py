"""A respondent sees, downloads and deletes their own response with the receipt code of the
end page (issue 28.6): nothing else asked of them, the code never in a URL, the deletion
through the response store and audited without the answers or the address."""

import json
import uuid

import pytest

from app.extensions import db
from app.interviews import coding  # noqa: F401 - AnswerCode's table
from app.models import AnswerCode, AuditEvent, Code, Response
from app.questionnaires import services as questionnaires
from app.respond.receipts import normalised
from tests import definitions as d
from tests.conftest import RequestPerContextClient, make_app
from tests.factories import make_published

SURVEY = d.definition(
    d.single_choice("city", "您所在的城市", [("bj", "北京"), ("sh", "上海")]),
    d.long_text("why", "您对配送有什么建议？"),
    d.nps(),
    title="外卖配送体验调查",
)
ANSWERS = {"city": "sh", "why": "希望高峰期也能准时送达，骑手态度很好。", "nps": 8}


def _submit(client, slug, answers=ANSWERS):
    reply = client.post(
        f"/s/{slug}/submit",
        json={"answers": answers},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert reply.status_code == 201, reply.json
    return reply.json["response_id"], reply.json["receipt"]


@pytest.fixture
def survey(ctx):
    return make_published(SURVEY)


@pytest.mark.parametrize(
    "typed",
    ["{code}", "{lower}", "{bare}", "  {spaced}  ", "{bare_lower}"],
)
def test_a_receipt_code_is_recognised_however_it_was_typed(typed):
    code = "ABCD-EFGH-JKMN-PQ23"
    variants = {
        "code": code,
        "lower": code.lower(),
        "bare": code.replace("-", ""),
        "spaced": code.replace("-", " "),
        "bare_lower": code.replace("-", "").lower(),
    }
    assert normalised(typed.format(**variants)) == code


@pytest.mark.parametrize("typed", ["", "ABCD-EFGH", "ABCD-EFGH-JKMN-PQ20", "你好" * 8])
def test_what_cannot_be_a_receipt_code_is_refused_before_any_lookup(typed):
    assert normalised(typed) is None


def test_a_respondent_sees_their_answers_with_the_receipt_code(client, survey):
    _id, code = _submit(client, survey.slug)
    form = client.get(f"/s/{survey.slug}/receipt").get_data(as_text=True)
    assert "回执码" in form and "外卖配送体验调查" in form
    page = client.post(f"/s/{survey.slug}/receipt", data={"code": code.lower().replace("-", "")})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "您所在的城市" in text and "上海" in text
    assert "希望高峰期也能准时送达" in text
    assert page.headers["Cache-Control"].startswith("no-store")


def test_a_wrong_code_is_refused_beside_the_field_and_kept_in_it(client, survey):
    _submit(client, survey.slug)
    page = client.post(f"/s/{survey.slug}/receipt", data={"code": "ABCD-EFGH-JKMN-PQ23"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "没有与该回执码对应的答卷" in text and 'value="ABCD-EFGH-JKMN-PQ23"' in text
    assert "上海" not in text


def test_a_code_opens_only_its_own_questionnaires_response(client, survey):
    other = make_published(SURVEY, study=survey.study)
    _id, code = _submit(client, survey.slug)
    page = client.post(f"/s/{other.slug}/receipt", data={"code": code})
    assert "没有与该回执码对应的答卷" in page.get_data(as_text=True)


def test_the_download_holds_the_questions_answers_and_consent(client, survey):
    _id, code = _submit(client, survey.slug)
    reply = client.post(f"/s/{survey.slug}/receipt/download", data={"code": code})
    assert reply.mimetype == "application/json"
    assert f"my-response-{survey.slug}.json" in reply.headers["Content-Disposition"]
    copy = json.loads(reply.data)
    assert copy["questionnaire"] == "外卖配送体验调查"
    assert {"question": "您所在的城市", "answer": "上海"} in copy["answers"]
    assert copy["stored_answers"] == ANSWERS
    assert copy["submitted_at"] and copy["consent"] == {
        "notice_version": None,
        "given_at": None,
        "sensitive_information_given_at": None,
        "guardian": None,
    }
    assert client.post(f"/s/{survey.slug}/receipt/download", data={"code": "x"}).status_code == 404


def test_deleting_asks_for_a_tick_then_removes_the_response_and_its_codes(client, survey):
    response_id, code = _submit(client, survey.slug)
    kept_id, _kept = _submit(client, survey.slug, {**ANSWERS, "city": "bj"})
    code_row = Code(study_id=survey.study_id, name="准时")
    db.session.add(code_row)
    db.session.flush()
    db.session.add(
        AnswerCode(
            response_id=response_id,
            question_id="why",
            code_id=code_row.id,
            coder_id=survey.study.created_by_id,
        )
    )
    db.session.commit()

    unticked = client.post(f"/s/{survey.slug}/receipt/erase", data={"code": code})
    assert "请勾选确认框后再删除" in unticked.get_data(as_text=True)
    assert db.session.get(Response, response_id) is not None

    erased = client.post(f"/s/{survey.slug}/receipt/erase", data={"code": code, "confirm": "y"})
    assert "您的答卷已删除" in erased.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Response, response_id) is None
    assert db.session.get(Response, kept_id) is not None
    assert db.session.scalar(db.select(db.func.count()).select_from(AnswerCode)) == 0
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "response.erased_by_respondent")
    ).one()
    assert event.object_id == response_id and event.actor_id is None
    assert event.ip_address is None
    assert "上海" not in json.dumps(event.detail, ensure_ascii=False)
    again = client.post(f"/s/{survey.slug}/receipt", data={"code": code})
    assert "没有与该回执码对应的答卷" in again.get_data(as_text=True)


def test_a_closed_questionnaires_respondent_keeps_their_rights(client, survey):
    _id, code = _submit(client, survey.slug)
    questionnaires.close(survey)
    page = client.post(f"/s/{survey.slug}/receipt", data={"code": code})
    assert "上海" in page.get_data(as_text=True)


def test_a_draft_has_no_receipt_page(client, ctx):
    from tests.factories import make_questionnaire

    draft = make_questionnaire(SURVEY)
    assert client.get(f"/s/{draft.slug}/receipt").status_code == 404


def test_guessing_codes_is_rate_limited_per_address(database_url, tmp_path):
    limits = {"RATELIMIT_ENABLED": True, "RECEIPT_RATE_LIMIT": "3 per minute"}
    app = make_app(database_url, tmp_path / "instance", **limits)
    app.test_client_class = RequestPerContextClient
    with app.app_context():
        db.create_all()
        survey = make_published(SURVEY)
        client = app.test_client()
        statuses = [
            client.post(
                f"/s/{survey.slug}/receipt", data={"code": f"ABCD-EFGH-JKMN-PQ2{n}"}
            ).status_code
            for n in range(5)
        ]
        assert statuses == [200, 200, 200, 429, 429]
        db.session.remove()
        db.engine.dispose()
