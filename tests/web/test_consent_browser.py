"""Consent on a phone (390×844, real Chromium): the purpose and retention period before the
start, the age question and a guardian's consent, the separate consent to sensitive questions
(declined: the question is not shown and nothing of it is stored). Saves
docs/screenshots/consent-sensitive-phone.png and consent-guardian-phone.png."""

import pytest

from app.extensions import db
from app.models import Response
from tests.definitions import definition, short_text, single_choice
from tests.web.test_browser import SCREENSHOTS, browser  # noqa: F401 - fixture
from tests.web.test_respond_browser import phone, serving

pytestmark = pytest.mark.browser

SURVEY = definition(
    short_text("book", "最近读的一本书", required=True),
    single_choice(
        "health",
        "您是否有长期的视力问题？",
        choices=(("yes", "有"), ("no", "没有")),
        required=True,
        privacy="sensitive",
    ),
    title="中小学生阅读习惯调查",
)
SETTINGS = {
    "consent": {"required": True, "minors": True, "purpose": "了解中小学生的课外阅读习惯"},
    "end": {"thank_you": "感谢参与！"},
}


def test_a_minor_with_a_guardian_declines_the_sensitive_question(tmp_path, browser):  # noqa: F811
    with serving(tmp_path, SETTINGS, SURVEY) as (app, url):
        with app.app_context():
            db.session.execute(db.text("UPDATE studies SET retention_days = 365"))
            db.session.commit()
        context = phone(browser)
        page = context.new_page()
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(url)
        page.get_by_text("了解中小学生的课外阅读习惯").wait_for()
        page.get_by_text("保存 1 年").wait_for()  # the study's retention period, in words
        page.get_by_role("button", name="我同意，开始").click()

        page.get_by_role("button", name="是，我未满 14 周岁").click()
        page.locator("#guardian-step").wait_for()
        page.get_by_role("button", name="同意并继续").click()  # nothing filled in
        page.get_by_text("请填写监护人姓名").wait_for()
        page.get_by_label("监护人姓名").fill("李秀英")
        page.get_by_label("父母", exact=True).check()
        page.get_by_label("我是作答者的父母或其他监护人").check()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "consent-guardian-phone.png"))
        page.get_by_role("button", name="同意并继续").click()

        page.locator("#sensitive-step").wait_for()
        page.screenshot(path=str(SCREENSHOTS / "consent-sensitive-phone.png"))
        page.get_by_role("button", name="跳过敏感问题").click()
        page.locator("input[name=book]").fill("《草房子》")
        assert page.get_by_text("您是否有长期的视力问题？").count() == 0
        page.get_by_role("button", name="提交").click()
        page.get_by_text("感谢参与！").wait_for(timeout=15000)
        assert problems == []
        context.close()

        with app.app_context():
            [row] = db.session.scalars(db.select(Response)).all()
            assert row.answers == {"book": "《草房子》"}
            assert row.sensitive_consent is False
            assert (row.guardian_name, row.guardian_relationship) == ("李秀英", "parent")


def test_a_minor_without_a_guardian_stops_with_nothing_stored(tmp_path, browser):  # noqa: F811
    with serving(tmp_path, SETTINGS, SURVEY) as (app, url):
        context = phone(browser)
        page = context.new_page()
        page.goto(url)
        page.get_by_role("button", name="我同意，开始").click()
        page.get_by_role("button", name="是，我未满 14 周岁").click()
        page.get_by_role("button", name="我不同意").click()
        page.get_by_text("没有记录任何内容").wait_for()
        page.goto(url)  # back to the start: the notice again, not the questions
        page.get_by_role("button", name="我同意，开始").wait_for()
        context.close()
        with app.app_context():
            assert db.session.scalars(db.select(Response)).all() == []
