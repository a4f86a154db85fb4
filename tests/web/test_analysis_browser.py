"""The analysis builder in a real Chromium on the seeded demo study: a banner table with its
significance letters and a group comparison, each explained in Chinese."""

import pytest
from playwright.sync_api import expect

from tests.web import test_browser as base
from tests.web.test_results_browser import demo_server, desk, log_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

browser = base.browser  # Chromium, launched once per module (test_browser.py)


def test_a_banner_and_a_comparison_on_the_demo_study(demo_server, desk):  # noqa: F811
    base_url, password, (study_id, questionnaire_id) = demo_server
    page = desk
    log_in(page, base_url, password)
    page.goto(f"{base_url}/studies/{study_id}/questionnaires/{questionnaire_id}/results/")
    page.get_by_role("link", name="分析", exact=True).click()
    page.wait_for_url("**/results/analysis")

    page.locator("#kind").select_option("banner")
    page.locator("#row").select_option("satisfaction")
    page.locator("#columns").select_option(["user_type", "city_tier"])
    page.get_by_role("button", name="运行").click()
    result = page.locator("#analysis-result")
    expect(result.locator(".analysis-base")).to_contain_text("n = 300")
    expect(result.locator("table.analysis-banner")).to_contain_text("1 年以上")
    expect(result.locator("sub.sig-letter").first).to_be_visible()
    explanation = result.locator(".analysis-explanation")
    expect(explanation).to_contain_text("显著高于")
    expect(explanation).to_contain_text("z 检验，Bonferroni 校正，α = 0.05")
    assert page.locator("#row").input_value() == "satisfaction"  # the choices are kept

    page.locator("#kind").select_option("compare")
    page.locator("#metric").select_option("nps")
    page.locator("#by").select_option("user_type")
    page.get_by_role("button", name="运行").click()
    explanation = page.locator("#analysis-result .analysis-explanation")
    expect(explanation).to_contain_text("差异显著：在 95 % 置信水平下")
    expect(explanation).to_contain_text("Welch 方差分析")
    expect(page.locator("#analysis-result table.analysis-groups")).to_contain_text("不到 3 个月")
    page.screenshot(path=str(base.SCREENSHOTS / "results-analysis.png"), full_page=True)
    assert page.errors == []
