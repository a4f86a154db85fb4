"""Point estimates with intervals: proportions (Wilson), means (t), quantiles, histograms.

Every function takes plain arrays or Series and returns a dict with fixed field names
(`ci_low`, `ci_high`, `confidence`, `weighted`); nothing is rounded. Weights, when given,
are survey (probability) weights, R `svydesign(ids = ~1, weights = ~w)`: point estimates are
weighted, standard errors are design-based (Taylor linearisation, `analysis.stats.design`),
and no result depends on the scale of the weights. Rows of weight 0 are outside the sample
(left out of `n`); negative, blank or infinite weights are a `StatsInputError`.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Any, overload

import numpy as np
import numpy.typing as npt
from scipy import stats

from analysis.stats.design import (
    linearised_variance,
    mean_influence,
    share_effective_n,
    share_variance,
)
from analysis.stats.errors import Code, StatsInputError, StatsWarning


def _check_confidence(confidence: float) -> float:
    if not isinstance(confidence, int | float) or not 0 < confidence < 1:
        raise StatsInputError(code=Code.CONFIDENCE_VALUE, confidence=confidence)
    return float(confidence)


def numeric_array(values: npt.ArrayLike, location: str = "answers") -> np.ndarray:
    """`values` as a float array for a statistic: blanks (None, NaN) stay NaN; text that is
    not a number raises `StatsInputError` naming `location`; ±inf (and 1e400, which reads as
    inf) become NaN with a `StatsWarning`, so they are left out like a blank, not averaged."""
    try:
        x = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise StatsInputError(location=location, code=Code.NOT_NUMERIC) from None
    infinite = np.isinf(x)
    if infinite.any():
        warnings.warn(
            f"{location}: {int(infinite.sum())} infinite number(s) left out of the statistics",
            StatsWarning,
            stacklevel=3,
        )
        x = np.where(infinite, np.nan, x)
    return x


def weight_array(weights: npt.ArrayLike, size: int, location: str = "weights") -> np.ndarray:
    """`weights` checked as survey weights for `size` rows: numbers, finite, not negative.

    A blank weight is refused rather than read as "leave the row out": a missing weight is
    a fault of the weighting, not an answer to skip.
    """
    try:
        w = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        raise StatsInputError(location=location, code=Code.WEIGHTS_NOT_NUMERIC) from None
    if w.shape != (size,):
        raise StatsInputError(location=location, code=Code.WEIGHTS_COUNT, expected=size, got=w.size)
    if not np.isfinite(w).all():
        bad = int((~np.isfinite(w)).sum())
        raise StatsInputError(location=location, code=Code.WEIGHTS_NOT_FINITE, count=bad)
    if (w < 0).any():
        raise StatsInputError(
            location=location, code=Code.WEIGHTS_NEGATIVE, count=int((w < 0).sum())
        )
    return w


def answered_values(
    x: np.ndarray, weights: npt.ArrayLike | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """The answered values of `x` (not NaN) and, with weights, their checked weights, rows
    of weight 0 left out (outside the sample)."""
    keep = ~np.isnan(x)
    w = None
    if weights is not None:
        w = weight_array(weights, x.size)
        keep = keep & (w > 0)
        w = w[keep]
    return x[keep], w


def z_value(confidence: float = 0.95) -> float:
    """Two-sided normal quantile, 1.959964 for 95 %. scipy: `norm.ppf(1 - (1 - c) / 2)`."""
    return _normal_quantile(_check_confidence(confidence))


@functools.lru_cache(maxsize=16)
def _normal_quantile(confidence: float) -> float:
    # scipy's ppf costs a millisecond a call; a report asks for the same few hundreds of times
    return float(stats.norm.ppf(1 - (1 - confidence) / 2))


def effective_n(weights: np.ndarray | None, n: int) -> float:
    """Kish's effective sample size (Σw)²/Σw²; `n` itself when there are no weights."""
    if weights is None:
        return float(n)
    w = np.asarray(weights, dtype=float)
    total = w.sum()
    squares = (w * w).sum()
    return float(total * total / squares) if squares > 0 else 0.0


@overload
def wilson_interval(
    successes: float, n: float, *, confidence: float = 0.95
) -> tuple[float, float]: ...
@overload
def wilson_interval(
    successes: np.ndarray, n: npt.ArrayLike, *, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]: ...
