"""The rules that pick open answers for coding many at once."""

import pytest

from analysis.text.autocode import AutocodeError, matching_answers, similar_answers
from surveys.safe_regex import PatternError

ANSWERS = [
    "配送太慢了",
    "物流慢",
    "客服很好",
    "「配送」也慢",
    "ＡＰＰ卡死",
    None,
    "客服 态度很差",
    "配送慢，物流也慢",
]


def test_keywords_are_any_of_the_words_after_normalising_and_case_folding():
    assert matching_answers(ANSWERS, "keyword", "配送、物流") == [0, 1, 3, 7]
    assert matching_answers(ANSWERS, "keyword", "app") == [4]  # full width, upper case


def test_a_phrase_is_matched_whole_with_spaces_ignored():
    assert matching_answers(ANSWERS, "phrase", "客服 态度") == [6]
    assert matching_answers(ANSWERS, "phrase", "客服态度") == [6]


def test_a_pattern_runs_in_re2_and_a_bad_one_says_so():
    assert matching_answers(ANSWERS, "regex", "配送.*慢") == [0, 3, 7]
    with pytest.raises(PatternError):
        matching_answers(ANSWERS, "regex", "(配送")
    with pytest.raises(PatternError):
        matching_answers(ANSWERS, "regex", r"(慢)\1")  # back-references are refused


def test_answers_like_one_share_its_weighted_terms():
    picked = similar_answers(ANSWERS, 0)
    assert 0 in picked and 3 in picked  # 配送 … 慢 in both
    assert 2 not in picked and 6 not in picked  # the answers about 客服
    assert matching_answers(ANSWERS, "similar", "0") == picked


@pytest.mark.parametrize(
    ("method", "rule", "code"),
    [
        ("keyword", " 、 ", "empty_rule"),
        ("phrase", "", "empty_rule"),
        ("regex", " ", "empty_rule"),
        ("similar", "99", "bad_answer"),
        ("similar", "x", "bad_answer"),
        ("fuzzy", "a", "unknown_method"),
    ],
)
def test_a_rule_that_cannot_run_names_why(method, rule, code):
    with pytest.raises(AutocodeError) as raised:
        matching_answers(ANSWERS, method, rule)
    assert raised.value.code == code
