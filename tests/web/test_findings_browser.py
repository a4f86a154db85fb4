"""The findings pages of the demo study in a real Chromium: the dashboard with a segment
filter, and a share link made there and opened by someone without an account.

`flask demo seed` runs on the test app (as `make run` does); screenshots go to
docs/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

from app.demo import DEMO_RESPONSES
from tests.web import test_browser as base
from tests.web.test_results_browser import demo_server, log_in, wait_for_charts  # noqa: F401

pytestmark = pytest.mark.browser

browser = base.browser


@pytest.fixture
def desk(browser):
    with base.desktop_page(browser, timeout_ms=30_000) as page:
        yield page


def open_dashboard(page, base_url, study_id):
    page.goto(f"{base_url}/studies/{study_id}/findings/")
    page.locator("main ul.list-group a").first.click()
    page.wait_for_url(re.compile(r".*/findings/\d+/$"))


def test_the_dashboard_with_a_segment_filter(demo_server, desk):  # noqa: F811
    base_url, password, (study_id, _questionnaire_id) = demo_server
    page = desk
    log_in(page, base_url, password)
    open_dashboard(page, base_url, study_id)
    expect(page.locator("#remaining")).to_contain_text(f"全部 {DEMO_RESPONSES} 份完整回答")
    nps = page.locator('[data-metric="nps:nps"]')
    expect(nps).to_contain_text(f"n={DEMO_RESPONSES}")
    expect(nps).to_contain_text("95% 置信区间")
    expect(page.locator("#page-funnel tbody tr")).to_have_count(3)
    wait_for_charts(page, at_least=5)

    page.get_by_label(re.compile(r"^25–34 岁")).check()
    page.locator("#apply-filters").click()
    page.wait_for_url(re.compile(r".*seg\.age_group=25-34"))
    remaining = page.locator("#remaining").inner_text()
    kept = int(re.search(r"剩余 (\d+) 份", remaining).group(1))
    assert 0 < kept < DEMO_RESPONSES
    expect(nps).to_contain_text(f"n={kept}")
    expect(page.get_by_label(re.compile(r"^25–34 岁"))).to_be_checked()
    wait_for_charts(page, at_least=5)
    base.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(base.SCREENSHOTS / "findings-dashboard.png"), full_page=True)
    assert page.errors == []


def test_a_share_link_opened_without_an_account(demo_server, desk, browser):  # noqa: F811
    base_url, password, (study_id, _questionnaire_id) = demo_server
    page = desk
    log_in(page, base_url, password)
    open_dashboard(page, base_url, study_id)
    page.locator("#share-button").click()
    page.get_by_label("名称（仅自己可见）").fill("产品周会")
    page.get_by_label("有效期").select_option("7")
    page.get_by_role("button", name="创建分享链接").click()
    link = page.locator("#new-share-url").input_value()
    assert "/shared/" in link
    expect(page.locator("#share-list")).to_contain_text("产品周会")

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    anonymous = context.new_page()
    anonymous.goto(link)
    expect(anonymous.locator("#shared-notice")).to_contain_text("只读")
    expect(anonymous.locator('[data-metric="nps:nps"]')).to_contain_text(f"n={DEMO_RESPONSES}")
    expect(anonymous.get_by_role("link", name="答卷")).to_have_count(0)
    charts = anonymous.locator("img.chart")
    expect(charts.first).to_be_attached()
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
    anonymous.wait_for_function(
        "() => [...document.querySelectorAll('img.chart')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    anonymous.evaluate("window.scrollTo(0, 0)")
    anonymous.screenshot(path=str(base.SCREENSHOTS / "findings-shared.png"), full_page=True)

    page.get_by_role("button", name="撤销").click()
    expect(page.locator("#share-list")).to_contain_text("已撤销")
    gone = anonymous.goto(link)
    assert gone.status == 404
    context.close()
    assert page.errors == []