def wilson_interval(
    successes: npt.ArrayLike, n: npt.ArrayLike, *, confidence: float = 0.95
) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion (Wilson 1927, JASA 22:209).

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²)

    Vectorised over numpy arrays; `n == 0` gives NaN. `successes` and `n` may be
    non-integers (weighted counts with an effective n). Equivalent to R
    `prop.test(x, n, correct = FALSE)$conf.int` and statsmodels
    `proportion_confint(x, n, method="wilson")`. Returns `(low, high)` as fractions.
    """
    z = z_value(confidence)
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(n < 0) or np.any(x < 0) or np.any(x > n + 1e-9 * np.maximum(n, 1)):
        raise StatsInputError("need 0 <= successes <= n")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z / denom * np.sqrt(np.clip(p * (1 - p), 0, None) / n + z * z / (4 * n * n))
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def share_intervals(
    mass: npt.ArrayLike,
    squares: npt.ArrayLike,
    total: float,
    total_squares: float,
    n: int,
    *,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weighted shares `mass / total` with Wilson intervals on the design effective n.

    `mass` and `squares` are each category's sum of weights and of squared weights,
    `total`/`total_squares` the base's, `n` the sampled units. The interval is Wilson's
    score interval evaluated at n* = p(1−p)/var_lin (`design.share_effective_n`): the
    Kish-style design-effect adjustment of Wilson's interval compared by Dean & Pagano
    (2015, J. Survey Statistics and Methodology 3:484) and Korn & Graubard's (1998) n*, as
    R's `svyciprop(method = "beta")` uses it. Returns (share, low, high, se, n*).
    """
    mass = np.asarray(mass, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = mass / total if total > 0 else np.full(mass.shape, np.nan)
    var = share_variance(share, np.asarray(squares, dtype=float), total_squares, total, n)
    n_star = share_effective_n(share, var, n)
    if n == 0 or total <= 0:
        nan = np.full(mass.shape, np.nan)
        return share, nan, nan, nan, nan
    low, high = wilson_interval(share * n_star, n_star, confidence=confidence)
    return share, low, high, np.sqrt(var), n_star


def proportion(
    mask: npt.ArrayLike, *, weights: npt.ArrayLike | None = None, confidence: float = 0.95
) -> dict[str, Any]:
    """Share of True among the non-missing entries of a boolean array, with its Wilson CI.

    `mask` holds True / False / NaN (NaN = not answered, left out of the base). Weighted:
    the weighted share, its linearised SE (R `svymean(~I(y), design)`) and Wilson's interval
    at the design effective n (`share_intervals`); with equal weights n* = n − 1, R's value.
    """
    confidence = _check_confidence(confidence)
    m = np.asarray(mask, dtype=float)
    valid = ~np.isnan(m)
    if weights is not None:
        w = weight_array(weights, m.size)
        valid = valid & (w > 0)
    n = int(valid.sum())
    out: dict[str, Any] = {"n": n, "count": int(m[valid].sum()), "weighted": weights is not None}
    if weights is None:
        count = float(m[valid].sum())
        p = count / n if n else math.nan
        low, high = wilson_interval(count, float(n), confidence=confidence)
        se = math.sqrt(p * (1 - p) / n) if n else math.nan
        n_star = float(n)
    else:
        wv = w[valid]
        hit = m[valid] > 0
        p, low, high, se, n_star = (
            float(v)
            for v in share_intervals(
                (wv * hit).sum(),
                (wv * wv * hit).sum(),
                wv.sum(),
                (wv * wv).sum(),
                n,
                confidence=confidence,
            )
        )
    out.update(
        proportion=p, se=se, n_effective=n_star, ci_low=low, ci_high=high, confidence=confidence
    )
    return out


def _grouped_quantile(x: np.ndarray, w: np.ndarray, q: npt.ArrayLike) -> np.ndarray | None:
    """`weighted_quantile` for whole numbers over a short range without sorting: values are
    grouped by `bincount`. In the stably sorted order the first answer of value v sits at
    (weight below v)/D and its last at (weight through v − weight of v's last row)/D, D =
    Σw − the last row's weight of the largest value; between those the quantile is v, and
    from one group's last answer to the next group's first it is interpolated, exactly as
    the sorted computation does. None when the data do not fit (the caller sorts)."""
    lo, hi = x.min(), x.max()
    if hi - lo > 1000 or not np.array_equal(x, np.floor(x)):
        return None
    codes = (x - lo).astype(np.intp)
    mass = np.bincount(codes, weights=w, minlength=int(hi - lo) + 1)
    present = np.flatnonzero(np.bincount(codes))
    last_row = np.full(mass.size, -1)
    np.maximum.at(last_row, codes, np.arange(codes.size))
    through = np.cumsum(mass)[present]
    start = through - mass[present]
    end = through - w[last_row[present]]
    denom = end[-1]
    knots = np.column_stack([start, end]).ravel() / denom
    values = np.repeat(present + lo, 2).astype(float)
    quantiles: np.ndarray = np.interp(np.asarray(q, dtype=float), knots, values)
    return quantiles


def weighted_quantile(
    values: npt.ArrayLike, q: npt.ArrayLike, weights: npt.ArrayLike | None = None
) -> np.ndarray:
    """Quantiles. Unweighted: numpy's default, Hyndman & Fan (1996) type 7 (R's default).

    Weighted: type 7 generalised to survey (probability) weights as R's `survey` package
    does it, `svyquantile(..., qrule = "hf7")` (Lumley, survey ≥ 4.1, R/qrule.R): with the
    values sorted and zero weights dropped, the k-th value sits at the plotting position

        p_k = (w_1 + … + w_{k−1}) / (w_1 + … + w_{n−1}),   k = 1..n,

    and the quantile at p is the linear interpolation of the values at p (clamped to the
    ends). Only weight shares enter, so multiplying every weight by a constant changes
    nothing; equal weights give p_k = (k−1)/(n−1), type 7 exactly. (As in R, the weight of
    the largest value does not move a plotting position.) All weights zero gives NaN.
    """
    x = np.asarray(values, dtype=float)
    if weights is None:
        return (
            np.quantile(x, np.asarray(q, dtype=float)) if x.size else np.full(np.shape(q), np.nan)
        )
    w = np.asarray(weights, dtype=float)
    positive = w > 0
    x, w = x[positive], w[positive]
    if x.size == 0:
        return np.full(np.shape(q), np.nan)
    if x.size == 1 or x.min() == x.max():
        return np.full(np.shape(q), x[0])
    grouped = _grouped_quantile(x, w, q)
    if grouped is not None:
        return grouped
    order = np.argsort(x, kind="stable")
    x = x[order]
    before = np.concatenate(([0.0], np.cumsum(w[order])[:-1]))
    quantiles: np.ndarray = np.interp(np.asarray(q, dtype=float), before / before[-1], x)
    return quantiles


def mean_estimate(
    values: npt.ArrayLike, *, weights: npt.ArrayLike | None = None, confidence: float = 0.95
) -> dict[str, Any]:
    """Mean with a t interval, plus SD, median and quartiles of the non-missing values.

        CI = x̄ ± t(1−α/2, n−1) · SE,   unweighted SE = s/√n, s with the n−1 divisor.

    NIST StRD univariate summary statistics use the same definitions (mean; SD with n−1).
    scipy: `stats.t.interval(c, n-1, loc=mean, scale=stats.sem(x))`.
    Weighted (survey weights): x̄ = Σwx/Σw with its linearised SE (`design`; R
    `svymean(~x, design)`), SD² = n/(n−1)·Σw(x−x̄)²/Σw (R `svyvar`), and the interval uses
    t with n − 1 degrees of freedom, R `confint(svymean(~x, design), df = degf(design))`.
    Equal weights give exactly the unweighted result.
    """
    confidence = _check_confidence(confidence)
    x, w = answered_values(numeric_array(values), weights)
    n = int(x.size)
    out: dict[str, Any] = {
        "n": n,
        "mean": math.nan,
        "sd": math.nan,
        "se": math.nan,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "confidence": confidence,
        "median": math.nan,
        "q1": math.nan,
        "q3": math.nan,
        "min": math.nan,
        "max": math.nan,
        "weighted": weights is not None,
    }
    if n == 0:
        return out
    if w is None:
        mean = float(x.mean())
        # two-pass: centre before squaring (NIST NumAcc data defeat the one-pass formula)
        var = float(((x - mean) ** 2).sum() / (n - 1)) if n > 1 else math.nan
        se = math.sqrt(var / n) if n > 1 else math.nan
    else:
        total = w.sum()
        mean = float((w * x).sum() / total)
        var = float((w * (x - mean) ** 2).sum() / total) * n / (n - 1) if n > 1 else math.nan
        se = math.sqrt(linearised_variance(mean_influence(x, w))) if n > 1 else math.nan
    q1, median, q3 = weighted_quantile(x, [0.25, 0.5, 0.75], w)
    out.update(mean=mean, median=float(median), q1=float(q1), q3=float(q3))
    out.update(min=float(x.min()), max=float(x.max()))
    if n > 1:
        t = float(stats.t.ppf(1 - (1 - confidence) / 2, n - 1))
        out.update(sd=math.sqrt(var), se=se, ci_low=mean - t * se, ci_high=mean + t * se)
    return out


def histogram(
    values: npt.ArrayLike, *, weights: npt.ArrayLike | None = None, bins: int | str = "auto"
) -> dict[str, Any]:
    """Histogram bins. Integer data over a short range get one bin per integer (a rating or a
    count reads better that way); otherwise numpy's "auto" rule (max of Sturges and
    Freedman–Diaconis). Returns `edges` (len k+1), `counts` (len k, raw answer counts) and
    `percent` (len k, share of the answers in each bin, weighted if weights: a share does
    not depend on the scale of survey weights, a weighted count would)."""
    x, w = answered_values(numeric_array(values), weights)
    weighted = weights is not None
    if x.size == 0:
        return {"edges": [], "counts": [], "percent": [], "weighted": weighted}
    lo, hi = float(x.min()), float(x.max())
    if bins == "auto" and np.all(np.mod(x, 1) == 0) and hi - lo <= 30:
        edges = np.arange(lo - 0.5, hi + 1.5, 1.0)
    elif lo == hi:
        edges = np.array([lo - 0.5, hi + 0.5])
    else:
        edges = np.histogram_bin_edges(x, bins=bins)
    # np.histogram's bins (half-open, the last closed) found once for counts and weights
    idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    counts = np.bincount(idx, minlength=len(edges) - 1)
    mass = counts if w is None else np.bincount(idx, weights=w, minlength=len(edges) - 1)
    total = mass.sum()
    percent = mass / total * 100 if total > 0 else np.full(len(counts), np.nan)
    return {
        "edges": edges.tolist(),
        "counts": counts.tolist(),
        "percent": percent.tolist(),
        "weighted": weighted,
    }
