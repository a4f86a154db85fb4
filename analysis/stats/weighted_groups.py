"""Group comparisons under survey weights: design-based (linearised) tests.

The weighted regression of y on group indicators, R `svyglm(y ~ g, design)` with
`design = svydesign(ids = ~1, weights = ~w)`, has as coefficients the differences of the
groups' weighted means from the first group. Their covariance is the linearised one of
`analysis.stats.design`: each difference's influence values are those of the two domain
means (`design.mean_influence`, zero outside the group) subtracted, over all n rows of the
analysis, so V = n/(n−1)·Σ(z − z̄)(z − z̄)ᵀ, which is the svyglm sandwich.

- two groups: t = (ȳa − ȳb)/SE on n − 2 df, R `svyttest(y ~ g, design)`;
- k groups: Wald F = β̂ᵀV⁻¹β̂/(k−1) on (k−1, n−k) df, R `regTermTest(svyglm(y ~ g), ~g)`;
- ranks: the same tests on weighted mid-rank scores (`weighted_rank_scores`), R
  `svyranktest(y ~ g, design, test = "wilcoxon")` (Lumley & Scott 2013, "Two-sample rank
  tests under complex sampling", Biometrika 100:831); for two groups 2·(mean score a − mean
  score b) is the weighted rank-biserial r (with equal weights exactly 2U/(na·nb) − 1).

Rows whose answer or group is blank are dropped first, as svyglm's `na.omit`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from analysis.stats.corrections import holm
from analysis.stats.design import linearised_variance, mean_influence, weighted_mean_se


def weighted_rank_scores(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The estimated population mid-distribution of each answer, F̂(y−) + ½·p̂(y): the weight
    below y plus half the weight at y, over Σw.

    Without ties this is R svyranktest's `(cumsum(w[ii]) − w[ii]/2) / sum(w)`. With ties R
    averages that over the tied rows (`ave`), which with unequal weights depends on the
    order of the rows; the mid-distribution does not, and equals R's when tied rows weigh
    the same (unweighted data: the mid-ranks over n)."""
    values, inverse = np.unique(y, return_inverse=True)
    at = np.bincount(inverse, weights=w, minlength=values.size)
    below = np.cumsum(at) - at
    scores: np.ndarray = (below + at / 2)[inverse] / w.sum()
    return scores


def design_group_test(
    y: np.ndarray, codes: np.ndarray, w: np.ndarray, k: int, *, confidence: float = 0.95
) -> dict[str, Any]:
    """Design-based test that the k weighted group means of `y` are equal (`codes` 0..k−1).

    Returns per-group `means` and `ses`, and for two groups `difference` (group 0 − group 1),
    `se`, `ci_low`, `ci_high`, t `statistic`, `dof`, `p`; for more a Wald F `statistic`,
    `dof` [k−1, n−k] and `p`.
    """
    n = y.size
    means, ses, infl = _domains(y, codes, w, k)
    out: dict[str, Any] = {"means": means, "ses": ses}
    if k == 2:
        return out | _contrast(means, infl, 0, 1, n - 2, confidence)
    beta = np.array([means[j] - means[0] for j in range(1, k)])
    z = np.column_stack([infl[j] - infl[0] for j in range(1, k)])
    zc = z - z.mean(axis=0)
    cov = n / (n - 1) * zc.T @ zc
    dof = [k - 1, n - k]
    try:
        f = float(beta @ np.linalg.solve(cov, beta)) / (k - 1)
    except np.linalg.LinAlgError:
        f = math.nan
    p = float(stats.f.sf(f, *dof)) if math.isfinite(f) else math.nan
    return out | {"statistic": f, "dof": dof, "p": p}


def _domains(
    y: np.ndarray, codes: np.ndarray, w: np.ndarray, k: int
) -> tuple[list[float], list[float], list[np.ndarray]]:
    means, ses, infl = [], [], []
    for j in range(k):
        inside = codes == j
        m, se = weighted_mean_se(y, w, inside)
        means.append(m)
        ses.append(se)
        infl.append(mean_influence(y, w, inside))
    return means, ses, infl


