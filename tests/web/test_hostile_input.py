"""Small hostile inputs (issue 30.8) get a 4xx with a message, never a 500, and store nothing:
JSON nested 5,000 levels, numbers past any column, workbooks and codebooks whose XML declares
entities or nests 5,000 levels."""

import io
import json
import uuid

import openpyxl
import pytest

from app.extensions import db
from app.models import AuditEvent, Code, Highlight, Questionnaire
from tests.factories import make_code, make_interview, make_published, study_with_roles
from tests.hostile import BILLION_LAUGHS, EXTERNAL, LAUGH, XXE, nested_codebook, with_entities

DEEP = ("[" * 5000 + "]" * 5000).encode()
SURVEY = {
    "schema_version": 1,
    "title": "外卖满意度",
    "language": "zh_CN",
    "pages": [{"id": "p1", "questions": [{"id": "nps", "type": "nps", "title": "推荐意愿"}]}],
}


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def coded(ctx, auth):
    study, _ = study_with_roles()
    interview = make_interview(study)
    code = make_code(study, "配送速度")
    auth.login("researcher@example.cn")
    return study, interview, interview.turns[1], code


def _highlights_url(study, interview) -> str:
    return f"/studies/{study.id}/interviews/{interview.id}/highlights"


def test_highlight_json_nested_5000_levels_is_refused_with_a_message(client, coded):
    study, interview, _, _ = coded
    reply = client.post(
        _highlights_url(study, interview), data=DEEP, content_type="application/json"
    )
    assert reply.status_code == 400
    assert reply.get_json() == {"error": "too_deep", "message": "JSON 嵌套层数过多（最多 32 层）。"}
    assert _count(Highlight) == 0


@pytest.mark.parametrize(
    "start",
    ["1e400", "-1e400", "NaN", "Infinity", "2.5", "true", "99999999999999999999"],
)
def test_highlight_offsets_must_be_finite_whole_numbers_in_range(client, coded, start):
    study, interview, turn, code = coded
    body = f'{{"turn": {turn.id}, "start": {start}, "end": 2, "codes": [{code.id}]}}'
    reply = client.post(
        _highlights_url(study, interview), data=body, content_type="application/json"
    )
    assert reply.status_code in (400, 422)
    assert reply.get_json()["message"]
    assert _count(Highlight) == 0


@pytest.mark.parametrize("field", ["turn", "codes"])
def test_highlight_ids_past_any_column_are_refused(client, coded, field):
    study, interview, turn, code = coded
    body = {"turn": turn.id, "start": 0, "end": 2, "codes": [code.id]}
    body[field] = 2**64 if field == "turn" else [2**64]
    reply = client.post(_highlights_url(study, interview), json=body)
    assert reply.status_code == 422
    assert _count(Highlight) == 0


@pytest.mark.parametrize("codes", [[1] * 51, "1234"])
def test_a_highlight_with_too_many_codes_or_no_list_is_refused_before_any_lookup(
    client, coded, codes
):
    """Each code id is looked up: 256 KB of ids would be tens of thousands of queries."""
    study, interview, turn, _code = coded
    body = {"turn": turn.id, "start": 0, "end": 2, "codes": codes}
    reply = client.post(_highlights_url(study, interview), json=body)
    assert reply.status_code == 422
    assert reply.get_json()["error"] == "too_many_codes" and "50" in reply.get_json()["message"]
    assert _count(Highlight) == 0


def test_draft_autosave_nested_5000_levels_is_refused_and_the_draft_kept(client, auth, ctx):
    questionnaire = make_published(SURVEY)
    auth.login("researcher@example.cn")
    url = f"/studies/{questionnaire.study_id}/questionnaires/{questionnaire.id}/draft"
    revision = questionnaire.draft_revision
    body = f'{{"revision": {revision}, "definition": '.encode() + DEEP + b"}"
    reply = client.put(url, data=body, content_type="application/json")
    assert reply.status_code == 400
    assert "嵌套层数过多" in reply.get_json()["error"]
    db.session.refresh(questionnaire)
    assert (questionnaire.draft, questionnaire.draft_revision) == (SURVEY, revision)


def test_questionnaire_json_nested_5000_levels_is_refused_beside_the_file(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    reply = client.post(
        f"/studies/{study.id}/questionnaires/import",
        data={"file": (io.BytesIO(b'{"pages": ' + DEEP + b"}"), "深.json")},
        content_type="multipart/form-data",
    )
    assert reply.status_code == 422
    assert "嵌套层数过多" in reply.get_data(as_text=True)
    assert _count(Questionnaire) == 0


def _xlsform() -> bytes:
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    survey.append(["text", "city", "您住在哪个城市？"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("prologue", "reference"), [(BILLION_LAUGHS, LAUGH), (EXTERNAL, XXE)], ids=["bomb", "xxe"]
)
def test_xlsx_whose_xml_declares_entities_is_not_a_valid_excel_file(
    client, auth, ctx, prologue, reference
):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    hostile = with_entities(_xlsform(), "xl/worksheets/sheet1.xml", prologue, "city", reference)
    reply = client.post(
        f"/studies/{study.id}/questionnaires/import",
        data={"file": (io.BytesIO(hostile), "问卷.xlsx")},
        content_type="multipart/form-data",
    )
    page = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert "不是有效的 Excel 工作簿" in page
    assert "root:" not in page and "lollol" not in page
    assert _count(Questionnaire) == 0


@pytest.mark.parametrize(
    "tail",
    [
        "/results/responses?page=922337203685477581",
        "/results/responses?page=-922337203685477581",
        "/results/responses?version=9223372036854775808",
        "/results/responses.csv?version=9223372036854775808",
        "/preview?version=9223372036854775808",
        "/export.json?version=9223372036854775808",
        "/results/responses/9223372036854775808",
        "/versions/99999999999999999999",
        "/results/responses/3000000000",  # past PostgreSQL's INTEGER, within SQLite's
        "/versions/3000000000",
    ],
)
def test_numbers_past_any_column_in_results_urls_are_not_an_error(client, auth, ctx, tail):
    questionnaire = make_published(SURVEY)
    auth.login("viewer@example.cn")
    base = f"/studies/{questionnaire.study_id}/questionnaires/{questionnaire.id}"
    reply = client.get(base + tail)
    assert reply.status_code in (200, 404)
    if reply.status_code == 200 and "version=" in tail:
        assert "2147483647" in reply.get_data(as_text=True)  # beside the field


def test_coder_ids_past_any_column_on_the_analysis_page(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("viewer@example.cn")
    url = f"/studies/{study.id}/interviews/analysis?coder_a=1&coder_b=99999999999999999999"
    assert client.get(url).status_code == 404


def test_a_qdc_nested_5000_levels_is_refused_with_a_message(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    reply = client.post(
        f"/studies/{study.id}/interviews/codes/import",
        data={"file": (io.BytesIO(nested_codebook(5000)), "深.qdc")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert reply.status_code == 200
    assert "编码簿的编码嵌套超过 50 层，未导入任何编码。" in reply.get_data(as_text=True)
    assert _count(Code) == 0
    assert (
        db.session.scalar(db.select(db.func.count()).where(AuditEvent.action == "codebook.import"))
        == 0
    )


def test_submits_are_unaffected_by_the_hostile_requests(client, coded):
    study, interview, _, _ = coded
    client.post(_highlights_url(study, interview), data=DEEP, content_type="application/json")
    slug = make_published(SURVEY, study=study).slug
    reply = client.post(
        f"/s/{slug}/submit",
        data=json.dumps({"answers": {"nps": 9}}),
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert reply.status_code == 201
