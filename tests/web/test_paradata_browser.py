"""The respondent's browser records paradata (real Chromium): seconds per page, typing time
and pastes in open answers, and a device id, sent with the submit and stored with the
response (docs/paradata.md)."""

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Response
from tests.web.test_browser import browser  # noqa: F401 - fixture
from tests.web.test_respond_browser import phone, serving

pytestmark = pytest.mark.browser


def test_page_seconds_typing_and_a_paste_are_stored_with_the_response(tmp_path, browser):  # noqa: F811
    with serving(tmp_path, {}) as (app, url):
        context = phone(browser)
        page = context.new_page()
        page.goto(url)
        page.get_by_label("北方").check()
        page.wait_for_timeout(300)
        page.get_by_role("button", name="下一页").click()
        page.get_by_text("北方的您最爱吃什么？").wait_for()
        page.locator("input[name=food]").press_sequentially("jiaozi", delay=120)
        page.get_by_role("button", name="下一页").click()
        page.locator("#stars-title").wait_for()
        page.locator("label[for=stars-4]").click()
        page.get_by_label("好").first.check()
        why = page.locator("textarea[name=why]")
        why.dispatch_event("paste")
        why.fill("送得快，包装也好")
        page.get_by_role("button", name="提交").click()
        expect(page.locator("#end-panel")).to_be_visible(timeout=15000)
        context.close()
        with app.app_context():
            [paradata] = db.session.scalars(db.select(Response.paradata)).all()
    assert set(paradata["pages"]) == {"p1", "p2", "p3"}
    assert paradata["pages"]["p1"] >= 0.3 and all(s >= 0 for s in paradata["pages"].values())
    assert paradata["texts"]["why"]["pasted"] is True
    food = paradata["texts"]["food"]
    # six keys 120 ms apart: five gaps of typing
    assert food["pasted"] is False and 0.4 <= food["typing_s"] <= 5
    assert re.fullmatch(r"[0-9a-f]{24}", paradata["device"])
