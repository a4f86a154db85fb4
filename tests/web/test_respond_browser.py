"""A respondent on a phone (390×844, real Chromium): logic, piping, validation, resume, a lost
reply retried with the same key, a refused submit not retried, the resume link through the
consent page. Saves docs/screenshots/respondent-phone.png and
resume-after-consent-after.png."""

import contextlib
import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.extensions import db
from app.models import Response, ResponseStatus
from app.responses import listing, records
from tests.conftest import make_app
from tests.definitions import WITH_LOGIC
from tests.factories import make_published
from tests.web.test_browser import CHROMIUM_ARGS, SCREENSHOTS, browser  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


@contextlib.contextmanager
def serving(tmp_path, settings, definition=WITH_LOGIC, *, database_url=None, **app_settings):
    """The app on a loopback port with *definition* published: (app, the questionnaire's URL).
    On a SQLite file unless *database_url* says otherwise."""
    database_url = database_url or f"sqlite:///{tmp_path / 'respond.sqlite3'}"
    app = make_app(database_url, tmp_path / "instance", **app_settings)
    with app.app_context():
        db.create_all()
        slug = make_published(definition, settings=settings).slug
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}/s/{slug}"
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def live(tmp_path):
    with serving(tmp_path, {"end": {"thank_you": "感谢参与！红包将在 24 小时内发放。"}}) as served:
        yield served


def phone(browser):  # noqa: F811 - the fixture's value
    return browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


def test_phone_respondent_resumes_after_reload_and_submits_once(live, browser):  # noqa: F811
    app, url = live
    context = phone(browser)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url)
    progress = page.locator("#progress-text")
    assert progress.inner_text() == "第 1 页，共 2 页"  # the north page waits for its answer
    assert page.locator("#question-sweet").is_hidden()

    page.get_by_role("button", name="下一页").click()  # required question left empty
    expect(page.locator("#region-error")).to_have_text("此题为必答题")
    page.get_by_label("南方").check()
    assert page.locator("#question-sweet").is_visible()
    assert progress.inner_text() == "第 1 页，共 2 页"
    page.get_by_label("北方").check()
    assert page.locator("#question-sweet").is_hidden()
    assert progress.inner_text() == "第 1 页，共 3 页"
    page.get_by_role("button", name="下一页").click()

    page.get_by_text("北方的您最爱吃什么？").wait_for()  # piping shows the option label
    expect(progress).to_have_text("第 2 页，共 3 页")
    page.locator("input[name=food]").fill("<b>饺子</b>")
    page.get_by_role("button", name="下一页").click()
    page.locator("#stars-title").wait_for()
    page.locator("label[for=stars-4]").click()
    page.get_by_label("好").first.check()
    page.locator("#why-title", has_text="您给 4 星的原因是？").wait_for()
    page.locator("textarea[name=why]").fill("送得快")

    page.reload()  # the tab is closed and opened again half-way
    page.locator("#why-title", has_text="您给 4 星的原因是？").wait_for()
    expect(progress).to_have_text("第 3 页，共 3 页")
    assert page.locator("#stars-4").is_checked()
    assert page.locator("textarea[name=why]").input_value() == "送得快"
    expect(page.locator("#resume-link")).to_have_value(re.compile(re.escape(url) + r"\?r="))
    # At the bottom of the page, the sticky navigation bar hides no field.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    field = page.locator("textarea[name=why]").bounding_box()
    bar = page.locator(".survey-nav").bounding_box()
    assert field["y"] + field["height"] <= bar["y"]
    # What the phone's screen shows (390×844), not the whole page.
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "respondent-phone.png"))

    page.get_by_role("button", name="上一页").click()
    expect(page.locator("input[name=food]")).to_have_value("<b>饺子</b>")
    page.get_by_role("button", name="下一页").click()

    # The first submit reaches the server but its reply is lost: the page retries, same key.
    replies = []

    def lose_first_reply(route):
        response = route.fetch()
        replies.append(response.status)
        if len(replies) == 1:
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    page.route("**/submit", lose_first_reply)
    page.get_by_role("button", name="提交").click()
    page.get_by_text("感谢参与！红包将在 24 小时内发放。").wait_for(timeout=15000)
    receipt = page.locator("#receipt-code").inner_text()
    assert replies == [201, 200]
    page.screenshot(path=str(SCREENSHOTS / "respondent-phone-end.png"), full_page=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="复制").click()
    expect(page.locator("#respond-status")).to_have_text("回执码已复制。")
    assert page.evaluate("navigator.clipboard.readText()") == receipt
    assert [p for p in problems if "ERR_CONNECTION_RESET" not in p] == []  # only the lost reply
    context.close()

    with app.app_context():
        [row] = db.session.scalars(db.select(Response)).all()
        assert row.status is ResponseStatus.COMPLETE
        assert row.receipt_hash == records.token_hash(receipt)
        assert listing.answers_of(row.id) == {
            "region": "north",
            "food": "<b>饺子</b>",
            "stars": 4,
            "grid": {"speed": "3"},
            "why": "送得快",
        }


