"""Answers of questions flagged personal or sensitive, parted from the rest (surveys.privacy)."""

from surveys.privacy import (
    join_answers,
    masked_answers,
    protected_ids,
    split_answers,
    without_protected,
)
from tests.definitions import definition, long_text, short_text, single_choice

PHONE = short_text("phone", "您的手机号", privacy="personal")
INCOME = single_choice(
    "income",
    "您的月收入",
    choices=(("low", "5000 元以下"), ("other", "其他")),
    privacy="sensitive",
)
CITY = short_text("city", "您所在的城市", privacy="none")
SURVEY = definition(PHONE, INCOME, CITY, long_text("why", "您为什么选择我们"))
ANSWERS = {
    "phone": "13800138000",
    "income": "other",
    "income/other_text": "不方便透露",
    "city": "杭州",
    "why": "送货快",
}


def test_only_questions_flagged_personal_or_sensitive_are_protected():
    assert protected_ids(SURVEY) == {"phone", "income"}
    assert protected_ids(definition(CITY)) == frozenset()


def test_split_sends_an_other_text_with_its_question_and_join_gives_the_answers_back():
    plain, protected = split_answers(ANSWERS, protected_ids(SURVEY))
    assert plain == {"city": "杭州", "why": "送货快"}
    assert protected == {
        "phone": "13800138000",
        "income": "other",
        "income/other_text": "不方便透露",
    }
    assert join_answers(plain, protected) == ANSWERS
    assert join_answers(plain, None) == plain


def test_masking_hides_given_answers_and_keeps_empty_ones_empty():
    masked = masked_answers({**ANSWERS, "income/other_text": ""}, protected_ids(SURVEY), "已隐藏")
    assert masked == {
        "phone": "已隐藏",
        "income": "已隐藏",
        "income/other_text": "",
        "city": "杭州",
        "why": "送货快",
    }


def test_the_analysis_definition_has_no_flagged_question_and_the_original_is_untouched():
    kept = without_protected(SURVEY)
    ids = [q["id"] for page in kept["pages"] for q in page["questions"]]
    assert ids == ["city", "why"]
    assert [q["id"] for q in SURVEY["pages"][0]["questions"]] == ["phone", "income", "city", "why"]
