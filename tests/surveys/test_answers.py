"""Answer validation: codes per question, cleaned answers, hidden answers dropped."""

import pytest

from surveys import (
    Code,
    DefinitionError,
    load_definition,
    partial_answers,
    validate_answers,
    visible_questions,
)

BASE = {"consent": True, "gender": "1", "age": 30, "nps": 9}


def check(definition, **answers):
    return validate_answers(definition, {**BASE, **answers})


def test_minimal_valid_answers_pass(definition):
    result = check(definition)
    assert result.ok
    assert result.cleaned == BASE


def test_required_questions_are_reported_in_chinese_by_default(definition):
    result = validate_answers(definition, {})
    assert result.codes == {
        "consent": Code.ANSWER_CONSENT_REQUIRED,
        "gender": Code.ANSWER_REQUIRED,
        "age": Code.ANSWER_REQUIRED,
    }  # page 2 is hidden until consent = true, so nps is not required yet
    assert result.errors["gender"] == "此题为必答题"
    english = validate_answers(definition, {}, locale="en")
    assert english.errors["gender"] == "This question is required"


def test_partial_save_skips_required(definition):
    assert validate_answers(definition, {"gender": "2"}, partial=True).ok


@pytest.mark.parametrize(
    ("answers", "qid", "code"),
    [
        ({"gender": "9"}, "gender", Code.ANSWER_NOT_AN_OPTION),
        ({"gender": ["1"]}, "gender", Code.ANSWER_WRONG_TYPE),
        ({"gender": "other"}, "gender", Code.ANSWER_OTHER_TEXT_REQUIRED),
        ({"city": "sz"}, "city", Code.ANSWER_NOT_AN_OPTION),
        ({"age": 15}, "age", Code.ANSWER_TOO_SMALL),
        ({"age": 100}, "age", Code.ANSWER_TOO_LARGE),
        ({"age": 30.5}, "age", Code.ANSWER_NOT_INTEGER),
        ({"age": "三十"}, "age", Code.ANSWER_WRONG_TYPE),
        ({"age": True}, "age", Code.ANSWER_WRONG_TYPE),
        ({"age": 10**400}, "age", Code.ANSWER_WRONG_TYPE),
        ({"birthday": "2011-01-01"}, "birthday", Code.ANSWER_DATE_TOO_LATE),
        ({"birthday": "1900-01-01"}, "birthday", Code.ANSWER_DATE_TOO_EARLY),
        ({"birthday": "2000-02-30"}, "birthday", Code.ANSWER_BAD_DATE),
        ({"birthday": "2000/01/01"}, "birthday", Code.ANSWER_BAD_DATE),
        ({"consent": False}, "consent", Code.ANSWER_CONSENT_REQUIRED),
        ({"apps": []}, "apps", None),
        ({"apps": ["wx", "zfb", "dy", "tb"]}, "apps", Code.ANSWER_TOO_MANY),
        ({"apps": ["wx", "none"]}, "apps", Code.ANSWER_EXCLUSIVE),
        ({"apps": ["wx", "qq"]}, "apps", Code.ANSWER_NOT_AN_OPTION),
        ({"apps": ["other"]}, "apps", Code.ANSWER_OTHER_TEXT_REQUIRED),
        ({"apps": ["wx"], "wx_freq": 6}, "wx_freq", Code.ANSWER_TOO_LARGE),
        ({"apps": ["wx"], "wx_freq": 0}, "wx_freq", Code.ANSWER_TOO_SMALL),
        ({"likert": {"r1": "3", "r9": "1"}}, "likert", Code.ANSWER_UNKNOWN_ROW),
        ({"likert": {"r1": "4"}}, "likert", Code.ANSWER_NOT_AN_OPTION),
        ({"likert": "3"}, "likert", Code.ANSWER_WRONG_TYPE),
        ({"nps": 11}, "nps", Code.ANSWER_TOO_LARGE),
        ({"nps": -1}, "nps", Code.ANSWER_TOO_SMALL),
        ({"nps": 7.5}, "nps", Code.ANSWER_NOT_INTEGER),
        ({"nps": 3, "nps_why": "太" * 201}, "nps_why", Code.ANSWER_TOO_LONG),
        ({"phone": "1380013800"}, "phone", Code.ANSWER_PHONE),
        ({"phone": "12800138000"}, "phone", Code.ANSWER_PHONE),
        ({"email": "wang@例子"}, "email", Code.ANSWER_EMAIL),
        ({"code": "ABC1"}, "code", Code.ANSWER_TOO_SHORT),
        ({"code": "abc12"}, "code", Code.ANSWER_PATTERN),
        ({"rank": ["price", "price"]}, "rank", Code.ANSWER_RANKING_DUPLICATE),
        ({"rank": ["price", "cost"]}, "rank", Code.ANSWER_NOT_AN_OPTION),
        ({"budget": 10.5}, "budget", Code.ANSWER_TOO_LARGE),
        ({"budget": 2.3}, "budget", Code.ANSWER_OFF_STEP),
        ({"kano_dark": {"functional": "like"}}, "kano_dark", Code.ANSWER_KANO_INCOMPLETE),
        ({"kano_dark": {"functional": "like", "dysfunctional": "hate"}}, "kano_dark",
         Code.ANSWER_NOT_AN_OPTION),
    ],
)  # fmt: skip
def test_invalid_answer_gets_its_code(definition, answers, qid, code):
    result = check(definition, **answers)
    assert result.codes.get(qid) == code
    assert qid not in result.cleaned
    assert set(result.codes) <= {qid}


