"""Findings reports: the PDF's text (read back by pdftotext) holds the Chinese titles and the key
metrics, the XLSX its sheets and the numbers of `metric_result`, both built by one job that the
web page and `flask reports export` submit; another study's member cannot see the job."""

import re
import shutil
import subprocess
import sys
from urllib.parse import unquote

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from analysis.findings.metrics import metric_result
from analysis.findings.query import Query
from app import jobs
from app.extensions import db
from app.findings.data import findings_data
from app.findings.labels import metric_value
from app.findings.reports import submit_report
from app.models import Job, JobStatus, Role, StudyStatus
from app.permissions import StudyAccess
from tests.conftest import make_app
from tests.definitions import definition, nps, page, rating, short_text, single_choice
from tests.factories import (
    DEFAULT_PASSWORD,
    make_published,
    make_study,
    make_user,
    submit_all,
)

SURVEY = definition(
    page(
        "p1",
        single_choice("tier", "城市等级", [("t1", "一线"), ("t2", "二线")], required=True),
        nps(required=True),
    ),
    page("p2", rating(), short_text("why", "您最希望改进什么")),
    title="外卖 App 满意度",
)
# NPS by hand: 28 promoters (9–10) and 18 detractors (0–6) of 60 → 100 × 10 / 60 = +16.7
SCORES = [10] * 24 + [8] * 8 + [3] * 8 + [9] * 4 + [7] * 6 + [2] * 10
WHY = ["配送速度太慢了", "配送员态度很好", "希望优惠券更多", "配送速度可以再快一点"]

pdftotext = shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(pdftotext is None, reason="pdftotext (poppler-utils) missing")


@pytest.fixture
def survey(ctx):
    owner = make_user("owner@example.cn")
    viewer = make_user("viewer@example.cn")
    study = make_study(owner, title="外卖满意度季度研究", members={viewer: Role.VIEWER})
    questionnaire = make_published(SURVEY, study=study)
    submit_all(
        questionnaire,
        [
            {"tier": "t1" if i < 40 else "t2", "nps": s, "stars": 4 if i < 40 else 2,
             "why": WHY[i % 4]}
            for i, s in enumerate(SCORES)
        ],
    )  # fmt: skip
    return questionnaire


def metrics_of(questionnaire, query=None):
    data = findings_data(questionnaire, query or Query.of())
    return {
        spec["kind"]: metric_result(data.definition, data.frame, spec, min_n=data.min_n)
        for spec in [{"kind": "nps", "question": "nps"}, {"kind": "csat", "question": "stars"}]
    }


def pdf_text(path) -> str:
    return subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


@needs_poppler
def test_the_pdf_holds_the_chinese_titles_and_the_metric_values_as_text(survey):
    job = submit_report(survey, Query.of(), "pdf", actor=None, locale="zh_CN")
    assert job.status is JobStatus.DONE, job.error
    text = pdf_text(jobs.result_file(job))
    for title in ("外卖满意度季度研究", "外卖 App 满意度", "关键指标", "城市等级", "推荐意愿"):
        assert title in text
    metrics = metrics_of(survey)
    assert round(metrics["nps"]["value"], 6) == round(100 * (28 - 18) / 60, 6)
    assert "+17" in text
    assert f"{metrics['csat']['value']:.1f}%" in text  # 66.7%: the 40 who gave 4 of 5 stars
    low, high = (metric_value("points", v) for v in metrics["nps"]["ci"])
    assert f"{low} 至 {high}" in text  # its interval, from the same metric_result
    assert "暂无显著差异" in text  # no insight stored: nothing claimed
    assert "配送" in text  # a keyword of the open answers
    assert "配送速度太慢了" not in text  # never an answer itself


@needs_poppler
def test_a_segment_under_the_minimum_n_is_greyed_with_the_reason(survey):
    job = submit_report(survey, Query.of({"tier": ["t2"]}), "pdf", actor=None, locale="zh_CN")
    text = pdf_text(jobs.result_file(job))
    assert "城市等级: 二线" in text
    assert "仅 20 份回答，少于最低样本量 30" in text
    assert f"{metrics_of(survey, Query.of({'tier': ['t2']}))['nps']['value']:+.0f}" in text


