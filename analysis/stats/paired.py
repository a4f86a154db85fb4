"""Paired and one-sample tests: the same respondents asked twice (before / after, two items
on one scale), or one group against a fixed value (a target score, a benchmark share).

| answer  | parametric                              | ranks (non-parametric)                     |
|---------|-----------------------------------------|--------------------------------------------|
| paired  | paired t, CI of the mean difference, d_z | Wilcoxon signed-rank, matched rank-biserial |
| one set | one-sample t against `value`, d         | Wilcoxon signed-rank of (x − value)        |
| 0/1     | exact binomial test against `value` (`proportion_test`), Clopper–Pearson CI  |

`method="auto"` takes ranks for an ordinal answer, as `groups.compare_groups`. The
signed-rank p is exact when fewer than 50 non-zero differences remain and none are tied
(R `wilcox.test(x, y, paired = TRUE)` default), else the normal approximation with R's tie
and continuity corrections; zero differences are dropped (R, Wilcoxon 1945).
Differences that never vary give p = NaN with a `caution` and a `StatsWarning`, never p = 0.

Every result holds `test`, `n`, `statistic`, `p`, `p_method` (rank tests), `estimate`
(mean or median difference, or the proportion) with `ci_low`/`ci_high`/`confidence`,
`effect_size` {"name", "value", "ci_low", "ci_high", …} (not for weighted tests),
`alternative`, `weighted` and `caution`. Under `weights` the t tests are design-based (R
`svyttest`); the signed-rank test has no design-based form and runs unweighted, saying so
in `note = "unweighted"`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.stats.design import weighted_mean_se
from analysis.stats.effect_sizes import matched_rank_biserial, standardised_difference
from analysis.stats.errors import Code, StatsInputError, StatsWarning, UnknownColumnError
from analysis.stats.groups import METHODS, Alternative

#: Below this many non-zero differences without ties the signed-rank p is exact (R default).
SIGNED_RANK_EXACT_BELOW = 50
ALTERNATIVES = ("two-sided", "less", "greater")


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """The answers as floats, blanks and infinite numbers as NaN (these with a warning)."""
    if name not in frame.columns:
        raise UnknownColumnError(location=name)
    if not pd.api.types.is_numeric_dtype(frame[name].dtype):
        raise StatsInputError(location=name, code=Code.TESTED_NOT_NUMERIC)
    x = frame[name].astype(float)
    infinite = np.isinf(x.to_numpy())
    if infinite.any():
        warnings.warn(
            f"{name}: {int(infinite.sum())} infinite number(s) left out of the test",
            StatsWarning,
            stacklevel=3,
        )
        x = x.mask(infinite)
    return x


def _weights(frame: pd.DataFrame, weights: Any, keep: np.ndarray) -> np.ndarray | None:
    if weights is None:
        return None
    w = np.asarray(weights, dtype=float)
    if w.shape != (len(frame),) or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise StatsInputError(location="weights", code=Code.WEIGHTS_PER_RESPONSE)
    kept: np.ndarray = w[keep]
    return kept


def _check(method: str, alternative: str, confidence: float) -> None:
    if method not in METHODS:
        raise StatsInputError(location="method", code=Code.METHOD_CHOICE, methods=METHODS)
    if alternative not in ALTERNATIVES:
        raise StatsInputError(location="alternative", code=Code.ALTERNATIVE)
    if not 0 < confidence < 1:
        raise StatsInputError(location="confidence", code=Code.CONFIDENCE_RANGE)


def _p_from_t(t: float, dof: float, alternative: str) -> float:
    if alternative == "less":
        return float(stats.t.cdf(t, dof))
    if alternative == "greater":
        return float(stats.t.sf(t, dof))
    return float(2 * stats.t.sf(abs(t), dof))


def t_on_differences(d: np.ndarray, *, alternative: str, confidence: float) -> dict[str, Any]:
    """t = d̄ / (s_d/√n) on n − 1 df, interval d̄ ± t·s_d/√n, d_z = d̄/s_d with its
    noncentral-t interval. R `t.test(d)`; statsmodels `DescrStatsW(d).ttest_mean()`."""
    n = d.size
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    se = sd / math.sqrt(n)
    dof = n - 1
    half = stats.t.ppf(1 - (1 - confidence) / 2, dof) * se
    t = mean / se
    return {
        "statistic": t,
        "dof": float(dof),
        "p": _p_from_t(t, dof, alternative),
        "estimate": mean,
        "se": se,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "effect_size": standardised_difference(
            mean / sd, math.sqrt(n), dof, confidence=confidence, name="cohens_d"
        ),
    }


def _signed_rank_counts(n: int) -> np.ndarray:
    """How many subsets of ranks 1..n sum to each V = 0..n(n+1)/2 (the exact null of V)."""
    top = n * (n + 1) // 2
    counts = np.zeros(top + 1)
    counts[0] = 1
    for r in range(1, n + 1):
        counts[r:] = counts[r:] + counts[: top + 1 - r].copy()
    return counts


def signed_rank(d: np.ndarray, *, alternative: str, confidence: float) -> dict[str, Any]:
    """Wilcoxon signed-rank V = Σ ranks of the positive |d| (zeros dropped), R's p-value."""
    d = d[d != 0]
    n = d.size
    out = {"p_method": None, "statistic": math.nan, "p": math.nan, "n_nonzero": n}
    if n == 0:
        return out
    ranks = stats.rankdata(np.abs(d))
    v = float(ranks[d > 0].sum())
    _, ties = np.unique(np.abs(d), return_counts=True)
    exact = n < SIGNED_RANK_EXACT_BELOW and np.all(ties == 1)
    if exact:
        prob = _signed_rank_counts(n) / 2.0**n
        lower, upper = prob[: int(v) + 1].sum(), prob[int(v) :].sum()
        p = {"less": lower, "greater": upper}.get(alternative, min(1.0, 2 * min(lower, upper)))
    else:
        centre = v - n * (n + 1) / 4
        sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - (ties**3 - ties).sum() / 48)
        corr = {"less": -0.5, "greater": 0.5}.get(alternative, 0.5 * np.sign(centre))
        z = (centre - corr) / sigma if sigma > 0 else math.nan
        p = {"less": stats.norm.cdf(z), "greater": stats.norm.sf(z)}.get(
            alternative, 2 * stats.norm.sf(abs(z))
        )
    t_minus = n * (n + 1) / 2 - v
    return out | {
        "p_method": "exact" if exact else "asymptotic",
        "statistic": v,
        "p": float(p),
        "effect_size": matched_rank_biserial(v, t_minus, n, confidence=confidence),
    }


