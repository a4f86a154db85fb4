"""The whole way from a list of people to response rates, in a real Chromium (issue 28, "What
must be shown"): a researcher imports participants from a CSV into the directory, attaches the
study to it on the study form, builds a segment in the rule editor, invites it to an
invitation-only questionnaire, two of the invited answer on their phones through their personal
links, and the outreach page shows the response rate by segment; the two responses are linked to
the imported records. Saves docs/screenshots/participants-journey-rates.png."""

import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.models import Participant, Response
from tests import definitions as d
from tests.conftest import make_app
from tests.factories import make_organisation, make_published, make_study, make_user
from tests.web.test_browser import SCREENSHOTS, browser, desktop_page, log_in  # noqa: F401
from tests.web.test_outreach_browser import answer_on_phones, downloaded_links

pytestmark = pytest.mark.browser

SURVEY = d.definition(
    d.page(
        "p1", d.single_choice("channel", "您最常用的下单渠道", [("app", "App"), ("mini", "小程序")])
    ),
    title="下单渠道调查",
)
PEOPLE = (
    "姓名,手机号码,性别,城市,城市等级\n"
    "张伟,138 1234 5678,男,北京,一线\n"
    "李娜,+86 139-0000-1111,女,上海,一线\n"
    "王芳,0086 137 2222 3333,女,成都,新一线\n"
    "刘洋,136-5555-6666,男,绵阳,三线\n"
    "陈静,13577778888,女,深圳,一线\n"
)


@pytest.fixture
def server(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'journey.sqlite3'}", tmp_path / "instance")
    with app.app_context():
        db.create_all()
        owner = make_user("li.lei@example.cn", display_name="李雷")
        organisation = make_organisation(owner, name="用户研究中心")
        study = make_study(owner, title="下单渠道研究")
        make_published(SURVEY, study=study, settings={"access": {"mode": "invitation"}})
        ids = (organisation.id, study.id)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{httpd.server_port}", ids
    httpd.shutdown()
    with app.app_context():
        db.engine.dispose()


def test_import_participants_segment_invite_and_see_rates(server, browser):  # noqa: F811
    app, base, (organisation_id, study_id) = server
    with desktop_page(browser) as page:
        log_in(page, base)
        page.get_by_role("link", name="参与者").first.click()  # the navigation's directory
        page.get_by_role("link", name="导入").click()
        upload = {"name": "参与者名单.csv", "mimeType": "text/csv", "buffer": PEOPLE.encode()}
        page.get_by_label("CSV 或 XLSX 文件").set_input_files(upload)
        page.get_by_role("button", name="上传").click()
        page.get_by_role("button", name="检查（试运行）").click()
        page.get_by_text("5 行均无问题").wait_for()
        page.get_by_role("button", name="导入", exact=True).click()
        page.get_by_text("新增 5 条记录").wait_for()

        page.goto(f"{base}/studies/{study_id}/edit")
        page.get_by_label("参与者档案").select_option(label="用户研究中心")
        page.get_by_role("button", name="保存").click()
        page.get_by_text("研究已保存").first.wait_for()

        page.goto(f"{base}/organisations/{organisation_id}/segments/new")
        page.get_by_label("人群名称").fill("一线城市用户")
        row = page.locator(".rule-row").first
        row.locator("select[name='rules-0-kind']").select_option("attribute")
        row.locator("select[name='rules-0-field']").select_option("city_tier")
        row.locator("select[name='rules-0-op']").select_option("equals")
        row.locator("input[name='rules-0-values']").fill("一线")
        page.locator("#segment-count[data-count='3']").wait_for()
        page.get_by_role("button", name="保存人群").click()
        page.get_by_text("人群已保存。").wait_for()

        page.goto(f"{base}/studies/{study_id}/outreach/")
        page.get_by_role("button", name="邀请该人群").click()
        page.get_by_text("新生成 3 个个人邀请链接").wait_for()
        links = downloaded_links(page)
        assert len(links) == 3
        answer_on_phones(browser, links[:2], ["App", "小程序"])

        page.goto(f"{base}/studies/{study_id}/outreach/")
        whole = page.locator(".rate-whole")
        assert (whole.get_attribute("data-invited"), whole.get_attribute("data-answered")) == (
            "3",
            "2",
        )
        assert whole.locator(".rate").inner_text() == "66.7%"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "participants-journey-rates.png"), full_page=True)
        assert page.errors == []
    with app.app_context():
        linked = db.session.scalars(
            db.select(Participant.city_tier)
            .join(Response, Response.participant_id == Participant.id)
            .order_by(Participant.id)
        ).all()
        assert linked == ["一线", "一线"]
