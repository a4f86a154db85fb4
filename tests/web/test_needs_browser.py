"""The needs board of the demo study in a real Chromium: a need made from an insight (with its
segment and an outcome metric) and one from an interview quote, a card dragged across the
board and moved to done, then the next wave run and the need showing its metric before and
after. Screenshots: docs/screenshots/needs-board.png, needs-table.png, needs-need.png and
needs-trends.png."""

import random
import re

import pytest
from playwright.sync_api import expect

from app.demo_answers import demo_answers
from app.extensions import db
from app.findings.waves import start_next_wave
from app.models import Questionnaire, User
from app.questionnaires import services as questionnaires
from app.responses import submission
from tests.web import test_browser as base
from tests.web.test_findings_browser import desk  # noqa: F401
from tests.web.test_results_browser import demo_site, log_in, wait_for_charts  # noqa: F401

pytestmark = pytest.mark.browser

browser = base.browser

WAVE_3_RESPONSES = 60


def column(page, status):
    return page.locator(f'.needs-column[data-status="{status}"]')


def run_wave_3(app, wave_2_id: int) -> None:
    """What the researchers do between the two visits: the next wave, published and answered
    (recommendations up by two points: the change shipped)."""
    with app.app_context():
        wave_2 = db.session.get(Questionnaire, wave_2_id)
        owner = db.session.get(User, wave_2.created_by_id)
        wave_3 = start_next_wave(wave_2, owner)
        questionnaires.publish(wave_3, owner)
        rng = random.Random(3)
        for number in range(WAVE_3_RESPONSES):
            answers, _duration = demo_answers(rng, 2)
            answers["nps"] = min(10, int(answers["nps"]) + 2)
            submission.submit(wave_3.latest_version, f"wave3-{number}", answers, secret="s")
        db.session.commit()


def test_needs_from_an_insight_and_a_quote_across_the_board_to_before_and_after(
    demo_site,  # noqa: F811
    desk,  # noqa: F811
):
    base_url, password, (study_id, _first_wave), app = demo_site
    page = desk
    log_in(page, base_url, password)

    # 1. from an insight: the demo's planted difference (25–34 recommend less)
    page.goto(f"{base_url}/studies/{study_id}/findings/")
    page.locator(".findings-insights-link").first.click()
    page.wait_for_url("**/findings/*/insights")
    wave_2_id = int(re.search(r"/findings/(\d+)/insights", page.url).group(1))
    page.get_by_role("button", name="扫描").click()
    page.locator("#insight-list .insight-item", has_text="25–34 岁用户的 NPS").first.locator(
        "a"
    ).click()
    page.wait_for_url("**/insights/*")
    page.locator("#need-from-insight").first.click()
    statement = page.get_by_label("需求", exact=True)
    expect(statement).to_have_value(re.compile("25–34 岁用户的 NPS"))
    statement.fill("25–34 岁用户更不愿推荐：优化他们常用的结账流程")
    page.get_by_label("需求类别").select_option(label="体验")
    page.get_by_label("完成后应改善的指标").select_option(index=1)
    outcome = page.get_by_label("完成后应改善的指标").locator("option:checked").inner_text()
    assert "(nps)" in outcome
    page.get_by_role("button", name="保存需求").click()
    expect(page.locator(".alert-success")).to_contain_text("需求已创建")
    insight_need = page.url
    expect(page.locator("#need-segments")).to_contain_text("25–34")
    expect(page.locator('#need-evidence tr[data-kind="insight"]')).to_have_count(1)
    expect(page.locator("#before-after-waiting")).to_be_visible()

    # 2. from an interview quote
    page.goto(f"{base_url}/studies/{study_id}/voices/quotes?source=highlight")
    quote = page.locator("#quotes .quote").first
    quote_text = quote.locator("blockquote").inner_text().strip("“”")
    quote.locator(".need-from-quote").click()
    expect(page.get_by_label("需求", exact=True)).to_have_value(
        re.compile(re.escape(quote_text[:6]))
    )
    page.get_by_role("button", name="保存需求").click()
    expect(page.locator('#need-evidence tr[data-kind="highlight"]')).to_have_count(1)

    # 3. across the board: drag the quote's need to 进行中, move the insight's need to done
    page.goto(f"{base_url}/studies/{study_id}/needs/")
    new = column(page, "new")
    expect(new.locator(".need-card")).to_have_count(2)
    card = new.locator(".need-card").last
    card.drag_to(column(page, "in_progress"))
    expect(column(page, "in_progress").locator(".need-card")).to_have_count(1)
    expect(column(page, "in_progress").locator("h2 .badge")).to_have_text("1")
    page.reload()
    expect(column(page, "in_progress").locator(".need-card")).to_have_count(1)
    first = column(page, "new").locator(".need-card").first
    first.locator("select[name=status]").select_option(label="已完成")
    first.get_by_role("button", name="移动").click()
    expect(column(page, "done").locator(".need-card")).to_contain_text("25–34")
    base.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(base.SCREENSHOTS / "needs-board.png"), full_page=True)

    page.get_by_role("link", name="表格").click()
    expect(page.locator("#needs-table tbody tr")).to_have_count(2)
    expect(page.locator("#needs-table")).to_contain_text("年龄")  # the segment column
    page.screenshot(path=str(base.SCREENSHOTS / "needs-table.png"), full_page=True)

    # 4. the next wave measures it again
    run_wave_3(app, wave_2_id)
    page.goto(insight_need)
    expect(page.locator("#need-status")).to_have_text("已完成")
    loop = page.locator("#before-after")
    expect(loop).to_be_visible()
    expect(loop).to_contain_text("第 2 轮")
    expect(loop).to_contain_text("第 3 轮")
    expect(page.locator("#loop-difference")).to_contain_text(re.compile(r"差异 \+\d"))
    expect(page.locator("#need-history")).to_contain_text("已完成")
    kept = page.get_by_label("完成后应改善的指标").locator("option:checked")
    expect(kept).to_have_text(re.compile(r"#2 · .*\(nps\)"))  # still wave 2's, not dropped
    page.screenshot(path=str(base.SCREENSHOTS / "needs-need.png"), full_page=True)

    page.goto(f"{base_url}/studies/{study_id}/needs/trends")
    wait_for_charts(page, at_least=4)
    expect(page.locator("#trend-status")).to_be_visible()
    page.screenshot(path=str(base.SCREENSHOTS / "needs-trends.png"), full_page=True)
    assert page.errors == []