def weighted_t_on_differences(
    d: np.ndarray, w: np.ndarray, *, alternative: str, confidence: float
) -> dict[str, Any]:
    """Design-based t of the weighted mean of d against 0: SE linearised
    (`design.weighted_mean_se`), n − 1 df; R `svyttest(I(x − y) ~ 0, design)` /
    `svyttest(I(x − value) ~ 0, design)` with `svydesign(ids = ~1, weights = ~w)`."""
    mean, se = weighted_mean_se(d, w)
    dof = d.size - 1
    if not se > 0:  # every difference of positive weight the same, or no weight at all
        return {"statistic": math.nan, "p": math.nan, "estimate": mean, "caution": "no_variance"}
    half = stats.t.ppf(1 - (1 - confidence) / 2, dof) * se
    t = mean / se
    return {
        "statistic": t,
        "dof": float(dof),
        "p": _p_from_t(t, dof, alternative),
        "estimate": mean,
        "se": se,
        "ci_low": mean - half,
        "ci_high": mean + half,
    }


def _test(
    d: np.ndarray,
    w: np.ndarray | None,
    ranks: bool,
    alternative: str,
    confidence: float,
    label: str,
) -> dict[str, Any]:
    n = d.size
    out: dict[str, Any] = {
        "n": n,
        "alternative": alternative,
        "confidence": confidence,
        "caution": None,
    }
    out["weighted"] = w is not None and not ranks
    if w is not None and ranks:
        out["note"] = "unweighted"  # no design-based signed-rank test (R survey has none)
    if ranks:
        out |= {"test": "wilcoxon_signed_rank", "estimate": float(np.median(d)) if n else math.nan}
        out |= signed_rank(d, alternative=alternative, confidence=confidence)
        if out["n_nonzero"] == 0:
            out["caution"] = "no_nonzero_differences"
    else:
        out["test"] = "t"
        if n >= 2 and np.ptp(d) > 0 and w is not None:
            out |= weighted_t_on_differences(d, w, alternative=alternative, confidence=confidence)
        elif n >= 2 and np.ptp(d) > 0:
            out |= t_on_differences(d, alternative=alternative, confidence=confidence)
        else:
            mean = float(np.average(d, weights=w)) if n else math.nan
            out |= {"statistic": math.nan, "p": math.nan, "estimate": mean}
            out["caution"] = "zero_variance_differences" if n >= 2 else "too_few_answers"
    if out["caution"]:
        why = out["caution"].replace("_", " ")
        warnings.warn(f"{label}: {why}, no p-value", StatsWarning, stacklevel=3)
    return out


