"""Readable differences between two questionnaire versions."""

import copy

from surveys.diff import Change, diff_definitions


def test_identical_definitions_have_no_differences(definition):
    diff = diff_definitions(definition, copy.deepcopy(definition))
    assert diff.is_empty
    assert diff.lines() == []
    assert not diff.breaking


def test_added_removed_and_changed_questions(definition):
    new = copy.deepcopy(definition)
    page1 = new["pages"][0]["questions"]
    page1[2]["title"] = "您的性别是？"
    page1[2]["options"].append({"value": "3", "label": "不愿透露"})
    page1[2]["options"][0]["label"] = "男性"
    page1[3]["required"] = True
    page1[4]["show_if"] = "gender = '1'"
    del page1[5]  # birthday
    new["pages"][1]["questions"].append({"id": "extra", "type": "long_text", "title": "其他建议"})
    diff = diff_definitions(definition, new)
    assert [q.id for q in diff.added] == ["extra"]
    assert [q.id for q in diff.removed] == ["birthday"]
    changes = {q.id: q.changes for q in diff.changed}
    assert set(changes) == {"gender", "city", "age"}
    assert Change("title", "您的性别", "您的性别是？") in changes["gender"]
    assert Change("options_added", None, [("3", "不愿透露")]) in changes["gender"]
    assert Change("option_label", ("1", "男"), ("1", "男性")) in changes["gender"]
    assert changes["city"] == (Change("required", False, True),)
    assert changes["age"] == (Change("show_if", None, "gender = '1'"),)
    assert diff.breaking  # a question was removed


def test_type_change_and_removed_option_are_breaking(definition):
    new = copy.deepcopy(definition)
    new["pages"][0]["questions"][3]["type"] = "single_choice"
    diff = diff_definitions(definition, new)
    assert diff.changed[0].changes == (Change("type", "dropdown", "single_choice"),)
    assert diff.breaking
    new = copy.deepcopy(definition)
    del new["pages"][0]["questions"][3]["options"][2]
    diff = diff_definitions(definition, new)
    assert diff.changed[0].changes == (Change("options_removed", [("gz", "广州")], None),)
    assert diff.breaking


def test_readable_lines_in_chinese_and_english(definition):
    new = copy.deepcopy(definition)
    new["title"] = "产品体验调查（第二轮）"
    new["pages"][0]["questions"][3]["type"] = "single_choice"
    new["pages"][0]["questions"][2]["options"].append({"value": "3", "label": "不愿透露"})
    new["pages"][1]["show_if"] = None
    diff = diff_definitions(definition, new)
    zh = diff.lines()
    assert "问卷标题 “产品体验调查” → “产品体验调查（第二轮）”" in zh
    assert "修改题目 city「您所在的城市」：题型 下拉题 → 单选题" in zh
    assert "修改题目 gender「您的性别」：新增选项 3「不愿透露」" in zh
    assert "修改页面 p2：显示条件 “consent = true” → （无）" in zh
    assert zh[-1].startswith("注意")
    en = diff.lines("en")
    assert "Question city changed: type Dropdown → Single choice" in en


def test_moved_question_and_reordered_options(definition):
    new = copy.deepcopy(definition)
    moved = new["pages"][0]["questions"].pop(3)
    new["pages"][1]["questions"].insert(0, moved)
    new["pages"][0]["questions"][2]["options"].reverse()
    diff = diff_definitions(definition, new)
    changes = {q.id: q.changes for q in diff.changed}
    assert changes["city"] == (Change("page", "p1", "p2"),)
    assert changes["gender"][0].field == "options_order"
    assert diff.order_changed
    assert not diff.breaking
    assert diff.to_dict()["changed"][0]["id"] in {"city", "gender"}
