"""Group comparisons against scipy and statsmodels, and the choice of test.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from stats_helpers import DATA
from statsmodels.formula.api import ols
from statsmodels.stats.anova import anova_lm
from statsmodels.stats.multicomp import pairwise_tukeyhsd

from analysis.stats import StatsWarning, cohens_d, compare_groups, mann_whitney


@pytest.fixture
def three_groups() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    y = np.r_[rng.normal(10, 2, 30), rng.normal(11, 3, 25), rng.normal(13, 2, 20)]
    g = ["a"] * 30 + ["b"] * 25 + ["c"] * 20
    return pd.DataFrame({"y": y, "g": g})


def test_welch_t_and_cohens_d(three_groups):
    two = three_groups[three_groups["g"] != "c"]
    out = compare_groups(two, "y", "g")
    a, b = (two.loc[two["g"] == k, "y"].to_numpy() for k in "ab")
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert out["test"] == "welch_t" and out["reason"] == "numeric_two_groups"
    assert out["statistic"] == pytest.approx(ref.statistic)
    assert out["p"] == pytest.approx(ref.pvalue)
    # Cohen's d, pooled SD, written out
    pooled = math.sqrt(
        ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2)
    )
    assert out["effect_size"] == pytest.approx((a.mean() - b.mean()) / pooled)


def test_mann_whitney_z_and_r_match_scipy_asymptotic():
    a = np.array([1, 2, 2, 3, 4, 4, 5, 5, 5])
    b = np.array([2, 3, 3, 4, 5, 5, 5, 5])
    res = mann_whitney(a, b)
    ref = stats.mannwhitneyu(a, b, method="asymptotic", use_continuity=False)
    assert res["statistic"] == ref.statistic
    assert 2 * stats.norm.sf(abs(res["z"])) == pytest.approx(ref.pvalue)
    assert res["r"] == pytest.approx(res["z"] / math.sqrt(17))
    assert res["p"] == pytest.approx(stats.mannwhitneyu(a, b).pvalue)


def test_ordinal_two_groups_use_mann_whitney():
    frame = pd.DataFrame({"y": [1, 2, 3, 4, 5, 3, 4, 5, 5, 4], "g": ["m"] * 5 + ["f"] * 5})
    out = compare_groups(frame, "y", "g", ordinal=True)
    assert out["test"] == "mann_whitney_u" and out["effect_size_name"] == "r"


def test_anova_eta_squared_and_tukey_match_statsmodels(three_groups):
    out = compare_groups(three_groups, "y", "g", equal_var=True)
    table = anova_lm(ols("y ~ C(g)", data=three_groups).fit())
    assert out["test"] == "anova"
    assert out["statistic"] == pytest.approx(table.loc["C(g)", "F"])
    assert out["p"] == pytest.approx(table.loc["C(g)", "PR(>F)"])
    ss = table["sum_sq"]
    assert out["effect_size"] == pytest.approx(ss["C(g)"] / ss.sum())
    tukey = pairwise_tukeyhsd(three_groups["y"], three_groups["g"])
    ref = {(r[0], r[1]): r for r in tukey.summary().data[1:]}
    for pair in out["posthoc"]:
        row = ref[(pair["a"], pair["b"])]
        assert -pair["difference"] == pytest.approx(row[2], abs=1e-4)  # statsmodels: b − a
        assert pair["p_adjusted"] == pytest.approx(row[3], abs=2e-3)  # table printed to 4 places


def test_kruskal_wallis_with_holm_pairs(three_groups):
    frame = three_groups.assign(y=three_groups["y"].round())
    out = compare_groups(frame, "y", "g", ordinal=True)
    samples = [frame.loc[frame["g"] == k, "y"] for k in "abc"]
    h, p = stats.kruskal(*samples)
    assert out["test"] == "kruskal_wallis"
    assert (out["statistic"], out["p"]) == pytest.approx((h, p))
    assert out["effect_size"] == pytest.approx((h - 3 + 1) / (75 - 3))
    from statsmodels.stats.multitest import multipletests

    raw = [pair["p"] for pair in out["posthoc"]]
    assert [pair["p_adjusted"] for pair in out["posthoc"]] == pytest.approx(
        multipletests(raw, method="holm")[1]
    )


def test_single_group_gives_no_test():
    frame = pd.DataFrame({"y": [1.0, 2.0, 3.0], "g": ["a", "a", "a"]})
    with pytest.warns(StatsWarning, match="fewer than two groups"):
        out = compare_groups(frame, "y", "g")
    assert out["test"] is None and math.isnan(out["p"]) and out["reason"] == "single_group"


def test_cohens_d_degenerate():
    assert math.isnan(cohens_d(np.array([1.0]), np.array([2.0])))


def test_bad_method_is_rejected(three_groups):
    with pytest.raises(ValueError):
        compare_groups(three_groups, "y", "g", method="magic")


def test_welch_and_mann_whitney_match_r_on_students_sleep_data():
    # R ?t.test example: t = -1.8608, df = 17.776, p-value = 0.07939 (printed to 4-5 digits)
    frame = pd.read_csv(DATA / "student_sleep.csv", dtype={"group": str})
    out = compare_groups(frame, "extra", "group")
    assert out["statistic"] == pytest.approx(-1.8608, abs=5e-5)
    assert out["dof"] == pytest.approx(17.776, abs=5e-4)
    assert out["p"] == pytest.approx(0.07939, abs=5e-6)
    assert out["groups"]["1"]["mean"] == pytest.approx(0.75)
    # R wilcox.test(extra ~ group, data = sleep): W = 25.5, p-value = 0.06933 (normal, ties)
    ranks = compare_groups(frame, "extra", "group", ordinal=True)
    assert ranks["statistic"] == 25.5
    assert ranks["p"] == pytest.approx(0.06933, abs=5e-6)


def test_anova_kruskal_and_tukey_match_r_on_plant_growth():
    # Dobson (1983) / R PlantGrowth: F = 4.8461 on 2 and 27 df, p = 0.01591;
    # SS 3.7663 and 10.4921 → η² = 3.7663 / 14.2584; kruskal.test: 7.9882, p = 0.01842
    frame = pd.read_csv(DATA / "plant_growth.csv")
    out = compare_groups(frame, "weight", "group", equal_var=True)
    assert out["statistic"] == pytest.approx(4.8461, abs=5e-5)
    assert out["p"] == pytest.approx(0.01591, abs=5e-6)
    assert out["dof"] == [2, 27]
    assert out["effect_size"] == pytest.approx(3.7663 / (3.7663 + 10.4921), abs=1e-4)
    tukey = {(p["a"], p["b"]): p for p in out["posthoc"]}
    # R TukeyHSD: trt1-ctrl diff -0.371 p 0.3909; trt2-ctrl 0.494 p 0.1980; trt2-trt1 0.865 p 0.0120
    assert tukey[("ctrl", "trt1")]["difference"] == pytest.approx(0.371, abs=5e-4)
    assert tukey[("ctrl", "trt1")]["p_adjusted"] == pytest.approx(0.3909, abs=5e-4)
    assert tukey[("trt1", "trt2")]["p_adjusted"] == pytest.approx(0.0120, abs=5e-4)
    kw = compare_groups(frame, "weight", "group", ordinal=True)
    assert kw["statistic"] == pytest.approx(7.9882, abs=5e-5)
    assert kw["p"] == pytest.approx(0.01842, abs=5e-6)


@pytest.mark.parametrize(
    ("groups", "test"),
    [
        ({"北京": [5, 5, 5], "上海": [2, 2, 2]}, "welch_t"),  # t = −inf, p = 0 before
        ({"北京": [5, 5, 5], "上海": [2, 3, 4]}, "welch_t"),
        ({"北京": [5, 5, 5], "上海": [2, 2, 2], "广州": [3, 3, 3]}, "welch_anova"),  # η² = 1 before
    ],
)
def test_zero_variance_group_gives_no_p_value_and_a_warning(groups, test):
    frame = pd.DataFrame(
        [{"y": float(v), "城市": name} for name, vals in groups.items() for v in vals]
    )
    with pytest.warns(StatsWarning, match="every answer is the same"):
        out = compare_groups(frame, "y", "城市")
    assert out["test"] == test and out["caution"] == "zero_variance_group"
    assert math.isnan(out["p"]) and math.isnan(out["statistic"])
    assert math.isnan(out["effect_size"]) and out["posthoc"] == []
    assert "北京" in out["constant_groups"]


def test_zero_variance_group_still_gets_a_rank_test():
    frame = pd.DataFrame({"y": [5.0] * 4 + [1.0, 2.0, 3.0, 4.0], "g": ["a"] * 4 + ["b"] * 4})
    out = compare_groups(frame, "y", "g", ordinal=True)
    assert out["test"] == "mann_whitney_u" and out["caution"] is None
    assert out["p"] > 0


def test_small_mann_whitney_p_is_exact_as_r_wilcox_test():
    # R's wilcox.test is exact for both n < 50 without ties. Independent reference: the exact
    # null distribution of U by enumerating all C(18, 9) = 48,620 ways to pick group a's ranks;
    # two-sided p = 2·min(P(U ≤ u), P(U ≥ u)), capped at 1 (R's pwilcox-based p).
    import itertools

    a = np.array([1.1, 2.3, 3.2, 4.8, 5.1, 6.7, 7.4, 8.2, 12.5])
    b = np.array([4.1, 6.9, 8.8, 9.3, 10.2, 11.4, 13.0, 14.6, 15.9])
    ranks = stats.rankdata(np.r_[a, b])
    u_obs = ranks[:9].sum() - 45
    us = np.array([sum(c) - 45 for c in itertools.combinations(range(1, 19), 9)])
    exact = min(1.0, 2 * min((us <= u_obs).mean(), (us >= u_obs).mean()))
    res = mann_whitney(a, b)
    assert res["p_method"] == "exact"
    assert res["p"] == pytest.approx(exact)
    out = compare_groups(
        pd.DataFrame({"y": np.r_[a, b], "g": ["a"] * 9 + ["b"] * 9}), "y", "g", ordinal=True
    )
    assert out["p"] == pytest.approx(exact) and out["p_method"] == "exact"


def test_mann_whitney_with_ties_uses_the_corrected_normal_approximation():
    a = np.array([1, 2, 2, 3, 4, 5, 5, 6, 7, 8.0])
    b = np.array([3, 5, 6, 6, 7, 8, 8, 9, 9, 10.0])
    res = mann_whitney(a, b)
    assert res["p_method"] == "asymptotic"
    # by hand: |U − na·nb/2| − ½ over σ (tie-corrected), as R's wilcox.test(correct = TRUE)
    ranks = stats.rankdata(np.r_[a, b])
    u = ranks[:10].sum() - 55
    _, t = np.unique(np.r_[a, b], return_counts=True)
    sigma = math.sqrt(100 / 12 * (21 - (t**3 - t).sum() / (20 * 19)))
    z = (abs(u - 50) - 0.5) / sigma
    assert res["p"] == pytest.approx(math.erfc(z / math.sqrt(2)))
