"""Weighted (design-based) group comparisons, issue 20 defect 8.

Reference: R `survey::svyglm(y ~ g, design = svydesign(ids = ~1, weights = ~w))` estimates the
weighted least-squares coefficients with the sandwich (linearised) covariance
n/(n−1) · (XᵀWX)⁻¹ [Σ w_i² e_i² x_i x_iᵀ] (XᵀWX)⁻¹ (Lumley 2010, *Complex Surveys*, §5.2;
`survey:::svy.varcoef` + `svyrecvar` for one stage with replacement). statsmodels'
`WLS(...).fit(cov_type="HC0")` is that sandwich without n/(n−1); `svyttest` is its t on
n − 2 df, `regTermTest` its Wald F on (k − 1, n − k) df.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.stats import StatsWarning, compare_groups, summarise


@pytest.fixture
def weighted_frame() -> pd.DataFrame:
    rng = np.random.default_rng(20)
    n = 90
    g = rng.choice(["一线", "二线", "三线"], n, p=[0.3, 0.45, 0.25])
    y = rng.normal(5, 2, n) + (g == "一线") * 1.2 - (g == "三线") * 0.5
    w = rng.uniform(0.3, 3.0, n)
    return pd.DataFrame({"y": y, "城市": g, "w": w})


def _svyglm(y, groups, levels, w):
    """WLS on group dummies (first level the baseline), covariance HC0 · n/(n − 1)."""
    x = np.column_stack([np.ones(len(y))] + [(groups == lv).astype(float) for lv in levels[1:]])
    fit = sm.WLS(y, x, weights=w).fit(cov_type="HC0")
    n = len(y)
    return fit, fit.cov_params() * n / (n - 1)


def test_weighted_two_groups_is_svyttest(weighted_frame):
    two = weighted_frame[weighted_frame["城市"] != "三线"]
    out = compare_groups(
        two, "y", "城市", weights=two["w"].to_numpy(), group_order=["一线", "二线"]
    )
    fit, cov = _svyglm(two["y"].to_numpy(), two["城市"].to_numpy(), ["一线", "二线"], two["w"])
    beta, se = fit.params[1], math.sqrt(cov[1, 1])  # 二线 − 一线
    n = len(two)
    assert out["test"] == "weighted_t" and out["weighted"] is True
    assert out["reason"] == "weighted_numeric_two_groups"
    assert out["difference"]["difference"] == pytest.approx(-beta)
    assert out["difference"]["se"] == pytest.approx(se)
    assert out["statistic"] == pytest.approx(-beta / se)
    assert out["dof"] == n - 2
    from scipy.stats import t as t_dist

    assert out["p"] == pytest.approx(2 * t_dist.sf(abs(beta / se), n - 2))
    half = t_dist.ppf(0.975, n - 2) * se
    ci = (out["difference"]["ci_low"], out["difference"]["ci_high"])
    assert ci == pytest.approx((-beta - half, -beta + half))
    a = two[two["城市"] == "一线"]
    assert out["groups"]["一线"]["mean"] == pytest.approx(np.average(a["y"], weights=a["w"]))


def test_weighted_comparison_does_not_depend_on_the_scale_of_the_weights(weighted_frame):
    w = weighted_frame["w"].to_numpy()
    base = compare_groups(weighted_frame, "y", "城市", weights=w)
    for factor in (1000.0, 1 / w.sum()):
        other = compare_groups(weighted_frame, "y", "城市", weights=w * factor)
        assert other["statistic"] == pytest.approx(base["statistic"])
        assert other["p"] == pytest.approx(base["p"])
        for name, g in base["groups"].items():
            assert other["groups"][name]["mean"] == pytest.approx(g["mean"])
            assert other["groups"][name]["median"] == pytest.approx(g["median"])


def test_weighted_several_groups_is_the_design_based_wald_f(weighted_frame):
    levels = ["一线", "二线", "三线"]
    w = weighted_frame["w"].to_numpy()
    out = compare_groups(weighted_frame, "y", "城市", weights=w, group_order=levels)
    fit, cov = _svyglm(weighted_frame["y"].to_numpy(), weighted_frame["城市"].to_numpy(), levels, w)
    ref = fit.wald_test(np.array([[0, 1, 0], [0, 0, 1.0]]), cov_p=cov, use_f=True, scalar=True)
    assert out["test"] == "weighted_wald_f"
    assert out["statistic"] == pytest.approx(ref.fvalue)
    assert out["p"] == pytest.approx(ref.pvalue)
    assert out["dof"] == [2, len(weighted_frame) - 3]
    assert ref.df_denom == len(weighted_frame) - 3
    pair = next(p for p in out["posthoc"] if (p["a"], p["b"]) == ("一线", "三线"))
    assert pair["difference"] == pytest.approx(-fit.params[2])
    assert pair["method"] == "weighted_t_holm"


def _r_rank_scores(y, w):
    """R svyranktest without ties: rankhat[ii] <- cumsum(w[ii]) - w[ii]/2; / sum(w)."""
    order = sorted(range(len(y)), key=lambda i: y[i])
    running, scores = 0.0, np.empty(len(y))
    for i in order:
        running += w[i]
        scores[i] = running - w[i] / 2
    return scores / sum(w)


def _mid_distribution(y, w):
    """F̂(y−) + ½·p̂(y) by hand: the weight below each answer plus half the weight at it."""
    total = sum(w)
    return np.array(
        [
            (
                sum(wj for yj, wj in zip(y, w, strict=True) if yj < yi)
                + sum(wj for yj, wj in zip(y, w, strict=True) if yj == yi) / 2
            )
            / total
            for yi in y
        ]
    )


def test_weighted_rank_test_without_ties_is_svyranktest(weighted_frame):
    two = weighted_frame[weighted_frame["城市"] != "三线"]
    w = two["w"].to_numpy()
    out = compare_groups(two, "y", "城市", ordinal=True, weights=w, group_order=["一线", "二线"])
    scores = _r_rank_scores(two["y"].tolist(), w.tolist())
    fit, cov = _svyglm(scores, two["城市"].to_numpy(), ["一线", "二线"], w)
    assert out["statistic"] == pytest.approx(-fit.params[1] / math.sqrt(cov[1, 1]))


def test_weighted_rank_test_with_ties_uses_the_mid_distribution(weighted_frame):
    two = weighted_frame[weighted_frame["城市"] != "三线"].assign(
        y=lambda f: f["y"].round()  # ties, as a rating has
    )
    w = two["w"].to_numpy()
    out = compare_groups(two, "y", "城市", ordinal=True, weights=w, group_order=["一线", "二线"])
    scores = _mid_distribution(two["y"].tolist(), w.tolist())
    fit, cov = _svyglm(scores, two["城市"].to_numpy(), ["一线", "二线"], w)
    assert out["test"] == "weighted_rank_t"
    assert out["statistic"] == pytest.approx(-fit.params[1] / math.sqrt(cov[1, 1]))
    assert out["dof"] == len(two) - 2
    assert out["effect_size_name"] == "rank_biserial"
    assert out["effect_size"] == pytest.approx(-2 * fit.params[1])


def test_equal_weights_rank_biserial_is_the_unweighted_one():
    a = np.array([3.1, 4.2, 4.8, 5.5, 2.2, 6.0])
    b = np.array([1.4, 2.9, 3.3, 3.9, 4.4, 2.0, 1.1])
    frame = pd.DataFrame({"y": np.r_[a, b], "g": ["a"] * 6 + ["b"] * 7})
    out = compare_groups(frame, "y", "g", ordinal=True, weights=np.ones(13))
    above = sum(x > y for x in a for y in b)
    assert out["effect_size"] == pytest.approx(2 * above / 42 - 1)


def test_weighted_several_rank_groups_use_the_wald_f_on_rank_scores(weighted_frame):
    frame = weighted_frame.assign(y=weighted_frame["y"].round())
    levels = ["一线", "二线", "三线"]
    w = frame["w"].to_numpy()
    out = compare_groups(frame, "y", "城市", ordinal=True, weights=w, group_order=levels)
    scores = _mid_distribution(frame["y"].tolist(), w.tolist())
    fit, cov = _svyglm(scores, frame["城市"].to_numpy(), levels, w)
    ref = fit.wald_test(np.array([[0, 1, 0], [0, 0, 1.0]]), cov_p=cov, use_f=True, scalar=True)
    assert out["test"] == "weighted_rank_f"
    assert out["statistic"] == pytest.approx(ref.fvalue)


def test_weighted_zero_variance_group_still_has_no_p_value():
    frame = pd.DataFrame({"y": [5.0, 5, 5, 1, 2, 3], "g": ["a"] * 3 + ["b"] * 3})
    with pytest.warns(StatsWarning, match="every answer is the same"):
        out = compare_groups(frame, "y", "g", weights=np.array([1, 2, 3, 1, 2, 3.0]))
    assert out["caution"] == "zero_variance_group" and math.isnan(out["p"])


def test_summarise_passes_the_weights_to_comparisons(definition, responses):
    responses = responses.assign(w=np.linspace(0.5, 2.0, len(responses)))
    out = summarise(definition, responses, weights="w", comparisons=[("age", "gender")])
    comparison = out["comparisons"][0]
    assert comparison["weighted"] is True and comparison["test"] == "weighted_wald_f"
    plain = summarise(definition, responses, comparisons=[("age", "gender")])
    assert plain["comparisons"][0]["weighted"] is False
    assert comparison["statistic"] != pytest.approx(plain["comparisons"][0]["statistic"])


def test_a_group_without_weight_takes_no_part():
    frame = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6, 7, 8, 9], "g": list("aaabbbccc")})
    w = np.array([0, 0, 0, 1, 2, 3, 1, 2, 3.0])
    with pytest.warns(StatsWarning, match="of positive weight"):
        out = compare_groups(frame, "y", "g", weights=w)
    assert out["test"] == "weighted_t" and set(out["groups"]) == {"a", "b", "c"}
    two = compare_groups(frame[frame["g"] != "a"], "y", "g", weights=w[3:])
    assert out["p"] == pytest.approx(two["p"])


@pytest.mark.parametrize(
    ("weights", "confidence"),
    [(np.ones(5), 0.95), (np.array([1, 1, -1, 1, 1, 1.0]), 0.95), (np.ones(6), 1.5)],
)
def test_bad_weights_or_confidence_are_stats_input_errors(weights, confidence):
    from analysis.stats import StatsInputError

    frame = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6], "g": list("aaabbb")})
    with pytest.raises(StatsInputError):
        compare_groups(frame, "y", "g", weights=weights, confidence=confidence)


def test_weighted_one_sample_without_variance_has_no_p_value():
    from analysis.stats import one_sample_test

    with pytest.warns(StatsWarning, match="no variance"):
        out = one_sample_test(
            pd.DataFrame({"x": [1.0, 2.0]}), "x", value=0, weights=np.array([0, 1.0])
        )
    assert out["caution"] == "no_variance" and math.isnan(out["p"])


def test_infinite_answers_are_left_out_with_a_warning():
    from analysis.stats import paired_test

    frame = pd.DataFrame({"y": [1.0, 2, np.inf, 3, 4, 5, 6], "g": list("aaaabbb")})
    with pytest.warns(StatsWarning, match="1 infinite number"):
        out = compare_groups(frame, "y", "g")
    finite = compare_groups(frame[np.isfinite(frame["y"])], "y", "g")
    assert out["groups"]["a"]["n"] == 3 and out["p"] == pytest.approx(finite["p"])
    pairs = pd.DataFrame({"前": [1.0, 2, np.inf, 4], "后": [0.0, 1.5, 1, 2]})
    with pytest.warns(StatsWarning, match="1 infinite number"):
        assert paired_test(pairs, "前", "后")["n"] == 3
