"""Key drivers: β with standard errors (OLS and design-based), R², LMG, Johnson's relative
weights, the collinearity caution.

References: statsmodels OLS / WLS (params, bse, rsquared; `cov_type="HC0"` for the sandwich),
R² of every ordering by brute force with statsmodels for LMG (the definition of Lindeman,
Merenda & Gold 1980, not our subset formula), and orthogonal predictors, where Johnson's
weights, LMG and r² coincide (Johnson 2000, Multivariate Behav. Res. 35:1, p. 4: with
uncorrelated predictors each weight is the squared correlation). Tolerance: pytest.approx's
default (relative 1e-6) unless stated.
"""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.stats import StatsWarning
from analysis.stats.drivers import key_drivers, variance_inflation
from analysis.stats.errors import UnknownColumnError


@pytest.fixture
def survey():
    rng = np.random.default_rng(20)
    n = 150
    base = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "价格": base + rng.normal(size=n),
            "服务": 0.5 * base + rng.normal(size=n),
            "速度": rng.normal(size=n),
            "质量": base + rng.normal(scale=2, size=n),
        }
    )
    frame["总体"] = (
        0.5 * frame["价格"] + 0.3 * frame["服务"] + 0.1 * frame["速度"] + rng.normal(size=n)
    )
    weights = rng.gamma(2.0, 1.0, n)
    return frame, weights


DRIVERS = ["价格", "服务", "速度", "质量"]


def _weighted_z(frame, w):
    mean = np.average(frame, axis=0, weights=w)
    sd = np.sqrt(np.average((frame - mean) ** 2, axis=0, weights=w))
    return (frame - mean) / sd


def test_beta_and_its_standard_error_match_statsmodels_ols(survey):
    frame, _ = survey
    out = key_drivers(frame, "总体", DRIVERS)
    z = (frame - frame.mean()) / frame.std()
    fit = sm.OLS(z["总体"], sm.add_constant(z[DRIVERS])).fit()
    ci = fit.conf_int(0.05)
    for name in DRIVERS:
        d = out["drivers"][name]
        assert d["beta"] == pytest.approx(fit.params[name])
        assert d["beta_se"] == pytest.approx(fit.bse[name])
        assert d["beta_p"] == pytest.approx(fit.pvalues[name])
        assert d["beta_ci"] == pytest.approx([ci.loc[name, 0], ci.loc[name, 1]])
    assert out["r_squared"] == pytest.approx(fit.rsquared)
    assert out["se_method"] == "ols" and out["weighted"] is False


def test_weighted_beta_has_the_svyglm_sandwich_standard_error(survey):
    # survey::svyglm with ids = ~1 gives the HC0 sandwich of the WLS fit times n/(n−1)
    # (Lumley 2010, Complex Surveys, §5.2; Binder 1983): statsmodels WLS(cov_type="HC0").
    frame, w = survey
    out = key_drivers(frame, "总体", DRIVERS, weights=w)
    z = _weighted_z(frame, w)
    fit = sm.WLS(z["总体"], sm.add_constant(z[DRIVERS]), weights=w).fit(cov_type="HC0")
    n = len(frame)
    for name in DRIVERS:
        assert out["drivers"][name]["beta"] == pytest.approx(fit.params[name])
        assert out["drivers"][name]["beta_se"] == pytest.approx(
            fit.bse[name] * math.sqrt(n / (n - 1))
        )
    assert out["r_squared"] == pytest.approx(fit.rsquared)
    assert out["se_method"] == "linearised" and out["weighted"] is True
    scaled = key_drivers(frame, "总体", DRIVERS, weights=w * 1e-3)
    for name in DRIVERS:  # probability weights: only their ratios matter
        assert scaled["drivers"][name]["beta_se"] == pytest.approx(out["drivers"][name]["beta_se"])
        assert scaled["drivers"][name]["lmg"] == pytest.approx(out["drivers"][name]["lmg"])


def _lmg_by_orderings(frame, outcome, drivers, weights=None):
    """The definition: each driver's R² gain on entering, averaged over all k! orders."""

    def r2(cols):
        if not cols:
            return 0.0
        x = sm.add_constant(frame[list(cols)])
        if weights is None:
            return sm.OLS(frame[outcome], x).fit().rsquared
        return sm.WLS(frame[outcome], x, weights=weights).fit().rsquared

    gains = dict.fromkeys(drivers, 0.0)
    orders = list(itertools.permutations(drivers))
    for order in orders:
        for i, name in enumerate(order):
            gains[name] += r2(order[: i + 1]) - r2(order[:i])
    return {k: v / len(orders) for k, v in gains.items()}