def test_a_submit_the_server_refuses_is_not_retried_and_says_why(live, browser):  # noqa: F811
    """A 4xx other than 429 would be refused again: its message is shown, beside the question
    for a 422, and nothing is sent again; the answers stay in the form."""
    app, url = live
    context = phone(browser)
    page = context.new_page()
    submits = []
    page.on("request", lambda r: r.url.endswith("/submit") and submits.append(r.url))
    page.goto(url)
    page.get_by_label("南方").check()
    page.get_by_role("button", name="下一页").click()
    page.locator("label[for=stars-4]").click()
    # A control character pasted from another program: refused beside the question (422).
    page.locator("textarea[name=why]").fill("送得快\u0007")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#why-error")).to_contain_text("控制字符")
    assert len(submits) == 1
    # Answers too long for the body limit (413): the message, no retry, the form kept.
    page.locator("textarea[name=why]").fill("好" * 90_000)
    page.get_by_role("button", name="提交").click()
    status = page.locator("#respond-status")
    expect(status).to_contain_text("您的答案过长")
    expect(page.get_by_role("button", name="提交")).to_be_enabled()
    assert page.locator("#survey-form").is_visible()
    assert len(submits) == 2
    context.close()
    with app.app_context():
        statuses = db.session.scalars(db.select(Response.status)).all()
        assert statuses == [ResponseStatus.PARTIAL]  # page 1's save; no submit stored


def test_the_resume_link_on_another_phone_keeps_the_answers_through_consent(
    tmp_path,
    browser,  # noqa: F811
):
    """Issue 27.2: the resume link opened on a second device shows the consent notice; after
    agreeing, the respondent is back on the page they reached, with their answers."""
    consent = {"required": True, "notice_version": "2026-12", "purpose": "改进外卖体验"}
    with serving(tmp_path, {"consent": consent}) as (_, url):
        first = phone(browser)
        page = first.new_page()
        page.goto(url)
        page.get_by_role("button", name="我同意，开始作答").click()
        page.get_by_label("北方").check()
        page.get_by_role("button", name="下一页").click()
        page.locator("input[name=food]").fill("饺子")
        page.get_by_role("button", name="下一页").click()
        page.locator("#stars-title").wait_for()
        resume = page.locator("#resume-link").input_value()
        assert "?r=" in resume
        first.close()

        second = phone(browser)
        page = second.new_page()
        page.goto(resume)
        page.get_by_role("button", name="我同意，开始作答").click()
        page.locator("#progress-text").wait_for()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "resume-after-consent-after.png"))
        expect(page.locator("#progress-text")).to_have_text("第 3 页，共 3 页")
        page.get_by_role("button", name="上一页").click()
        expect(page.locator("input[name=food]")).to_have_value("饺子")
        page.get_by_role("button", name="上一页").click()
        assert page.get_by_role("radio", name="北方").is_checked()
        second.close()