def test_the_xlsx_has_its_sheets_and_the_numbers_of_metric_result(survey):
    job = submit_report(survey, Query.of(), "xlsx", actor=None, locale="zh_CN")
    book = load_workbook(jobs.result_file(job))
    assert book.sheetnames == ["摘要", "tier", "nps", "stars", "why", "洞察", "数据字典"]
    rows = [[c.value for c in row] for row in book["摘要"].iter_rows()]
    header = rows.index(["指标", "题目", "值", "区间下限", "区间上限", "n", "低于最低样本量"])
    by_title = {row[1]: row for row in rows[header + 1 :]}
    for kind, title in (("nps", "推荐意愿"), ("csat", "总体评分")):
        expected = metrics_of(survey)[kind]
        row = by_title[title]
        assert row[2:6] == pytest.approx([expected["value"], *expected["ci"], expected["n"]])
        assert row[6] == "否"
    tier = [[c.value for c in row] for row in book["tier"].iter_rows()]
    assert ["一线", "t1", 40, pytest.approx(100 * 40 / 60)] == tier[-2][:4]
    why = list(book["why"].iter_rows(values_only=True))
    assert why[-1][0] == "关键词" and why[-1][1].startswith("配送")
    assert not any("配送速度太慢了" in str(cell) for row in why for cell in row)
    assert [r[0] for r in book["洞察"].iter_rows(values_only=True)] == ["洞察", "暂无显著差异"]
    dictionary = list(book["数据字典"].iter_rows(values_only=True))
    assert ("tier", "single_choice", "城市等级", "tier", "t1=一线; t2=二线") in dictionary


def test_the_cli_writes_the_report_through_the_same_job(survey, runner, tmp_path):
    out = tmp_path / "报告.xlsx"
    args = ["reports", "export", "--study", str(survey.study_id), "--format", "xlsx"]
    result = runner.invoke(args=[*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "摘要" in load_workbook(out).sheetnames
    assert db.session.scalar(db.select(Job)).params["questionnaire_id"] == survey.id
    missing = runner.invoke(args=[*args, "--out", str(out), "--wave", "2"])
    assert missing.exit_code == 1 and "has no wave 2" in missing.output
    unknown = runner.invoke(args=["reports", "export", "--study", "999", "--format", "pdf",
                                  "--out", str(out)])  # fmt: skip
    assert unknown.exit_code == 1 and "no study with id 999" in unknown.output


def test_a_failing_report_job_is_marked_failed_and_its_page_shows_why(client, auth, survey):
    params = {"questionnaire_id": survey.id + 999, "format": "pdf", "query": {}, "locale": "zh_CN"}
    job = jobs.submit("report", params, study_id=survey.study_id, actor=None)
    assert job.status is JobStatus.FAILED
    assert job.error == "这份报告的问卷已不存在。"
    auth.login("viewer@example.cn")
    html = client.get(f"/studies/{survey.study_id}/findings/jobs/{job.id}").get_data(as_text=True)
    assert "这份报告的问卷已不存在。" in html and "无法生成报告" in html
    status = client.get(f"/studies/{survey.study_id}/findings/jobs/{job.id}/status").get_json()
    assert status["status"] == "failed" and status["download_url"] is None


def test_a_member_asks_for_a_report_follows_the_job_and_downloads_it(client, auth, survey):
    auth.login("viewer@example.cn")
    base = f"/studies/{survey.study_id}/findings"
    index = client.get(f"{base}/").get_data(as_text=True)
    assert f'action="{base}/{survey.id}/reports"' in index
    dashboard = client.get(f"{base}/{survey.id}/?seg.tier=t1").get_data(as_text=True)
    assert f'action="{base}/{survey.id}/reports?seg.tier=t1"' in dashboard
    reply = client.post(f"{base}/{survey.id}/reports?seg.tier=t1", data={"format": "xlsx"})
    assert reply.status_code == 302
    job = db.session.scalar(db.select(Job))
    assert reply.location.endswith(f"{base}/jobs/{job.id}")
    assert job.params["query"]["segments"] == {"tier": ["t1"]}
    page_ = client.get(reply.location).get_data(as_text=True)
    assert 'id="job-progress"' in page_ and f"{base}/jobs/{job.id}/download" in page_
    status = client.get(f"{base}/jobs/{job.id}/status").get_json()
    assert status == {
        "id": job.id,
        "status": "done",
        "progress": 100,
        "error": None,
        "download_url": f"{base}/jobs/{job.id}/download",
        "cancel_url": None,  # finished
    }
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = download.headers["Content-Disposition"]
    assert "attachment" in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]).startswith("外卖 App 满意度 报告 ")
    assert client.post(f"{base}/{survey.id}/reports", data={"format": "doc"}).status_code == 400


def test_another_studys_member_gets_404_for_the_job_and_its_file(client, auth, survey):
    job = submit_report(survey, Query.of(), "xlsx", actor=None, locale="zh_CN")
    stranger = make_user("stranger@example.cn")
    other = make_study(stranger)
    auth.login("stranger@example.cn")
    own = f"/studies/{survey.study_id}/findings"
    theirs = f"/studies/{other.id}/findings"
    for tail in ("", "/status", "/download"):
        assert client.get(f"{own}/jobs/{job.id}{tail}").status_code == 404
        assert client.get(f"{theirs}/jobs/{job.id}{tail}").status_code == 404
    assert client.post(f"{own}/{survey.id}/reports", data={"format": "pdf"}).status_code == 404
    assert client.post(f"{theirs}/{survey.id}/reports", data={"format": "pdf"}).status_code == 404


