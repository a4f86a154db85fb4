"""Comparing a numeric or ordinal answer across segments, with the choice of test explained.

Choice (`method="auto"`): a numeric answer (number, slider, NPS) is compared on means, an
ordinal one (rating, Likert row, scored choice) on ranks, because the distance between
"agree" and "strongly agree" is not known to be the distance between "neutral" and "agree".

| groups | means (parametric)                                 | ranks (non-parametric)            |
|--------|----------------------------------------------------|-----------------------------------|
| 2      | Welch's t, CI of x̄a − x̄b; d and g with CIs        | Mann–Whitney U (exact p < 50),    |
|        | (`equal_var=True`: Student's pooled t)             | r = Z/√N, rank-biserial with CI   |
| ≥ 3    | Welch's ANOVA, Games–Howell pairs; η² with CI, ω²  | Kruskal–Wallis, η²_H; pairwise U, |
|        | (`equal_var=True`: Fisher's ANOVA, Tukey HSD)      | Holm                              |

Variances are never assumed equal unless asked: Welch's tests keep their level when variances
and group sizes differ and lose almost nothing when they do not (Delacre, Lakens & Leys 2017,
Int. Rev. Soc. Psychol. 30:92; Delacre et al. 2019, 32:13), whereas a preliminary test of
variances (Levene) decides badly at survey sample sizes. `test` names what was run.

Under `weights` (survey weights) the comparisons are design-based, see
`analysis.stats.weighted_groups` (R `svyttest`, `regTermTest`, `svyranktest`).

A comparison of means is not computed when a group's answers do not vary (every answer the
same): its variance estimate is 0, so Welch's t and the ANOVA's F run to infinity and p to 0
(t = −inf, η² = 1, Tukey intervals of zero width) on what may be three answers. Such a result
carries p = NaN, `caution = "zero_variance_group"` and a `StatsWarning`; rank tests, which need
no variance estimate, still run.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.stats.corrections import holm
from analysis.stats.differences import (
    fisher_anova,
    games_howell,
    mean_difference,
    omega_squared,
    proportion_difference,
    tukey_pairs,
    welch_anova,
)
from analysis.stats.effect_sizes import (
    cohens_h,
    eta_squared_interval,
    hedges_g,
    rank_biserial,
    standardised_difference,
)
from analysis.stats.errors import Code, StatsInputError, StatsWarning
from analysis.stats.estimates import weighted_quantile
from analysis.stats.rank_tests import Alternative, mann_whitney, pairwise_u
from analysis.stats.scores import nps_difference
from analysis.stats.weighted_groups import weighted_comparison, weighted_sd

METHODS = ("auto", "parametric", "nonparametric")


def cohens_d(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's d with the pooled SD (Cohen 1988, eq. 2.5.2):
    d = (x̄a − x̄b) / √(((na−1)sa² + (nb−1)sb²) / (na + nb − 2))."""
    na, nb = len(a), len(b)
    if na + nb <= 2:
        return math.nan
    pooled = ((na - 1) * np.var(a, ddof=1) + (nb - 1) * np.var(b, ddof=1)) / (na + nb - 2)
    return float((np.mean(a) - np.mean(b)) / math.sqrt(pooled)) if pooled > 0 else math.nan


