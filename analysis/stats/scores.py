"""Product-research scores: NPS, CSAT, SUS, Kano categories, importance–performance.

Plain arrays in, JSON-ready dicts out (percent units for shares, nothing rounded).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from analysis.stats.design import linearised_variance, mean_influence
from analysis.stats.errors import Code, StatsInputError
from analysis.stats.estimates import (
    answered_values,
    mean_estimate,
    numeric_array,
    proportion,
    weight_array,
    z_value,
)


def _weighted_share(mask: np.ndarray, w: np.ndarray | None) -> float:
    if mask.size == 0:
        return math.nan
    return float(mask.mean()) if w is None else float((mask * w).sum() / w.sum())


#: Pseudo-observations of the adjusted-Wald NPS interval (Rocks 2016): ¾ of a detractor,
#: 1½ passives and ¾ of a promoter, so n grows by 3 (the default `pseudo_observations =
#: c(0.75, 1.5, 0.75)` of Rocks's R package NPS, `nps_test(..., test = "adjusted.wald")`).
NPS_PSEUDO = {"promoters": 0.75, "passives": 1.5, "detractors": 0.75}


def _nps_adjusted(p_pro: float, p_det: float, n: float) -> tuple[float, float, float]:
    """(adjusted NPS as a fraction, its variance per observation, adjusted n)."""
    n_adj = n + sum(NPS_PSEUDO.values())
    pro = (p_pro * n + NPS_PSEUDO["promoters"]) / n_adj
    det = (p_det * n + NPS_PSEUDO["detractors"]) / n_adj
    return pro - det, max(pro + det - (pro - det) ** 2, 0.0), n_adj


def _nps_shares(
    values: npt.ArrayLike, weights: npt.ArrayLike | None
) -> tuple[np.ndarray, np.ndarray | None]:
    x, w = answered_values(numeric_array(values, "NPS"), weights)
    if np.any((x < 0) | (x > 10) | (np.mod(x, 1) != 0)):
        raise StatsInputError(code=Code.NPS_ANSWERS)
    return x, w


def _nps_design_n(x: np.ndarray, w: np.ndarray | None, p_pro: float, p_det: float) -> float:
    """The n the adjusted Wald uses: n itself unweighted; under survey weights the design
    effective n, n* = (p_P + p_D − NPS²)/var_lin(NPS), the multinomial variance of one
    answer over the linearised variance of the weighted mean of +1/0/−1 (the NPS as a
    fraction), Korn & Graubard's (1998) n* carried over to the NPS."""
    if w is None:
        return float(x.size)
    if x.size < 2:
        return float(x.size)
    score = (x >= 9).astype(float) - (x <= 6).astype(float)
    var = linearised_variance(mean_influence(score, w))
    spread = p_pro + p_det - (p_pro - p_det) ** 2
    return spread / var if var > 0 else float(x.size)


