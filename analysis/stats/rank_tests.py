"""Rank tests of two independent groups and their pairs, with R's small-sample p-values."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from scipy import stats

from analysis.stats.corrections import holm

Alternative = Literal["two-sided", "less", "greater"]

#: Below this many answers in both groups, without ties, the Mann–Whitney p is exact, as R's
#: `wilcox.test(a, b)` default (`exact = NULL`: exact when both n < 50 and there are no ties).
MANN_WHITNEY_EXACT_BELOW = 50


def mann_whitney(
    a: np.ndarray, b: np.ndarray, *, alternative: Alternative = "two-sided"
) -> dict[str, Any]:
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
    p_method: Literal["exact", "asymptotic"] = "exact" if exact else "asymptotic"
    p = math.nan
    if sigma2 > 0:
        p = float(stats.mannwhitneyu(a, b, alternative=alternative, method=p_method).pvalue)
    out = {"statistic": u, "z": z, "p": p, "p_method": p_method}
    return out | {"r": z / math.sqrt(n) if sigma2 > 0 else math.nan}


def pairwise_u(names: list[str], samples: list[np.ndarray]) -> list[dict[str, Any]]:
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
