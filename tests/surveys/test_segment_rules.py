"""Segment rules checked as plain data (`surveys.segment_rules`): every problem is found at
once and named by its rule and field; band ranges follow the bands' numbers, 千/万 included."""

import pytest

from surveys.segment_rules import (
    RuleProblem,
    SegmentRulesError,
    band_order,
    expand_range,
    parse_rules,
)


def _problems(raw, **kwargs):
    with pytest.raises(SegmentRulesError) as caught:
        parse_rules(raw, **kwargs)
    return {(e.index, e.field, e.code) for e in caught.value.errors}


def test_a_well_formed_segment_round_trips():
    raw = {
        "match": "any",
        "rules": [
            {"kind": "attribute", "field": "city_tier", "op": "in", "values": ["一线", "新一线"]},
            {"kind": "tag", "op": "has", "values": "老客户"},
            {"kind": "custom", "field": "pet", "op": "equals", "values": ["猫"]},
            {"kind": "answer", "questionnaire_id": "7", "question": "q1", "op": "chose",
             "values": ["wechat"]},
        ],
    }  # fmt: skip
    rules = parse_rules(raw, custom_keys=["pet"], questionnaire_ids=[7])
    assert rules.match == "any"
    assert rules.rules[1].values == ("老客户",)
    assert rules.rules[3].questionnaire_id == 7
    assert parse_rules(rules.to_dict()).to_dict() == rules.to_dict()


def test_every_problem_is_reported_with_its_rule_and_field():
    raw = {
        "match": "most",
        "rules": [
            {"kind": "attribute", "field": "blood_type", "op": "equals", "values": ["A"]},
            {"kind": "attribute", "field": "gender", "op": "range", "values": ["男", "女"]},
            {"kind": "attribute", "field": "city", "op": "equals", "values": ["上海", "北京"]},
            {"kind": "tag", "op": "equals", "values": []},
            {"kind": "custom", "field": "secret_note", "op": "in", "values": ["x"]},
            {"kind": "answer", "questionnaire_id": 99, "question": "q 1", "op": "chose",
             "values": ["a"]},
            {"kind": "weather"},
            {"kind": "attribute", "field": "age_band", "op": "range", "values": ["25-34"]},
        ],
    }  # fmt: skip
    assert _problems(raw, custom_keys=["pet"], questionnaire_ids=[7]) == {
        (None, "match", RuleProblem.BAD_MATCH),
        (0, "field", RuleProblem.BAD_FIELD),
        (1, "op", RuleProblem.NOT_BANDED),
        (2, "values", RuleProblem.ONE_VALUE),
        (3, "op", RuleProblem.BAD_OPERATOR),
        (3, "values", RuleProblem.NO_VALUE),
        (4, "field", RuleProblem.BAD_FIELD),
        (5, "questionnaire_id", RuleProblem.BAD_QUESTIONNAIRE),
        (5, "question", RuleProblem.BAD_QUESTION),
        (6, "kind", RuleProblem.BAD_KIND),
        (7, "values", RuleProblem.RANGE_ENDS),
    }


def test_a_segment_needs_rules_and_at_most_twenty():
    assert _problems({"match": "all", "rules": []}) == {(None, "rules", RuleProblem.NO_RULES)}
    many = [{"kind": "tag", "op": "has", "values": ["x"]}] * 21
    assert _problems({"rules": many}) == {(None, "rules", RuleProblem.TOO_MANY_RULES)}
    assert _problems("city = 上海") == {(None, "rules", RuleProblem.NOT_AN_OBJECT)}


def test_bands_are_ordered_by_their_first_number():
    ages = ["55岁以上", "18-24", "未知", "35-44", "25-34", "45-54"]
    assert band_order(ages) == ["18-24", "25-34", "35-44", "45-54", "55岁以上", "未知"]
    incomes = ["1万-2万", "5千-1万", "2万以上", "5千以下"]
    assert band_order(incomes) == ["5千以下", "5千-1万", "1万-2万", "2万以上"]


def test_a_range_takes_the_bands_between_its_ends_either_way_round():
    ages = ["18-24", "25-34", "35-44", "45-54", "55岁以上", "未知"]
    assert expand_range(ages, "25-34", "45-54") == ("25-34", "35-44", "45-54")
    assert expand_range(ages, "45-54", "25-34") == ("25-34", "35-44", "45-54")
    incomes = ["5千以下", "5千-1万", "1万-2万", "2万以上"]
    assert expand_range(incomes, "5千-1万", "1万-2万") == ("5千-1万", "1万-2万")
    assert expand_range(incomes, "5千以下", "1万-2万") == ("5千以下", "5千-1万", "1万-2万")
    assert expand_range(ages, "未知", "未知") == ("未知",)
