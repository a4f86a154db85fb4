"""A personal answer typed on a phone (real Chromium) shows masked in the researcher's response
list and page, and in clear only after "show personal information" (issue 28.3)."""

import re

import pytest

from app.extensions import db
from app.models import Questionnaire
from tests.definitions import definition, short_text
from tests.web import test_browser as base
from tests.web.test_browser import browser  # noqa: F401 - fixture
from tests.web.test_respond_browser import phone, serving

pytestmark = pytest.mark.browser

PHONE_NUMBER = "13912345678"
SURVEY = definition(
    short_text("city", "您所在的城市", required=True),
    short_text("phone", "您的手机号", privacy="personal"),
    title="会员回访",
)
SETTINGS = {"end": {"thank_you": "感谢参与！"}}


def test_a_submitted_personal_answer_shows_masked_in_the_response_list(tmp_path, browser):  # noqa: F811
    with serving(tmp_path, SETTINGS, SURVEY) as (app, url):
        context = phone(browser)
        page = context.new_page()
        page.goto(url)
        page.locator("input[name=city]").fill("杭州")
        page.locator("input[name=phone]").fill(PHONE_NUMBER)
        page.get_by_role("button", name="提交").click()
        page.get_by_text("感谢参与！").wait_for(timeout=15000)
        context.close()
        with app.app_context():
            questionnaire = db.session.scalar(db.select(Questionnaire))
            results = f"/studies/{questionnaire.study_id}/questionnaires/{questionnaire.id}/results"
        base_url = url.split("/s/")[0]
        with base.desktop_page(browser, timeout_ms=20_000) as desk:
            base.log_in(desk, base_url, "owner@example.cn")
            desk.goto(f"{base_url}{results}/responses")
            cell = desk.locator("td.personal-cell").first
            assert cell.inner_text().strip() == "已隐藏（个人信息）"
            assert PHONE_NUMBER not in desk.content()
            desk.locator("table a").first.click()
            desk.wait_for_url(re.compile(r".*/results/responses/\d+$"))
            assert desk.locator(".personal-masked").inner_text() == "已隐藏（个人信息）"
            assert PHONE_NUMBER not in desk.content() and "杭州" in desk.content()
            desk.get_by_role("button", name="显示个人信息").click()
            desk.locator(".personal-shown").wait_for()
            assert PHONE_NUMBER in desk.content()


live_server = base.live_server


def test_the_builder_flags_a_question_personal_and_the_draft_keeps_it(live_server, browser):  # noqa: F811
    from tests.web.test_builder_browser import add_question, new_blank_questionnaire, wait_saved

    base_url, study_id = live_server
    with base.desktop_page(browser) as page:
        base.log_in(page, base_url)
        url = new_blank_questionnaire(page, base_url, study_id, "会员回访")
        question = add_question(page.locator(".builder-page").nth(0), "short_text")
        question.get_by_label("题目标题").fill("您的手机号")
        question.get_by_label("个人信息").select_option("personal")
        wait_saved(page)
        stored = page.request.get(f"{url}draft").json()["definition"]["pages"][0]["questions"][0]
        assert stored["privacy"] == "personal"
        question.get_by_label("个人信息").select_option("none")
        wait_saved(page)
        stored = page.request.get(f"{url}draft").json()["definition"]["pages"][0]["questions"][0]
        assert "privacy" not in stored
        assert page.errors == []