@pytest.mark.parametrize(
    ("answers", "cleaned"),
    [
        ({"age": "30"}, {"age": 30}),
        ({"age": 30.0}, {"age": 30}),
        ({"phone": "+86 138-0013-8000"}, {"phone": "13800138000"}),
        ({"email": " wang.li@example.cn "}, {"email": "wang.li@example.cn"}),
        ({"apps": ["wx", "wx", "dy"]}, {"apps": ["wx", "dy"]}),
        ({"apps": ["none"]}, {"apps": ["none"]}),
        ({"apps": ["other"], "apps/other_text": " 小红书 "},
         {"apps": ["other"], "apps/other_text": "小红书"}),
        ({"gender": "other", "gender/other_text": "不便透露"},
         {"gender": "other", "gender/other_text": "不便透露"}),
        ({"likert": {"r2": "1", "r1": "3"}}, {"likert": {"r1": "3", "r2": "1"}}),
        ({"likert": {"r1": "3", "r2": ""}}, {"likert": {"r1": "3"}}),
        ({"budget": 2.5}, {"budget": 2.5}),
        ({"birthday": "1990-05-01"}, {"birthday": "1990-05-01"}),
        ({"rank": ["service", "price"]}, {"rank": ["service", "price"]}),
        ({"kano_dark": {"functional": "like", "dysfunctional": "must_be"}},
         {"kano_dark": {"functional": "like", "dysfunctional": "must_be"}}),
        ({"code": "ABC12"}, {"code": "ABC12"}),
        ({"city": "  "}, {}),
    ],
)  # fmt: skip
def test_valid_answers_are_cleaned(definition, answers, cleaned):
    result = check(definition, **answers)
    assert result.ok, result.codes
    extra = {k: v for k, v in result.cleaned.items() if k not in BASE or k in answers}
    assert extra == cleaned


def test_other_text_without_other_option_chosen_is_dropped(definition):
    result = check(definition, **{"gender/other_text": "多余的文字"})
    assert "gender/other_text" not in result.cleaned


def test_hidden_questions_answers_are_dropped(definition):
    answers = {**BASE, "nps": 9, "nps_why": "很好用", "apps": ["dy"], "wx_freq": 5}
    result = validate_answers(definition, answers)
    assert result.ok
    assert "nps_why" not in result.cleaned  # shown only when nps <= 6
    assert "wx_freq" not in result.cleaned  # shown only when WeChat is selected


def test_hidden_page_drops_all_its_answers_and_requirements(definition):
    answers = {"consent": False, "gender": "1", "age": 30, "apps": ["wx"], "nps": 50}
    definition["pages"][0]["questions"][1]["required"] = False
    result = validate_answers(definition, answers)
    assert result.ok
    assert result.cleaned == {"consent": False, "gender": "1", "age": 30}
    assert "nps" not in result.visible


def test_invalid_answer_does_not_open_dependent_questions(definition):
    # apps is invalid (exclusive combined), so wx_freq stays hidden and its answer is dropped
    result = check(definition, apps=["wx", "none"], wx_freq=4)
    assert set(result.codes) == {"apps"}
    assert "wx_freq" not in result.visible


