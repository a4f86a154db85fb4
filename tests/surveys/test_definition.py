"""Loading and checking definitions: every problem collected, each with a code and a path."""

import json
from importlib import resources

import jsonschema
import pytest

from surveys import (
    QUESTION_TYPES,
    Code,
    DefinitionError,
    Questionnaire,
    definition_schema,
    load_definition,
    validate_definition,
)


def codes(problems, severity=None):
    return {(p.code, p.path) for p in problems if severity is None or p.severity == severity}


def page_questions(definition, page=0):
    return definition["pages"][page]["questions"]


def test_complete_definition_loads_into_typed_questionnaire(definition):
    questionnaire = load_definition(definition)
    assert isinstance(questionnaire, Questionnaire)
    assert questionnaire.question("gender").other_option.value == "other"
    assert questionnaire.question("apps").option("none").exclusive
    assert questionnaire.question("age").max == 99
    assert [p.id for p in questionnaire.pages] == ["p1", "p2"]
    assert validate_definition(definition) == []


def test_published_schema_is_valid_and_installed_with_the_package():
    text = resources.files("surveys").joinpath("schema/questionnaire.schema.json").read_text()
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == definition_schema()


def test_schema_option_types_match_the_registry():
    choice_rule = definition_schema()["$defs"]["question"]["allOf"][0]
    with_options = set(choice_rule["if"]["properties"]["type"]["enum"])
    assert with_options == {name for name, t in QUESTION_TYPES.items() if t.has_options}


def test_format_doc_example_is_valid():
    example = {
        "schema_version": 1,
        "title": "用户满意度调查",
        "language": "zh_CN",
        "description": "",
        "pages": [
            {
                "id": "p1",
                "title": "基本信息",
                "show_if": None,
                "questions": [
                    {
                        "id": "q1",
                        "type": "single_choice",
                        "title": "您的性别",
                        "required": True,
                        "options": [
                            {"value": "1", "label": "男"},
                            {"value": "2", "label": "女"},
                            {"value": "other", "label": "其他", "other": True},
                        ],
                        "randomize": False,
                        "show_if": None,
                    }
                ],
            }
        ],
    }
    assert [p for p in validate_definition(example) if p.is_error] == []


def test_all_problems_are_reported_at_once_with_paths(definition):
    qs = page_questions(definition)
    qs[3]["id"] = "gender"  # duplicate id
    qs[2]["options"][1]["value"] = "1"  # duplicate option value
    qs[4]["min"] = 100  # min > max
    qs[5]["type"] = "datum"  # unknown type
    with pytest.raises(DefinitionError) as caught:
        load_definition(definition)
    found = codes(caught.value.problems)
    assert (Code.DUPLICATE_QUESTION_ID, "$.pages[0].questions[3].id") in found
    assert (Code.DUPLICATE_OPTION_VALUE, "$.pages[0].questions[2].options[1].value") in found
    assert (Code.RANGE_INVERTED, "$.pages[0].questions[4].min") in found
    assert (Code.UNKNOWN_QUESTION_TYPE, "$.pages[0].questions[5].type") in found


def test_schema_errors_name_the_json_path(definition):
    page_questions(definition)[2]["options"][0]["label"] = 5
    page_questions(definition, 1)[0]["requried"] = True  # a typo is not silently accepted
    del definition["title"]
    found = codes(validate_definition(definition))
    assert (Code.SCHEMA, "$.pages[0].questions[2].options[0].label") in found
    assert (Code.SCHEMA, "$.pages[1].questions[0]") in found
    assert (Code.SCHEMA, "$") in found


def test_keys_of_another_type_are_rejected(definition):
    page_questions(definition)[4]["options"] = [{"value": "1", "label": "一"}]
    page_questions(definition)[2]["max_selected"] = 2
    found = codes(validate_definition(definition))
    assert (Code.SCHEMA, "$.pages[0].questions[4]") in found
    assert (Code.SCHEMA, "$.pages[0].questions[2]") in found


def test_type_alias_is_named_with_its_canonical_spelling(definition):
    page_questions(definition)[2]["type"] = "radio"
    problem = next(p for p in validate_definition(definition) if p.code == "question_type_alias")
    assert problem.params == {"type": "radio", "canonical": "single_choice"}
    assert "single_choice" in problem.message("en")


def test_not_an_object():
    assert [p.code for p in validate_definition(["不是对象"])] == [Code.NOT_AN_OBJECT]


