"""Comparing a numeric or ordinal answer across segments, with the choice of test explained.

Choice (`method="auto"`): a numeric answer (number, slider, NPS) is compared on means, an
ordinal one (rating, Likert row, scored choice) on ranks, because the distance between
"agree" and "strongly agree" is not known to be the distance between "neutral" and "agree".

| groups | means (parametric)                          | ranks (non-parametric)                   |
|--------|---------------------------------------------|------------------------------------------|
| 2      | Welch's t (no equal-variance assumption), d | Mann–Whitney U (exact p < 50), r = Z/√N  |
| ≥ 3    | one-way ANOVA, η²; Tukey HSD pairs          | Kruskal–Wallis, η²_H; pairwise U, Holm   |

A comparison of means is not computed when a group's answers do not vary (every answer the
same): its variance estimate is 0, so Welch's t and the ANOVA's F run to infinity and p to 0
(t = −inf, η² = 1, Tukey intervals of zero width) on what may be three answers. Such a result
carries p = NaN, `caution = "zero_variance_group"` and a `StatsWarning`; rank tests, which need
no variance estimate, still run.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from analysis.stats.corrections import holm
from analysis.stats.errors import Code, StatsInputError, StatsWarning
from analysis.stats.scores import nps_difference

METHODS = ("auto", "parametric", "nonparametric")


def cohens_d(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's d with the pooled SD (Cohen 1988, eq. 2.5.2):
    d = (x̄a − x̄b) / √(((na−1)sa² + (nb−1)sb²) / (na + nb − 2))."""
    na, nb = len(a), len(b)
    if na + nb <= 2:
        return math.nan
    pooled = ((na - 1) * np.var(a, ddof=1) + (nb - 1) * np.var(b, ddof=1)) / (na + nb - 2)
    return float((np.mean(a) - np.mean(b)) / math.sqrt(pooled)) if pooled > 0 else math.nan


#: Below this many answers in both groups, without ties, the Mann–Whitney p is exact, as R's
#: `wilcox.test(a, b)` default (`exact = NULL`: exact when both n < 50 and there are no ties).
MANN_WHITNEY_EXACT_BELOW = 50


def mann_whitney(a: np.ndarray, b: np.ndarray, *, alternative: str = "two-sided") -> dict:
    """Mann–Whitney U with r = Z / √N (Rosenthal 1991, *Meta-analytic procedures*, p. 19).

        U = R_a − na(na+1)/2,  σ² = na·nb/12 · [(N+1) − Σ(t³−t)/(N(N−1))],  Z = (U − na·nb/2)/σ

    The p-value follows R's `wilcox.test(a, b, alternative = ...)` defaults: exact (the
    permutation distribution of U) when both groups have fewer than 50 answers and there are
    no ties, otherwise the normal approximation corrected for ties and with a continuity
    correction (scipy `mannwhitneyu(a, b, method="exact" | "asymptotic")`). `p_method` says
    which; Z and r come from the formula above (no continuity correction).
    """
    na, nb = len(a), len(b)
    n = na + nb
    both = np.concatenate([a, b])
    ranks = stats.rankdata(both)
    u = float(ranks[:na].sum() - na * (na + 1) / 2)
    _, ties = np.unique(both, return_counts=True)
    sigma2 = na * nb / 12 * ((n + 1) - (ties**3 - ties).sum() / (n * (n - 1)))
    z = (u - na * nb / 2) / math.sqrt(sigma2) if sigma2 > 0 else math.nan
    exact = max(na, nb) < MANN_WHITNEY_EXACT_BELOW and np.all(ties == 1)
    p_method = "exact" if exact else "asymptotic"
    p = math.nan
    if sigma2 > 0:
        p = float(stats.mannwhitneyu(a, b, alternative=alternative, method=p_method).pvalue)
    out = {"statistic": u, "z": z, "p": p, "p_method": p_method}
    return out | {"r": z / math.sqrt(n) if sigma2 > 0 else math.nan}


def _split(frame: pd.DataFrame, metric: str, by: str, order: list[str] | None):
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
    y, g = y[keep].to_numpy(dtype=float), g[keep].astype(str).to_numpy()
    names = [str(v) for v in (order or []) if str(v) in set(g)]
    names += sorted(set(g) - set(names))
    return names, [y[g == name] for name in names]


