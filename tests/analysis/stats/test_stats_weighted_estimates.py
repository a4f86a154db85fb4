"""Weighted means, shares and scores as survey estimates, against samplics and by hand.

samplics (Diallo, `samplics` 0.6, `TaylorEstimator`) computes Taylor-linearised standard
errors of a one-stage design with replacement, as R `svydesign(ids = ~1, weights = ~w)`
with `svymean`; it is an implementation independent of `analysis.stats.design`. Wilson
intervals are written out here from Wilson (1927), not taken from the engine.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.stats import csat, mean_estimate, nps, proportion, sus
from analysis.stats.descriptives import category_shares, describe_question
from analysis.stats.scores import kano

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # samplics announces it is archived (FutureWarning)
    from samplics import PopParam, TaylorEstimator


def samplics_se(y, w, param=PopParam.mean, domain=None):
    est = TaylorEstimator(param=param)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.estimate(y=y, samp_weight=w, domain=domain)
    return est


Z95 = stats.norm.ppf(0.975)


def wilson(p, n, z=Z95):
    """Wilson (1927) score interval written out: centre ± half over 1 + z²/n."""
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.fixture
def sample():
    rng = np.random.default_rng(20)
    n = 60
    return rng.normal(40, 12, n), rng.uniform(0.3, 3.0, n), rng.integers(0, 3, n)


def test_weighted_mean_se_and_interval_match_samplics(sample):
    y, w, _ = sample
    ref = samplics_se(y, w)
    est = mean_estimate(y, weights=w)
    assert est["mean"] == pytest.approx(ref.point_est, rel=1e-12)
    assert est["se"] == pytest.approx(ref.stderror, rel=1e-10)
    # samplics' interval is t with n − 1 = 59 df, as R confint(..., df = degf(design))
    assert est["ci_low"] == pytest.approx(ref.lower_ci, rel=1e-10)
    assert est["ci_high"] == pytest.approx(ref.upper_ci, rel=1e-10)
    assert est["weighted"] is True


def test_weighted_sd_is_svyvar_written_out():
    # R svyvar: n/(n−1) · Σw(x − x̄)²/Σw. x = 1, 2, 4 with w = 1, 1, 2: x̄ = 11/4,
    # Σw(x − x̄)² = 3.0625 + 0.5625 + 2·1.5625 = 6.75, /Σw = 1.6875, ·3/2 = 2.53125.
    est = mean_estimate([1, 2, 4], weights=[1, 1, 2])
    assert est["mean"] == 2.75
    assert est["sd"] == pytest.approx(math.sqrt(2.53125))


def test_equal_weights_give_the_unweighted_mean_interval(sample):
    y, _, _ = sample
    plain = mean_estimate(y)
    equal = mean_estimate(y, weights=np.full(y.size, 2.5))
    for key in ("mean", "sd", "se", "ci_low", "ci_high", "median", "q1", "q3"):
        assert equal[key] == pytest.approx(plain[key], rel=1e-12)
    assert plain["se"] == pytest.approx(stats.sem(y))


def test_weighted_proportion_se_matches_samplics_and_wilson_uses_design_n(sample):
    _, w, groups = sample
    hit = (groups == 1).astype(float)
    ref = samplics_se(hit.astype(int), w, PopParam.prop)
    p, se = ref.point_est[1], ref.stderror[1]
    out = proportion(hit, weights=w)
    assert out["proportion"] == pytest.approx(p, rel=1e-12)
    assert out["se"] == pytest.approx(se, rel=1e-10)
    # design effective n (Korn & Graubard 1998): p(1 − p)/se², then Wilson's interval at it
    n_star = p * (1 - p) / se**2
    assert out["n_effective"] == pytest.approx(n_star, rel=1e-10)
    low, high = wilson(p, n_star)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((low, high), rel=1e-10)


def test_category_shares_match_samplics_per_category(sample):
    _, w, groups = sample
    labels = np.array(["一线", "二线", "三线"])[groups]
    ref = samplics_se(labels, w, PopParam.prop)
    out = category_shares(pd.Series(labels), ["一线", "二线", "三线"], weights=w)
    assert out["weighted"] is True
    for k in ("一线", "二线", "三线"):
        p, se = ref.point_est[k], ref.stderror[k]
        assert out["percent"][k] == pytest.approx(p * 100, rel=1e-12)
        assert out["ci"][k] == pytest.approx([v * 100 for v in wilson(p, p * (1 - p) / se**2)])
    assert out["counts"] == {k: int((labels == k).sum()) for k in ("一线", "二线", "三线")}


def test_weighted_nps_interval_is_adjusted_wald_at_the_design_n(sample):
    _, w, _ = sample
    x = np.random.default_rng(5).integers(0, 11, w.size).astype(float)
    score = (x >= 9).astype(int) - (x <= 6).astype(int)
    ref = samplics_se(score, w)  # the NPS (as a fraction) is the weighted mean of +1/0/−1
    pro = w[x >= 9].sum() / w.sum()
    det = w[x <= 6].sum() / w.sum()
    n_star = (pro + det - (pro - det) ** 2) / ref.stderror**2
    # Rocks (2016) adjusted Wald at n*: ¾ promoter, ¾ detractor, n* + 3
    pro_t, det_t = (pro * n_star + 0.75) / (n_star + 3), (det * n_star + 0.75) / (n_star + 3)
    centre = pro_t - det_t
    half = stats.norm.ppf(0.975) * math.sqrt((pro_t + det_t - centre**2) / (n_star + 3))
    out = nps(x, weights=w)
    assert out["nps"] == pytest.approx(ref.point_est * 100, rel=1e-12)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx(
        ((centre - half) * 100, (centre + half) * 100), rel=1e-10
    )
    assert out["weighted"] is True


def test_zero_weight_rows_are_outside_the_sample(sample):
    y, w, _ = sample
    w0 = w.copy()
    w0[:5] = 0.0
    dropped = mean_estimate(y[5:], weights=w[5:])
    with_zero = mean_estimate(y, weights=w0)
    assert with_zero["n"] == y.size - 5
    assert with_zero["se"] == pytest.approx(dropped["se"], rel=1e-12)
    hit = (y > 40).astype(float)
    assert proportion(hit, weights=w0)["ci_low"] == pytest.approx(
        proportion(hit[5:], weights=w[5:])["ci_low"], rel=1e-12
    )


def _every_weighted_statistic(y, w, groups):
    x10 = np.clip(np.round(y / 8), 0, 10)
    rating = np.clip(np.round(y / 15), 1, 5)
    items = np.clip(np.round(np.outer(y, np.ones(10)) / 15), 1, 5)
    labels = pd.Series(np.array(["a", "b", "c"])[groups])
    matrix = {
        "id": "m",
        "type": "matrix",
        "options": [{"value": str(k)} for k in range(1, 6)],
        "rows": [{"value": "r1"}],
    }
    frame = pd.DataFrame({"m/r1": pd.Categorical(rating.astype(int).astype(str))})
    return {
        "mean": mean_estimate(y, weights=w),
        "share": proportion((y > 40).astype(float), weights=w),
        "categories": category_shares(labels, ["a", "b", "c"], weights=w),
        "nps": nps(x10, weights=w),
        "csat": csat(rating, weights=w),
        "sus": sus(items, weights=w),
        "kano": kano(
            np.array(["like", "must_be", "neutral"])[groups],
            np.array(["dislike", "neutral", "live_with"])[groups],
            weights=w,
        ),
        "matrix": describe_question(frame, matrix, weights=w),
    }


def leaves(obj, path=""):
    """Every number of a nested result, keyed by its path."""
    if isinstance(obj, dict):
        return {k: v for key, val in obj.items() for k, v in leaves(val, f"{path}/{key}").items()}
    if isinstance(obj, list | tuple):
        return {k: v for i, val in enumerate(obj) for k, v in leaves(val, f"{path}/{i}").items()}
    return {path: obj}


@pytest.mark.parametrize("scale", [1 / 1000, 1 / 60, 7.0, 1e6])
def test_every_weighted_statistic_is_invariant_to_the_scale_of_the_weights(sample, scale):
    y, w, groups = sample
    base = _every_weighted_statistic(y, w, groups)
    scaled = _every_weighted_statistic(y, w * scale, groups)
    for name, result in base.items():
        got, want = leaves(scaled[name]), leaves(result)
        numbers = {k for k, v in want.items() if isinstance(v, float | int) and v is not True}
        assert {k: got[k] for k in numbers} == pytest.approx(
            {k: want[k] for k in numbers}, rel=1e-9, nan_ok=True
        ), name
        assert {k: got[k] for k in want.keys() - numbers} == {
            k: want[k] for k in want.keys() - numbers
        }
        assert result["weighted"] is True, name


def test_whole_number_quantiles_without_sorting_equal_the_sorted_definition():
    # svyquantile(qrule = "hf7") by its definition: sort stably, plotting positions
    # p_k = (w_1 + … + w_{k−1}) / (w_1 + … + w_{n−1}), interpolate (estimates.weighted_quantile)
    from analysis.stats.estimates import weighted_quantile

    rng = np.random.default_rng(9)
    q = np.linspace(0, 1, 41)
    for _ in range(200):
        n = int(rng.integers(2, 25))
        x = rng.integers(-2, 4, n).astype(float)
        w = rng.uniform(0.1, 3.0, n)
        order = np.argsort(x, kind="stable")
        before = np.concatenate(([0.0], np.cumsum(w[order])[:-1]))
        expected = np.interp(q, before / before[-1], x[order]) if np.ptp(x) else np.full(41, x[0])
        assert weighted_quantile(x, q, w) == pytest.approx(expected, abs=1e-12)


def test_weighted_multiple_choice_shares_match_samplics_per_option(sample):
    _, w, groups = sample
    ticks = np.column_stack([groups == 0, groups != 1]).astype(float)
    frame = pd.DataFrame({"m/a": ticks[:, 0], "m/b": ticks[:, 1]})
    question = {"id": "m", "type": "multiple_choice", "options": [{"value": "a"}, {"value": "b"}]}
    out = describe_question(frame, question, weights=w)
    for j, option in enumerate(["a", "b"]):
        ref = samplics_se(ticks[:, j].astype(int), w, PopParam.prop)
        p, se = ref.point_est[1], ref.stderror[1]
        assert out["percent"][option] == pytest.approx(p * 100, rel=1e-12)
        assert out["ci"][option] == pytest.approx([v * 100 for v in wilson(p, p * (1 - p) / se**2)])