def paired_test(
    frame: pd.DataFrame,
    first: str,
    second: str,
    *,
    ordinal: bool = False,
    method: str = "auto",
    alternative: str = "two-sided",
    confidence: float = 0.95,
    weights: Any = None,
) -> dict[str, Any]:
    """`first` − `second` within respondents (rows answering both); see the module table.
    `test` is "paired_t", "weighted_paired_t" (with `weights`: design-based, no effect
    size) or "wilcoxon_signed_rank" (unweighted, `note`). R: `t.test(x, y, paired = TRUE)`,
    `wilcox.test(x, y, paired = TRUE)`."""
    _check(method, alternative, confidence)
    x, y = _column(frame, first), _column(frame, second)
    keep = (x.notna() & y.notna()).to_numpy()
    d = (x - y).to_numpy()[keep]
    w = _weights(frame, weights, keep)
    ranks = method == "nonparametric" or (method == "auto" and ordinal)
    out = _test(d, w, ranks, alternative, confidence, f"{first} − {second}")
    if out["test"] == "t":
        out["test"] = "weighted_paired_t" if out["weighted"] else "paired_t"
    return {"first": first, "second": second} | out


def one_sample_test(
    frame: pd.DataFrame,
    column: str,
    *,
    value: float,
    ordinal: bool = False,
    method: str = "auto",
    alternative: str = "two-sided",
    confidence: float = 0.95,
    weights: Any = None,
) -> dict[str, Any]:
    """The answers of `column` against `value`: one-sample t ("one_sample_t", or
    "weighted_one_sample_t"; `estimate` is the mean, its interval that of the mean) or
    Wilcoxon signed-rank of x − value. R: `t.test(x, mu = value)`, `wilcox.test(x, mu = value)`."""
    _check(method, alternative, confidence)
    if not (isinstance(value, int | float) and math.isfinite(value)):
        raise StatsInputError(location="value", code=Code.TEST_VALUE)
    x = _column(frame, column)
    keep = x.notna().to_numpy()
    w = _weights(frame, weights, keep)
    ranks = method == "nonparametric" or (method == "auto" and ordinal)
    out = _test(x.to_numpy()[keep] - value, w, ranks, alternative, confidence, column)
    for key in ("estimate", "ci_low", "ci_high"):
        if key in out and math.isfinite(out[key]):
            out[key] += value
    if out["test"] == "t":
        out["test"] = "weighted_one_sample_t" if out["weighted"] else "one_sample_t"
    return {"column": column, "value": value} | out


def proportion_test(
    successes: int,
    n: int,
    *,
    value: float = 0.5,
    alternative: Alternative = "two-sided",
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Exact binomial test of a share against `value` (R `binom.test(x, n, p = value)`: the
    two-sided p sums the outcomes no more likely than the one observed), Clopper–Pearson
    interval, Cohen's h against `value`."""
    _check("auto", alternative, confidence)
    if not (isinstance(n, int | np.integer) and n > 0 and 0 <= successes <= n):
        raise StatsInputError("need whole counts 0 <= successes <= n, n > 0", "successes")
    if not 0 < value < 1:
        raise StatsInputError("the share to test against lies strictly between 0 and 1", "value")
    from analysis.stats.effect_sizes import cohens_h

    res = stats.binomtest(int(successes), int(n), value, alternative=alternative)
    ci = res.proportion_ci(confidence_level=confidence, method="exact")
    p_hat = successes / n
    return {
        "test": "exact_binomial",
        "n": int(n),
        "successes": int(successes),
        "value": value,
        "estimate": p_hat,
        "ci_low": float(ci.low),
        "ci_high": float(ci.high),
        "confidence": confidence,
        "p": float(res.pvalue),
        "p_method": "exact",
        "alternative": alternative,
        "effect_size": {"name": "cohens_h", "value": cohens_h(p_hat, value)},
        "caution": None,
    }
