"""The questionnaire builder driven by a real Chromium: build, autosave, logic, undo, publish.

The launch and the live server come from test_browser.py; screenshots go to docs/screenshots/.
"""

import json

import pytest
from playwright.sync_api import expect

from tests.web import test_browser as base

pytestmark = pytest.mark.browser

# The fixtures of test_browser.py, reused under their own names (Chromium, the live app).
browser = base.browser
live_server = base.live_server

FOOD = "您最近一个月点过外卖吗？"


@pytest.fixture
def desk(browser):
    with base.desktop_page(browser) as page:
        yield page


log_in = base.log_in


def new_blank_questionnaire(page, base_url, study_id, title):
    page.goto(f"{base_url}/studies/{study_id}/questionnaires/new")
    page.get_by_label("标题").fill(title)
    page.locator("form[action$='/questionnaires/new'] [type=submit]").click()
    page.wait_for_url("**/edit")
    expect(page.locator(".builder-page")).to_have_count(1)
    return page.url.removesuffix("edit")


def wait_saved(page):
    expect(page.locator("#save-status")).to_have_text("已保存")


def add_question(page_card, type_name):
    page_card.get_by_label("新题目题型").select_option(type_name)
    count = page_card.locator(".builder-question").count()
    page_card.get_by_role("button", name="添加题目").click()
    expect(page_card.locator(".builder-question")).to_have_count(count + 1)
    qid = page_card.locator(".builder-question").last.get_attribute("data-qid")
    return page_card.page.locator(f".builder-question[data-qid={qid}]")


