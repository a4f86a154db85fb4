"""In a phone's browser: a respondent answers, keeps the receipt code of the end page, then
with it sees their answers, downloads them and deletes them (issue 28.6)."""

import json
import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Response
from tests.web.test_browser import SCREENSHOTS, browser  # noqa: F401 - fixture
from tests.web.test_receipts import SURVEY
from tests.web.test_respond_browser import phone, serving

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path):
    with serving(tmp_path, None, SURVEY) as served:
        yield served


def test_a_respondent_sees_downloads_and_deletes_their_response_with_the_receipt(
    live,
    browser,  # noqa: F811 - the fixture
):
    app, url = live
    context = phone(browser)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    page.get_by_label("上海").check()
    page.locator("textarea[name=why]").fill("希望高峰期也能准时送达")
    page.locator("label[for=nps-8]").click()
    page.get_by_role("button", name="提交").click()
    receipt = page.locator("#receipt-code")
    expect(receipt).to_have_text(re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$"), timeout=15_000)
    code = receipt.inner_text()

    page.locator("#receipt-link").click()
    page.get_by_label("回执码").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="查看我的答卷").click()
    answers = page.locator("#own-answers")
    expect(answers).to_contain_text("您所在的城市")
    expect(answers).to_contain_text("上海")
    expect(answers).to_contain_text("希望高峰期也能准时送达")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "respondent-receipt.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("button", name="下载我的答案（JSON）").click()
    copy = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert {"question": "您所在的城市", "answer": "上海"} in copy["answers"]

    page.get_by_role("button", name="删除我的答卷").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("请勾选确认框后再删除")
    page.get_by_label("是的，永久删除我的答案").check()
    page.get_by_role("button", name="删除我的答卷").click()
    expect(page.locator("#erased")).to_contain_text("您的答卷已删除")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 0
    context.close()