def _split(
    frame: pd.DataFrame,
    metric: str,
    by: str,
    order: list[str] | None,
    weights: Any = None,
) -> tuple[list[str], list[np.ndarray], list[np.ndarray] | None]:
    """Group names and, per group, the answers (and their weights when given)."""
    for name in (metric, by):
        if name not in frame.columns:
            raise StatsInputError(location=name, code=Code.UNKNOWN_COLUMN)
    y = frame[metric]
    if not pd.api.types.is_numeric_dtype(y.dtype):
        raise StatsInputError(location=metric, code=Code.METRIC_NOT_NUMERIC)
    g = frame[by]
    if pd.api.types.is_numeric_dtype(g.dtype):
        g = g.map(lambda v: str(int(v)) if float(v).is_integer() else repr(v), na_action="ignore")
    keep = (y.notna() & g.notna()).to_numpy()
    infinite = keep & np.isinf(y.to_numpy(dtype=float))
    if infinite.any():
        warnings.warn(
            f"{metric}: {int(infinite.sum())} infinite number(s) left out of the comparison",
            StatsWarning,
            stacklevel=3,
        )
        keep = keep & ~infinite
    values = y[keep].to_numpy(dtype=float)
    labels = g[keep].astype(str).to_numpy()
    names = [str(v) for v in (order or []) if str(v) in set(labels)]
    names += sorted(set(labels) - set(names))
    split_weights = None
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        if w.shape != (len(frame),) or not np.all(np.isfinite(w)) or np.any(w < 0):
            raise StatsInputError(location="weights", code=Code.WEIGHTS_PER_RESPONSE)
        split_weights = [w[keep][labels == name] for name in names]
    return names, [values[labels == name] for name in names], split_weights


def _group_summary(s: np.ndarray, w: np.ndarray | None) -> dict[str, Any]:
    if w is None:
        return {
            "n": len(s),
            "mean": float(np.mean(s)) if len(s) else math.nan,
            "sd": float(np.std(s, ddof=1)) if len(s) > 1 else math.nan,
            "median": float(np.median(s)) if len(s) else math.nan,
        }
    total = w.sum()
    return {
        "n": len(s),
        "weighted_n": float(total),
        "mean": float((w * s).sum() / total) if total > 0 else math.nan,
        "sd": weighted_sd(s, w),
        "median": float(weighted_quantile(s, 0.5, w)) if len(s) else math.nan,
    }


