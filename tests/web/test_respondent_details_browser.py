"""Details of the respondent's phone page (issue 27.7), in a real Chromium at 390×844: stars
fill up to the chosen one with words under the ends, a "required" message goes once the
question is answered, and a template's notes for researchers never reach the respondent.
Saves docs/screenshots/respondent-stars.png and builder-notes.png."""

import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.extensions import db
from app.questionnaires import services as questionnaires
from tests.conftest import make_app
from tests.factories import make_published, make_study, make_user
from tests.web import test_browser as base
from tests.web.test_browser import SCREENSHOTS, browser  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

FILLED = "rgb(245, 160, 0)"

RATINGS = {
    "schema_version": 1,
    "title": "外卖 App 体验调查",
    "pages": [
        {
            "id": "p1",
            "questions": [
                {"id": "overall", "type": "rating", "title": "总体评分", "max": 5,
                 "style": "stars", "required": True},
                {"id": "again", "type": "rating", "title": "您还会再用吗？", "max": 5,
                 "style": "stars", "min_label": "肯定不会", "max_label": "肯定会"},
                {"id": "dish", "type": "short_text", "title": "您最常点的菜是？", "required": True},
            ],
        },
        {"id": "p2", "questions": [
            {"id": "why", "type": "long_text", "title": "还有什么想说的？"},
        ]},
    ],
}  # fmt: skip


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def live(tmp_path):
    """The app with a researcher, a study, a published rating questionnaire and one made from
    the NPS template (whose notes explain how NPS is computed)."""
    app = make_app(f"sqlite:///{tmp_path / 'details.sqlite3'}", tmp_path / "instance")
    with app.app_context():
        db.create_all()
        owner = make_user("li.lei@example.cn", display_name="李雷")
        study = make_study(owner)
        ratings = make_published(RATINGS, study=study)
        from_template = questionnaires.create_from_template(study, owner, "nps")
        questionnaires.publish(from_template, owner)
        ids = {
            "study": study.id,
            "ratings": ratings.slug,
            "template": from_template.id,
            "template_slug": from_template.slug,
        }
    server = serve(app)
    yield f"http://127.0.0.1:{server.server_port}", ids
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def phone(browser):  # noqa: F811
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2,
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def stars(page, qid):
    return page.locator(f"#question-{qid} label.btn")


def test_choosing_four_stars_fills_the_first_four_with_words_under_the_ends(live, phone):
    base_url, ids = live
    page = phone
    page.goto(f"{base_url}/s/{ids['ratings']}")
    page.locator("label[for=overall-4]").click()
    assert page.locator("#overall-4").is_checked()
    chosen = stars(page, "overall")
    for i in range(4):  # expect() waits for Bootstrap's colour transition to end
        expect(chosen.nth(i)).to_have_css("color", FILLED)
    expect(chosen.nth(4)).not_to_have_css("color", FILLED)
    for i in range(5):  # nothing chosen: no star filled
        expect(stars(page, "again").nth(i)).not_to_have_css("color", FILLED)

    # Words under the first and the last star: the question's own, or 很不满意 / 很满意.
    for qid, low, high in (("overall", "很不满意", "很满意"), ("again", "肯定不会", "肯定会")):
        ends = page.locator(f"#question-{qid} .scale-ends span")
        expect(ends).to_have_text([low, high])
        first = page.locator(f"label[for={qid}-1]").bounding_box()
        last = page.locator(f"label[for={qid}-5]").bounding_box()
        left, right = ends.nth(0).bounding_box(), ends.nth(1).bounding_box()
        assert abs(left["x"] - first["x"]) < 2
        assert abs((right["x"] + right["width"]) - (last["x"] + last["width"])) < 2
        assert left["y"] >= first["y"] + first["height"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#question-overall").screenshot(path=str(SCREENSHOTS / "respondent-stars.png"))
    assert page.errors == []


def test_required_message_goes_once_the_question_is_answered(live, phone):
    base_url, ids = live
    page = phone
    page.goto(f"{base_url}/s/{ids['ratings']}")
    page.get_by_role("button", name="下一页").click()
    expect(page.locator("#overall-error")).to_have_text("此题为必答题")
    expect(page.locator("#dish-error")).to_have_text("此题为必答题")
    expect(page.locator("#respond-status")).to_be_visible()

    page.locator("label[for=overall-4]").click()
    expect(page.locator("#overall-error")).to_have_text("")
    expect(page.locator("#question-overall")).not_to_have_class("is-invalid")
    expect(page.locator("#dish-error")).to_have_text("此题为必答题")  # still unanswered
    expect(page.locator("#respond-status")).to_be_visible()

    page.locator("input[name=dish]").fill("宫保鸡丁")
    expect(page.locator("#dish-error")).to_have_text("")
    expect(page.locator(".question.is-invalid")).to_have_count(0)
    expect(page.locator("#respond-status")).to_be_hidden()  # nothing left to fix
    page.screenshot(path=str(SCREENSHOTS / "respondent-required.png"))
    page.get_by_role("button", name="下一页").click()
    expect(page.locator("#why-title")).to_be_visible()
    assert page.errors == []


def test_template_notes_reach_the_builder_but_never_the_respondent(live, phone, browser):  # noqa: F811
    base_url, ids = live
    notes = "NPS = 推荐者占比 − 贬损者占比"
    page = phone
    page.goto(f"{base_url}/s/{ids['template_slug']}")
    expect(page.locator(".survey-title")).to_be_visible()
    assert notes not in page.content()
    assert notes not in page.locator("#respond-config").text_content()
    assert page.errors == []

    with base.desktop_page(browser) as desk:
        base.log_in(desk, base_url)
        desk.goto(f"{base_url}/studies/{ids['study']}/questionnaires/{ids['template']}/edit")
        field = desk.get_by_label("研究者备注")
        expect(field).to_have_value(re.compile(re.escape(notes)))
        field.scroll_into_view_if_needed()
        desk.locator(".builder-meta").screenshot(path=str(SCREENSHOTS / "builder-notes.png"))
        assert desk.errors == []