@pytest.mark.parametrize(
    ("page", "index", "show_if", "code"),
    [
        (0, 2, "age > 18", Code.CONDITION_FORWARD_REFERENCE),
        (0, 2, "gender = '1'", Code.CONDITION_FORWARD_REFERENCE),  # itself
        (0, 2, "q99 = '1'", Code.CONDITION_UNKNOWN_QUESTION),
        (0, 2, "intro = '1'", Code.CONDITION_NO_ANSWER),
        (1, 3, "likert.r9 = '1'", Code.CONDITION_UNKNOWN_PART),
        (1, 3, "gender.x = '1'", Code.CONDITION_UNKNOWN_PART),
        (1, 3, "eval(gender)", Code.EXPR_UNKNOWN_FUNCTION),
        (1, 3, "selected(gender)", Code.EXPR_ARITY),
        (1, 3, "gender == '1'", Code.EXPR_OPERATOR_SPELLING),
        (1, 3, "(" * 40 + "age" + ")" * 40, Code.EXPR_TOO_DEEP),
    ],
)
def test_bad_conditions_are_rejected_when_saved(definition, page, index, show_if, code):
    page_questions(definition, page)[index]["show_if"] = show_if
    found = codes(validate_definition(definition), "error")
    assert (code, f"$.pages[{page}].questions[{index}].show_if") in found


def test_valid_parts_and_earlier_questions_are_accepted(definition):
    page_questions(definition, 1)[3]["show_if"] = "likert.r1 = '3' or age + 1 > 30"
    assert validate_definition(definition) == []


def test_page_condition_cannot_use_questions_of_its_own_page(definition):
    definition["pages"][1]["show_if"] = "count(apps) > 0"
    found = codes(validate_definition(definition))
    assert (Code.CONDITION_FORWARD_REFERENCE, "$.pages[1].show_if") in found


def test_comparing_a_multiple_choice_answer_warns(definition):
    page_questions(definition, 1)[1]["show_if"] = "apps = 'wx'"
    problems = validate_definition(definition)
    assert codes(problems, "warning") == {
        (Code.CONDITION_USE_SELECTED, "$.pages[1].questions[1].show_if")
    }
    load_definition(definition)  # a warning does not stop loading


def test_piping_a_later_or_unknown_question_warns(definition):
    page_questions(definition)[2]["title"] = "{age} 岁的您，性别是？{nobody}"
    found = codes(validate_definition(definition), "warning")
    assert (Code.PIPE_FORWARD_REFERENCE, "$.pages[0].questions[2].title") in found
    assert (Code.PIPE_UNKNOWN_QUESTION, "$.pages[0].questions[2].title") in found


@pytest.mark.parametrize(
    ("index", "change", "code"),
    [
        (4, {"min": 50, "max": 20}, Code.RANGE_INVERTED),
        (5, {"min": "2020-02-30"}, Code.INVALID_DATE),
        (5, {"min": "2020-01-01", "max": "2019-01-01"}, Code.RANGE_INVERTED),
        (2, {"options": [{"value": "a", "label": "甲", "other": True},
                         {"value": "b", "label": "乙", "other": True}]},
         Code.MULTIPLE_OTHER_OPTIONS),
    ],
)  # fmt: skip
def test_semantic_errors_on_page_one(definition, index, change, code):
    page_questions(definition)[index].update(change)
    assert code in {p.code for p in validate_definition(definition) if p.is_error}


def test_semantic_rules_of_text_and_choices(definition):
    qs = page_questions(definition, 1)
    qs[7]["pattern"] = "[未闭合"
    qs[0]["min_selected"] = 9
    qs[0]["max_selected"] = 8
    qs[10]["step"] = 0
    qs[8]["id"] = "and"
    errors = {p.code for p in validate_definition(definition) if p.is_error}
    assert {
        Code.INVALID_PATTERN,
        Code.TOO_FEW_OPTIONS_FOR_MIN,
        Code.RANGE_INVERTED,
        Code.STEP_NOT_POSITIVE,
        Code.RESERVED_ID,
    } <= errors
    warnings = {p.code for p in validate_definition(definition) if not p.is_error}
    assert Code.MAX_SELECTED_ABOVE_OPTIONS in warnings


def test_warnings_for_empty_pages_titles_and_useless_settings(definition):
    definition["pages"].append({"id": "p3", "questions": []})
    page_questions(definition)[3]["title"] = "  "
    page_questions(definition)[4]["randomize"] = True
    page_questions(definition)[2]["attention_check"] = "9"
    page_questions(definition)[2]["options"][0]["exclusive"] = True
    problems = validate_definition(definition)
    assert all(not p.is_error for p in problems)
    assert {p.code for p in problems} == {
        Code.EMPTY_PAGE,
        Code.EMPTY_TITLE,
        Code.RANDOMIZE_WITHOUT_OPTIONS,
        Code.ATTENTION_CHECK_NOT_AN_OPTION,
        Code.EXCLUSIVE_ON_SINGLE,
    }


def test_duplicate_page_ids_and_no_questions():
    found = codes(
        validate_definition(
            {
                "schema_version": 1,
                "title": "空问卷",
                "pages": [{"id": "p", "questions": []}, {"id": "p", "questions": []}],
            }
        )
    )
    assert (Code.DUPLICATE_PAGE_ID, "$.pages[1].id") in found
    assert (Code.NO_QUESTIONS, "$.pages") in found


