"""Reports in a real Chromium: the dashboard's PDF button leads to the job page and a download
with a Chinese file name; a job still running shows its progress and the page follows it to
done by polling the status endpoint (the job interface will run jobs in a worker)."""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app import jobs
from app.demo import DEMO_EMAIL, DEMO_STUDY_TITLE
from app.extensions import db
from app.models import Job, JobStatus, Questionnaire, Study
from app.models.types import utcnow
from tests.conftest import make_app
from tests.web import test_browser as base

pytestmark = pytest.mark.browser

browser = base.browser


@pytest.fixture
def server(tmp_path):
    instance = tmp_path / "instance"
    app = make_app(f"sqlite:///{tmp_path / 'browser.sqlite3'}", instance)
    with app.app_context():
        db.create_all()
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    _, password = (Path(instance) / "demo-login.txt").read_text().split()
    with app.app_context():
        study = db.session.scalar(db.select(Study).where(Study.title == DEMO_STUDY_TITLE))
        questionnaire = db.session.scalar(
            db.select(Questionnaire).where(Questionnaire.study_id == study.id)
        )
        ids = (study.id, questionnaire.id)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{http.server_port}", password, ids
    http.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def desk(browser):
    with base.desktop_page(browser, timeout_ms=30_000) as page:
        yield page


def test_the_dashboards_pdf_button_builds_the_report_and_offers_it(server, desk):
    _app, url, password, (study_id, questionnaire_id) = server
    base.log_in(desk, url, DEMO_EMAIL, password)
    desk.goto(f"{url}/studies/{study_id}/findings/{questionnaire_id}/")
    desk.get_by_role("button", name="PDF 报告").click()
    expect(desk.locator("#job-state")).to_have_text("报告已生成。")
    expect(desk.locator("#job-percent")).to_have_text("100%")
    base.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    desk.screenshot(path=str(base.SCREENSHOTS / "report-job.png"), full_page=True)
    with desk.expect_download() as download:
        desk.locator("#job-download").click()
    name = download.value.suggested_filename
    assert name.startswith("移动端 App 满意度与推荐意愿调查 报告 ") and name.endswith(".pdf")
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    assert desk.errors == []


def test_a_running_job_shows_its_progress_and_the_page_follows_it_to_done(server, desk):
    app, url, password, (study_id, questionnaire_id) = server
    with app.app_context():
        job = Job(
            kind="report",
            params={"questionnaire_id": questionnaire_id, "format": "xlsx", "query": {}},
            study_id=study_id,
            status=JobStatus.RUNNING,
            progress=30,
            started_at=utcnow(),
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    base.log_in(desk, url, DEMO_EMAIL, password)
    desk.goto(f"{url}/studies/{study_id}/findings/jobs/{job_id}")
    expect(desk.locator("#job-percent")).to_have_text("30%")
    expect(desk.locator("#job-state")).to_have_text("正在生成报告…")
    expect(desk.locator("#job-download")).to_be_hidden()
    with app.app_context():  # what a worker does when it finishes
        folder = jobs.job_folder(job_id)
        folder.mkdir(parents=True)
        (folder / "report.xlsx").write_bytes(b"PK")
        row = db.session.get(Job, job_id)
        row.status, row.progress = JobStatus.DONE, 100
        row.result_path = f"jobs/{job_id}/report.xlsx"
        db.session.commit()
    expect(desk.locator("#job-state")).to_have_text("报告已生成。")
    expect(desk.locator("#job-percent")).to_have_text("100%")
    expect(desk.locator("#job-download")).to_be_visible()
    assert desk.errors == []