def nps(
    values: npt.ArrayLike, *, weights: npt.ArrayLike | None = None, confidence: float = 0.95
) -> dict[str, Any]:
    """Net Promoter Score (Reichheld 2003): % promoters (9–10) − % detractors (0–6).

    Interval: the adjusted Wald of Rocks (2016, "Interval estimation for the 'net promoter
    score'", The American Statistician 70(4):365–372), which he found the best of six methods
    and MeasuringU recommends (Sauro & Lewis, "Evaluating NPS confidence intervals with
    real-world data", measuringu.com, 2021): add ¾ to the promoters, ¾ to the detractors and
    3 to n (`NPS_PSEUDO`), then the Wald interval of a difference of two multinomial shares
        p̃P = (nP + ¾)/(n + 3),  p̃D = (nD + ¾)/(n + 3),  Ñ = p̃P − p̃D
        Var = [p̃P + p̃D − Ñ²] / (n + 3),   CI = Ñ ± z·√Var   (×100, clipped to ±100).
    The plain Wald form covers 90 % at n = 12 and has zero width when everyone is a promoter.
    `nps` itself is the unadjusted score. R: `NPS::nps_test(x, test = "adjusted.wald")`.
    Weighted (survey weights): shares weighted, n replaced by the design effective n of the
    NPS (`_nps_design_n`, from its linearised variance), so the interval is design-based.
    """
    x, w = _nps_shares(values, weights)
    n = int(x.size)
    p_pro = _weighted_share((x >= 9).astype(float), w)
    p_det = _weighted_share((x <= 6).astype(float), w)
    p_pas = _weighted_share(((x >= 7) & (x <= 8)).astype(float), w)
    score = (p_pro - p_det) * 100
    n_eff = _nps_design_n(x, w, p_pro, p_det)
    if n > 0:
        centre, var, n_adj = _nps_adjusted(p_pro, p_det, n_eff)
        half = z_value(confidence) * math.sqrt(var / n_adj)
        low, high = max((centre - half) * 100, -100.0), min((centre + half) * 100, 100.0)
    else:
        low = high = math.nan
    return {
        "n": n,
        "nps": score,
        "ci_low": low,
        "ci_high": high,
        "confidence": confidence,
        "ci_method": "adjusted_wald",
        "weighted": weights is not None,
        "promoters": p_pro * 100,
        "passives": p_pas * 100,
        "detractors": p_det * 100,
        "counts": {
            "promoters": int((x >= 9).sum()),
            "passives": int(((x >= 7) & (x <= 8)).sum()),
            "detractors": int((x <= 6).sum()),
        },
    }


