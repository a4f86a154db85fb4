"""Differences between independent groups with their intervals: means (Welch or pooled),
proportions (Newcombe), Welch's ANOVA with the Games–Howell pairs, Fisher's ANOVA with
Tukey's HSD pairs."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from analysis.stats.estimates import wilson_interval
from analysis.stats.studentized_range import studentized_range_quantile, studentized_range_sf


def mean_difference(
    a: np.ndarray, b: np.ndarray, *, equal_var: bool = False, confidence: float = 0.95
) -> dict[str, Any]:
    """x̄a − x̄b with its t interval.

    Welch (default): SE = √(sa²/na + sb²/nb), df by Welch–Satterthwaite; pooled
    (`equal_var=True`): SE = sp·√(1/na + 1/nb), df = na + nb − 2. statsmodels:
    `CompareMeans.from_data(a, b).tconfint_diff(usevar="unequal" | "pooled")`;
    R: `t.test(a, b, var.equal = FALSE | TRUE)$conf.int`.
    """
    na, nb = len(a), len(b)
    va, vb = np.var(a, ddof=1), np.var(b, ddof=1)
    diff = float(np.mean(a) - np.mean(b))
    if equal_var:
        dof: float = na + nb - 2
        se = math.sqrt(((na - 1) * va + (nb - 1) * vb) / dof * (1 / na + 1 / nb))
    else:
        qa, qb = va / na, vb / nb
        se = math.sqrt(qa + qb)
        dof = (qa + qb) ** 2 / (qa**2 / (na - 1) + qb**2 / (nb - 1)) if se > 0 else math.nan
    half = stats.t.ppf(1 - (1 - confidence) / 2, dof) * se if se > 0 else math.nan
    return {
        "difference": diff,
        "se": se,
        "dof": float(dof),
        "ci_low": diff - half,
        "ci_high": diff + half,
        "confidence": confidence,
        "method": "pooled" if equal_var else "welch",
    }


def proportion_difference(
    x1: float, n1: float, x2: float, n2: float, *, confidence: float = 0.95
) -> dict[str, Any]:
    """p₁ − p₂ with Newcombe's hybrid score interval (Newcombe 1998, Stat. Med. 17:873,
    method 10), built from the two Wilson intervals (l₁, u₁), (l₂, u₂):

        L = δ − √((p₁ − l₁)² + (u₂ − p₂)²),   U = δ + √((u₁ − p₁)² + (p₂ − l₂)²)

    statsmodels: `confint_proportions_2indep(x1, n1, x2, n2, method="newcomb")`.
    """
    if n1 <= 0 or n2 <= 0:
        nan = math.nan
        return {"difference": nan, "ci_low": nan, "ci_high": nan, "confidence": confidence}
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, confidence=confidence)
    l2, u2 = wilson_interval(x2, n2, confidence=confidence)
    d = p1 - p2
    return {
        "p_a": p1,
        "p_b": p2,
        "difference": d,
        "ci_low": d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        "ci_high": d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
        "confidence": confidence,
        "method": "newcombe_hybrid_score",
    }


def welch_anova(samples: list[np.ndarray]) -> dict[str, Any]:
    """Welch's (1951, Biometrika 38:330) heteroscedastic one-way ANOVA.

        w_j = n_j / s_j²,  ȳ_w = Σ w_j ȳ_j / Σ w_j,  A = Σ w_j (ȳ_j − ȳ_w)² / (k − 1)
        λ = Σ (1 − w_j/Σw)² / (n_j − 1),  F = A / (1 + 2(k−2)λ/(k²−1)),  df = (k−1, (k²−1)/(3λ))

    R: `oneway.test(y ~ g)`; statsmodels: `anova_oneway(y, g, use_var="unequal")`.
    Needs every s_j > 0 (the caller checks).
    """
    k = len(samples)
    n = np.array([len(s) for s in samples], dtype=float)
    means = np.array([np.mean(s) for s in samples])
    w = n / np.array([np.var(s, ddof=1) for s in samples])
    grand = (w * means).sum() / w.sum()
    a = (w * (means - grand) ** 2).sum() / (k - 1)
    lam = ((1 - w / w.sum()) ** 2 / (n - 1)).sum()
    f = a / (1 + 2 * (k - 2) * lam / (k * k - 1))
    df2 = (k * k - 1) / (3 * lam)
    return {
        "test": "welch_anova",
        "statistic": float(f),
        "p": float(stats.f.sf(f, k - 1, df2)),
        "dof": [k - 1, float(df2)],
    }


def games_howell(
    names: list[str], samples: list[np.ndarray], *, confidence: float = 0.95
) -> list[dict[str, Any]]:
    """Games & Howell (1976, J. Educ. Stat. 1:113) pairs: Welch's SE and df per pair, the
    studentised range for k groups: q = |x̄i − x̄j| / √(½(si²/ni + sj²/nj)), p = P(Q_k,df ≥ q),
    interval x̄i − x̄j ± q_crit·√(½(si²/ni + sj²/nj)). pingouin: `pairwise_gameshowell`."""
    k = len(samples)
    pairs = []
    for i in range(k):
        for j in range(i + 1, k):
            md = mean_difference(samples[i], samples[j], confidence=confidence)
            half_se = md["se"] / math.sqrt(2)
            q = abs(md["difference"]) / half_se
            half = studentized_range_quantile(confidence, k, md["dof"]) * half_se
            pairs.append(
                {
                    "a": names[i],
                    "b": names[j],
                    "difference": md["difference"],
                    "se": md["se"],
                    "dof": md["dof"],
                    "ci": [md["difference"] - half, md["difference"] + half],
                    "p_adjusted": studentized_range_sf(q, k, md["dof"]),
                    "method": "games_howell",
                }
            )
    return pairs


def omega_squared(samples: list[np.ndarray]) -> float:
    """ω² = (SS_b − (k−1)·MS_w) / (SS_t + MS_w) (Hays 1963), less biased than η²."""
    allv = np.concatenate(samples)
    k, n = len(samples), len(allv)
    grand = allv.mean()
    ss_b = sum(len(s) * (s.mean() - grand) ** 2 for s in samples)
    ss_t = ((allv - grand) ** 2).sum()
    ms_w = (ss_t - ss_b) / (n - k)
    return float((ss_b - (k - 1) * ms_w) / (ss_t + ms_w)) if ss_t > 0 else math.nan


def fisher_anova(samples: list[np.ndarray]) -> dict[str, Any]:
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


def tukey_pairs(
    names: list[str], samples: list[np.ndarray], *, confidence: float = 0.95
) -> list[dict[str, Any]]:
    """Tukey's HSD pairs, Tukey–Kramer for unequal sizes (Kramer 1956, Biometrics 12:307):
    q = |x̄i − x̄j| / √(MS_w/2 · (1/ni + 1/nj)) on (k, N − k), interval x̄i − x̄j ±
    q_crit·√(MS_w/2 · (1/ni + 1/nj)). R `TukeyHSD(aov(y ~ g))`; scipy `tukey_hsd`."""
    k = len(samples)
    n = sum(len(s) for s in samples)
    ms_w = sum(((s - s.mean()) ** 2).sum() for s in samples) / (n - k)
    q_crit = studentized_range_quantile(confidence, k, n - k)
    pairs = []
    for i in range(k):
        for j in range(i + 1, k):
            diff = float(samples[i].mean() - samples[j].mean())
            se = math.sqrt(ms_w / 2 * (1 / len(samples[i]) + 1 / len(samples[j])))
            pairs.append(
                {
                    "a": names[i],
                    "b": names[j],
                    "difference": diff,
                    "ci": [diff - q_crit * se, diff + q_crit * se],
                    "p_adjusted": studentized_range_sf(abs(diff) / se, k, n - k),
                    "method": "tukey_hsd",
                }
            )
    return pairs
