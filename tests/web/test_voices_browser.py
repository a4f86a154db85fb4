"""The voices pages of the demo study in a real Chromium: the coding grid (two answers ticked
and coded, a rule previewed then applied, a theme turned into a code) and the quotes view with
a quote starred as evidence. Screenshots: docs/screenshots/voices-grid.png, voices-quotes.png.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.web import test_browser as base
from tests.web.test_findings_browser import desk  # noqa: F401
from tests.web.test_results_browser import demo_server, log_in  # noqa: F401

pytestmark = pytest.mark.browser

browser = base.browser


def open_grid(page, base_url, study_id):
    page.goto(f"{base_url}/studies/{study_id}/voices/")
    page.locator("main section.card ul a").first.click()
    page.wait_for_url(re.compile(r".*/voices/\d+/\w+$"))


def test_the_coding_grid_codes_by_hand_by_a_rule_and_from_a_theme(demo_server, desk):  # noqa: F811
    base_url, password, (study_id, _questionnaire_id) = demo_server
    page = desk
    log_in(page, base_url, password)
    open_grid(page, base_url, study_id)
    rows = page.locator("#answer-grid tbody tr")
    first, second = rows.nth(0), rows.nth(1)
    first.locator("input[type=checkbox]").check()
    second.locator("input[type=checkbox]").check()
    page.locator("#bulk-form select[name=code_id]").select_option(label="配送")
    page.locator("#bulk-form [name=apply]").click()
    expect(page.locator(".alert-success")).to_contain_text("2 条")
    expect(rows.nth(0).locator(".answer-code")).to_have_text(["配送"])
    expect(rows.nth(1).locator(".answer-code")).to_have_text(["配送"])

    page.locator("#autocode select[name=method]").select_option("keyword")
    page.locator("#autocode input[name=rule]").fill("弹窗")
    page.locator("#autocode select[name=code_id]").select_option(label="改进建议")
    page.locator("#autocode button[type=submit]").first.click()
    preview = page.locator("#autocode-preview")
    expect(preview).to_contain_text("该规则选中")
    picked = int(re.search(r"选中 (\d+) 条", preview.inner_text()).group(1))
    assert picked > 0
    page.locator("#autocode-apply").click()
    expect(page.locator(".alert-success")).to_contain_text(f"{picked} 条")

    page.locator("#themes a.btn").click()
    theme = page.locator("#themes .theme").first
    expect(theme).to_be_visible()
    count = int(re.search(r"(\d+) 条回答", theme.locator("p").first.inner_text()).group(1))
    theme.locator("input[name=name]").fill("主题一")
    theme.locator("form.theme-code button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(f"{count} 条")
    expect(page.locator("#answer-grid .answer-code", has_text="主题一")).not_to_have_count(0)

    page.locator("#aspects_by").select_option(index=2)
    page.locator("#aspect-form button[type=submit]").click()
    table = page.locator("#aspect-table")
    expect(table.locator("tbody tr").first).to_contain_text("负面")
    assert table.locator("thead th").count() >= 4  # aspect, all answers, two levels or more
    base.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(base.SCREENSHOTS / "voices-grid.png"), full_page=True)
    assert page.errors == []


def test_the_quotes_view_with_a_quote_starred(demo_server, desk):  # noqa: F811
    base_url, password, (study_id, _questionnaire_id) = demo_server
    page = desk
    log_in(page, base_url, password)
    page.goto(f"{base_url}/studies/{study_id}/voices/")
    page.locator("#quotes-link").click()
    page.locator("#source").select_option("highlight")
    page.locator("#apply-quote-filters").click()
    page.wait_for_url(re.compile(r".*source=highlight"))
    quotes = page.locator("#quotes .quote")
    expect(quotes).to_have_count(12)  # the demo interviews' highlights
    expect(quotes.first.locator("figcaption")).to_contain_text("访谈")
    quotes.first.locator("button.star-quote").click()
    expect(page.locator(".alert-success")).to_contain_text("已标为证据")
    expect(page.locator("#quotes .quote").first.locator("button.star-quote")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.locator("#source").select_option("")
    page.locator("#apply-quote-filters").click()
    expect(page.locator("#quotes .quote[data-source=answer]").first).to_be_visible()
    page.locator("#starred").check()
    page.locator("#apply-quote-filters").click()
    expect(page.locator("#quotes .quote")).to_have_count(1)
    page.locator("#starred").uncheck()
    page.locator("#source").select_option("highlight")
    page.locator("#apply-quote-filters").click()
    base.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(base.SCREENSHOTS / "voices-quotes.png"), full_page=True)
    assert page.errors == []