def nps_difference(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    *,
    weights_a: npt.ArrayLike | None = None,
    weights_b: npt.ArrayLike | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """NPS of segment `a` minus NPS of segment `b` (independent samples), with the
    adjusted-Wald interval of the difference (Rocks 2016, two-sample form): each segment gets
    its pseudo-observations (`NPS_PSEUDO`), and the variance of the difference is the sum of
    the two variances,
        Δ̃ = Ña − Ñb,   SE = √(Var_a/(na + 3) + Var_b/(nb + 3)),   CI = Δ̃ ± z·SE,
    p = 2·(1 − Φ(|Δ̃| / SE)) (the Wald z test the interval inverts; it excludes 0 exactly
    when p < 1 − confidence). `difference` is the unadjusted NPS difference in points.
    R: `NPS::nps_test(x, y, test = "adjusted.wald")`. Weighted: each segment's n is its
    design effective n (`_nps_design_n`).
    """
    xa, wa = _nps_shares(a, weights_a)
    xb, wb = _nps_shares(b, weights_b)
    out = {
        "difference": math.nan,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "z": math.nan,
        "p": math.nan,
        "confidence": confidence,
        "n": [int(xa.size), int(xb.size)],
        "ci_method": "adjusted_wald",
        "weighted": weights_a is not None or weights_b is not None,
    }
    if xa.size == 0 or xb.size == 0:
        return out
    parts = []
    for x, w in ((xa, wa), (xb, wb)):
        pro = _weighted_share((x >= 9).astype(float), w)
        det = _weighted_share((x <= 6).astype(float), w)
        parts.append((pro - det, *_nps_adjusted(pro, det, _nps_design_n(x, w, pro, det))))
    (raw_a, adj_a, var_a, n_a), (raw_b, adj_b, var_b, n_b) = parts
    se = math.sqrt(var_a / n_a + var_b / n_b)
    delta = adj_a - adj_b
    half = z_value(confidence) * se
    z = delta / se
    out.update(
        difference=(raw_a - raw_b) * 100,
        ci_low=max((delta - half) * 100, -200.0),
        ci_high=min((delta + half) * 100, 200.0),
        z=z,
        p=float(2 * stats.norm.sf(abs(z))),
    )
    return out


def csat(
    values: npt.ArrayLike,
    *,
    scale_max: int = 5,
    weights: npt.ArrayLike | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Customer satisfaction: % of answers in the top two points of a 1..scale_max rating
    (4–5 on five points), with a Wilson interval (design-based under weights, see
    `estimates.proportion`); the mean rating alongside."""
    x = np.asarray(values, dtype=float)
    mask = np.where(np.isnan(x), np.nan, (x >= scale_max - 1).astype(float))
    p = proportion(mask, weights=weights, confidence=confidence)
    return {
        "n": p["n"],
        "percent": p["proportion"] * 100,
        "ci": [p["ci_low"] * 100, p["ci_high"] * 100],
        "mean": mean_estimate(x, weights=weights)["mean"],
        "weighted": p["weighted"],
    }


#: Sauro & Lewis curved grading scale (Quantifying the User Experience, 2nd ed. 2016, Table 8.5)
SUS_GRADES = (
    (84.1, "A+"),
    (80.8, "A"),
    (78.9, "A-"),
    (77.2, "B+"),
    (74.1, "B"),
    (72.6, "B-"),
    (71.1, "C+"),
    (65.0, "C"),
    (62.7, "C-"),
    (51.7, "D"),
    (0.0, "F"),
)


def sus_grade(score: float) -> str | None:
    if score is None or math.isnan(score):
        return None
    return next(grade for floor, grade in SUS_GRADES if score >= floor)


def sus_scores(items: npt.ArrayLike) -> np.ndarray:
    """Per-respondent System Usability Scale (Brooke 1996): items 1–5, in questionnaire
    order; odd items contribute (x − 1), even items (5 − x); the sum × 2.5 gives 0–100.
    Respondents with any item missing get NaN (the SUS is not defined for partial answers)."""
    block = np.asarray(items, dtype=float)
    if block.ndim != 2 or block.shape[1] != 10:
        raise StatsInputError(code=Code.SUS_ITEMS)
    if np.any((block < 1) | (block > 5)):
        raise StatsInputError(code=Code.SUS_ANSWERS)
    odd = block[:, 0::2] - 1
    even = 5 - block[:, 1::2]
    per_respondent: np.ndarray = (odd.sum(axis=1) + even.sum(axis=1)) * 2.5
    return per_respondent


def sus(
    items: npt.ArrayLike, *, weights: npt.ArrayLike | None = None, confidence: float = 0.95
) -> dict[str, Any]:
    """Mean SUS score with its t interval (linearised SE under weights, `mean_estimate`)
    and the Sauro–Lewis grade of the mean."""
    per = sus_scores(items)
    est = mean_estimate(per, weights=weights, confidence=confidence)
    return {
        "n": est["n"],
        "score": est["mean"],
        "sd": est["sd"],
        "ci": [est["ci_low"], est["ci_high"]],
        "grade": sus_grade(est["mean"]),
        "weighted": est["weighted"],
    }


KANO_ANSWERS = ("like", "must_be", "neutral", "live_with", "dislike")
#: Kano evaluation table (Berger et al. 1993, Center for Quality of Management Journal 2(4)):
#: rows = functional answer, columns = dysfunctional answer, both in KANO_ANSWERS order.
KANO_TABLE = (
    ("Q", "A", "A", "A", "O"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "R", "R", "R", "Q"),
)
KANO_CATEGORIES = ("M", "O", "A", "I", "R", "Q")  # also the tie-break order (M > O > A > I)


def kano_category(functional: str, dysfunctional: str) -> str:
    """Category of one answer pair from the evaluation table."""
    try:
        return KANO_TABLE[KANO_ANSWERS.index(functional)][KANO_ANSWERS.index(dysfunctional)]
    except ValueError:
        raise StatsInputError(
            f"Kano answers are {', '.join(KANO_ANSWERS)}; got {functional!r}, {dysfunctional!r}"
        ) from None


def kano(
    functional: pd.Series, dysfunctional: pd.Series, *, weights: npt.ArrayLike | None = None
) -> dict[str, Any]:
    """Kano classification of one feature over respondents.

    category = most frequent of A/O/M/I/R/Q, ties broken M > O > A > I > R > Q (Berger et al.);
    Better = (A + O) / (A + O + M + I),  Worse = −(O + M) / (A + O + M + I)
    (Berger et al. 1993; Timko's customer satisfaction coefficients).
    """
    f = pd.Series(functional).reset_index(drop=True)
    d = pd.Series(dysfunctional).reset_index(drop=True)
    if len(f) != len(d):
        raise StatsInputError("functional and dysfunctional answers differ in length")
    fc = pd.Categorical(f, categories=KANO_ANSWERS).codes
    dc = pd.Categorical(d, categories=KANO_ANSWERS).codes
    bad = ((fc < 0) & f.notna().to_numpy()) | ((dc < 0) & d.notna().to_numpy())
    if bad.any():
        i = int(np.argmax(bad))
        kano_category(f.iloc[i], d.iloc[i])  # raises with the offending pair
    w = np.ones(len(f)) if weights is None else weight_array(weights, len(f))
    both = (fc >= 0) & (dc >= 0) & (w > 0)
    table = np.array([[KANO_CATEGORIES.index(c) for c in row] for row in KANO_TABLE])
    cat_codes = table[fc[both], dc[both]]
    counts = np.bincount(cat_codes, minlength=len(KANO_CATEGORIES))
    sums = np.bincount(cat_codes, weights=w[both], minlength=len(KANO_CATEGORIES))
    raw = {c: int(counts[i]) for i, c in enumerate(KANO_CATEGORIES)}
    weighted = {c: float(sums[i]) for i, c in enumerate(KANO_CATEGORIES)}
    n = len(cat_codes)
    total = sum(weighted.values())
    percent = {c: (weighted[c] / total * 100 if total else math.nan) for c in KANO_CATEGORIES}
    best = max(KANO_CATEGORIES, key=lambda c: (weighted[c], -KANO_CATEGORIES.index(c)))
    core = weighted["A"] + weighted["O"] + weighted["M"] + weighted["I"]
    return {
        "n": n,
        "missing": int(len(f) - n),
        "counts": raw,
        "percent": percent,
        "category": best if n else None,
        "better": (weighted["A"] + weighted["O"]) / core if core else math.nan,
        "worse": -(weighted["O"] + weighted["M"]) / core if core else math.nan,
        "weighted": weights is not None,
    }


IPA_QUADRANTS = {
    (True, False): "concentrate_here",
    (True, True): "keep_up",
    (False, False): "low_priority",
    (False, True): "possible_overkill",
}


def importance_performance(
    importance: dict[str, Any], performance: dict[str, Any]
) -> dict[str, Any]:
    """Importance–performance analysis (Martilla & James 1977, J. Marketing 41(1)).

    Takes mean importance and mean performance per attribute ({attribute: mean}); the axes are
    split at the grand mean of each (the data-centred variant, Bacon 2003), and each attribute
    is placed in a quadrant: high importance & low performance = `concentrate_here`, high &
    high = `keep_up`, low & low = `low_priority`, low importance & high performance =
    `possible_overkill`. Attributes missing from either side are left out.
    """
    common = [
        a
        for a in importance
        if a in performance and not (math.isnan(importance[a]) or math.isnan(performance[a]))
    ]
    if not common:
        return {"importance_mean": math.nan, "performance_mean": math.nan, "attributes": {}}
    imp_mean = float(np.mean([importance[a] for a in common]))
    perf_mean = float(np.mean([performance[a] for a in common]))
    attributes = {
        a: {
            "importance": importance[a],
            "performance": performance[a],
            "quadrant": IPA_QUADRANTS[(importance[a] >= imp_mean, performance[a] >= perf_mean)],
        }
        for a in common
    }
    return {"importance_mean": imp_mean, "performance_mean": perf_mean, "attributes": attributes}
