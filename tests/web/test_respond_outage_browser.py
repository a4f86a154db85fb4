"""The database goes down while a respondent submits (real Chromium, a PostgreSQL server of the
test's own, `tests/postgres_cluster.py`): the page says calmly that the answers are safe and it
will try again, keeps them, retries with the same Idempotency-Key, and once the server is back
the response is stored exactly once, through the app's production connection pool (whose
connections the stop has closed)."""

import pytest
from playwright.sync_api import expect

from app.config import Config
from app.extensions import db
from app.models import Response, ResponseStatus
from app.responses import listing
from tests import postgres_cluster
from tests.definitions import checkout
from tests.web.test_browser import browser  # noqa: F401 - fixture
from tests.web.test_respond_browser import serving

pytestmark = pytest.mark.browser

DEFINITION = checkout("数据库中断测试")
CALM = "暂时无法连接服务器。您的答案已安全保存在本设备上"


@pytest.fixture
def cluster():
    reason = postgres_cluster.available()
    if reason:
        pytest.skip(reason)
    with postgres_cluster.temporary_cluster() as made:
        yield made


@pytest.fixture
def live(cluster, tmp_path):
    """The app on the cluster, with the production pool, served on a loopback port."""
    pool = Config.SQLALCHEMY_ENGINE_OPTIONS
    with serving(tmp_path, None, DEFINITION, database_url=cluster.url,
                 SQLALCHEMY_ENGINE_OPTIONS=pool) as served:  # fmt: skip
        yield served


def test_a_submit_while_the_database_is_down_is_kept_retried_and_stored_once(
    live,
    cluster,
    browser,  # noqa: F811
):
    app, url = live
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    attempts = []  # (status, Idempotency-Key) of every submit the page sent
    page.on(
        "response",
        lambda r: (
            r.url.endswith("/submit")
            and attempts.append((r.status, r.request.headers.get("idempotency-key")))
        ),
    )
    page.goto(url)
    page.get_by_label("北方").check()
    page.locator("label[for=nps-9]").click()
    page.locator("textarea[name=why]").fill("配送员态度很好，下雨天也准时。")

    cluster.stop()
    try:
        page.get_by_role("button", name="提交").click()
        status = page.locator("#respond-status")
        expect(status).to_contain_text(CALM)
        expect(status).not_to_contain_text("Traceback")
        # Two refused attempts (the second after the page's 2 s wait): still the answers
        # in the form, still the message, and nothing else asked of the respondent.
        wait_for_attempts(page, attempts, 2)
        expect(status).to_contain_text(CALM)
        assert page.locator("#survey-form").is_visible()
        assert page.get_by_label("北方").is_checked()
        assert page.locator("textarea[name=why]").input_value() == "配送员态度很好，下雨天也准时。"
        saved = page.evaluate(f"localStorage.getItem('wenfang:respond:{url.rsplit('/', 1)[1]}')")
        assert "配送员态度很好" in saved
    finally:
        cluster.start()

    expect(page.locator("#end-panel")).to_be_visible(timeout=30_000)
    statuses = [status for status, _ in attempts]
    assert statuses[-1] == 201 and set(statuses[:-1]) == {503}, statuses
    assert len({key for _, key in attempts}) == 1 and attempts[0][1]
    context.close()
    with app.app_context():
        [row] = db.session.scalars(db.select(Response)).all()
        assert row.status is ResponseStatus.COMPLETE
        assert row.idempotency_key == attempts[0][1]
        assert listing.answers_of(row.id) == {
            "region": "north",
            "nps": 9,
            "why": "配送员态度很好，下雨天也准时。",
        }


def wait_for_attempts(page, attempts: list, count: int) -> None:
    """Wait (in the page's event loop, so that responses are recorded) for *count* submits."""
    for _ in range(200):
        if len(attempts) >= count:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{len(attempts)} submits, expected {count}: {attempts}")