def test_every_member_may_export_also_from_an_archived_study(survey):
    study = survey.study
    study.status = StudyStatus.ARCHIVED
    for role in Role:
        assert StudyAccess(study=study, role=role).can("export_findings")
    assert not StudyAccess(study=study, role=Role.OWNER).can("share_findings")


def test_the_report_buttons_post_with_a_csrf_token(database_url, tmp_path):
    app = make_app(database_url, tmp_path / "csrf", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        study = make_study(make_user("owner@example.cn"))
        questionnaire = make_published(SURVEY, study=study)
        submit_all(questionnaire, [{"tier": "t1", "nps": 9, "stars": 5}] * 3)
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        form = {"email": "owner@example.cn", "password": DEFAULT_PASSWORD, "csrf_token": token}
        assert client.post("/login", data=form).status_code == 302
        base = f"/studies/{study.id}/findings"
        index = client.get(f"{base}/").get_data(as_text=True)
        button = re.search(r'name="csrf_token" value="([^"]+)"', index).group(1)
        url = f"{base}/{questionnaire.id}/reports"
        assert client.post(url, data={"format": "xlsx"}).status_code == 400
        assert client.post(url, data={"format": "xlsx", "csrf_token": button}).status_code == 302
        db.session.remove()
        db.engine.dispose()


def test_without_weasyprint_or_pango_the_pdf_job_fails_saying_what_to_install(survey, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as without Pango
    job = submit_report(survey, Query.of(), "pdf", actor=None, locale="zh_CN")
    assert job.status is JobStatus.FAILED
    assert job.error == "PDF 报告需要服务器安装 Pango 库（以 root 运行 make system-deps）。"


@needs_poppler
def test_stored_insights_are_the_reports_sentences_and_a_stale_scan_says_so(survey):
    from app.findings import insights
    from app.findings.insight_sentences import insight_summaries
    from app.responses import submission

    survey.study.min_n = 10  # 二线 has 20 respondents: a segment under the minimum is not claimed
    db.session.commit()
    with force_locale("zh_CN"):
        insights.run_scan(survey, Query.of(), None)
        sentences = [s["sentence"] for s in insight_summaries(survey, Query.of())]
    assert any("城市等级" in s or "一线" in s or "二线" in s for s in sentences), sentences
    job = submit_report(survey, Query.of(), "pdf", actor=None, locale="zh_CN")
    flat = "".join(pdf_text(jobs.result_file(job)).split())
    assert all("".join(s.split()) in flat for s in sentences)
    assert "暂无显著差异" not in flat and "扫描之后又有新的答卷" not in flat
    book = load_workbook(jobs.result_file(submit_report(survey, Query.of(), "xlsx", actor=None,
                                                         locale="zh_CN")))  # fmt: skip
    assert [r[0] for r in book["洞察"].iter_rows(values_only=True)][1:] == sentences
    answers = {"tier": "t1", "nps": 10, "stars": 5}
    submission.submit(survey.latest_version, "one-more", answers, secret="test-secret")
    stale = submit_report(survey, Query.of(), "pdf", actor=None, locale="zh_CN")
    flat = "".join(pdf_text(jobs.result_file(stale)).split())
    assert "".join(sentences[0].split()) in flat and "扫描之后又有新的答卷" in flat


@needs_poppler
def test_the_pdf_lists_the_open_needs_of_highest_priority(survey):
    from app.models import Need, NeedStatus

    study = survey.study
    for statement, status, reach in [
        ("结账时保存常用地址", NeedStatus.ACCEPTED, 400.0),  # RICE 400 × 1 × 100% ÷ 1 = 400
        ("三线城市配送提速", NeedStatus.NEW, 900.0),
        ("已上线的需求", NeedStatus.DONE, 5000.0),  # done: not in the list
    ]:
        db.session.add(
            Need(study_id=study.id, statement=statement, status=status, reach=reach,
                 impact=1.0, confidence=100.0, effort=1.0)
        )  # fmt: skip
    db.session.commit()
    job = submit_report(survey, Query.of(), "pdf", actor=None, locale="zh_CN")
    text = pdf_text(jobs.result_file(job))
    assert "优先需求" in text
    assert text.index("三线城市配送提速") < text.index("结账时保存常用地址")
    assert "900.0" in text and "已上线的需求" not in text
