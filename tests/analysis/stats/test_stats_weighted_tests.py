"""Weighted crosstab tests (Rao–Scott) and weighted correlations, checked independently.

References: samplics 0.6 `TaylorEstimator` for the linearised covariance of cell shares
(an implementation independent of `analysis.stats.design`); R `survey:::svychisq`'s
algorithm written out below on that covariance (R's own basis of contrasts, `qr.resid` of
treatment-coded interaction columns on the main effects, which differs from the engine's);
for a 2×2 table the identity δ = var(log OR̂)/Woolf's SRS variance; statsmodels
`DescrStatsW` for the weighted correlation; the delta method by finite differences for its
standard error.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.weightstats import DescrStatsW

from analysis.stats import correlation, crosstab
from analysis.stats.correlation import weighted_mid_ranks

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # samplics announces it is archived (FutureWarning)
    from samplics import PopParam, TaylorEstimator


@pytest.fixture
def table_data():
    rng = np.random.default_rng(7)
    n = 90
    city = rng.choice(["一线", "二线", "三线"], n, p=[0.3, 0.3, 0.4])
    gender = np.where(rng.random(n) < np.where(city == "一线", 0.65, 0.45), "男", "女")
    w = rng.uniform(0.4, 3.5, n)
    return pd.DataFrame({"city": city, "gender": gender}), w


def samplics_cells(labels, w):
    est = TaylorEstimator(param=PopParam.prop)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.estimate(y=labels, samp_weight=w)
    keys = sorted(est.point_est)
    p = np.array([est.point_est[k] for k in keys])
    cov = np.array([[est.covariance[a][b] for b in keys] for a in keys])
    return keys, p, cov


def test_rao_scott_matches_rs_svychisq_algorithm_on_samplics_covariance(table_data):
    frame, w = table_data
    out = crosstab(frame, "city", "gender", weights=w)
    rows, cols = out["row_values"], out["col_values"]
    # cells in R's order (row factor fastest), covariance from samplics
    labels = frame["city"] + "|" + frame["gender"]
    keys, p_all, cov_all = samplics_cells(labels.to_numpy(), w)
    order = [keys.index(f"{r}|{c}") for c in cols for r in rows]
    mean2, v = p_all[order], cov_all[np.ix_(order, order)]
    nr, nc, n = len(rows), len(cols), len(frame)
    # svychisq: X1 = ~rows + cols, X12 = ~rows * cols on expand.grid(rows, cols)
    ri, ci = np.tile(np.arange(nr), nc), np.repeat(np.arange(nc), nr)
    x1 = np.column_stack(
        [np.ones(nr * nc)]
        + [(ri == k).astype(float) for k in range(1, nr)]
        + [(ci == k).astype(float) for k in range(1, nc)]
    )
    inter = np.column_stack(
        [(ri == a) * (ci == b) * 1.0 for b in range(1, nc) for a in range(1, nr)]
    )
    cmat = inter - x1 @ np.linalg.lstsq(x1, inter, rcond=None)[0]  # qr.resid(qr(X1), ...)
    inv_d = np.diag(1 / mean2)
    denom = cmat.T @ (inv_d / n) @ cmat
    numr = cmat.T @ inv_d @ v @ inv_d @ cmat
    delta = np.linalg.solve(denom, numr)
    d0 = np.trace(delta) ** 2 / np.trace(delta @ delta)
    # Pearson X² of svytable(..., Ntotal = n): weighted table scaled to n
    table = np.zeros((nr, nc))
    for k, (r_, c_) in enumerate(zip(frame["city"], frame["gender"], strict=True)):
        table[rows.index(r_), cols.index(c_)] += w[k]
    pearson = Table(table / table.sum() * n).test_nominal_association().statistic
    f_stat = pearson / np.trace(delta)
    assert out["test"] == "rao_scott" and out["weighted"] is True
    assert out["chi2"] == pytest.approx(pearson, rel=1e-9)
    assert out["f"] == pytest.approx(f_stat, rel=1e-8)
    assert out["ndf"] == pytest.approx(d0, rel=1e-8)
    assert out["ddf"] == pytest.approx(d0 * (n - 1), rel=1e-8)
    assert out["p"] == pytest.approx(stats.f.sf(f_stat, d0, d0 * (n - 1)), rel=1e-7)
    first = pearson / np.mean(np.diag(delta))
    assert out["chi2_first_order"] == pytest.approx(first, rel=1e-8)
    assert out["p_first_order"] == pytest.approx(stats.chi2.sf(first, (nr - 1) * (nc - 1)))


def test_two_by_two_design_effect_is_that_of_the_log_odds_ratio():
    # For a 2×2 table Δ is one number, the design effect of log OR̂ (Rao & Scott 1984 §3):
    # log OR = Σ c log p with c = (1, −1, −1, 1); its influence values are w_k c/(W p_cell),
    # var_lin = n/(n−1) Σ z² (their mean is 0), and the SRS variance is Woolf's Σ 1/(n p).
    a = np.array([0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 0, 1])
    b = np.array([0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 0])
    w = np.array([1.0, 2.5, 0.7, 1.2, 3.0, 1.1, 0.9, 2.0, 1.6, 0.5, 1.4, 2.2])
    n, total = a.size, w.sum()
    cell = a * 2 + b
    p = np.array([w[cell == k].sum() for k in range(4)]) / total
    c = np.array([1, -1, -1, 1])
    z = w * c[cell] / (total * p[cell])
    var_lin = n / (n - 1) * (z**2).sum()
    delta = var_lin / (1 / (n * p)).sum()
    pr, pc = p.reshape(2, 2).sum(axis=1), p.reshape(2, 2).sum(axis=0)
    x2 = n * ((p.reshape(2, 2) - np.outer(pr, pc)) ** 2 / np.outer(pr, pc)).sum()
    out = crosstab(pd.DataFrame({"a": a, "b": b}), "a", "b", weights=w)
    assert out["mean_design_effect"] == pytest.approx(delta, rel=1e-10)
    assert out["f"] == pytest.approx(x2 / delta, rel=1e-10)
    assert out["ndf"] == pytest.approx(1.0)
    assert out["p"] == pytest.approx(stats.f.sf(x2 / delta, 1, n - 1), rel=1e-9)
    assert out["p_first_order"] == pytest.approx(stats.chi2.sf(x2 / delta, 1), rel=1e-9)


def test_equal_weights_make_every_design_effect_n_over_n_minus_1(table_data):
    # V = (D − pp')/(n − 1) when all weights are equal, and C'p = C'D·1 = 0, so Δ = n/(n−1)·I:
    # the first-order statistic is Pearson's X² · (n − 1)/n and d = (r − 1)(c − 1).
    frame, _ = table_data
    n = len(frame)
    out = crosstab(frame, "city", "gender", weights=np.full(n, 4.0))
    plain = crosstab(frame, "city", "gender")
    assert out["mean_design_effect"] == pytest.approx(n / (n - 1))
    assert out["ndf"] == pytest.approx(2.0)
    assert out["chi2"] == pytest.approx(plain["chi2"])
    assert out["chi2_first_order"] == pytest.approx(plain["chi2"] * (n - 1) / n)


def test_weighted_cell_shares_have_intervals_from_samplics_domain_se(table_data):
    frame, w = table_data
    out = crosstab(frame, "city", "gender", weights=w)
    z = stats.norm.ppf(0.975)
    for i, city in enumerate(out["row_values"]):
        est = TaylorEstimator(param=PopParam.prop)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.estimate(y=frame["gender"].to_numpy(), samp_weight=w, domain=frame["city"])
        for j, g in enumerate(out["col_values"]):
            p, se = est.point_est[city][g], est.stderror[city][g]
            n_star = p * (1 - p) / se**2
            centre = (p + z * z / (2 * n_star)) / (1 + z * z / n_star)
            half = (
                z / (1 + z * z / n_star) * math.sqrt(p * (1 - p) / n_star + z * z / (4 * n_star**2))
            )
            assert out["row_percent"][i][j] == pytest.approx(p * 100, rel=1e-12)
            assert out["row_percent_ci"][i][j] == pytest.approx(
                [(centre - half) * 100, (centre + half) * 100], rel=1e-9
            )


def test_design_residuals_by_the_delta_method_on_samplics_covariance(table_data):
    frame, w = table_data
    out = crosstab(frame, "city", "gender", weights=w)
    rows, cols = out["row_values"], out["col_values"]
    keys, p_all, cov_all = samplics_cells((frame["city"] + "|" + frame["gender"]).to_numpy(), w)
    order = [keys.index(f"{r}|{c}") for r in rows for c in cols]
    p, v = p_all[order], cov_all[np.ix_(order, order)]
    shape = (len(rows), len(cols))

    def d(q, i, j):
        t = q.reshape(shape)
        return t[i, j] - t[i].sum() * t[:, j].sum()

    for i in range(shape[0]):
        for j in range(shape[1]):
            grad = np.array(
                [(d(p + 1e-6 * e, i, j) - d(p - 1e-6 * e, i, j)) / 2e-6 for e in np.eye(p.size)]
            )
            expected = d(p, i, j) / math.sqrt(grad @ v @ grad)
            assert out["residuals"][i][j] == pytest.approx(expected, rel=1e-6)


def test_unweighted_crosstab_keeps_pearson_and_says_so(table_data):
    frame, _ = table_data
    out = crosstab(frame, "city", "gender")
    assert out["test"] == "chi2" and out["weighted"] is False
    counts = np.array(out["counts"])
    # Wilson on raw counts for the unweighted total percent of the first cell
    n, k = counts.sum(), counts[0, 0]
    z = stats.norm.ppf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    expected = [(centre - half) * 100, (centre + half) * 100]
    assert out["total_percent_ci"][0][0] == pytest.approx(expected)


@pytest.fixture
def pairs():
    rng = np.random.default_rng(11)
    n = 120
    x = rng.normal(size=n)
    y = 0.5 * x + rng.normal(size=n)
    return x, y, rng.uniform(0.3, 3.0, n)


def test_weighted_pearson_r_matches_statsmodels_and_its_se_the_delta_method(pairs):
    x, y, w = pairs
    out = correlation(x, y, weights=w)
    assert out["weighted"] is True and out["p_method"] == "design_t"
    assert out["r"] == pytest.approx(DescrStatsW(np.c_[x, y], weights=w).corrcoef[0, 1])
    # r as a function of five weighted means (x, y, x², y², xy); their linearised
    # covariance is n/(n−1) Z'Z with Z_i = w_i (m_i − m̄)/Σw; gradient by finite differences
    n, total = x.size, w.sum()
    m = np.c_[x, y, x * x, y * y, x * y]
    means = (w[:, None] * m).sum(axis=0) / total
    zmat = w[:, None] * (m - means) / total
    cov = n / (n - 1) * zmat.T @ zmat

    def r_of(u):
        vx, vy = u[2] - u[0] ** 2, u[3] - u[1] ** 2
        return (u[4] - u[0] * u[1]) / math.sqrt(vx * vy)

    grad = np.array([(r_of(means + h) - r_of(means - h)) / 2e-6 for h in 1e-6 * np.eye(5)])
    se = math.sqrt(grad @ cov @ grad)
    assert out["se"] == pytest.approx(se, rel=1e-6)
    zr = math.atanh(out["r"])
    se_z = se / (1 - out["r"] ** 2)
    assert out["p"] == pytest.approx(2 * stats.t.sf(abs(zr / se_z), n - 2), rel=1e-5)
    half = stats.t.ppf(0.975, n - 2) * se_z
    assert out["ci_low"] == pytest.approx(math.tanh(zr - half), rel=1e-6)


def test_weighted_mid_ranks_by_hand():
    # x = 1, 2, 2, 3 with w = 1, 1, 2, 4 (Σw = 8): value 1 → (0 + ½)/8, value 2 → (1 + 3/2)/8,
    # value 3 → (4 + 2)/8
    ranks = weighted_mid_ranks(np.array([1.0, 2, 2, 3]), np.array([1.0, 1, 2, 4]))
    assert ranks == pytest.approx([1 / 16, 2.5 / 8, 2.5 / 8, 0.75])


def test_weighted_spearman_with_equal_weights_is_spearmans_rho(pairs):
    x, y, _ = pairs
    out = correlation(np.round(x, 1), np.round(y, 1), method="spearman", weights=np.ones(x.size))
    assert out["r"] == pytest.approx(stats.spearmanr(np.round(x, 1), np.round(y, 1))[0])


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_weighted_correlation_and_crosstab_do_not_depend_on_the_weights_scale(
    pairs, table_data, method
):
    x, y, w = pairs
    base, scaled = (
        correlation(x, y, method=method, weights=w),
        correlation(x, y, method=method, weights=w * 1e-5),
    )
    for key in ("r", "se", "p", "ci_low", "ci_high"):
        assert scaled[key] == pytest.approx(base[key], rel=1e-9)
    frame, wt = table_data
    a, b = (
        crosstab(frame, "city", "gender", weights=wt),
        crosstab(frame, "city", "gender", weights=wt * 1e4),
    )
    for key in ("chi2", "f", "ndf", "p", "p_first_order", "cramers_v"):
        assert b[key] == pytest.approx(a[key], rel=1e-9)
    for key in ("row_percent_ci", "col_percent_ci", "total_percent_ci", "residuals"):
        assert np.array(b[key]) == pytest.approx(np.array(a[key]), rel=1e-9)
