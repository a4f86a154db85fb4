"""The demo study's insights in a real Chromium: scan, the ranked sentences, one insight with
its chart. Screenshot: docs/screenshots/findings-insights.png (and findings-insight.png)."""

import pytest
from playwright.sync_api import expect

from tests.web import test_browser as base
from tests.web.test_results_browser import demo_server, desk, log_in, wait_for_charts

pytestmark = pytest.mark.browser

browser = base.browser
__all__ = ["browser", "demo_server", "desk"]  # fixtures used by name below


def test_demo_insights_scan_list_and_one_insight(demo_server, desk):
    base_url, password, (study_id, questionnaire_id) = demo_server
    page = desk
    log_in(page, base_url, password)
    page.goto(f"{base_url}/studies/{study_id}/findings/")
    page.locator(".findings-insights-link").first.click()
    page.wait_for_url(f"**/findings/{questionnaire_id}/insights")
    expect(page.locator("#no-scan")).to_be_visible()

    page.get_by_role("button", name="扫描").click()
    items = page.locator("#insight-list .insight-item")
    expect(items.first).to_be_visible()
    expect(items.first).to_contain_text("用户")
    expect(items.first).to_contain_text("95% 区间")
    expect(page.locator("#scan-meta")).to_contain_text("组比较")
    base.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(base.SCREENSHOTS / "findings-insights.png"), full_page=True)

    sentence = items.first.inner_text()
    items.first.locator("a").click()
    page.wait_for_url("**/insights/*")
    expect(page.locator("#insight-sentence")).to_have_text(sentence)
    wait_for_charts(page, at_least=1)
    expect(page.locator("#insight-numbers")).to_be_visible()
    page.screenshot(path=str(base.SCREENSHOTS / "findings-insight.png"), full_page=True)
    assert page.errors == []