def test_build_publish_and_open_a_two_page_questionnaire(live_server, desk):
    base_url, study_id = live_server
    page = desk
    log_in(page, base_url)
    url = new_blank_questionnaire(page, base_url, study_id, "外卖使用调查")

    first = page.locator(".builder-page").nth(0)
    q1 = add_question(first, "single_choice")
    expect(q1).to_have_attribute("data-qid", "q1")
    expect(q1.get_by_label("题目标题")).to_be_focused()
    q1.get_by_label("题目标题").fill(FOOD)
    q1.get_by_label("选项文字").nth(0).fill("点过")
    q1.get_by_label("选项文字").nth(1).fill("没点过")

    page.get_by_role("button", name="添加页面").click()
    second = page.locator(".builder-page").nth(1)
    second.get_by_label("第 2 页", exact=True).fill("外卖体验")
    nps = add_question(second, "nps")
    nps.get_by_label("题目标题").fill("您有多大可能向朋友推荐这个外卖平台？")
    why = add_question(second, "long_text")
    why.get_by_label("题目标题").fill("您打 {q2} 分的主要原因是什么？")
    why.get_by_label("必答").uncheck()

    # Page 2 is shown only to those who ordered: built with the logic form, not typed.
    logic = second.locator(".builder-page-header details.logic")
    logic.locator("summary").click()
    logic.get_by_role("button", name="添加条件").click()
    expect(logic.get_by_label("之前的题目")).to_have_value("q1")
    logic.get_by_label("运算符").select_option("is")
    logic.get_by_label("值", exact=True).select_option(label="点过")
    expect(logic.get_by_label("条件表达式")).to_have_value("q1 = '1'")
    wait_saved(page)

    stored = page.request.get(f"{url}draft").json()
    pages = stored["definition"]["pages"]
    assert [p["id"] for p in pages] == ["p1", "p2"]
    assert pages[1]["show_if"] == "q1 = '1'"
    assert pages[0]["questions"] == [
        {
            "id": "q1",
            "type": "single_choice",
            "title": FOOD,
            "required": True,
            "options": [{"value": "1", "label": "点过"}, {"value": "2", "label": "没点过"}],
        }
    ]
    assert [(q["id"], q["type"], q["title"], q["required"]) for q in pages[1]["questions"]] == [
        ("q2", "nps", "您有多大可能向朋友推荐这个外卖平台？", True),
        ("q3", "long_text", "您打 {q2} 分的主要原因是什么？", False),
    ]
    assert [p for p in stored["problems"] if p["severity"] == "error"] == []

    page.evaluate("window.scrollTo(0, 0)")
    base.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(base.SCREENSHOTS / "builder.png"))

    # Delete the long text question, then undo: it comes back where it was, and is saved.
    why.get_by_role("button", name="删除题目").click()
    expect(second.locator(".builder-question")).to_have_count(1)
    page.get_by_role("button", name="撤销").click()
    expect(second.locator(".builder-question")).to_have_count(2)
    expect(second.locator(".builder-question").nth(1)).to_have_attribute("data-qid", "q3")
    wait_saved(page)
    assert page.request.get(f"{url}draft").json()["definition"] == stored["definition"]

    # Moving keeps the focus on the moved question's button; moving back restores the order.
    nps.get_by_role("button", name="下移").click()
    expect(second.locator(".builder-question").nth(1)).to_have_attribute("data-qid", "q2")
    expect(second.locator("[data-qid=q2]").get_by_role("button", name="上移")).to_be_focused()
    page.keyboard.press("Enter")
    expect(second.locator(".builder-question").nth(0)).to_have_attribute("data-qid", "q2")

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(base.SCREENSHOTS / "builder-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="发布").click()
    page.wait_for_url(url)
    public_url = page.locator("#public-link").input_value()
    assert page.errors == []

    page.goto(public_url)
    expect(page.locator("[data-question=q1]")).to_contain_text(FOOD)
    expect(page.locator("[data-question=q1] label")).to_have_text(["点过", "没点过"])
    second_page = page.locator("section[data-page=p2]")
    expect(second_page).to_have_attribute("data-show-if", "q1 = '1'")
    expect(second_page.locator("[data-question]")).to_have_count(2)
    expect(second_page.locator("[data-question=q2]")).to_have_attribute("data-type", "nps")


def test_server_problem_is_shown_beside_its_question(live_server, desk):
    base_url, study_id = live_server
    page = desk
    log_in(page, base_url)
    new_blank_questionnaire(page, base_url, study_id, "逻辑错误示例")
    first = page.locator(".builder-page").nth(0)
    q1 = add_question(first, "single_choice")
    q1.get_by_label("题目标题").fill("您的年龄段")
    q2 = add_question(first, "number")
    q2.get_by_label("题目标题").fill("您每周点几次外卖？")

    wait_saved(page)

    # The network fails once: the builder says so and tries again by itself.
    def fail_saves(route):
        if route.request.method == "PUT":
            route.abort()
        else:
            route.continue_()

    page.route("**/draft", fail_saves)
    q1.locator("details.logic summary").click()
    q1.get_by_label("条件表达式").fill("q2 > 3")
    expect(page.locator("#save-status")).to_have_text("保存失败，正在重试")
    page.unroute("**/draft", fail_saves)
    wait_saved(page)
    problem = q1.locator(".question-problems")
    expect(problem).to_contain_text("q2")
    expect(problem.locator("[data-code=condition_forward_reference]")).to_have_count(1)
    expect(q1.get_by_label("条件表达式")).to_have_class(
        "form-control form-control-sm font-monospace is-invalid"
    )
    expect(q2.locator(".question-problems")).to_be_empty()
    expect(page.locator("#problem-summary")).to_contain_text("1 个错误")

    # A syntax slip is hinted before the server is asked; fixing it clears the problem.
    q1.get_by_label("条件表达式").fill("q2 == 3")
    expect(q1.locator(".logic-hint")).to_contain_text("语法错误")
    q1.get_by_label("条件表达式").fill("")
    wait_saved(page)
    expect(problem).to_be_empty()
    assert [e for e in page.errors if "ERR_FAILED" not in e] == []  # the aborted saves


def test_drag_and_drop_json_view_conflict_and_restore(live_server, desk):
    base_url, study_id = live_server
    page = desk
    log_in(page, base_url)
    url = new_blank_questionnaire(page, base_url, study_id, "拖放与冲突")
    first = page.locator(".builder-page").nth(0)
    q1 = add_question(first, "multiple_choice")
    q1.get_by_role("button", name="添加选项").click()
    labels = q1.get_by_label("选项文字")
    expect(labels).to_have_count(3)
    q2 = add_question(first, "number")

    # Drag option 3 above option 1, and the number question above the first one.
    q1.locator(".option-row").nth(2).locator(".drag-handle").drag_to(
        q1.locator(".option-row").nth(0), target_position={"x": 40, "y": 2}
    )
    values = q1.get_by_label("选项值").evaluate_all("inputs => inputs.map(i => i.value)")
    assert values == ["3", "1", "2"]
    q2.locator(".card-header .drag-handle").drag_to(q1, target_position={"x": 40, "y": 4})
    expect(first.locator(".builder-question")).to_have_count(2)
    expect(first.locator(".builder-question").nth(0)).to_have_attribute("data-qid", "q2")
    wait_saved(page)

    # The advanced JSON view applies a pasted definition once it parses.
    page.get_by_role("button", name="JSON").click()
    text = page.locator("#json-text")
    definition = json.loads(text.input_value())
    assert [q["id"] for q in definition["pages"][0]["questions"]] == ["q2", "q1"]
    text.fill("{ not json")
    page.locator("#json-apply").click()
    expect(page.locator(".builder-json .invalid-feedback")).to_contain_text("JSON")
    definition["pages"][0]["questions"][0]["title"] = "您每周点几次外卖？"
    text.fill(json.dumps(definition, ensure_ascii=False))
    page.locator("#json-apply").click()
    expect(q2.get_by_label("题目标题")).to_have_value("您每周点几次外卖？")
    wait_saved(page)

    # Another window saves: this one stops, says so, and keeps the edit in the browser.
    draft = page.request.get(f"{url}draft").json()
    token = page.locator("#builder").get_attribute("data-csrf-token")
    other = page.request.put(
        f"{url}draft",
        data={"definition": draft["definition"], "revision": draft["revision"]},
        headers={"X-CSRFToken": token},
    )
    assert other.ok
    q1.get_by_label("题目标题").fill("您常用哪些外卖平台？")
    expect(page.locator("#save-status")).to_have_text("另一个窗口已修改")
    expect(page.locator("#conflict-alert")).to_be_visible()
    page.locator("#conflict-alert").get_by_role("button", name="重新加载").click()
    expect(page.locator("#restore-alert")).to_be_visible()
    expect(page.locator("[data-qid=q1]").get_by_label("题目标题")).to_have_value("")
    page.locator("#restore-alert").get_by_role("button", name="恢复").click()
    expect(page.locator("[data-qid=q1]").get_by_label("题目标题")).to_have_value(
        "您常用哪些外卖平台？"
    )
    wait_saved(page)
    stored = page.request.get(f"{url}draft").json()["definition"]
    assert stored["pages"][0]["questions"][1]["title"] == "您常用哪些外卖平台？"
    assert [e for e in page.errors if "409" not in e] == []  # the 409 above is expected


def test_ticking_not_scored_on_an_option_writes_scored_false(live_server, desk):
    base_url, study_id = live_server
    page = desk
    log_in(page, base_url)
    url = new_blank_questionnaire(page, base_url, study_id, "配送满意度")
    question = add_question(page.locator(".builder-page").nth(0), "single_choice")
    question.get_by_label("题目标题").fill("您对配送速度满意吗？")
    question.get_by_label("选项文字").nth(1).fill("不适用")
    boxes = question.get_by_label("不计分（如不适用）")
    expect(boxes).to_have_count(2)
    boxes.nth(1).check()
    wait_saved(page)
    options = page.request.get(f"{url}draft").json()["definition"]["pages"][0]["questions"][0]
    assert options["options"][1] == {"value": "2", "label": "不适用", "scored": False}
    boxes.nth(1).uncheck()
    wait_saved(page)
    options = page.request.get(f"{url}draft").json()["definition"]["pages"][0]["questions"][0]
    assert options["options"][1] == {"value": "2", "label": "不适用"}
    assert page.errors == []
