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