def compare_groups(
    frame: pd.DataFrame,
    metric: str,
    by: str,
    *,
    ordinal: bool = False,
    method: str = "auto",
    group_order: list[str] | None = None,
    alternative: str = "two-sided",
) -> dict:
    """Compare the `metric` column across the groups of the `by` column (see module table).

    `ordinal` says the metric is ordinal (chooses ranks under `method="auto"`). Returns `test`,
    `statistic`, `p`, `effect_size` with `effect_size_name`, per-group `groups` (n, mean, SD,
    median), `posthoc` pairs (≥ 3 groups), `reason`, a code naming why the test was chosen, and
    `caution`, a code naming why a chosen test was not computed (`zero_variance_group`, with the
    groups in `constant_groups`) or None.
    Groups with fewer than 2 answers take no part in the test (reported, with a warning).
    """
    if method not in METHODS:
        raise StatsInputError(f"method must be one of {METHODS}", "method")
    if alternative not in ("two-sided", "less", "greater"):
        raise StatsInputError("alternative is two-sided, less or greater", "alternative")
    names, samples = _split(frame, metric, by, group_order)
    out: dict = {
        "metric": metric,
        "by": by,
        "groups": {
            name: {
                "n": len(s),
                "mean": float(np.mean(s)) if len(s) else math.nan,
                "sd": float(np.std(s, ddof=1)) if len(s) > 1 else math.nan,
                "median": float(np.median(s)) if len(s) else math.nan,
            }
            for name, s in zip(names, samples, strict=True)
        },
        "test": None,
        "statistic": math.nan,
        "p": math.nan,
        "effect_size": math.nan,
        "effect_size_name": None,
        "posthoc": [],
        "caution": None,
    }
    used = [(n, s) for n, s in zip(names, samples, strict=True) if len(s) >= 2]
    if len(used) < len(names):
        warnings.warn(
            f"{by}: groups with fewer than 2 answers left out of the test",
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
    names, samples = [n for n, _ in used], [s for _, s in used]
    k = len(samples)
    out["reason"] = f"{'ordinal' if ranks else 'numeric'}_{'two' if k == 2 else 'several'}_groups"
    if method != "auto":
        out["reason"] = f"{method}_requested_{'two' if k == 2 else 'several'}_groups"
    constant = [name for name, s in zip(names, samples, strict=True) if np.ptp(s) == 0]
    if not ranks and constant:
        out.update(test="welch_t" if k == 2 else "anova", caution="zero_variance_group")
        out["effect_size_name"] = "cohens_d" if k == 2 else "eta_squared"
        out["constant_groups"] = constant
        warnings.warn(
            f"{metric} by {by}: every answer is the same in {', '.join(constant)}, "
            "so the comparison of means is not computed",
            StatsWarning,
            stacklevel=2,
        )
        return out
    if k == 2 and not ranks:
        res = stats.ttest_ind(samples[0], samples[1], equal_var=False, alternative=alternative)
        out.update(test="welch_t", statistic=float(res.statistic), p=float(res.pvalue))
        out["dof"] = float(res.df)
        out.update(effect_size=cohens_d(*samples), effect_size_name="cohens_d")
    elif k == 2:
        res = mann_whitney(samples[0], samples[1], alternative=alternative)
        out.update(test="mann_whitney_u", statistic=res["statistic"], p=res["p"], z=res["z"])
        out["p_method"] = res["p_method"]
        out.update(effect_size=res["r"], effect_size_name="r")
    elif not ranks:
        out.update(_anova(samples))
        out["posthoc"] = _tukey(names, samples)
    else:
        h, p = stats.kruskal(*samples)
        n = sum(len(s) for s in samples)
        out.update(test="kruskal_wallis", statistic=float(h), p=float(p), dof=k - 1)
        # η²_H = (H − k + 1)/(n − k) (Tomczak & Tomczak 2014, Trends Sport Sci. 21:19)
        out.update(effect_size=(h - k + 1) / (n - k) if n > k else math.nan)
        out["effect_size_name"] = "eta_squared_h"
        out["posthoc"] = _pairwise_u(names, samples)
    if math.isnan(out["p"]):
        warnings.warn(
            f"{metric} by {by}: no variation, the test is undefined", StatsWarning, stacklevel=2
        )
    return out


def nps_differences(
    frame: pd.DataFrame,
    metric: str,
    by: str,
    *,
    group_order: list[str] | None = None,
    confidence: float = 0.95,
) -> list[dict]:
    """Segments' NPS compared as NPS, not as the mean of the 0–10 answers: for every pair of
    groups `scores.nps_difference` (adjusted-Wald interval of the difference, Rocks 2016),
    p-values Holm-adjusted across the pairs (`p_adjusted`; the same as `p` for one pair)."""
    names, samples = _split(frame, metric, by, group_order)
    pairs = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            res = nps_difference(samples[i], samples[j], confidence=confidence)
            pairs.append({"a": names[i], "b": names[j], **res})
    for pair, p in zip(pairs, holm([p["p"] for p in pairs]), strict=True):
        pair["p_adjusted"] = float(p)
    return pairs


def _anova(samples: list[np.ndarray]) -> dict:
    """One-way ANOVA (Fisher): F = MS_between / MS_within; η² = SS_between / SS_total.
    scipy: `f_oneway(*samples)`; R: `summary(aov(y ~ g))`."""
    f, p = stats.f_oneway(*samples)
    allv = np.concatenate(samples)
    grand = allv.mean()
    ss_between = sum(len(s) * (s.mean() - grand) ** 2 for s in samples)
    ss_total = ((allv - grand) ** 2).sum()
    return {
        "test": "anova",
        "statistic": float(f),
        "p": float(p),
        "dof": [len(samples) - 1, len(allv) - len(samples)],
        "effect_size": float(ss_between / ss_total) if ss_total > 0 else math.nan,
        "effect_size_name": "eta_squared",
    }


def _tukey(names, samples) -> list[dict]:
    """Tukey's HSD pairs (scipy `tukey_hsd`; R `TukeyHSD(aov(y ~ g))`)."""
    res = stats.tukey_hsd(*samples)
    ci = res.confidence_interval()
    pairs = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            pairs.append(
                {
                    "a": names[i],
                    "b": names[j],
                    "difference": float(samples[i].mean() - samples[j].mean()),
                    "ci": [float(ci.low[i, j]), float(ci.high[i, j])],
                    "p_adjusted": float(res.pvalue[i, j]),
                    "method": "tukey_hsd",
                }
            )
    return pairs


def _pairwise_u(names, samples) -> list[dict]:
    """Pairwise Mann–Whitney U tests, p-values Holm-adjusted across the pairs."""
    pairs = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            res = mann_whitney(samples[i], samples[j])
            pairs.append(
                {
                    "a": names[i],
                    "b": names[j],
                    "statistic": res["statistic"],
                    "r": res["r"],
                    "p": res["p"],
                }
            )
    adjusted = holm([p["p"] for p in pairs])
    for pair, p in zip(pairs, adjusted, strict=True):
        pair.update(p_adjusted=float(p), method="mann_whitney_u_holm")
    return pairs
