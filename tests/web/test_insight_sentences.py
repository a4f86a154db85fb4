"""Insight sentences word the stored claim's numbers: the issue's example, word for word, in
Chinese, its English twin, a choice question and a small-sample note."""

import pytest

from app.findings.insight_sentences import insight_sentence, signed, small_sample_sentence

NPS_CLAIM = {
    "family": "nps",
    "metric": {"kind": "nps", "question": "nps"},
    "title": "推荐意愿",
    "segment": {"question": "age", "title": "年龄", "value": "25-34", "label": "25–34 岁"},
    "difference": -18.2,
    "ci": [-27.4, -9.1],
    "effect": {"name": "nps_points", "value": -18.2},
    "n": {"segment": 412, "rest": 1588},
    "confidence": 0.95,
}
CHOICE_CLAIM = {
    "family": "choice",
    "metric": {"kind": "choice", "question": "feature"},
    "title": "最常用的功能",
    "segment": {"question": "age", "title": "年龄", "value": "25-34", "label": "25–34 岁"},
    "difference": None,
    "ci": None,
    "effect": {"name": "cramers_v", "value": 0.214},
    "n": {"segment": 412, "rest": 1588},
    "confidence": 0.95,
    "option": {
        "value": "search",
        "label": "搜索",
        "segment": {"value": 45.2, "ci": [40.0, 50.0], "n": 412},
        "rest": {"value": 28.1, "ci": [26.0, 30.0], "n": 1588},
    },
}


@pytest.fixture
def zh(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        yield


@pytest.fixture
def en(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def test_the_issues_example_word_for_word(zh):
    assert (
        insight_sentence(NPS_CLAIM)
        == "25–34 岁用户的 NPS 比其他用户低 18 分（95% 区间 −27 至 −9，n=412）"
    )


def test_the_english_sentence(en):
    assert insight_sentence(NPS_CLAIM) == (
        "25–34 岁 respondents have an NPS 18 points lower than the others (95% CI −27 to −9, n=412)"
    )


def test_a_mean_keeps_two_decimals_and_a_higher_segment_reads_higher(zh):
    claim = NPS_CLAIM | {
        "family": "mean",
        "metric": {"kind": "mean", "question": "stars"},
        "title": "总体评分",
        "difference": 0.423,
        "ci": [0.2, 0.65],
    }
    assert insight_sentence(claim) == (
        "25–34 岁用户对「总体评分」的平均分比其他用户高 0.42 分（95% 区间 0.20 至 0.65，n=412）"
    )


def test_a_choice_question_names_the_option_that_differs_most(zh):
    assert insight_sentence(CHOICE_CLAIM) == (
        "25–34 岁用户在「最常用的功能」上的回答与其他用户不同：选「搜索」的占 45%，"
        "其他用户为 28%（Cramér's V = 0.21，n=412）"
    )


def test_a_small_sample_is_flagged_not_claimed(zh):
    claim = NPS_CLAIM | {"n": {"segment": 12, "rest": 1588}}
    assert small_sample_sentence(claim, 30) == (
        "25–34 岁用户在「推荐意愿」上可能有差别，"
        "但有一方只有 12 人回答（少于 30）：仅作提示，不作结论"
    )


def test_signed_numbers_use_a_real_minus_and_no_negative_zero():
    assert signed(-9.1) == "−9" and signed(9.1) == "9" and signed(-0.2) == "0"
    assert signed(None) == "—" and signed(-0.456, 2) == "−0.46"