@pytest.mark.parametrize("weighted", [False, True])
def test_lmg_equals_the_average_gain_over_every_ordering(survey, weighted):
    frame, w = survey
    weights = w if weighted else None
    out = key_drivers(frame, "总体", DRIVERS, weights=weights)
    ref = _lmg_by_orderings(frame, "总体", DRIVERS, weights)
    for name in DRIVERS:
        assert out["drivers"][name]["lmg"] == pytest.approx(ref[name])
    assert sum(d["lmg"] for d in out["drivers"].values()) == pytest.approx(out["r_squared"])


def test_relative_weights_sum_to_r_squared_and_are_r_squared_when_orthogonal(survey):
    frame, _ = survey
    out = key_drivers(frame, "总体", DRIVERS)
    total = sum(d["relative_weight"] for d in out["drivers"].values())
    assert total == pytest.approx(out["r_squared"])  # Johnson 2000, eq. 9: Σε_j = R²
    # exactly uncorrelated drivers: centred columns orthogonalised by QR (Q = X R⁻¹ is a
    # combination of centred columns, so it stays centred)
    rng = np.random.default_rng(4)
    raw = rng.normal(size=(60, 3))
    x, _ = np.linalg.qr(raw - raw.mean(axis=0))
    orth = pd.DataFrame(x, columns=["a", "b", "c"])
    orth["y"] = orth @ np.array([3.0, 1.0, -2.0]) + rng.normal(scale=0.1, size=60)
    res = key_drivers(orth, "y", ["a", "b", "c"])
    for name in "abc":
        r = np.corrcoef(orth[name], orth["y"])[0, 1]
        assert res["drivers"][name]["relative_weight"] == pytest.approx(r * r)
        assert res["drivers"][name]["lmg"] == pytest.approx(r * r)
        assert res["drivers"][name]["vif"] == pytest.approx(1.0)


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.SingularMatrixWarning")
def test_collinear_drivers_are_named_and_share_their_importance():
    rng = np.random.default_rng(5)
    a, c = rng.normal(size=50), rng.normal(size=50)
    frame = pd.DataFrame(
        {"总体": a + 0.5 * c + rng.normal(size=50), "价格": a, "价钱": a, "服务": c}
    )
    with pytest.warns(StatsWarning, match="价格, 价钱 overlap"):
        out = key_drivers(frame, "总体", ["价格", "价钱", "服务"])
    assert out["collinear"] == ["价格", "价钱"] and out["vif_limit"] == 10
    assert math.isnan(out["drivers"]["价格"]["beta_se"])
    # two copies of one question: every ordering gives them the same total, split in half
    ref = _lmg_by_orderings(frame, "总体", ["价格", "价钱", "服务"])
    assert out["drivers"]["价格"]["lmg"] == pytest.approx(ref["价格"])
    assert out["drivers"]["价格"]["lmg"] == pytest.approx(out["drivers"]["价钱"]["lmg"])
    assert out["drivers"]["价格"]["relative_weight"] == pytest.approx(
        out["drivers"]["价钱"]["relative_weight"]
    )


def test_variance_inflation_is_importable_from_drivers_and_matches_statsmodels(survey):
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    frame, _ = survey
    z = frame[DRIVERS].to_numpy() - frame[DRIVERS].to_numpy().mean(axis=0)
    design = sm.add_constant(frame[DRIVERS]).to_numpy()
    for j, v in enumerate(variance_inflation(z), start=1):
        assert v == pytest.approx(variance_inflation_factor(design, j))


def test_bad_driver_inputs_get_the_engines_errors(survey):
    frame, w = survey
    with pytest.raises(UnknownColumnError, match="没有"):
        key_drivers(frame, "总体", ["没有"])
    with pytest.raises(ValueError, match="different columns"):
        key_drivers(frame, "总体", ["总体"])
    with pytest.raises(ValueError, match="one value per response"):
        key_drivers(frame, "总体", DRIVERS, weights=w[:5])
    few = key_drivers(frame.head(4), "总体", DRIVERS)
    assert math.isnan(few["r_squared"]) and math.isnan(few["drivers"]["价格"]["beta_se"])
