"""The pages that matter, seen as a person sees them: real headless Chromium via Playwright.

Screenshots go to docs/screenshots/ so that reviewers can look at them. Chromium comes from
Debian (`make system-deps`); when it is missing the tests skip, except under CI, where they fail.
"""

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests.conftest import make_app
from tests.factories import DEFAULT_PASSWORD, make_study, make_user

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: run `make system-deps` (as root)")
        pytest.skip("chromium is not installed (make system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(tmp_path):
    """The real app on a free local port, with a researcher and a study in it."""
    app = make_app(f"sqlite:///{tmp_path / 'browser.sqlite3'}", tmp_path / "instance")
    with app.app_context():
        db.create_all()
        owner = make_user("li.lei@example.cn", display_name="李雷")
        study = make_study(
            owner,
            title="2026 年移动端结账体验研究",
            goal="找出新版结账流程中让用户放弃下单的三大原因，决定第一季度的改版优先级。",
            audience="最近 90 天内在移动端下过单的用户，新老用户各半。",
            sample_plan="问卷 300 份（一线、二线、三线及以下城市各 100 份）；深度访谈 8 人。",
            methods=["questionnaire", "interview", "user_test"],
        )
        study_id = study.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", study_id
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@contextmanager
def desktop_page(browser, *, timeout_ms: int = 10_000):
    """A desktop-sized Chinese page whose console errors and uncaught exceptions collect in
    `page.errors`, so a test can end by asserting there were none."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()


def log_in(page, base_url, email="li.lei@example.cn", password=DEFAULT_PASSWORD):
    page.goto(f"{base_url}/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/studies/")


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2
    )
    page = context.new_page()
    yield page
    context.close()


def test_login_page_and_study_page_in_chinese(live_server, page):
    base_url, study_id = live_server
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{base_url}/login")
    assert page.locator("h1").inner_text() == "登录问访"
    page.screenshot(path=str(SCREENSHOTS / "login.png"), full_page=True)

    page.get_by_label("邮箱").fill("li.lei@example.cn")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/studies/")
    page.get_by_text("2026 年移动端结账体验研究").click()
    page.wait_for_url(f"{base_url}/studies/{study_id}")
    assert page.get_by_text("研究目标").is_visible()
    assert page.get_by_text("可用性测试").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "study.png"), full_page=True)


def test_wrong_password_message_is_shown_beside_the_field(live_server, page):
    base_url, _ = live_server
    page.goto(f"{base_url}/login")
    page.get_by_label("邮箱").fill("li.lei@example.cn")
    page.get_by_label("密码").fill("not the password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_text("邮箱或密码错误。").is_visible()
    assert page.get_by_label("邮箱").input_value() == "li.lei@example.cn"


def test_pages_load_no_blocked_resources(live_server, page):
    """The CSP allows only our own origin: every stylesheet and script must still load."""
    base_url, _ = live_server
    failures = []
    page.on("requestfailed", lambda request: failures.append(request.url))
    page.on("console", lambda message: message.type == "error" and failures.append(message.text))
    page.goto(f"{base_url}/login")
    page.wait_for_load_state("networkidle")
    assert failures == []
    background = page.evaluate(
        "getComputedStyle(document.querySelector('nav.navbar')).backgroundColor"
    )
    assert background == "rgb(31, 95, 139)"  # app.css applied on top of Bootstrap
