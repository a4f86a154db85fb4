"""Cohen's kappa and percent agreement, checked against hand computations written out here."""

import math

import pytest

from analysis.qda import agreement_by_code, cohen_kappa


def test_kappa_of_the_wikipedia_worked_example():
    # Wikipedia, "Cohen's kappa", worked example: 50 grant proposals read by A and B.
    # Yes/Yes 20, A yes & B no 5, A no & B yes 10, No/No 15.
    a = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    result = cohen_kappa(a, b)
    # p_o = (20 + 15) / 50 = 0.7
    # p_yes = 25/50 · 30/50 = 0.3; p_no = 25/50 · 20/50 = 0.2; p_e = 0.5
    # kappa = (0.7 − 0.5) / (1 − 0.5) = 0.4
    assert result.observed == pytest.approx(0.7)
    assert result.expected == pytest.approx(0.5)
    assert result.kappa == pytest.approx(0.4)
    assert result.n == 50


def test_agreement_per_code_over_turns_by_hand():
    # Ten turns of one focus group. Code 「价格」: coder A on turns 1–5, coder B on 1, 2, 3, 6.
    #             B yes  B no
    #   A yes       3      2     (turns 1,2,3 | 4,5)
    #   A no        1      4     (turn 6 | 7,8,9,10)
    # p_o = (3 + 4) / 10 = 0.70 → 70 % agreement
    # p_e = (5/10)(4/10) + (5/10)(6/10) = 0.20 + 0.30 = 0.50
    # kappa = (0.70 − 0.50) / (1 − 0.50) = 0.40
    # Code 「服务」: both coders on turns 7 and 8 only → p_o = 1, p_e = 0.2² + 0.8² = 0.68,
    # kappa = (1 − 0.68) / (1 − 0.68) = 1.
    turns = range(1, 11)
    coded_a = {"价格": {1, 2, 3, 4, 5}, "服务": {7, 8}}
    coded_b = {"价格": {1, 2, 3, 6}, "服务": {7, 8}}
    price, service = agreement_by_code(turns, coded_a, coded_b)
    assert (price.code, price.both, price.only_a, price.only_b, price.neither) == (
        "价格",
        3,
        2,
        1,
        4,
    )
    assert price.percent_agreement == pytest.approx(70.0)
    assert price.kappa == pytest.approx(0.40)
    assert service.percent_agreement == pytest.approx(100.0)
    assert service.kappa == pytest.approx(1.0)


def test_kappa_is_undefined_when_both_coders_never_use_a_code():
    [row] = agreement_by_code([1, 2, 3], {"空": set()}, {"空": set()})
    assert row.percent_agreement == 100.0
    assert math.isnan(row.kappa)


def test_kappa_refuses_unequal_ratings():
    with pytest.raises(ValueError):
        cohen_kappa([1, 0], [1])
