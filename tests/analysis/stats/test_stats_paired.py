"""Paired and one-sample tests against R's printed examples, statsmodels and enumeration.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy import stats as sps
from stats_helpers import DATA
from statsmodels.stats.weightstats import DescrStatsW

from analysis.stats import StatsInputError, StatsWarning
from analysis.stats.paired import one_sample_test, paired_test, proportion_test

# R ?wilcox.test, Hollander & Wolfe (1973) p. 29: depression scale before (x) and after (y)
DEPRESSION_X = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
DEPRESSION_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]


@pytest.fixture
def sleep_wide() -> pd.DataFrame:
    long = pd.read_csv(DATA / "student_sleep.csv")
    return pd.DataFrame(
        {
            "药物一": long.loc[long["group"] == 1, "extra"].to_numpy(),
            "药物二": long.loc[long["group"] == 2, "extra"].to_numpy(),
        }
    )


def test_paired_t_matches_r_on_students_sleep_data(sleep_wide):
    # R ?t.test, t.test(sleep$extra[1:10], sleep$extra[11:20], paired = TRUE):
    # t = -4.0621, df = 9, p-value = 0.002833; 95 percent CI -2.4598858 -0.7001142;
    # mean difference -1.58
    out = paired_test(sleep_wide, "药物一", "药物二")
    assert out["test"] == "paired_t" and out["n"] == 10
    assert out["statistic"] == pytest.approx(-4.0621, abs=5e-5)
    assert out["dof"] == 9
    assert out["p"] == pytest.approx(0.002833, abs=5e-7)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((-2.4598858, -0.7001142), abs=5e-8)
    assert out["estimate"] == pytest.approx(-1.58)


def test_paired_t_and_dz_interval_match_statsmodels_and_the_noncentral_t(sleep_wide):
    out = paired_test(sleep_wide, "药物一", "药物二", alternative="less")
    d = (sleep_wide["药物一"] - sleep_wide["药物二"]).to_numpy()
    ref = DescrStatsW(d)
    t, p, dof = ref.ttest_mean(0, alternative="smaller")
    assert (out["statistic"], out["p"], out["dof"]) == pytest.approx((t, p, dof))
    es = out["effect_size"]
    assert es["value"] == pytest.approx(d.mean() / d.std(ddof=1))  # d_z, Cohen 1988 eq. 2.3.5

    def cdf(tt, df, ncp):  # P(T ≤ t) = ∫ Φ(t·√(v/df) − δ) f_χ²(v; df) dv
        f = lambda v: sps.norm.cdf(tt * math.sqrt(v / df) - ncp) * sps.chi2.pdf(v, df)  # noqa: E731
        return integrate.quad(f, 0, np.inf, limit=200)[0]

    t_obs = es["value"] * math.sqrt(10)
    assert cdf(t_obs, 9, es["ci_low"] * math.sqrt(10)) == pytest.approx(0.975, abs=1e-7)
    assert cdf(t_obs, 9, es["ci_high"] * math.sqrt(10)) == pytest.approx(0.025, abs=1e-7)


def test_wilcoxon_signed_rank_matches_r_example_exactly():
    # R ?wilcox.test: wilcox.test(x, y, paired = TRUE, alternative = "greater"):
    # V = 40, p-value = 0.01953 (exact: 10 of the 512 sign patterns have V ≥ 40)
    frame = pd.DataFrame({"前": DEPRESSION_X, "后": DEPRESSION_Y})
    out = paired_test(frame, "前", "后", method="nonparametric", alternative="greater")
    assert out["test"] == "wilcoxon_signed_rank" and out["p_method"] == "exact"
    assert out["statistic"] == 40
    assert out["p"] == pytest.approx(0.01953, abs=5e-6)
    assert out["p"] == pytest.approx(10 / 512)


def test_wilcoxon_two_sided_exact_p_by_enumerating_signs():
    rng = np.random.default_rng(5)
    d = np.round(rng.normal(0.4, 1, 14), 3)
    assert len(set(np.abs(d))) == 14 and np.all(d != 0)
    ranks = sps.rankdata(np.abs(d))
    v_obs = ranks[d > 0].sum()
    vs = np.array(
        [
            sum(r for r, s in zip(ranks, signs, strict=True) if s)
            for signs in itertools.product((0, 1), repeat=14)
        ]
    )
    exact = min(1.0, 2 * min((vs <= v_obs).mean(), (vs >= v_obs).mean()))
    frame = pd.DataFrame({"a": d, "b": 0.0})
    out = paired_test(frame, "a", "b", ordinal=True)
    assert out["p"] == pytest.approx(exact)
    # matched-pairs rank-biserial (Kerby 2014): (T+ − T−)/(T+ + T−)
    t_minus = ranks[d < 0].sum()
    assert out["effect_size"]["value"] == pytest.approx((v_obs - t_minus) / (v_obs + t_minus))


def test_wilcoxon_with_ties_and_zeros_uses_rs_normal_approximation():
    # zeros dropped; σ² = n(n+1)(2n+1)/24 − Σ(t³ − t)/48; z = (V − n(n+1)/4 − ½·sign)/σ
    d = np.array([1, 1, 2, 2, 2, 3, -1, 0, 0, 4, -2, 3, 5, 1], dtype=float)
    out = paired_test(pd.DataFrame({"a": d, "b": 0.0}), "a", "b", ordinal=True)
    nz = d[d != 0]
    n = nz.size
    ranks = sps.rankdata(np.abs(nz))
    v = ranks[nz > 0].sum()
    _, t = np.unique(np.abs(nz), return_counts=True)
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - (t**3 - t).sum() / 48)
    z = (v - n * (n + 1) / 4 - 0.5) / sigma
    assert out["p_method"] == "asymptotic" and out["n_nonzero"] == 12
    assert out["p"] == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))


def test_one_sample_t_matches_statsmodels():
    x = [3.2, 4.1, 3.8, 4.6, 2.9, 4.4, 3.7, 4.0, 3.5, 4.8, None]
    out = one_sample_test(pd.DataFrame({"满意度": x}), "满意度", value=3.5)
    ref = DescrStatsW(np.array([v for v in x if v is not None]))
    t, p, dof = ref.ttest_mean(3.5)
    assert out["test"] == "one_sample_t" and out["n"] == 10
    assert (out["statistic"], out["p"], out["dof"]) == pytest.approx((t, p, dof))
    assert (out["ci_low"], out["ci_high"]) == pytest.approx(ref.tconfint_mean())
    assert out["estimate"] == pytest.approx(ref.mean)


def test_one_sample_signed_rank_against_a_value():
    # R: wilcox.test(x, mu = 1.5) is the signed-rank test of x − 1.5
    frame = pd.DataFrame({"x": DEPRESSION_X})
    out = one_sample_test(frame, "x", value=1.0, method="nonparametric")
    shifted = one_sample_test(frame.assign(x=frame["x"] - 1.0), "x", value=0.0, ordinal=True)
    assert out["p"] == shifted["p"] and out["statistic"] == shifted["statistic"]
    assert out["estimate"] == pytest.approx(np.median(DEPRESSION_X))


def test_exact_binomial_matches_r_binom_test():
    # R ?binom.test (Mendel's peas): binom.test(682, 925, p = 3/4):
    # p-value = 0.3825; 95 percent CI 0.7076683 0.7654066
    out = proportion_test(682, 925, value=0.75)
    assert out["p"] == pytest.approx(0.3825, abs=5e-5)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((0.7076683, 0.7654066), abs=5e-8)


def test_exact_binomial_small_n_by_hand():
    # 9 of 10 against 0.5: two-sided p = P(X ≤ 1) + P(X ≥ 9) = 22/1024
    out = proportion_test(9, 10, value=0.5)
    assert out["p"] == pytest.approx(22 / 1024)
    one = proportion_test(9, 10, value=0.5, alternative="greater")
    assert one["p"] == pytest.approx(11 / 1024)
    assert out["effect_size"]["value"] == pytest.approx(
        2 * math.asin(math.sqrt(0.9)) - 2 * math.asin(math.sqrt(0.5))
    )


def test_constant_differences_give_no_p_value_and_a_caution():
    frame = pd.DataFrame({"前": [3.0, 4.0, 5.0], "后": [2.0, 3.0, 4.0]})
    with pytest.warns(StatsWarning, match="zero variance differences"):
        out = paired_test(frame, "前", "后")
    assert math.isnan(out["p"]) and out["caution"] == "zero_variance_differences"
    with pytest.warns(StatsWarning, match="no nonzero differences"):
        ranks = paired_test(frame.assign(后=frame["前"]), "前", "后", ordinal=True)
    assert math.isnan(ranks["p"]) and ranks["caution"] == "no_nonzero_differences"


@pytest.mark.parametrize(
    ("call", "location"),
    [
        (lambda f: paired_test(f, "前", "无此列"), "无此列"),
        (lambda f: paired_test(f, "前", "文字"), "文字"),
        (lambda f: paired_test(f, "前", "后", alternative="sideways"), "alternative"),
        (lambda f: one_sample_test(f, "前", value=math.inf), "value"),
        (lambda f: proportion_test(3, 2), "successes"),
        (lambda f: proportion_test(1, 2, value=1.0), "value"),
    ],
)
def test_bad_input_is_a_stats_input_error_naming_the_place(call, location):
    frame = pd.DataFrame({"前": [1.0, 2.0], "后": [2.0, 2.5], "文字": ["好", "差"]})
    with pytest.raises(StatsInputError) as err:
        call(frame)
    assert err.value.location == location


def test_weighted_paired_t_is_the_design_based_svyttest_of_the_differences():
    # R: svyttest(I(x - y) ~ 0, svydesign(ids = ~1, weights = ~w)): the intercept of the
    # weighted regression of d on 1 with the sandwich variance HC0 · n/(n − 1), t on n − 1 df
    import statsmodels.api as sm

    rng = np.random.default_rng(8)
    x, y = rng.normal(3.5, 1, 40), rng.normal(3.2, 1, 40)
    w = rng.uniform(0.2, 4.0, 40)
    frame = pd.DataFrame({"前": x, "后": y})
    out = paired_test(frame, "前", "后", weights=w)
    fit = sm.WLS(x - y, np.ones(40), weights=w).fit(cov_type="HC0")
    se = math.sqrt(fit.cov_params()[0, 0] * 40 / 39)
    assert out["test"] == "weighted_paired_t" and out["weighted"] is True
    assert out["estimate"] == pytest.approx(fit.params[0])
    assert out["se"] == pytest.approx(se)
    assert out["p"] == pytest.approx(2 * sps.t.sf(abs(fit.params[0] / se), 39))
    again = paired_test(frame, "前", "后", weights=w * 250.0)
    assert again["p"] == pytest.approx(out["p"])  # the scale of the weights does not matter
    ranks = paired_test(frame, "前", "后", weights=w, ordinal=True)
    assert ranks["weighted"] is False and ranks["note"] == "unweighted"
