"""Point estimates with intervals: proportions (Wilson), means (t), quantiles, histograms.

Every function takes plain arrays or Series and returns a dict with fixed field names
(`ci_low`, `ci_high`, `confidence`); nothing is rounded. Weights, when given, are treated as
survey (analytic) weights: point estimates are weighted and intervals use Kish's effective
sample size  n_eff = (Σw)² / Σw²  (Kish 1965, *Survey Sampling*, §11.7).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats

from analysis.stats.errors import Code, StatsInputError, StatsWarning


def _check_confidence(confidence: float) -> float:
    if not isinstance(confidence, int | float) or not 0 < confidence < 1:
        raise StatsInputError(f"confidence must be between 0 and 1, got {confidence!r}")
    return float(confidence)


def numeric_array(values, location: str = "answers") -> np.ndarray:
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


def z_value(confidence: float = 0.95) -> float:
    """Two-sided normal quantile, 1.959964 for 95 %. scipy: `norm.ppf(1 - (1 - c) / 2)`."""
    return float(stats.norm.ppf(1 - (1 - _check_confidence(confidence)) / 2))


def effective_n(weights: np.ndarray | None, n: int) -> float:
    """Kish's effective sample size (Σw)²/Σw²; `n` itself when there are no weights."""
    if weights is None:
        return float(n)
    w = np.asarray(weights, dtype=float)
    total = w.sum()
    squares = (w * w).sum()
    return float(total * total / squares) if squares > 0 else 0.0


def wilson_interval(successes, n, *, confidence: float = 0.95):
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


def proportion(mask, *, weights=None, confidence: float = 0.95) -> dict:
    """Share of True among the non-missing entries of a boolean array, with its Wilson CI.

    `mask` holds True / False / NaN (NaN = not answered, left out of the base).
    """
    m = np.asarray(mask, dtype=float)
    valid = ~np.isnan(m)
    n = int(valid.sum())
    if weights is None:
        count = float(m[valid].sum())
        base = float(n)
        p = count / base if base else math.nan
        low, high = wilson_interval(count, base, confidence=confidence)
    else:
        w = np.asarray(weights, dtype=float)[valid]
        base = float(w.sum())
        p = float((w * m[valid]).sum() / base) if base > 0 else math.nan
        n_eff = effective_n(w, n)
        low, high = (
            wilson_interval(p * n_eff, n_eff, confidence=confidence) if n else (math.nan,) * 2
        )
    return {
        "n": n,
        "count": int(np.nansum(m[valid])),
        "proportion": p,
        "ci_low": low,
        "ci_high": high,
        "confidence": confidence,
    }


def weighted_quantile(values: np.ndarray, q, weights: np.ndarray | None = None):
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
        return np.quantile(x, q) if x.size else np.full(np.shape(q), np.nan)
    w = np.asarray(weights, dtype=float)
    positive = w > 0
    x, w = x[positive], w[positive]
    if x.size == 0:
        return np.full(np.shape(q), np.nan)
    if x.size == 1:
        return np.full(np.shape(q), x[0])
    order = np.argsort(x, kind="stable")
    x = x[order]
    before = np.concatenate(([0.0], np.cumsum(w[order])[:-1]))
    return np.interp(np.asarray(q, dtype=float), before / before[-1], x)


def mean_estimate(values, *, weights=None, confidence: float = 0.95) -> dict:
    """Mean with a t interval, plus SD, median and quartiles of the non-missing values.

        CI = x̄ ± t(1−α/2, n−1) · s/√n,   s with the n−1 divisor.

    NIST StRD univariate summary statistics use the same definitions (mean; SD with n−1).
    With weights: weighted mean, s² = Σw(x−x̄)²/Σw · n_eff/(n_eff−1), CI with n_eff.
    scipy: `stats.t.interval(c, n-1, loc=mean, scale=stats.sem(x))`.
    """
    confidence = _check_confidence(confidence)
    x = numeric_array(values)
    keep = ~np.isnan(x)
    w = None
    if weights is not None:
        w = numeric_array(weights, "weights")
        keep &= ~np.isnan(w)
        w = w[keep]
    x = x[keep]
    n = int(x.size)
    out = {
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
    }
    if n == 0:
        return out
    if w is None:
        mean = float(x.mean())
        n_eff = float(n)
        # two-pass: centre before squaring (NIST NumAcc data defeat the one-pass formula)
        var = float(((x - mean) ** 2).sum() / (n - 1)) if n > 1 else math.nan
    else:
        total = w.sum()
        mean = float((w * x).sum() / total)
        n_eff = effective_n(w, n)
        biased = float((w * (x - mean) ** 2).sum() / total)
        var = biased * n_eff / (n_eff - 1) if n_eff > 1 else math.nan
    q1, median, q3 = weighted_quantile(x, [0.25, 0.5, 0.75], w)
    out.update(mean=mean, median=float(median), q1=float(q1), q3=float(q3))
    out.update(min=float(x.min()), max=float(x.max()))
    if n > 1 and not math.isnan(var):
        sd = math.sqrt(var)
        se = sd / math.sqrt(n_eff)
        t = float(stats.t.ppf(1 - (1 - confidence) / 2, n_eff - 1))
        out.update(sd=sd, se=se, ci_low=mean - t * se, ci_high=mean + t * se)
    return out


def histogram(values, *, weights=None, bins: int | str = "auto") -> dict:
    """Histogram bins. Integer data over a short range get one bin per integer (a rating or a
    count reads better that way); otherwise numpy's "auto" rule (max of Sturges and
    Freedman–Diaconis). Returns `edges` (len k+1), `counts` (len k, raw answer counts) and
    `percent` (len k, share of the answers in each bin, weighted if weights: a share does
    not depend on the scale of survey weights, a weighted count would)."""
    x = numeric_array(values)
    keep = ~np.isnan(x)
    w = None if weights is None else numeric_array(weights, "weights")[keep]
    x = x[keep]
    if x.size == 0:
        return {"edges": [], "counts": [], "percent": []}
    lo, hi = float(x.min()), float(x.max())
    if bins == "auto" and np.all(np.mod(x, 1) == 0) and hi - lo <= 30:
        edges = np.arange(lo - 0.5, hi + 1.5, 1.0)
    elif lo == hi:
        edges = np.array([lo - 0.5, hi + 0.5])
    else:
        edges = np.histogram_bin_edges(x, bins=bins)
    counts, edges = np.histogram(x, bins=edges)
    mass = counts if w is None else np.histogram(x, bins=edges, weights=w)[0]
    total = mass.sum()
    percent = mass / total * 100 if total > 0 else np.full(len(counts), np.nan)
    return {"edges": edges.tolist(), "counts": counts.tolist(), "percent": percent.tolist()}