def compare_groups(
    frame: pd.DataFrame,
    metric: str,
    by: str,
    *,
    ordinal: bool = False,
    method: str = "auto",
    group_order: list[str] | None = None,
    alternative: Alternative = "two-sided",
    equal_var: bool = False,
    confidence: float = 0.95,
    weights: Any = None,
) -> dict[str, Any]:
    """Compare the `metric` column across the groups of the `by` column (see module table).

    `ordinal` says the metric is ordinal (chooses ranks under `method="auto"`); `equal_var`
    asks for the pooled-variance tests; `weights` (one per row of `frame`) for the
    design-based ones. Returns a JSON-ready dict (after `report.json_ready`):

    - `test` (welch_t, student_t, mann_whitney_u, welch_anova, anova, kruskal_wallis;
      weighted_t, weighted_wald_f, weighted_rank_t, weighted_rank_f), `statistic`, `dof`,
      `p`, `p_method` (rank tests), `weighted`, `confidence`;
    - `groups` {name: {n, mean, sd, median[, weighted_n]}} (weighted when weighted);
    - two groups: `difference` {difference (first − second group), se, dof, ci_low, ci_high,
      confidence, method} of the means (of the mean ranks for weighted rank tests: no
      `difference`); for an unweighted 0/1 answer also `proportion_difference` {p_a, p_b,
      difference, ci_low, ci_high, confidence, method, cohens_h} (Newcombe's interval);
    - `effect_size`, `effect_size_name`, `effect_size_ci` [low, high] (None without one) and
      `effect_sizes` {name: {value, ci_low, ci_high, confidence, method}};
    - `posthoc` pairs (≥ 3 groups) {a, b, difference?, ci?, p?, p_adjusted, method};
    - `reason`, a code naming why the test was chosen; `caution`, a code naming why a chosen
      test was not computed (`zero_variance_group`, with the groups in `constant_groups`)
      or None.

    Groups with fewer than 2 answers (of positive weight) take no part in the test (reported,
    with a warning). Intervals are two-sided at `confidence` whatever the `alternative`.
    """
    if method not in METHODS:
        raise StatsInputError(location="method", code=Code.METHOD_CHOICE, methods=METHODS)
    if alternative not in ("two-sided", "less", "greater"):
        raise StatsInputError(location="alternative", code=Code.ALTERNATIVE)
    if not 0 < confidence < 1:
        raise StatsInputError(location="confidence", code=Code.CONFIDENCE_RANGE)
    names, samples, wsamples = _split(frame, metric, by, group_order, weights)
    wlist: list[np.ndarray | None] = list(wsamples) if wsamples else [None] * len(names)
    out: dict[str, Any] = {
        "metric": metric,
        "by": by,
        "weighted": weights is not None,
        "confidence": confidence,
        "groups": {
            name: _group_summary(s, w) for name, s, w in zip(names, samples, wlist, strict=True)
        },
        "test": None,
        "statistic": math.nan,
        "p": math.nan,
        "effect_size": math.nan,
        "effect_size_name": None,
        "effect_size_ci": None,
        "effect_sizes": {},
        "posthoc": [],
        "caution": None,
    }
    used = [
        (n, s, w)
        for n, s, w in zip(names, samples, wlist, strict=True)
        if len(s) >= 2 and (w is None or np.count_nonzero(w) >= 2)
    ]
    if len(used) < len(names):
        warnings.warn(
            f"{by}: groups with fewer than 2 answers (of positive weight) left out of the test",
            StatsWarning,
            stacklevel=2,
        )
    if len(used) < 2:
        warnings.warn(
            f"{metric} by {by}: fewer than two groups, no test", StatsWarning, stacklevel=2
        )
        out["reason"] = "single_group"
        return out
    ranks = method == "nonparametric" or (method == "auto" and ordinal)
    names, samples, wlist = [u[0] for u in used], [u[1] for u in used], [u[2] for u in used]
    k = len(samples)
    size = "two" if k == 2 else "several"
    out["reason"] = f"{'ordinal' if ranks else 'numeric'}_{size}_groups"
    if method != "auto":
        out["reason"] = f"{method}_requested_{size}_groups"
    if equal_var and not ranks and weights is None:
        out["reason"] = f"equal_var_requested_{size}_groups"
    if weights is not None:
        out["reason"] = f"weighted_{out['reason']}"
    constant = [name for name, s in zip(names, samples, strict=True) if np.ptp(s) == 0]
    if not ranks and constant:
        if weights is not None:
            out["test"] = "weighted_t" if k == 2 else "weighted_wald_f"
        elif k == 2:
            out["test"] = "student_t" if equal_var else "welch_t"
        else:
            out["test"] = "anova" if equal_var else "welch_anova"
        out.update(caution="zero_variance_group", constant_groups=constant)
        out["effect_size_name"] = "cohens_d" if k == 2 else "eta_squared"
        warnings.warn(
            f"{metric} by {by}: every answer is the same in {', '.join(constant)}, "
            "so the comparison of means is not computed",
            StatsWarning,
            stacklevel=2,
        )
        return out
    if weights is not None:
        present = [w for w in wlist if w is not None]
        out.update(weighted_comparison(names, samples, present, ranks, alternative, confidence))
    elif k == 2 and not ranks:
        out.update(_two_means(samples[0], samples[1], equal_var, alternative, confidence))
    elif k == 2:
        res = mann_whitney(samples[0], samples[1], alternative=alternative)
        out.update(test="mann_whitney_u", statistic=res["statistic"], p=res["p"], z=res["z"])
        out["p_method"] = res["p_method"]
        na, nb = len(samples[0]), len(samples[1])
        rb = rank_biserial(res["statistic"], na, nb, confidence=confidence)
        out.update(effect_size=res["r"], effect_size_name="r")
        out["effect_sizes"] = {"r": {"value": res["r"]}, "rank_biserial": rb}
    elif not ranks:
        out.update(_several_means(names, samples, equal_var, confidence))
    else:
        h, p = stats.kruskal(*samples)
        n = sum(len(s) for s in samples)
        out.update(test="kruskal_wallis", statistic=float(h), p=float(p), dof=k - 1)
        # η²_H = (H − k + 1)/(n − k) (Tomczak & Tomczak 2014, Trends Sport Sci. 21:19)
        out.update(effect_size=(h - k + 1) / (n - k) if n > k else math.nan)
        out["effect_size_name"] = "eta_squared_h"
        out["posthoc"] = pairwise_u(names, samples)
    yes_no = all(np.isin(s, (0.0, 1.0)).all() for s in samples)
    if k == 2 and not ranks and yes_no and weights is None:
        out["proportion_difference"] = _proportions(samples[0], samples[1], confidence)
    if math.isnan(out["p"]):
        warnings.warn(
            f"{metric} by {by}: no variation, the test is undefined", StatsWarning, stacklevel=2
        )
    return out