def _contrast(
    means: list[float], infl: list[np.ndarray], i: int, j: int, dof: int, confidence: float
) -> dict[str, Any]:
    """Mean i − mean j with its linearised SE, t interval and two-sided p on `dof` df."""
    diff = means[i] - means[j]
    se = math.sqrt(linearised_variance(infl[i] - infl[j]))
    t = diff / se if se > 0 else math.nan
    half = stats.t.ppf(1 - (1 - confidence) / 2, dof) * se if se > 0 else math.nan
    return {
        "difference": diff,
        "se": se,
        "ci_low": diff - half,
        "ci_high": diff + half,
        "confidence": confidence,
        "statistic": t,
        "dof": float(dof),
        "p": float(2 * stats.t.sf(abs(t), dof)) if se > 0 else math.nan,
    }


def weighted_comparison(
    names: list[str],
    samples: list[np.ndarray],
    wlist: list[np.ndarray],
    ranks: bool,
    alternative: str,
    confidence: float,
) -> dict[str, Any]:
    """The fields of `groups.compare_groups` for weighted groups (see the module docstring).

    Pairs of ≥ 3 groups are contrasts of the one fit (df n − k), Holm-adjusted."""
    k = len(samples)
    y, w = np.concatenate(samples), np.concatenate(wlist)
    codes = np.repeat(np.arange(k), [len(s) for s in samples])
    n = y.size
    score = weighted_rank_scores(y, w) if ranks else y
    kind = "weighted_rank" if ranks else "weighted"
    res = design_group_test(score, codes, w, k, confidence=confidence)
    out: dict[str, Any] = {"statistic": res["statistic"], "p": res["p"], "dof": res["dof"]}
    if k > 2:
        out["test"] = f"{kind}_{'f' if ranks else 'wald_f'}"
        means, _, infl = _domains(score, codes, w, k)
        pairs = []
        for i in range(k):
            for j in range(i + 1, k):
                c = _contrast(means, infl, i, j, n - k, confidence)
                pairs.append({"a": names[i], "b": names[j], "difference": c["difference"]})
                pairs[-1] |= {"ci": [c["ci_low"], c["ci_high"]], "p": c["p"]}
        for pair, p in zip(pairs, holm([p["p"] for p in pairs]), strict=True):
            pair.update(p_adjusted=float(p), method=f"{kind}_t_holm")
        return out | {"posthoc": pairs, "effect_sizes": {}}
    out["test"] = f"{kind}_t"
    t = res["statistic"]
    if alternative != "two-sided" and math.isfinite(t):
        side = stats.t.cdf if alternative == "less" else stats.t.sf
        out["p"] = float(side(t, res["dof"]))
    diff = {key: res[key] for key in ("difference", "se", "dof", "ci_low", "ci_high")}
    if ranks:
        rb = {key: 2 * res[key] for key in ("difference", "ci_low", "ci_high")}
        entry = {"value": rb["difference"], "ci_low": rb["ci_low"], "ci_high": rb["ci_high"]}
        entry |= {"confidence": confidence, "method": "design_t", "name": "rank_biserial"}
        return out | {
            "effect_size": entry["value"],
            "effect_size_name": "rank_biserial",
            "effect_size_ci": [entry["ci_low"], entry["ci_high"]],
            "effect_sizes": {"rank_biserial": entry},
        }
    sa, sb = (weighted_sd(s, ws) for s, ws in zip(samples, wlist, strict=True))
    na, nb = len(samples[0]), len(samples[1])
    pooled = math.sqrt(((na - 1) * sa**2 + (nb - 1) * sb**2) / (na + nb - 2))
    d = res["difference"] / pooled if pooled > 0 else math.nan
    return out | {
        "difference": diff | {"confidence": confidence, "method": "linearised"},
        "effect_size": d,
        "effect_size_name": "cohens_d",
        "effect_sizes": {"cohens_d": {"value": d, "method": "weighted_pooled_sd"}},
    }


def weighted_sd(y: np.ndarray, w: np.ndarray) -> float:
    """√ of R `svyvar(~y, design)`: Σw(y − ȳ)²/Σw · n/(n − 1)."""
    n = y.size
    if n < 2 or w.sum() <= 0:
        return math.nan
    m = (w * y).sum() / w.sum()
    return math.sqrt((w * (y - m) ** 2).sum() / w.sum() * n / (n - 1))
