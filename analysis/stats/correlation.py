"""Correlations with intervals (key drivers are in `drivers`, the matrix in `matrix`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from analysis.stats.design import correlation_influence, linearised_variance
from analysis.stats.errors import Code, StatsInputError
from analysis.stats.estimates import numeric_array, weight_array, z_value

#: Up to this many pairs without ties, Spearman's p is exact: the share of all n! pairings of
#: the ranks whose |ρ| reaches the observed one, as R's `cor.test(method = "spearman")` does by
#: exact enumeration at small n (AS 89, Best & Roberts 1975, Applied Statistics 24:377).
SPEARMAN_EXACT_MAX_N = 9


def _spearman_exact_p(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sided exact permutation p of Spearman's ρ (no ties), 2·min(P(ρ* ≤ ρ), P(ρ* ≥ ρ))
    capped at 1, over every pairing: scipy `permutation_test(..., n_resamples=inf)`."""
    rx = stats.rankdata(a) - (len(a) + 1) / 2
    ry = stats.rankdata(b) - (len(b) + 1) / 2
    scale = (rx * rx).sum()

    def rho(perm: np.ndarray, axis: int = -1) -> np.ndarray:
        statistic: np.ndarray = (perm * rx).sum(axis=axis) / scale
        return statistic

    res = stats.permutation_test(  # type: ignore[call-overload]  # scipy-stubs type n_resamples int; scipy documents np.inf (exact)
        (ry,), rho, permutation_type="pairings", n_resamples=np.inf, vectorized=True
    )
    return float(res.pvalue)


PERFECT_NOTE = "the answers lie on a line (r = ±1): no interval and no test"


def weighted_mid_ranks(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted mid-ranks as shares of weight: (weight below + half the weight tied) / Σw.
    With equal weights this is (rank − ½)/n, an affine map of the ordinary mid-rank."""
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    uniques, start = np.unique(xs, return_index=True)
    tied = np.add.reduceat(ws, start)
    below = np.concatenate(([0.0], np.cumsum(tied)[:-1]))
    ranks: np.ndarray = ((below + tied / 2) / ws.sum())[np.searchsorted(uniques, x)]
    return ranks


def _weighted_correlation(
    a: np.ndarray, b: np.ndarray, w: np.ndarray, method: str, confidence: float, out: dict[str, Any]
) -> dict[str, Any]:
    """Pearson r of (a, b) under survey weights, or Spearman's ρ as the weighted Pearson r
    of weighted mid-ranks, with a design-based interval and test (see `correlation`)."""
    n = a.size
    if method == "spearman":
        a, b = weighted_mid_ranks(a, w), weighted_mid_ranks(b, w)
    r, influence = correlation_influence(a, b, w)
    out.update(r=r)
    se_r = math.sqrt(linearised_variance(influence))
    if not abs(r) < 1 or not se_r > 0:
        out["note"] = PERFECT_NOTE
        return out
    se_z = se_r / (1 - r * r)
    t = math.atanh(r) / se_z
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, n - 2)) * se_z
    out.update(
        p=float(2 * stats.t.sf(abs(t), n - 2)),
        p_method="design_t",
        se=se_r,
        ci_low=math.tanh(math.atanh(r) - half),
        ci_high=math.tanh(math.atanh(r) + half),
    )
    return out


def correlation(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    method: str = "pearson",
    weights: npt.ArrayLike | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Pearson's r or Spearman's ρ over pairwise-complete observations, with a Fisher-z CI.

        CI = tanh(atanh(r) ± z / √(n − 3))                     (Pearson; Fisher 1921)
        CI = tanh(atanh(ρ) ± z · √((1 + ρ²/2) / (n − 3)))      (Spearman; Bonett & Wright 2000,
                                                                Psychometrika 65:23)
    p-values: Pearson from scipy `pearsonr` (t with n − 2 df; R `cor.test(x, y)`). Spearman:
    exact by enumerating every pairing for n ≤ `SPEARMAN_EXACT_MAX_N` without ties (R
    `cor.test(x, y, method = "spearman")` is exact there too); otherwise scipy `spearmanr`'s
    t approximation, which R uses with ties and above n = 1289 (between 10 and 1289 without
    ties R's default is the AS 89 Edgeworth series, which differs from the t approximation in
    the third decimal at most at n = 10 and less as n grows).
    `p_method` says which: `t`, `exact`, `design_t`.

    Under survey weights (`weights`; rows of weight 0 left out): r is the weighted Pearson
    correlation (weighted means and SDs), ρ the weighted Pearson r of the weighted mid-ranks
    (`weighted_mid_ranks`). The SE is the linearised one of r (`design.correlation_influence`;
    for ρ the ranks are taken as given, which ignores their own sampling variation). The CI
    and the test are Wald on Fisher's z = atanh(r), SE(z) = SE(r)/(1 − r²), with t(n − 2) as
    R's `svyglm` uses for one slope (df = n − 1 − 1): the CI excludes 0 exactly when p < α.
    """
    if method not in ("pearson", "spearman"):
        raise StatsInputError(location="method", code=Code.CORRELATION_METHOD)
    a = numeric_array(x, "x")
    b = numeric_array(y, "y")
    if a.shape != b.shape:
        raise StatsInputError("x and y must have the same length")
    keep = ~(np.isnan(a) | np.isnan(b))
    if weights is not None:
        w = weight_array(weights, a.size)
        keep = keep & (w > 0)
        w = w[keep]
    a, b = a[keep], b[keep]
    n = int(a.size)
    out: dict[str, Any] = {
        "method": method,
        "n": n,
        "r": math.nan,
        "p": math.nan,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "confidence": confidence,
        "weighted": weights is not None,
    }
    if n < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        out["note"] = "needs at least 3 pairs and answers that vary on both sides"
        return out
    if weights is not None:
        return _weighted_correlation(a, b, w, method, confidence, out)
    res = stats.pearsonr(a, b) if method == "pearson" else stats.spearmanr(a, b)
    r = float(res.statistic)
    out.update(r=r, p=float(res.pvalue), p_method="t")
    no_ties = len(np.unique(a)) == n and len(np.unique(b)) == n
    if method == "spearman" and n <= SPEARMAN_EXACT_MAX_N and no_ties:
        out.update(p=_spearman_exact_p(a, b), p_method="exact")
    if abs(r) >= 1:
        out["note"] = PERFECT_NOTE
    if n > 3 and abs(r) < 1:
        se = 1 / math.sqrt(n - 3) if method == "pearson" else math.sqrt((1 + r * r / 2) / (n - 3))
        half = z_value(confidence) * se
        out.update(ci_low=math.tanh(math.atanh(r) - half), ci_high=math.tanh(math.atanh(r) + half))
    return out
