"""Answers to questions flagged personal or sensitive are never analysed (issue 28.3): they are
in none of the results page, its open-answer pages, the findings dashboard, a share link or
the findings report."""

import re

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import Role
from app.results.table import response_frame
from tests.definitions import definition, long_text, nps, single_choice
from tests.factories import make_published, make_study, make_user, submit_all

ADDRESS = "杭州市西湖区文三路八十八号"
SURVEY = definition(
    single_choice("tier", "城市等级", [("t1", "一线"), ("t2", "二线")], required=True),
    nps(required=True),
    long_text("why", "原因"),
    long_text("address", "您的家庭住址", privacy="personal"),
    single_choice(
        "illness",
        "您是否患有慢性病",
        [("none", "没有"), ("diabetes", "糖尿病")],
        privacy="sensitive",
    ),
    title="结账满意度",
)


@pytest.fixture
def survey(ctx):
    owner = make_user("owner@example.cn")
    study = make_study(owner, members={make_user("viewer@example.cn"): Role.VIEWER})
    questionnaire = make_published(SURVEY, study=study)
    answers = [
        {"tier": "t1", "nps": 9, "why": "配送快", "address": ADDRESS, "illness": "diabetes"}
    ] * 35 + [{"tier": "t2", "nps": 3, "why": "退款慢", "address": ADDRESS}] * 10
    submit_all(questionnaire, answers)
    return questionnaire


def assert_nothing_personal(text: str) -> None:
    assert ADDRESS not in text
    assert "糖尿病" not in text and "慢性病" not in text
    assert "家庭住址" not in text


def test_the_response_table_for_analysis_has_no_flagged_column(survey):
    frame = response_frame(survey)
    assert "address" not in frame.columns and "illness" not in frame.columns
    assert list(frame["why"][:1]) == ["配送快"]


def test_results_findings_and_the_share_link_show_no_personal_answer(client, auth, survey):
    auth.login("owner@example.cn")
    base = f"/studies/{survey.study_id}"
    results = client.get(f"{base}/questionnaires/{survey.id}/results/")
    assert results.status_code == 200 and "城市等级" in results.get_data(as_text=True)
    assert_nothing_personal(results.get_data(as_text=True))
    texts = client.get(f"{base}/questionnaires/{survey.id}/results/text/address")
    assert texts.status_code == 404
    findings = client.get(f"{base}/findings/{survey.id}/")
    assert findings.status_code == 200 and "45" in findings.get_data(as_text=True)
    assert_nothing_personal(findings.get_data(as_text=True))

    made = client.post(
        f"{base}/findings/{survey.id}/shares", data={"expires": "30", "label": "产品周会"}
    )
    assert made.status_code == 302
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    token = re.search(r'id="new-share-url" readonly value="[^"]*/shared/([^"]+)"', page).group(1)
    auth.logout()
    shared = client.get(f"/shared/{token}")
    assert shared.status_code == 200 and "45" in shared.get_data(as_text=True)
    assert_nothing_personal(shared.get_data(as_text=True))


def test_the_findings_report_holds_no_personal_answer(survey, runner, tmp_path):
    out = tmp_path / "报告.xlsx"
    args = ["reports", "export", "--study", str(survey.study_id), "--format", "xlsx"]
    result = runner.invoke(args=[*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    cells = " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )
    assert "城市等级" in cells
    assert_nothing_personal(cells)
    db.session.rollback()
