"""The demo study's results, seen in a real Chromium: summary with charts, crosstab, responses.

`flask demo seed` runs on the test app (as `make run` does), the test logs in with the password
it wrote to instance/demo-login.txt, and screenshots go to docs/screenshots/.
"""

import re
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.demo import DEMO_EMAIL, DEMO_RESPONSES, DEMO_STUDY_TITLE
from app.extensions import db
from app.models import Questionnaire, Study
from tests.conftest import make_app
from tests.web import test_browser as base

pytestmark = pytest.mark.browser

browser = base.browser  # Chromium, launched once per module (test_browser.py)

ROW_TITLE = "您使用我们的 App 多久了？"  # user_type: loyal users recommend and rate higher
COL_TITLE = "总体而言，您对我们的 App 满意吗？"  # satisfaction


@pytest.fixture
def demo_site(tmp_path):
    """The real app on a free port, seeded by the `demo seed` command: (base URL, password,
    (study id, questionnaire id), the app) for tests that also act on the server's side."""
    with serving_demo(tmp_path) as site:
        yield site


@pytest.fixture
def demo_server(tmp_path):
    """The real app on a free port, seeded by the `demo seed` command."""
    with serving_demo(tmp_path) as (base_url, password, ids, _app):
        yield base_url, password, ids


@contextmanager
def serving_demo(tmp_path):
    """The demo app served on a free port until the block ends (both fixtures above)."""
    instance = tmp_path / "instance"
    app = make_app(f"sqlite:///{tmp_path / 'browser.sqlite3'}", instance)
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    email, password = (Path(instance) / "demo-login.txt").read_text().split()
    assert email == DEMO_EMAIL
    with app.app_context():
        study = db.session.scalar(db.select(Study).where(Study.title == DEMO_STUDY_TITLE))
        questionnaire = db.session.scalar(
            db.select(Questionnaire).where(Questionnaire.study_id == study.id)
        )
        ids = (study.id, questionnaire.id)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", password, ids, app
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def desk(browser):
    with base.desktop_page(browser, timeout_ms=20_000) as page:
        yield page


def log_in(page, base_url, password):
    base.log_in(page, base_url, DEMO_EMAIL, password)


def wait_for_charts(page, at_least: int):
    """Scroll every chart into view (they load lazily) and wait until each has decoded."""
    charts = page.locator("img.chart")
    expect(charts.nth(at_least - 1)).to_be_attached()
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.chart')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    widths = charts.evaluate_all("imgs => imgs.map(img => img.naturalWidth)")
    assert len(widths) >= at_least and all(w > 0 for w in widths), widths
    page.evaluate("window.scrollTo(0, 0)")


def test_demo_summary_charts_crosstab_and_flagged_toggle(demo_server, desk):
    base_url, password, (study_id, questionnaire_id) = demo_server
    page = desk
    log_in(page, base_url, password)
    results = f"{base_url}/studies/{study_id}/questionnaires/{questionnaire_id}/results/"
    page.goto(results)

    expect(page.get_by_text(f"{DEMO_RESPONSES} 份完整答卷")).to_be_visible()
    nps = page.locator("#summary-nps")
    expect(nps.get_by_text("NPS", exact=False).first).to_be_visible()
    expect(nps).to_contain_text(f"n = {DEMO_RESPONSES}")
    expect(nps.locator("p.fs-4")).to_have_text(re.compile(r"NPS -?\d+\.\d 95% 置信区间 \["))
    wait_for_charts(page, at_least=5)

    page.locator("#row").select_option(label=ROW_TITLE)
    page.locator("#col").select_option(label=COL_TITLE)
    page.locator("#crosstab").get_by_role("button", name="比较").click()
    sentence = page.locator(".crosstab-sentence")
    expect(sentence).to_contain_text(f"“{ROW_TITLE}”与“{COL_TITLE}”显著相关")
    expect(sentence).to_contain_text(f"n = {DEMO_RESPONSES}")
    assert page.locator("#row").input_value() == "user_type"
    assert page.locator("#col").input_value() == "satisfaction"

    page.get_by_role("link", name="排除被标记的答卷").click()
    expect(page.get_by_text("份被标记的答卷。")).to_contain_text("已排除")
    excluded = int(page.get_by_text("已排除").inner_text().split("已排除")[1].split("份")[0])
    assert excluded > 0
    expect(page.get_by_role("link", name="包含被标记的答卷")).to_be_visible()
    # The crosstab survives the toggle and is recomputed without the flagged responses.
    expect(sentence).to_contain_text(f"n = {DEMO_RESPONSES - excluded}")
    wait_for_charts(page, at_least=6)  # the crosstab's chart as well

    base.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(base.SCREENSHOTS / "results-summary.png"), full_page=True)
    assert page.errors == []


def test_demo_responses_and_one_response(demo_server, desk):
    base_url, password, (study_id, questionnaire_id) = demo_server
    page = desk
    log_in(page, base_url, password)
    page.goto(f"{base_url}/studies/{study_id}/questionnaires/{questionnaire_id}/results/responses")
    expect(page.locator(".response-count")).to_contain_text(str(DEMO_RESPONSES))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(50)
    rows.first.locator("a").click()
    page.wait_for_url("**/results/responses/*")
    expect(page.get_by_text(ROW_TITLE)).to_be_visible()
    expect(page.get_by_text("您有多大可能向朋友或同事推荐我们的 App？")).to_be_visible()
    page.screenshot(path=str(base.SCREENSHOTS / "results-response.png"), full_page=True)
    assert page.errors == []


def test_results_page_with_a_crosstab_fits_a_phone(demo_server, browser):
    """`.chart-crosstab`'s max-width once beat `img-fluid`'s: the page was 749 px wide."""
    base_url, password, (study_id, questionnaire_id) = demo_server
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, base_url, password)
    results = f"{base_url}/studies/{study_id}/questionnaires/{questionnaire_id}/results/"
    page.goto(f"{results}?row=user_type&col=satisfaction")
    expect(page.locator(".crosstab-sentence")).to_be_visible()
    wait_for_charts(page, at_least=6)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    crosstab = page.locator("img.chart-crosstab").bounding_box()
    assert crosstab["x"] + crosstab["width"] <= 390
    page.screenshot(path=str(base.SCREENSHOTS / "results-crosstab-phone.png"))
    context.close()
