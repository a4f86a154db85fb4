"""NPS, CSAT, SUS, Kano and IPA against hand calculations written out here.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import math

import numpy as np
import pytest

from analysis.stats import (
    StatsInputError,
    importance_performance,
    kano,
    kano_category,
    nps,
    nps_difference,
    sus,
)
from analysis.stats.scores import sus_grade, sus_scores

Z95 = 1.959963984540054


def test_nps_score_and_adjusted_wald_interval_by_hand():
    answers = [10, 9, 9, 8, 7, 6, 5, 10, 3, 9, np.nan]
    # promoters 5/10, passives 2/10, detractors 3/10 → NPS = 20 (unadjusted)
    # Adjusted Wald (Rocks 2016, The American Statistician 70(4); MeasuringU 2021: "add 3 to
    # n, ¾ to the detractors and ¾ to the promoters"): p̃P = 5.75/13, p̃D = 3.75/13,
    # Ñ = 2/13, Var = (9.5/13 − (2/13)²) / 13, CI = Ñ ± 1.96·√Var
    centre = 2 / 13
    half = Z95 * math.sqrt((9.5 / 13 - centre**2) / 13)
    out = nps(answers)
    assert out["n"] == 10 and out["ci_method"] == "adjusted_wald"
    assert out["nps"] == pytest.approx(20.0)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx(
        ((centre - half) * 100, (centre + half) * 100)
    )
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((-30.326, 61.095), abs=1e-3)
    assert (out["promoters"], out["passives"], out["detractors"]) == pytest.approx((50, 20, 30))


def test_nps_interval_of_four_promoters_is_not_zero_width():
    # plain Wald: Var = (1 + 0 − 1²)/4 = 0, so [100, 100]. Adjusted: p̃P = 4.75/7, p̃D = 0.75/7
    centre = 4 / 7
    half = Z95 * math.sqrt((5.5 / 7 - centre**2) / 7)
    out = nps([10, 9, 10, 9])
    assert out["nps"] == 100 and out["ci_high"] == 100
    assert out["ci_low"] == pytest.approx((centre - half) * 100)
    assert out["ci_low"] < 10


def test_nps_difference_of_two_segments_by_hand():
    # Rocks 2016 two-sample adjusted Wald: each segment gets its ¾ + 1½ + ¾ pseudo-answers and
    # the variance of the difference of two independent estimates is the sum of their variances
    a = [10] * 6 + [8] * 2 + [3] * 2  # 6 P, 2 passive, 2 D → NPS 40
    b = [10] * 2 + [7] * 3 + [5] * 5  # 2 P, 3 passive, 5 D → NPS −30
    pa, da, pb, db = 6.75 / 13, 2.75 / 13, 2.75 / 13, 5.75 / 13
    va, vb = pa + da - (pa - da) ** 2, pb + db - (pb - db) ** 2
    se = math.sqrt(va / 13 + vb / 13)
    delta = (pa - da) - (pb - db)
    out = nps_difference(a, b)
    assert out["difference"] == pytest.approx(70.0)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx(
        ((delta - Z95 * se) * 100, (delta + Z95 * se) * 100)
    )
    assert out["p"] == pytest.approx(math.erfc(abs(delta / se) / math.sqrt(2)))
    assert out["n"] == [10, 10]


def test_nps_interval_is_clipped_and_degenerate_cases():
    all_promoters = nps([10] * 4)
    assert all_promoters["nps"] == 100 and all_promoters["ci_high"] == 100
    empty = nps([])
    assert empty["n"] == 0 and math.isnan(empty["nps"]) and math.isnan(empty["ci_low"])
    with pytest.raises(StatsInputError):
        nps([11])


def test_sus_scoring_rule_by_hand():
    best = [5, 1] * 5
    worst = [1, 5] * 5
    middle = [3] * 10
    # one mixed respondent: odd items 4,4,5,3,4 → 3+3+4+2+3 = 15; even 2,1,2,2,3 → 3+4+3+3+2 = 15
    mixed = [4, 2, 4, 1, 5, 2, 3, 2, 4, 3]
    assert sus_scores([best, worst, middle, mixed]).tolist() == [100, 0, 50, 75]
    out = sus([best, worst, middle, mixed])
    assert out["score"] == pytest.approx(56.25)
    assert out["grade"] == "D"  # Sauro & Lewis: 51.7–62.6 is D


def test_sus_grades_at_boundaries():
    assert sus_grade(84.1) == "A+" and sus_grade(68) == "C" and sus_grade(51.6) == "F"
    with pytest.raises(StatsInputError):
        sus_scores([[3] * 9])


def test_kano_evaluation_table():
    # Berger et al. (1993), rows functional, columns dysfunctional:
    #            like must_be neutral live_with dislike
    # like        Q     A       A       A        O
    # must_be     R     I       I       I        M
    # neutral     R     I       I       I        M
    # live_with   R     I       I       I        M
    # dislike     R     R       R       R        Q
    assert kano_category("like", "dislike") == "O"
    assert kano_category("like", "neutral") == "A"
    assert kano_category("neutral", "dislike") == "M"
    assert kano_category("live_with", "live_with") == "I"
    assert kano_category("dislike", "like") == "R"
    assert kano_category("like", "like") == "Q"
    with pytest.raises(StatsInputError):
        kano_category("love", "dislike")


def test_kano_category_and_coefficients_by_hand():
    functional = ["like", "like", "like", "neutral", "neutral", "like", None]
    dysfunctional = ["dislike", "neutral", "live_with", "dislike", "neutral", "dislike", "like"]
    # O, A, A, M, I, O → A 2, O 2, M 1, I 1; tie A/O broken towards O (M > O > A > I)
    out = kano(functional, dysfunctional)
    assert out["n"] == 6 and out["missing"] == 1
    assert out["counts"] == {"M": 1, "O": 2, "A": 2, "I": 1, "R": 0, "Q": 0}
    assert out["category"] == "O"
    assert out["better"] == pytest.approx((2 + 2) / 6)
    assert out["worse"] == pytest.approx(-(2 + 1) / 6)


def test_importance_performance_quadrants():
    importance = {"a": 4.5, "b": 4.0, "c": 2.0, "d": 2.5}  # mean 3.25
    performance = {"a": 2.0, "b": 4.5, "c": 2.5, "d": 4.0}  # mean 3.25
    out = importance_performance(importance, performance)
    quadrants = {k: v["quadrant"] for k, v in out["attributes"].items()}
    assert quadrants == {
        "a": "concentrate_here",
        "b": "keep_up",
        "c": "low_priority",
        "d": "possible_overkill",
    }
    assert out["importance_mean"] == pytest.approx(3.25)
