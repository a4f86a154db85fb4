"""Survey weights as probability weights: design-based (Taylor linearisation) variances.

Every weighted statistic of the engine is an estimate under a one-stage design with
replacement and unequal weights, R `survey::svydesign(ids = ~1, weights = ~w)`. Its variance
is the variance of the estimate's *influence values* z_i (Binder 1983; Lumley 2010, ch. 2;
R `survey:::svyrecvar` for one stage without strata):

    var(θ̂) = n/(n−1) · Σ (z_i − z̄)²

For a weighted mean ȳ = Σwy/Σw the influence values are z_i = w_i (y_i − ȳ)/Σw. A domain
(a segment) keeps the whole sample with zero influence outside it, as R's `subset()` of a
design does, so n stays the full sample size. Multiplying every weight by a constant
changes no estimate and no variance. With all weights 1 the variance of the mean is the
familiar s²/n.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt


def linearised_variance(influence: np.ndarray) -> float:
    """n/(n−1) · Σ(z − z̄)² over the rows of `influence` (one value per sampled unit)."""
    z = np.asarray(influence, dtype=float)
    n = z.size
    if n < 2:
        return math.nan
    return float(n / (n - 1) * ((z - z.mean()) ** 2).sum())


def mean_influence(y: np.ndarray, w: np.ndarray, domain: np.ndarray | None = None) -> np.ndarray:
    """Influence values of the weighted mean of `y` (within `domain` when given).

    Rows outside the domain get 0. `y` may hold anything there (NaN included); the
    caller removes rows that are missing for the whole analysis before calling.
    """
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    inside = np.ones(y.size, dtype=bool) if domain is None else np.asarray(domain, dtype=bool)
    wd = np.where(inside, w, 0.0)
    total = wd.sum()
    if total <= 0:
        return np.full(y.size, math.nan)
    mean = (wd * np.where(inside, y, 0.0)).sum() / total
    return np.where(inside, wd * (np.where(inside, y, mean) - mean) / total, 0.0)


def weighted_mean_se(
    y: np.ndarray, w: np.ndarray | None = None, domain: np.ndarray | None = None
) -> tuple[float, float]:
    """(weighted mean, its linearised standard error); R `svymean(~y, design)`.

    `w=None` means equal weights, giving the mean and s/√n.
    """
    y = np.asarray(y, dtype=float)
    w = np.ones(y.size) if w is None else np.asarray(w, dtype=float)
    inside = np.ones(y.size, dtype=bool) if domain is None else np.asarray(domain, dtype=bool)
    total = w[inside].sum()
    if total <= 0:
        return math.nan, math.nan
    mean = float((w[inside] * y[inside]).sum() / total)
    return mean, math.sqrt(linearised_variance(mean_influence(y, w, inside)))


def kish_design_effect(w: np.ndarray) -> float:
    """Kish's design effect of unequal weighting, n·Σw²/(Σw)² = n / n_eff (1 when equal)."""
    w = np.asarray(w, dtype=float)
    total = w.sum()
    return float(w.size * (w * w).sum() / (total * total)) if total > 0 else math.nan


def share_variance(
    p: npt.ArrayLike, w2_in: npt.ArrayLike, w2_base: float, total: float, n: int
) -> np.ndarray:
    """Linearised variance of weighted shares p = W_in / W_base (vectorised over shares).

    The influence values of a share are w_i (1[i in category] − p)/W_base inside the base
    and 0 outside, whose mean is 0, so

        var = n/(n−1) · [(1 − 2p) Σ_in w² + p² Σ_base w²] / W_base²

    with Σ_in w² the squared weights of the category, Σ_base w² of the base (a domain: a
    crosstab row, column or the whole table) and n the units of the whole sample.
    """
    p = np.asarray(p, dtype=float)
    if n < 2:
        return np.full(p.shape, math.nan)
    w2 = np.asarray(w2_in, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance: np.ndarray = n / (n - 1) * ((1 - 2 * p) * w2 + p * p * w2_base) / (total * total)
    return variance


def share_effective_n(
    p: npt.ArrayLike, variance: npt.ArrayLike, n_base: npt.ArrayLike
) -> np.ndarray:
    """Design effective sample size of a share, n* = p(1 − p)/var (Korn & Graubard 1998,
    Survey Methodology 24:193; R `survey::svyciprop(method = "beta")` uses the same n*). A
    share of 0 or 1 has no variance to read a design effect from: n* = `n_base` then."""
    p = np.asarray(p, dtype=float)
    v = np.asarray(variance, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_star = p * (1 - p) / v
    return np.where((v > 0) & np.isfinite(n_star), n_star, np.asarray(n_base, dtype=float))


def correlation_influence(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray]:
    """Weighted Pearson r and its influence values.

    With u, v the weighted standard scores of x and y (centred at weighted means, divided by
    the weighted SDs with divisor Σw), r = Σ w u v / Σw and

        z_i = w_i [u_i v_i − r (u_i² + v_i²)/2] / Σw

    the influence function of the correlation (Hampel et al. 1986, *Robust Statistics*,
    §5.3; Devlin, Gnanadesikan & Kettenring 1975, Biometrika 62:531). var(r) is
    `linearised_variance(z)`, the delta-method variance of r as a function of the five
    weighted means of x, y, x², y², xy.
    """
    x, y, w = (np.asarray(a, dtype=float) for a in (x, y, w))
    total = w.sum()
    dx = x - (w * x).sum() / total
    dy = y - (w * y).sum() / total
    u = dx / math.sqrt((w * dx * dx).sum() / total)
    v = dy / math.sqrt((w * dy * dy).sum() / total)
    r = float((w * u * v).sum() / total)
    return r, w * (u * v - r * (u * u + v * v) / 2) / total


def cell_share_covariance(shares: np.ndarray, w2_shares: np.ndarray, n: int) -> np.ndarray:
    """Linearised covariance matrix of the weighted cell shares p of one table (flattened).

    Unit i in cell c(i) has influence w_i (e_c(i) − p)/W; summing the outer products cell by
    cell gives n/(n−1) · [diag(S) − S p' − p S' + (ΣS) p p'], S the squared weights per cell
    divided by W² (`w2_shares`). R's `svymean(~interaction(a, b), design)` returns this
    matrix as its `var`.
    """
    p = np.asarray(shares, dtype=float)
    s = np.asarray(w2_shares, dtype=float)
    cov = np.diag(s) - np.outer(s, p) - np.outer(p, s) + s.sum() * np.outer(p, p)
    covariance: np.ndarray = n / (n - 1) * cov
    return covariance
