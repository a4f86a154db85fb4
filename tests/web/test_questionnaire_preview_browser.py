"""The researcher previews a draft on a phone (390×844, real Chromium) and tries its logic
page by page before publishing; nothing is stored. Saves docs/screenshots/preview-phone.png."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Response
from tests.conftest import make_app
from tests.definitions import WITH_LOGIC
from tests.factories import make_published, make_questionnaire, make_study, make_user
from tests.web import test_browser as base
from tests.web.test_browser import SCREENSHOTS, browser  # noqa: F401 - fixture
from tests.web.test_respondent_details_browser import phone, serve  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def draft_server(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'preview.sqlite3'}", tmp_path / "instance")
    with app.app_context():
        db.create_all()
        study = make_study(make_user("li.lei@example.cn", display_name="李雷"))
        draft = dict(WITH_LOGIC, settings={"end": {"thank_you": "谢谢！这是预览的结束页。"}})
        questionnaire = make_questionnaire(draft, study=study)
        path = f"/studies/{study.id}/questionnaires/{questionnaire.id}/preview"
    server = serve(app)
    yield app, f"http://127.0.0.1:{server.server_port}", path
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def test_preview_of_a_draft_follows_its_pages_and_logic(draft_server, phone):  # noqa: F811
    app, base_url, path = draft_server
    page = phone
    base.log_in(page, base_url)
    page.goto(base_url + path)
    expect(page.get_by_text("预览：填写内容不会被保存。")).to_be_visible()
    progress = page.locator("#progress-text")
    expect(progress).to_have_text("第 1 页，共 2 页")  # the north page waits for its answer
    expect(page.locator("#question-sweet")).to_be_hidden()
    expect(page.locator("#question-food")).to_be_hidden()  # one page at a time

    page.get_by_role("button", name="下一页").click()
    expect(page.locator("#region-error")).to_have_text("此题为必答题")
    page.get_by_label("南方").check()
    expect(page.locator("#question-sweet")).to_be_visible()
    page.get_by_label("北方").check()
    expect(page.locator("#question-sweet")).to_be_hidden()
    expect(progress).to_have_text("第 1 页，共 3 页")
    page.get_by_role("button", name="下一页").click()
    page.get_by_text("北方的您最爱吃什么？").wait_for()
    page.locator("input[name=food]").fill("饺子")
    page.get_by_role("button", name="下一页").click()
    page.locator("label[for=stars-4]").click()
    page.screenshot(path=str(SCREENSHOTS / "preview-phone.png"))
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("谢谢！这是预览的结束页。")).to_be_visible()
    expect(page.locator("#receipt-box")).to_be_hidden()
    assert page.errors == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Response.id))) == 0


@pytest.fixture
def published_server(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'tests.sqlite3'}", tmp_path / "instance")
    with app.app_context():
        db.create_all()
        study = make_study(make_user("li.lei@example.cn", display_name="李雷"))
        questionnaire = make_published(WITH_LOGIC, study=study)
        path = f"/studies/{study.id}/questionnaires/{questionnaire.id}/"
    server = serve(app)
    yield app, f"http://127.0.0.1:{server.server_port}", path
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def test_researcher_answers_in_test_mode_then_clears_the_test_responses(published_server, phone):  # noqa: F811
    app, base_url, path = published_server
    page = phone
    base.log_in(page, base_url)
    page.goto(base_url + path)
    expect(page.locator(".test-response-count")).to_have_text("0 份测试答卷")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="以测试模式填写").click()
    form = opened.value
    expect(form.get_by_text("测试模式：这份答卷会保存为测试答卷，不计入结果。")).to_be_visible()
    form.get_by_label("南方").check()
    form.get_by_role("button", name="下一页").click()
    form.locator("label[for=stars-5]").click()
    form.get_by_role("button", name="提交").click()
    expect(form.locator("#end-panel")).to_be_visible()
    form.close()

    page.reload()
    expect(page.locator(".test-response-count")).to_have_text("1 份测试答卷")
    page.locator(".test-responses").screenshot(path=str(SCREENSHOTS / "test-responses.png"))
    page.get_by_label("是的，删除全部测试答卷").check()
    page.get_by_role("button", name="清除测试答卷").click()
    expect(page.get_by_text("已删除 1 份测试答卷。")).to_be_visible()
    expect(page.locator(".test-response-count")).to_have_text("0 份测试答卷")
    assert page.errors == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Response.id))) == 0


def test_researcher_archives_a_published_questionnaire_and_restores_it(published_server, phone):  # noqa: F811
    _, base_url, path = published_server
    page = phone
    base.log_in(page, base_url)
    page.goto(base_url + path)
    expect(page.get_by_role("button", name="删除草稿")).to_have_count(0)  # published: archive only
    page.get_by_role("button", name="归档").click()
    expect(page.get_by_text("问卷已归档：链接已关闭，答卷仍保留。")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "questionnaire-archived.png"))
    page.goto(base_url + path.rsplit("/", 2)[0] + "/")
    expect(page.get_by_text(WITH_LOGIC["title"])).to_have_count(0)
    page.get_by_role("link", name="已归档的问卷").click()
    page.get_by_text(WITH_LOGIC["title"]).click()
    page.get_by_role("button", name="恢复").click()
    expect(page.get_by_text("问卷已恢复。重新开放后才会再接受答卷。")).to_be_visible()
    assert page.errors == []


def test_researcher_deletes_a_draft_after_ticking_the_box(draft_server, phone):  # noqa: F811
    _, base_url, path = draft_server
    page = phone
    base.log_in(page, base_url)
    page.goto(base_url + path.removesuffix("preview"))
    page.get_by_label("是的，永久删除这份草稿").check()
    page.get_by_role("button", name="删除草稿").click()
    expect(page.get_by_text("问卷已删除。")).to_be_visible()
    expect(page.get_by_text(WITH_LOGIC["title"])).to_have_count(0)
    assert page.errors == []
