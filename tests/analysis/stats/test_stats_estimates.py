"""Intervals and descriptive estimates against published and independent references.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from stats_helpers import DATA
from statsmodels.stats.proportion import proportion_confint

from analysis.stats import StatsInputError, mean_estimate, proportion, wilson_interval
from analysis.stats.estimates import histogram, weighted_quantile


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [
        # Newcombe (1998) Statistics in Medicine 17:857, Table I, method 3 (Wilson score)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_published_table(x, n, low, high):
    lo, hi = wilson_interval(x, n)
    assert lo == pytest.approx(low, abs=1e-4)  # the paper prints four decimals
    assert hi == pytest.approx(high, abs=1e-4)


def test_wilson_matches_hand_calculation_and_statsmodels():
    # hand: p = 0.3, n = 10, z = 1.959964; centre = (0.3 + z²/20)/(1 + z²/10)
    z = 1.959963984540054
    centre = (0.3 + z * z / 20) / (1 + z * z / 10)
    half = z / (1 + z * z / 10) * math.sqrt(0.3 * 0.7 / 10 + z * z / 400)
    lo, hi = wilson_interval(3, 10)
    assert (lo, hi) == pytest.approx((centre - half, centre + half), rel=1e-12)
    ref = proportion_confint(37, 120, alpha=0.10, method="wilson")
    assert wilson_interval(37, 120, confidence=0.90) == pytest.approx(ref, rel=1e-10)


def test_wilson_vectorised_and_empty_base():
    lo, hi = wilson_interval(np.array([0, 5]), np.array([0, 10]))
    assert math.isnan(lo[0]) and math.isnan(hi[0])
    assert (lo[1], hi[1]) == pytest.approx(proportion_confint(5, 10, method="wilson"))


def test_wilson_rejects_impossible_counts():
    with pytest.raises(StatsInputError):
        wilson_interval(11, 10)
    with pytest.raises(StatsInputError):
        wilson_interval(1, 10, confidence=95)


@pytest.mark.parametrize(
    ("file", "mean", "sd"),
    [
        # NIST StRD certified values (tests/data/stats/README.md)
        ("nist_michelso.csv", 299.852400000000, 0.0790105478190518),
        ("nist_mavro.csv", 2.00185600000000, 0.000429123454003053),
    ],
)
def test_mean_and_sd_match_nist_certified_values(file, mean, sd):
    y = pd.read_csv(DATA / file)["y"].to_numpy()
    est = mean_estimate(y)
    assert est["mean"] == pytest.approx(mean, rel=1e-13)
    assert est["sd"] == pytest.approx(sd, rel=1e-9)  # NIST asks for ≥ 9 significant digits


@pytest.mark.parametrize("base", [1.2, 1000000.2, 10000000.2])
def test_mean_and_sd_match_nist_numacc_constructions(base):
    # NumAcc2/3/4: base, then 500 pairs (base − 0.1, base + 0.1); mean = base, SD = 0.1 exact
    y = np.array([base] + [base - 0.1, base + 0.1] * 500)
    est = mean_estimate(y)
    assert est["mean"] == pytest.approx(base, rel=1e-15)
    assert est["sd"] == pytest.approx(0.1, rel=1e-6)  # the decimal inputs are not exact in binary


def test_numacc1_large_integers():
    est = mean_estimate([10000001, 10000003, 10000002])  # NIST NumAcc1: mean 10000002, SD 1
    assert est["mean"] == 10000002
    assert est["sd"] == pytest.approx(1.0, rel=1e-15)


def test_mean_ci_quartiles_match_scipy_and_numpy():
    rng = np.random.default_rng(3)
    x = rng.normal(10, 2, 57)
    est = mean_estimate(np.r_[x, np.nan])
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert est["n"] == 57
    assert (est["ci_low"], est["ci_high"]) == pytest.approx((low, high), rel=1e-12)
    assert (est["q1"], est["median"], est["q3"]) == pytest.approx(
        tuple(np.percentile(x, [25, 50, 75]))
    )


def test_frequency_weights_give_the_replicated_mean():
    x = np.array([1.0, 2.0, 5.0])
    w = np.array([2.0, 1.0, 3.0])
    est = mean_estimate(x, weights=w)
    assert est["mean"] == pytest.approx(np.repeat(x, [2, 1, 3]).mean())


def test_weighted_quartiles_hand_computed_hf7_example():
    # R survey::svyquantile(qrule = "hf7") (survey R/qrule.R): sorted x, positions
    # p_k = (w_1+…+w_{k-1}) / (w_1+…+w_{n-1}).  x = 1, 2, 3, 4 with w = 1, 2, 1, 4:
    # cumulative before = 0, 1, 3, 4 over w_1+w_2+w_3 = 4 → p = 0, .25, .75, 1.
    # q1 (p=.25) = 2; median (p=.5) halfway between 2 (.25) and 3 (.75) = 2.5; q3 = 3;
    # p = .1 lies .4 of the way from 1 (0) to 2 (.25) → 1.4.
    x = np.array([3.0, 1.0, 4.0, 2.0])
    w = np.array([1.0, 1.0, 4.0, 2.0])
    assert weighted_quantile(x, [0.1, 0.25, 0.5, 0.75], w) == pytest.approx([1.4, 2, 2.5, 3])
    est = mean_estimate(x, weights=w / w.sum())
    assert (est["q1"], est["median"], est["q3"]) == pytest.approx((2, 2.5, 3))


@pytest.mark.parametrize("scale", [1 / 8, 1 / 3.7, 1.0, 1000.0, 1e-6])
def test_weighted_statistics_do_not_depend_on_the_scale_of_the_weights(scale):
    rng = np.random.default_rng(20)
    x = rng.normal(50, 12, 40).round(1)
    w = rng.uniform(0.2, 3.0, 40)  # non-integer survey weights
    base = mean_estimate(x, weights=w / w.sum())  # weights summing to 1
    scaled = mean_estimate(x, weights=w * scale)
    for key in ("mean", "sd", "se", "ci_low", "ci_high", "median", "q1", "q3"):
        assert scaled[key] == pytest.approx(base[key], rel=1e-12), key
    # and not the minimum, the old failure with weights summing to 1
    assert base["q1"] < base["median"] < base["q3"]
    assert base["q1"] > x.min()


def test_weighted_statistics_scale_free_in_every_descriptive():
    from analysis.stats.descriptives import describe_question

    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"q": rng.normal(30, 5, 60).round()})
    w = rng.uniform(0.5, 2.5, 60)
    question = {"id": "q", "type": "number", "title": "年龄"}
    one = describe_question(frame, question, weights=w / w.sum())
    big = describe_question(frame, question, weights=w * 1000)
    for key in ("mean", "sd", "se", "median", "q1", "q3"):
        assert big[key] == pytest.approx(one[key], rel=1e-12), key
    assert big["ci"] == pytest.approx(one["ci"], rel=1e-12)
    assert big["histogram"]["percent"] == pytest.approx(one["histogram"]["percent"], rel=1e-12)
    assert big["histogram"]["counts"] == one["histogram"]["counts"]


@pytest.mark.parametrize("p", [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0])
def test_equal_weights_give_the_unweighted_type7_quantile(p):
    x = np.array([5.0, 1.0, 3.0, 3.0, 8.0, 13.0, 2.0])
    reference = np.quantile(x, p, method="linear")  # Hyndman & Fan type 7
    for value in (1.0, 0.37, 250.0):
        assert weighted_quantile(x, p, np.full(x.size, value)) == pytest.approx(reference)


def test_zero_weights_are_left_out_of_the_quantile():
    x = np.array([1.0, 2.0, 3.0, 100.0])
    w = np.array([1.0, 1.0, 1.0, 0.0])
    assert weighted_quantile(x, 0.5, w) == pytest.approx(np.quantile(x[:3], 0.5))
    assert math.isnan(weighted_quantile(x, 0.5, np.zeros(4)))


def test_mean_edge_cases():
    assert mean_estimate([])["n"] == 0 and math.isnan(mean_estimate([])["mean"])
    one = mean_estimate([4.0])
    assert one["mean"] == 4 and math.isnan(one["sd"]) and math.isnan(one["ci_low"])
    same = mean_estimate([3.0] * 5)
    assert same["sd"] == 0 and same["ci_low"] == same["ci_high"] == 3
    missing = mean_estimate([np.nan, np.nan])
    assert missing["n"] == 0


def test_proportion_excludes_missing_from_the_base():
    p = proportion([1, 0, np.nan, 1])
    assert p["n"] == 3 and p["proportion"] == pytest.approx(2 / 3)
    assert (p["ci_low"], p["ci_high"]) == pytest.approx(proportion_confint(2, 3, method="wilson"))


def test_histogram_one_bin_per_integer_on_short_scales():
    h = histogram([1, 2, 2, 5, np.nan])
    assert h["edges"] == [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]
    assert h["counts"] == [1, 2, 0, 0, 1]
    ref_counts, _ = np.histogram(
        [0.1, 0.7, 3.3, 9.9], bins=np.histogram_bin_edges([0.1, 0.7, 3.3, 9.9], "auto")
    )
    assert histogram([0.1, 0.7, 3.3, 9.9])["counts"] == ref_counts.tolist()


def test_weighted_histogram_gives_raw_counts_and_weighted_shares():
    # by hand: bins 1..5 hold weights 1, 1+2, 0, 0, 4 of a total 8
    h = histogram([1, 2, 2, 5], weights=[1, 1, 2, 4])
    assert h["counts"] == [1, 2, 0, 0, 1]
    assert h["percent"] == pytest.approx([12.5, 37.5, 0, 0, 50])
    assert histogram([1, 2, 2, 5], weights=[0.001, 0.001, 0.002, 0.004])["percent"] == (
        pytest.approx(h["percent"], rel=1e-12)
    )
