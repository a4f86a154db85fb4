"""Correlations, key drivers, Cronbach's alpha and multiple-testing corrections.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.stats import (
    StatsWarning,
    benjamini_hochberg,
    correlation,
    cronbach_alpha,
    holm,
    key_drivers,
)


@pytest.fixture
def xy():
    rng = np.random.default_rng(11)
    x = rng.normal(size=80)
    y = 0.5 * x + rng.normal(size=80)
    return x, y


def test_pearson_ci_matches_scipy(xy):
    x, y = xy
    out = correlation(x, y)
    ref = stats.pearsonr(x, y)
    ci = ref.confidence_interval(0.95)
    assert out["r"] == pytest.approx(ref.statistic)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((ci.low, ci.high))


def test_spearman_bonett_wright_interval_by_hand(xy):
    x, y = xy
    out = correlation(x, y, method="spearman")
    rho = stats.spearmanr(x, y).statistic
    se = math.sqrt((1 + rho**2 / 2) / (80 - 3))
    z = stats.norm.ppf(0.975)
    assert out["r"] == pytest.approx(rho)
    assert out["ci_low"] == pytest.approx(math.tanh(math.atanh(rho) - z * se))


def test_correlation_edge_cases():
    assert math.isnan(correlation([1, 2], [2, 3])["r"])
    assert math.isnan(correlation([1, 1, 1, 1], [1, 2, 3, 4])["r"])


def test_key_drivers_betas_match_statsmodels_ols():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(rng.normal(size=(120, 3)), columns=["a", "b", "c"])
    frame["overall"] = 0.6 * frame["a"] + 0.2 * frame["b"] + rng.normal(size=120)
    frame.loc[3, "b"] = np.nan  # listwise
    out = key_drivers(frame, "overall", ["a", "b", "c"])
    data = frame.dropna()
    z = (data - data.mean()) / data.std()
    fit = sm.OLS(z["overall"], sm.add_constant(z[["a", "b", "c"]])).fit()
    assert out["n"] == 119
    for name in "abc":
        assert out["drivers"][name]["beta"] == pytest.approx(fit.params[name])
        assert out["drivers"][name]["r"] == pytest.approx(data["overall"].corr(data[name]))
    assert out["r_squared"] == pytest.approx(fit.rsquared)


def test_cronbach_alpha_by_covariance_form():
    rng = np.random.default_rng(2)
    trait = rng.normal(size=60)
    items = pd.DataFrame(
        {f"i{k}": (trait + rng.normal(scale=0.8, size=60)).round() for k in range(4)}
    )
    out = cronbach_alpha(items, list(items.columns))
    # α = k/(k−1) · (1 − trace(C) / ΣC), C the item covariance matrix (Cronbach 1951)
    c = np.cov(items.to_numpy(), rowvar=False)
    alpha = 4 / 3 * (1 - np.trace(c) / c.sum())
    assert out["alpha"] == pytest.approx(alpha)
    # Feldt (1965) interval: 1 − (1 − α)·F quantiles with (n−1, (n−1)(k−1)) df
    assert out["ci_low"] == pytest.approx(1 - (1 - alpha) * stats.f.ppf(0.975, 59, 177))
    assert out["ci_high"] == pytest.approx(1 - (1 - alpha) * stats.f.ppf(0.025, 59, 177))
    c3 = np.cov(items.drop(columns="i0").to_numpy(), rowvar=False)
    assert out["item_analysis"]["i0"]["alpha_if_deleted"] == pytest.approx(
        1.5 * (1 - np.trace(c3) / c3.sum())
    )


def test_cronbach_alpha_needs_two_items_and_handles_constant_answers():
    frame = pd.DataFrame({"a": [3, 3, 3], "b": [3, 3, 3]})
    with pytest.warns(StatsWarning, match="every total is the same"):
        assert math.isnan(cronbach_alpha(frame, ["a", "b"])["alpha"])
    with pytest.raises(ValueError):
        cronbach_alpha(frame, ["a"])


def test_benjamini_hochberg_and_holm_match_statsmodels():
    p = np.array([0.01, 0.04, 0.03, 0.20, 0.005, 0.5])
    assert benjamini_hochberg(p) == pytest.approx(multipletests(p, method="fdr_bh")[1])
    assert holm(p) == pytest.approx(multipletests(p, method="holm")[1])


def test_corrections_keep_nans_and_shape():
    p = np.array([[0.01, np.nan], [0.04, 0.03]])
    out = benjamini_hochberg(p)
    assert out.shape == (2, 2) and math.isnan(out[0, 1])
    assert out[~np.isnan(out)] == pytest.approx(
        multipletests([0.01, 0.04, 0.03], method="fdr_bh")[1]
    )
    assert benjamini_hochberg([]).size == 0
    with pytest.raises(ValueError):
        holm([1.5])


def test_identical_drivers_are_flagged_as_undetermined():
    rng = np.random.default_rng(5)
    a = rng.normal(size=50)
    c = rng.normal(size=50)
    frame = pd.DataFrame(
        {"overall": a + 0.5 * c + rng.normal(size=50), "价格": a, "价钱": a, "服务": c}
    )
    with pytest.warns(StatsWarning, match="cannot be told apart"):
        out = key_drivers(frame, "overall", ["价格", "价钱", "服务"])
    assert out["caution"] == "collinear_drivers"
    for name in ("价格", "价钱"):
        assert math.isnan(out["drivers"][name]["beta"])
        assert out["drivers"][name]["beta_determined"] is False
        assert math.isinf(out["drivers"][name]["vif"])
    # 服务 is not in the span of the others: its β is estimable, and equals the OLS on a and c
    z = (frame - frame.mean()) / frame.std()
    fit = sm.OLS(z["overall"], z[["价格", "服务"]]).fit()
    assert out["drivers"]["服务"]["beta"] == pytest.approx(fit.params["服务"])
    assert out["drivers"]["服务"]["beta_determined"] is True


def test_near_collinear_drivers_report_statsmodels_vif():
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    rng = np.random.default_rng(9)
    a = rng.normal(size=60)
    b = a + rng.normal(scale=0.05, size=60)
    c = rng.normal(size=60)
    frame = pd.DataFrame({"y": a + c + rng.normal(size=60), "a": a, "b": b, "c": c})
    with pytest.warns(StatsWarning):
        out = key_drivers(frame, "y", ["a", "b", "c"])
    design = sm.add_constant(frame[["a", "b", "c"]]).to_numpy()
    for j, name in enumerate(["a", "b", "c"], start=1):
        assert out["drivers"][name]["vif"] == pytest.approx(variance_inflation_factor(design, j))
    assert out["caution"] == "collinear_drivers" and out["drivers"]["a"]["vif"] > 10
    assert out["drivers"]["c"]["vif"] < 10 and out["drivers"]["a"]["beta_determined"] is True


def test_independent_drivers_carry_no_caution():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(40, 3)), columns=["y", "a", "b"])
    out = key_drivers(frame, "y", ["a", "b"])
    assert out["caution"] is None


def test_cronbach_alpha_from_two_respondents_is_not_computed():
    # these two rows give α = −2.0 by the formula: 3/2 · (1 − 3·0.5 / 0.5)
    frame = pd.DataFrame({"a": [1, 2], "b": [2, 1], "c": [1, 2]})
    with pytest.warns(StatsWarning, match="needs 3 complete respondents"):
        out = cronbach_alpha(frame, ["a", "b", "c"])
    assert math.isnan(out["alpha"]) and out["caution"] == "too_few_respondents"
    assert all(math.isnan(v["alpha_if_deleted"]) for v in out["item_analysis"].values())


def test_cronbach_alpha_without_total_variance_says_why():
    frame = pd.DataFrame({"a": [3, 3, 3], "b": [3, 3, 3]})
    with pytest.warns(StatsWarning, match="every total is the same"):
        out = cronbach_alpha(frame, ["a", "b"])
    assert out["caution"] == "no_total_variance"


def test_negative_cronbach_alpha_is_flagged_as_possibly_reverse_keyed():
    # item b runs against a and c (reverse-keyed, not recoded); α by the formula, by hand
    frame = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [5, 4, 3, 2, 2], "c": [1, 2, 3, 4, 4]})
    with pytest.warns(StatsWarning, match="reverse-keyed"):
        out = cronbach_alpha(frame, ["a", "b", "c"])
    block = frame.to_numpy(dtype=float)
    hand = 1.5 * (1 - block.var(axis=0, ddof=1).sum() / block.sum(axis=1).var(ddof=1))
    assert hand < 0 and out["alpha"] == pytest.approx(hand)
    assert out["caution"] == "negative_alpha"


def test_small_spearman_p_is_exact_by_enumerating_every_pairing():
    # R's cor.test(method = "spearman") is exact at small n without ties. Independent
    # reference: ρ for all 6! = 720 orderings of y's ranks against x's,
    # p = 2·min(P(ρ* ≤ ρ), P(ρ* ≥ ρ)) capped at 1.
    import itertools

    x = np.array([1.0, 2.5, 3.1, 4.7, 5.2, 6.9])
    y = np.array([2.0, 1.0, 4.0, 3.0, 6.0, 5.0])
    rx = stats.rankdata(x)
    d2 = [((rx - np.array(p)) ** 2).sum() for p in itertools.permutations(range(1, 7))]
    rhos = 1 - 6 * np.array(d2) / (6 * 35)
    rho = 1 - 6 * ((rx - stats.rankdata(y)) ** 2).sum() / (6 * 35)
    exact = min(1.0, 2 * min((rhos <= rho + 1e-12).mean(), (rhos >= rho - 1e-12).mean()))
    out = correlation(x, y, method="spearman")
    assert out["r"] == pytest.approx(rho) and out["p_method"] == "exact"
    assert out["p"] == pytest.approx(exact)
    assert out["p"] != pytest.approx(stats.spearmanr(x, y).pvalue)  # the t approximation


def test_spearman_with_ties_keeps_the_t_approximation():
    x = np.array([1.0, 2, 2, 3, 4, 5])
    y = np.array([1.0, 3, 2, 4, 6, 5])
    out = correlation(x, y, method="spearman")
    r = stats.pearsonr(stats.rankdata(x), stats.rankdata(y)).statistic
    t = r * math.sqrt(4 / (1 - r * r))
    assert out["p_method"] == "t" and out["p"] == pytest.approx(2 * stats.t.sf(t, 4))
