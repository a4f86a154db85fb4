"""Outreach in a real Chromium (issue 28.2): participants seeded, a segment built in the rule
editor (live count, masked preview), invited to a questionnaire, two respondents answer
through their personal links, and the outreach page shows the response rate by segment.
Saves docs/screenshots/outreach-segment.png and outreach-rates.png."""

import csv
import io
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.models import Response
from tests import definitions as d
from tests.conftest import make_app
from tests.factories import (
    make_organisation,
    make_participant,
    make_published,
    make_study,
    make_user,
)
from tests.web.test_browser import SCREENSHOTS, browser, desktop_page, log_in  # noqa: F401

pytestmark = pytest.mark.browser

SURVEY = d.definition(
    d.page(
        "p1",
        d.single_choice("channel", "您最常用的下单渠道", [("app", "App"), ("mini", "小程序")]),
    ),
    title="下单渠道调查",
)
PEOPLE = [
    ("张伟", "一线"), ("李娜", "一线"), ("王芳", "新一线"), ("刘洋", "三线"), ("陈静", "一线"),
]  # fmt: skip


def downloaded_links(page) -> list[str]:
    """The personal links of the outreach page's CSV download."""
    with page.expect_download() as download:
        page.get_by_role("link", name="链接（CSV）").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return [row[2] for row in list(csv.reader(io.StringIO(text)))[1:]]


def answer_on_phones(browser, links: list[str], choices: list[str]) -> None:  # noqa: F811
    """Each link opened on a phone of its own, its option chosen and the form submitted."""
    for link, choice in zip(links, choices, strict=True):
        respondent = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        answer = respondent.new_page()
        answer.goto(link)
        answer.get_by_label(choice, exact=True).check()
        answer.get_by_role("button", name="提交").click()
        answer.get_by_text("感谢").first.wait_for(timeout=15000)
        respondent.close()


@pytest.fixture
def server(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'outreach.sqlite3'}", tmp_path / "instance")
    with app.app_context():
        db.create_all()
        owner = make_user("li.lei@example.cn", display_name="李雷")
        organisation = make_organisation(owner)
        study = make_study(owner, title="下单渠道研究")
        study.organisation_id = organisation.id
        db.session.commit()
        for name, tier in PEOPLE:
            make_participant(organisation, name=name, city_tier=tier)
        questionnaire = make_published(
            SURVEY, study=study, settings={"access": {"mode": "invitation"}}
        )
        ids = (organisation.id, study.id, questionnaire.id)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{httpd.server_port}", ids
    httpd.shutdown()
    with app.app_context():
        db.engine.dispose()


def test_build_a_segment_invite_it_and_see_the_response_rate(server, browser):  # noqa: F811
    app, base, (organisation_id, study_id, _questionnaire_id) = server
    with desktop_page(browser) as page:
        log_in(page, base)
        page.goto(f"{base}/organisations/{organisation_id}/segments/new")
        page.get_by_label("人群名称").fill("一线城市用户")
        row = page.locator(".rule-row").first
        row.locator("select[name='rules-0-kind']").select_option("attribute")
        row.locator("select[name='rules-0-field']").select_option("city_tier")
        row.locator("select[name='rules-0-op']").select_option("equals")
        row.locator("input[name='rules-0-values']").fill("一线")
        page.locator("#segment-count[data-count='3']").wait_for()  # the live count
        assert page.locator(".preview-row").count() == 3
        assert page.get_by_text("张*").count() == 1 and page.get_by_text("张伟").count() == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "outreach-segment.png"), full_page=True)
        page.get_by_role("button", name="保存人群").click()
        page.get_by_text("人群已保存。").wait_for()

        page.goto(f"{base}/studies/{study_id}/outreach/")
        page.get_by_role("button", name="邀请该人群").click()
        page.get_by_text("已为“一线城市用户”新生成 3 个个人邀请链接。").wait_for()
        links = downloaded_links(page)
        assert len(links) == 3
        answer_on_phones(browser, links[:2], ["App", "小程序"])

        page.goto(f"{base}/studies/{study_id}/outreach/")
        whole = page.locator(".rate-whole")
        assert whole.get_attribute("data-invited") == "3"
        assert whole.get_attribute("data-answered") == "2"
        assert whole.locator(".rate").inner_text() == "66.7%"
        page.screenshot(path=str(SCREENSHOTS / "outreach-rates.png"), full_page=True)
        assert page.errors == []
    with app.app_context():
        linked = db.session.scalars(db.select(Response.participant_id)).all()
        assert len(linked) == 2 and all(linked)