def test_problem_messages_in_both_languages(definition):
    page_questions(definition)[3]["id"] = "gender"
    problem = next(p for p in validate_definition(definition) if p.is_error)
    assert problem.message() == "题目编号“gender”重复"
    assert problem.message("en") == "Question id “gender” is used twice"
    assert problem.to_dict("en")["path"] == "$.pages[0].questions[3].id"


def test_definition_error_names_paths_in_its_text(definition):
    page_questions(definition)[3]["id"] = "gender"
    with pytest.raises(DefinitionError, match=r"\$\.pages\[0\]\.questions\[3\]\.id"):
        load_definition(definition)


def _mutations(rng, node, depth=0):
    """Yield copies of *node* with one random part replaced by a random value."""
    junk = [None, 0, -1, 1e308, "", "x" * 300, [], {}, [1, "a"], {"id": 3}, True, "$%^", "(("]
    if isinstance(node, dict) and node:
        key = rng.choice(list(node))
        copy_ = dict(node)
        copy_[key] = rng.choice(junk) if rng.random() < 0.4 else _mutate(rng, node[key], depth)
        return copy_
    if isinstance(node, list) and node:
        i = rng.randrange(len(node))
        copy_ = list(node)
        copy_[i] = rng.choice(junk) if rng.random() < 0.4 else _mutate(rng, node[i], depth)
        return copy_
    return rng.choice(junk)


def _mutate(rng, node, depth):
    return _mutations(rng, node, depth + 1)


def test_mangled_definitions_give_problems_never_exceptions(definition):
    import random

    rng = random.Random(7)
    for _ in range(120):
        mangled = _mutations(rng, definition)
        problems = validate_definition(mangled)
        if any(p.is_error for p in problems):
            with pytest.raises(DefinitionError):
                load_definition(mangled)
        else:
            load_definition(mangled)


RESPONDENT_SETTINGS = {
    "consent": {"required": True, "notice_version": "2026-11", "purpose": "改进产品"},
    "access": {"mode": "invitation", "one_per_browser": True},
    "opens_at": "2026-12-01T09:00:00+08:00",
    "closes_at": "2026-12-31T18:00:00+08:00",
    "quota": {"total": 300, "question": "gender", "limits": {"2": 150}, "message": "已满"},
    "end": {"thank_you": "感谢参与！", "redirect_url": "https://example.cn/done"},
}


def test_respondent_settings_are_part_of_the_definition(definition):
    assert validate_definition({**definition, "settings": RESPONDENT_SETTINGS}) == []


@pytest.mark.parametrize(
    "change, code, path",
    [
        (
            {"quota": {"question": "nosuch"}},
            Code.QUOTA_UNKNOWN_QUESTION,
            "$.settings.quota.question",
        ),
        ({"quota": {"question": "age"}}, Code.QUOTA_UNKNOWN_QUESTION, "$.settings.quota.question"),
        (
            {"quota": {"question": "gender", "limits": {"martian": 3}}},
            Code.QUOTA_UNKNOWN_VALUE,
            "$.settings.quota.limits.martian",
        ),
        (
            {"opens_at": "2026-12-31T00:00:00Z", "closes_at": "2026-12-01T00:00:00Z"},
            Code.CLOSES_BEFORE_OPENS,
            "$.settings.closes_at",
        ),
        ({"opens_at": "下周一"}, Code.INVALID_MOMENT, "$.settings.opens_at"),
        (
            {"end": {"redirect_url": "javascript:alert(1)"}},
            Code.SCHEMA,
            "$.settings.end.redirect_url",
        ),
        ({"access": {"mode": "everyone"}}, Code.SCHEMA, "$.settings.access.mode"),
        ({"quota": {"total": 0}}, Code.SCHEMA, "$.settings.quota.total"),
        ({"colour": "red"}, Code.SCHEMA, "$.settings"),
    ],
)
def test_bad_respondent_settings_are_named_by_path(definition, change, code, path):
    problems = validate_definition({**definition, "settings": change})
    assert (code, path) in codes(problems, "error")


def test_a_score_on_an_option_marked_not_scored_is_a_warning():
    definition = {
        "schema_version": 1,
        "title": "满意度",
        "pages": [{"id": "p1", "questions": [
            {"id": "sat", "type": "single_choice", "title": "您满意吗？", "options": [
                {"value": "1", "label": "满意"},
                {"value": "na", "label": "不适用", "scored": False, "score": 6}]},
        ]}],
    }  # fmt: skip
    problems = validate_definition(definition)
    assert [(p.code, p.path, p.is_error) for p in problems] == [
        (Code.SCORE_ON_UNSCORED_OPTION, "$.pages[0].questions[0].options[1]", False)
    ]