def test_visible_questions_follow_page_order(definition):
    shown = visible_questions(definition, {**BASE, "nps": 5, "apps": ["wx"]})
    assert shown.index("nps_why") > shown.index("nps")
    assert "wx_freq" in shown
    assert "nps_why" not in visible_questions(definition, {**BASE, "nps": 8})


def test_answers_for_unknown_questions_are_ignored(definition):
    assert check(definition, q_unknown="x").cleaned == BASE


def test_a_loaded_questionnaire_can_be_passed(definition):
    questionnaire = load_definition(definition)
    assert validate_answers(questionnaire, BASE).cleaned == BASE


def test_invalid_definition_raises(definition):
    definition["pages"][0]["questions"][2]["type"] = "unknown"
    with pytest.raises(DefinitionError):
        validate_answers(definition, BASE)


def test_matrix_required_needs_every_row_and_multiple_takes_lists(definition):
    likert = definition["pages"][1]["questions"][2]
    likert["required"] = True
    assert check(definition, likert={"r1": "1"}).codes == {"likert": Code.ANSWER_ROWS_INCOMPLETE}
    likert["multiple"] = True
    result = check(definition, likert={"r1": ["1", "3"], "r2": "2"})
    assert result.cleaned["likert"] == {"r1": ["1", "3"], "r2": ["2"]}


def test_required_ranking_needs_every_option(definition):
    definition["pages"][1]["questions"][8]["required"] = True
    assert check(definition, rank=["price"]).codes == {"rank": Code.ANSWER_RANKING_INCOMPLETE}


def test_min_selected(definition):
    definition["pages"][1]["questions"][0]["min_selected"] = 2
    assert check(definition, apps=["wx"]).codes == {"apps": Code.ANSWER_TOO_FEW}
    assert check(definition, apps=["none"]).ok  # an exclusive answer stands alone


def test_error_messages_carry_parameters(definition):
    result = validate_answers(definition, {**BASE, "age": 120}, locale="en")
    assert result.errors == {"age": "Must be at most 99"}
    assert validate_answers(definition, {**BASE, "age": 120}).errors == {"age": "不能大于 99"}


def test_partial_answers_keep_unfinished_answers_hidden_ones_too(definition):
    answers = {
        "age": "3",  # typed so far
        "nps": 11,  # out of range: the submit's check says so
        "nps_why": "太慢了",  # hidden while nps > 6, kept: the respondent may go back
        "rank": ["quality"],
        "kano_dark": {"functional": "like"},
        "gender": "other",
        "gender/other_text": "不愿透露",
        "city/other_text": "city has no other option",
        "nosuch": "x",
        "email": "",
    }
    result = partial_answers(definition, answers)
    assert result.ok
    assert result.cleaned == {
        k: answers[k]
        for k in ("age", "nps", "nps_why", "rank", "kano_dark", "gender", "gender/other_text")
    }


@pytest.mark.parametrize(
    ("answers", "qid", "code"),
    [
        ({"code": "123456"}, "code", Code.ANSWER_TOO_LONG),  # max_length 5
        ({"phone": ["138"]}, "phone", Code.ANSWER_WRONG_TYPE),
        ({"apps": ["wx", "wx"]}, "apps", Code.ANSWER_DUPLICATE_OPTION),
        ({"likert": {"nosuch": "1"}}, "likert", Code.ANSWER_UNKNOWN_ROW),
        ({"kano_dark": {"functional": "love"}}, "kano_dark", Code.ANSWER_NOT_AN_OPTION),
        ({"consent": "yes"}, "consent", Code.ANSWER_WRONG_TYPE),
        ({"birthday": "2" * 101}, "birthday", Code.ANSWER_TOO_LONG),
        ({"email": "a\u0000@b.cn"}, "email", Code.ANSWER_CONTROL_CHARACTER),
        (
            {"gender": "other", "gender/other_text": "x\u0008"},
            "gender",
            Code.ANSWER_CONTROL_CHARACTER,
        ),
    ],
)
def test_partial_answers_refuse_answers_not_shaped_like_their_question(
    definition, answers, qid, code
):
    result = partial_answers(definition, answers)
    assert result.codes == {qid: code}
    assert qid not in result.cleaned


def test_control_characters_are_refused_but_tab_and_line_breaks_are_text(definition):
    refused = check(definition, nps=3, nps_why="太慢\u0000了")
    assert refused.codes == {"nps_why": Code.ANSWER_CONTROL_CHARACTER}
    assert check(definition, nps=3, nps_why="太慢\r\n了\t").cleaned["nps_why"] == "太慢\r\n了"