def _two_means(
    a: np.ndarray, b: np.ndarray, equal_var: bool, alternative: Alternative, confidence: float
) -> dict[str, Any]:
    res = stats.ttest_ind(a, b, equal_var=equal_var, alternative=alternative)
    diff = mean_difference(a, b, equal_var=equal_var, confidence=confidence)
    na, nb = len(a), len(b)
    d = standardised_difference(
        cohens_d(a, b), math.sqrt(na * nb / (na + nb)), na + nb - 2, confidence=confidence
    )
    g = hedges_g(d, na + nb - 2)
    return {
        "test": "student_t" if equal_var else "welch_t",
        "statistic": float(res.statistic),
        "p": float(res.pvalue),
        "dof": float(res.df),
        "difference": diff,
        "effect_size": d["value"],
        "effect_size_name": "cohens_d",
        "effect_size_ci": [d["ci_low"], d["ci_high"]],
        "effect_sizes": {"cohens_d": d, "hedges_g": g},
    }


def _several_means(
    names: list[str], samples: list[np.ndarray], equal_var: bool, confidence: float
) -> dict[str, Any]:
    """Welch's ANOVA + Games–Howell, or (`equal_var`) Fisher's ANOVA + Tukey HSD; η² with the
    noncentral-F interval of Fisher's F (the interval assumes equal variances), ω²."""
    classic = fisher_anova(samples)
    if equal_var:
        out = dict(classic)
        out["posthoc"] = tukey_pairs(names, samples, confidence=confidence)
    else:
        out = welch_anova(samples) | {
            "effect_size": classic["effect_size"],
            "effect_size_name": "eta_squared",
        }
        out["posthoc"] = games_howell(names, samples, confidence=confidence)
    low, high = eta_squared_interval(classic["statistic"], *classic["dof"], confidence=confidence)
    out["effect_size_ci"] = [low, high]
    out["effect_sizes"] = {
        "eta_squared": {
            "value": classic["effect_size"],
            "ci_low": low,
            "ci_high": high,
            "confidence": confidence,
            "method": "noncentral_f",
        },
        "omega_squared": {"value": omega_squared(samples)},
    }
    return out


def _proportions(a: np.ndarray, b: np.ndarray, confidence: float) -> dict[str, Any]:
    """Newcombe's interval of the difference of the two shares of 1. (Weighted, the
    design-based `difference` of the means already is the difference of weighted shares.)"""
    res = proportion_difference(a.sum(), len(a), b.sum(), len(b), confidence=confidence)
    return res | {"cohens_h": cohens_h(res["p_a"], res["p_b"])}


def nps_differences(
    frame: pd.DataFrame,
    metric: str,
    by: str,
    *,
    group_order: list[str] | None = None,
    confidence: float = 0.95,
    weights: Any = None,
) -> list[dict[str, Any]]:
    """Segments' NPS compared as NPS, not as the mean of the 0–10 answers: for every pair of
    groups `scores.nps_difference` (adjusted-Wald interval of the difference, Rocks 2016),
    p-values Holm-adjusted across the pairs (`p_adjusted`; the same as `p` for one pair)."""
    names, samples, wsamples = _split(frame, metric, by, group_order, weights)
    wlist: list[np.ndarray | None] = list(wsamples) if wsamples else [None] * len(names)
    pairs = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            res = nps_difference(
                samples[i],
                samples[j],
                weights_a=wlist[i],
                weights_b=wlist[j],
                confidence=confidence,
            )
            pairs.append({"a": names[i], "b": names[j], **res})
    for pair, p in zip(pairs, holm([p["p"] for p in pairs]), strict=True):
        pair["p_adjusted"] = float(p)
    return pairs
