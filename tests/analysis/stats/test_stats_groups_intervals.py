"""Intervals and effect sizes of group comparisons (issue 20, build 3), each against a reference
outside the code: statsmodels, pingouin, R's printed output, Newcombe (1998)'s table, or a
hand computation written out here (noncentral distributions integrated from their
definitions, not scipy's `nct`/`ncf` the code inverts).

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import math

import numpy as np
import pandas as pd
import pingouin
import pytest
from scipy import integrate, special
from scipy import stats as sps
from stats_helpers import DATA
from statsmodels.stats.libqsturng import qsturng
from statsmodels.stats.oneway import anova_oneway
from statsmodels.stats.proportion import confint_proportions_2indep
from statsmodels.stats.weightstats import CompareMeans

from analysis.stats import compare_groups
from analysis.stats.differences import proportion_difference
from analysis.stats.effect_sizes import (
    cohens_h,
    eta_squared_interval,
    hedges_correction,
    noncentral_t_interval,
    rank_biserial,
)
from analysis.stats.studentized_range import studentized_range_quantile, studentized_range_sf


@pytest.fixture
def unequal_groups() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    y = np.r_[rng.normal(10, 1, 12), rng.normal(11, 4, 30), rng.normal(13, 2, 9)]
    return pd.DataFrame({"y": y, "组": ["甲"] * 12 + ["乙"] * 30 + ["丙"] * 9})


def _two(frame):
    two = frame[frame["组"] != "丙"]
    return two, [two.loc[two["组"] == k, "y"].to_numpy() for k in ("甲", "乙")]


@pytest.mark.parametrize(("equal_var", "usevar"), [(False, "unequal"), (True, "pooled")])
def test_mean_difference_interval_matches_statsmodels(unequal_groups, equal_var, usevar):
    two, (a, b) = _two(unequal_groups)
    out = compare_groups(two, "y", "组", equal_var=equal_var, group_order=["甲", "乙"])
    low, high = CompareMeans.from_data(a, b).tconfint_diff(alpha=0.05, usevar=usevar)
    d = out["difference"]
    assert out["test"] == ("student_t" if equal_var else "welch_t")
    assert d["difference"] == pytest.approx(a.mean() - b.mean())
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((low, high))
    assert d["method"] == ("pooled" if equal_var else "welch")


def test_welch_interval_matches_r_on_students_sleep_data():
    # R ?t.test, t.test(extra ~ group, data = sleep):
    # 95 percent confidence interval: -3.3654832  0.2054832
    frame = pd.read_csv(DATA / "student_sleep.csv", dtype={"group": str})
    d = compare_groups(frame, "extra", "group")["difference"]
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((-3.3654832, 0.2054832), abs=5e-8)


def test_newcombe_hybrid_interval_matches_newcombe_1998_and_statsmodels():
    # Newcombe (1998), Stat. Med. 17:873, Table II, example (a) 56/70 − 48/80,
    # method 10 (score, no continuity correction): 0.0524 to 0.3339
    res = proportion_difference(56, 70, 48, 80)
    assert res["difference"] == pytest.approx(56 / 70 - 48 / 80)
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    ref = confint_proportions_2indep(56, 70, 48, 80, method="newcomb", compare="diff")
    assert (res["ci_low"], res["ci_high"]) == pytest.approx(ref)


def test_two_group_comparison_of_a_yes_no_answer_carries_newcombe_and_cohens_h():
    # 0/1 answers (a multiple-choice option column): 12/20 in 北京, 5/25 in 上海
    y = [1.0] * 12 + [0.0] * 8 + [1.0] * 5 + [0.0] * 20
    frame = pd.DataFrame({"y": y, "城市": ["北京"] * 20 + ["上海"] * 25})
    out = compare_groups(frame, "y", "城市", group_order=["北京", "上海"])
    prop = out["proportion_difference"]
    ref = confint_proportions_2indep(12, 20, 5, 25, method="newcomb", compare="diff")
    assert (prop["ci_low"], prop["ci_high"]) == pytest.approx(ref)
    # Cohen (1988) eq. 6.2.2 by hand: φ = 2·asin √p
    assert prop["cohens_h"] == pytest.approx(
        2 * math.asin(math.sqrt(0.6)) - 2 * math.asin(math.sqrt(0.2))
    )


def test_cohens_h_of_half_and_quarter():
    # 2·asin√0.5 = π/2, 2·asin√0.25 = π/3: h = π/6
    assert cohens_h(0.5, 0.25) == pytest.approx(math.pi / 6)


def _nct_cdf_by_integration(t, df, ncp):
    """P(T ≤ t) for T = (Z + δ)/√(V/df): ∫ Φ(t·√(v/df) − δ) f_χ²(v; df) dv."""

    def integrand(v):
        return sps.norm.cdf(t * math.sqrt(v / df) - ncp) * sps.chi2.pdf(v, df)

    return integrate.quad(integrand, 0, np.inf, limit=200)[0]


def test_cohens_d_interval_inverts_the_noncentral_t(unequal_groups):
    two, (a, b) = _two(unequal_groups)
    out = compare_groups(two, "y", "组", group_order=["甲", "乙"])
    d = out["effect_sizes"]["cohens_d"]
    na, nb = len(a), len(b)
    scale = math.sqrt(na * nb / (na + nb))
    t = d["value"] * scale
    # the bounds are the noncentralities that put the observed t at the 97.5 % / 2.5 % point
    assert _nct_cdf_by_integration(t, na + nb - 2, d["ci_low"] * scale) == pytest.approx(
        0.975, abs=1e-7
    )
    assert _nct_cdf_by_integration(t, na + nb - 2, d["ci_high"] * scale) == pytest.approx(
        0.025, abs=1e-7
    )
    assert out["effect_size_ci"] == [d["ci_low"], d["ci_high"]]


def test_noncentral_t_interval_far_in_the_tail():
    # scipy's nct.cdf is NaN far in its tails; the root search must not fall there
    low, high = noncentral_t_interval(-3.5, 18, 0.95)
    assert _nct_cdf_by_integration(-3.5, 18, low) == pytest.approx(0.975, abs=1e-7)
    assert _nct_cdf_by_integration(-3.5, 18, high) == pytest.approx(0.025, abs=1e-7)


def test_hedges_g_correction_matches_hedges_1981_table():
    # Hedges (1981), J. Educ. Stat. 6:107, Table 2: J(10) = 0.9227, J(20) = 0.9619;
    # the approximation 1 − 3/(4m − 1) is within 5e-4 of them
    assert hedges_correction(10) == pytest.approx(0.9227, abs=5e-5)
    assert hedges_correction(20) == pytest.approx(0.9619, abs=5e-5)


def test_hedges_g_close_to_pingouin(unequal_groups):
    two, (a, b) = _two(unequal_groups)
    g = compare_groups(two, "y", "组", group_order=["甲", "乙"])["effect_sizes"]["hedges_g"]
    # pingouin uses the approximation J ≈ 1 − 3/(4(na + nb) − 9): agreement to 1e-3
    assert g["value"] == pytest.approx(pingouin.compute_effsize(a, b, eftype="hedges"), abs=1e-3)


def test_welch_anova_matches_statsmodels_and_pingouin(unequal_groups):
    out = compare_groups(unequal_groups, "y", "组")
    ref = anova_oneway(unequal_groups["y"], unequal_groups["组"], use_var="unequal")
    assert out["test"] == "welch_anova"
    assert out["statistic"] == pytest.approx(ref.statistic)
    assert out["p"] == pytest.approx(ref.pvalue)
    assert out["dof"] == pytest.approx([ref.df_num, ref.df_denom])
    pg = pingouin.welch_anova(unequal_groups, dv="y", between="组")
    assert out["statistic"] == pytest.approx(pg["F"].iloc[0])
    assert out["effect_size"] == pytest.approx(pg["np2"].iloc[0])


def test_games_howell_pairs_match_pingouin_and_statsmodels_qsturng(unequal_groups):
    out = compare_groups(unequal_groups, "y", "组", group_order=["甲", "乙", "丙"])
    pg = pingouin.pairwise_gameshowell(unequal_groups, dv="y", between="组")
    ref = {frozenset((r.A, r.B)): r for r in pg.itertuples()}
    assert len(out["posthoc"]) == 3
    for pair in out["posthoc"]:
        row = ref[frozenset((pair["a"], pair["b"]))]
        sign = 1 if (pair["a"], pair["b"]) == (row.A, row.B) else -1
        assert pair["method"] == "games_howell"
        assert pair["difference"] == pytest.approx(sign * row.diff)
        assert pair["se"] == pytest.approx(row.se)
        assert pair["dof"] == pytest.approx(row.df)
        # pingouin takes p from scipy's studentized_range (an adaptive double integral)
        assert pair["p_adjusted"] == pytest.approx(row.pval, abs=1e-9)
        # the interval with the critical q of statsmodels' studentized-range code (Gleason's
        # 1999 interpolation of Harter's tables, accurate to about 1e-3 in q)
        half = qsturng(0.95, 3, pair["dof"]) / math.sqrt(2) * pair["se"]
        assert pair["ci"] == pytest.approx(
            [pair["difference"] - half, pair["difference"] + half], abs=3e-3
        )


def _ncf_cdf_by_poisson_mixture(f, d1, d2, lam, terms=400):
    """P(F ≤ f | λ) = Σ_j Poisson(j; λ/2) · I_x(d1/2 + j, d2/2), x = d1·f/(d1·f + d2)."""
    x = d1 * f / (d1 * f + d2)
    j = np.arange(terms)
    weights = np.exp(-lam / 2 + j * math.log(lam / 2) - special.gammaln(j + 1)) if lam else None
    if weights is None:
        return special.betainc(d1 / 2, d2 / 2, x)
    return float((weights * special.betainc(d1 / 2 + j, d2 / 2, x)).sum())


def test_eta_squared_interval_inverts_the_noncentral_f(unequal_groups):
    shifted = unequal_groups.assign(y=unequal_groups["y"] + 3 * (unequal_groups["组"] == "丙"))
    out = compare_groups(shifted, "y", "组", equal_var=True)
    eta = out["effect_sizes"]["eta_squared"]
    f, (d1, d2) = out["statistic"], out["dof"]
    n = d1 + d2 + 1
    lam_low = eta["ci_low"] * n / (1 - eta["ci_low"])
    lam_high = eta["ci_high"] * n / (1 - eta["ci_high"])
    assert _ncf_cdf_by_poisson_mixture(f, d1, d2, lam_low) == pytest.approx(0.975, abs=1e-7)
    assert _ncf_cdf_by_poisson_mixture(f, d1, d2, lam_high) == pytest.approx(0.025, abs=1e-7)
    assert eta["ci_low"] < eta["value"] < eta["ci_high"]


def test_eta_squared_interval_starts_at_zero_when_f_is_small():
    # F = 0.3 on (2, 40): P(F ≤ 0.3 | λ = 0) = 0.26 < 0.975, so the lower bound is 0
    low, high = eta_squared_interval(0.3, 2, 40)
    assert low == 0.0
    assert _ncf_cdf_by_poisson_mixture(0.3, 2, 40, high * 43 / (1 - high)) == pytest.approx(
        0.025, abs=1e-7
    )


def test_omega_squared_from_the_anova_table(unequal_groups):
    from statsmodels.formula.api import ols
    from statsmodels.stats.anova import anova_lm

    table = anova_lm(ols("y ~ C(组)", data=unequal_groups).fit())
    ss_b, ss_w = table["sum_sq"]
    ms_w = table["mean_sq"].iloc[1]
    omega = compare_groups(unequal_groups, "y", "组")["effect_sizes"]["omega_squared"]
    assert omega["value"] == pytest.approx((ss_b - 2 * ms_w) / (ss_b + ss_w + ms_w))


def test_rank_biserial_counts_pairs_and_matches_pingouin():
    a = np.array([3.0, 4, 4, 5, 2, 5, 5, 4])
    b = np.array([1.0, 2, 3, 3, 4, 2, 1, 3, 2])
    frame = pd.DataFrame({"y": np.r_[a, b], "g": ["a"] * 8 + ["b"] * 9})
    out = compare_groups(frame, "y", "g", ordinal=True)
    rb = out["effect_sizes"]["rank_biserial"]
    # by hand: pairs with a above b count 1, ties ½; r = (favourable − unfavourable)/(na·nb)
    above = sum((x > y) + 0.5 * (x == y) for x in a for y in b)
    assert rb["value"] == pytest.approx(2 * above / 72 - 1)
    assert rb["value"] == pytest.approx(pingouin.mwu(a, b)["RBC"].iloc[0])
    # interval: tanh(atanh r ± 1.96·√((na + nb + 1)/(3·na·nb))), effectsize::rank_biserial
    se = math.sqrt(18 / (3 * 72))
    z = 1.959963984540054
    assert (rb["ci_low"], rb["ci_high"]) == pytest.approx(
        (math.tanh(math.atanh(rb["value"]) - z * se), math.tanh(math.atanh(rb["value"]) + z * se))
    )
    assert out["effect_size_name"] == "r"  # the Z/√N r stays the headline effect


def test_rank_biserial_of_complete_separation_is_one():
    res = rank_biserial(25.0, 5, 5)
    assert res["value"] == pytest.approx(1.0) and res["ci_high"] == pytest.approx(1.0)


@pytest.mark.parametrize("k", [2, 3, 6, 20])
@pytest.mark.parametrize("df", [2.0, 7.5, 48.0, 1200.0, 35000.0, math.inf])
def test_studentized_range_agrees_with_scipy(k, df):
    # scipy.stats.studentized_range integrates the same density adaptively (Boost / QUADPACK),
    # an independent computation of P(Q > q) and of its quantile (R ptukey / qtukey)
    for q in (0.7, 2.5, 4.0, 7.0):
        assert studentized_range_sf(q, k, df) == pytest.approx(
            sps.studentized_range.sf(q, k, df), abs=1e-10
        )
    assert studentized_range_quantile(0.95, k, df) == pytest.approx(
        sps.studentized_range.ppf(0.95, k, df), rel=1e-9
    )


def test_tukey_hsd_pairs_match_scipy_tukey_hsd(unequal_groups):
    out = compare_groups(unequal_groups, "y", "组", equal_var=True, group_order=["甲", "乙", "丙"])
    samples = [unequal_groups.loc[unequal_groups["组"] == k, "y"] for k in ("甲", "乙", "丙")]
    ref = sps.tukey_hsd(*samples)
    ci = ref.confidence_interval()
    index = {"甲": 0, "乙": 1, "丙": 2}
    for pair in out["posthoc"]:
        i, j = index[pair["a"]], index[pair["b"]]
        assert pair["p_adjusted"] == pytest.approx(ref.pvalue[i, j], abs=1e-9)
        assert pair["ci"] == pytest.approx([ci.low[i, j], ci.high[i, j]], abs=1e-8)
