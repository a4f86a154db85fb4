"""Reliability of multi-item scales: Cronbach's alpha with its interval and item analysis."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from analysis.stats.errors import Code, StatsInputError, StatsWarning, UnknownColumnError
from analysis.stats.estimates import effective_n
from analysis.stats.matrix import complete_rows

#: Fewer complete respondents than this and α is not computed: with two, the item variances
#: and the total variance each rest on one difference and α can be any number (−2.0 is easy).
MIN_RESPONDENTS = 3


def _alpha(cov: np.ndarray) -> float:
    """α = k/(k−1) · (1 − trace(C) / ΣC) from an item covariance matrix C (any divisor)."""
    k = cov.shape[0]
    total_var = cov.sum()
    if k < 2 or total_var <= 1e-12 * max(np.trace(cov), 1e-300):
        return math.nan
    return float(k / (k - 1) * (1 - np.trace(cov) / total_var))


def _weighted_cov(block: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Σ w (x − x̄_w)(x − x̄_w)' / Σw; with equal weights the n-divisor covariance."""
    centred = block - (w[:, None] * block).sum(axis=0) / w.sum()
    covariance: np.ndarray = (centred * w[:, None]).T @ centred / w.sum()
    return covariance


def _check(
    frame: pd.DataFrame,
    items: list[str],
    reverse: Sequence[str],
    score_range: Mapping[str, tuple[float, float]] | None,
) -> list[str]:
    if len(items) < 2 or len(set(items)) != len(items):
        raise StatsInputError(location="items", code=Code.TOO_FEW_ITEMS)
    for c in items:
        if c not in frame.columns:
            raise UnknownColumnError(location=c)
    reversed_items = list(reverse)
    for c in reversed_items:
        if c not in items:
            raise StatsInputError(location=c, code=Code.REVERSE_NOT_ITEM)
        low_high = (score_range or {}).get(c)
        if low_high is None or len(low_high) != 2 or not low_high[0] < low_high[1]:
            raise StatsInputError(location=c, code=Code.REVERSE_NO_RANGE)
    return reversed_items


def cronbach_alpha(
    frame: pd.DataFrame,
    items: Sequence[str],
    *,
    reverse: Sequence[str] = (),
    score_range: Mapping[str, tuple[float, float]] | None = None,
    weights: npt.ArrayLike | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Cronbach's alpha over respondents who answered every item (listwise).

        α = k/(k−1) · (1 − Σ s²_item / s²_total) = k/(k−1) · (1 − trace C / ΣC)
                                                         (Cronbach 1951, Psychometrika 16:297)
        CI: 1 − (1 − α)·F_{(1∓c)/2}(n−1, (n−1)(k−1))     (Feldt 1965; as pingouin
                                                            `cronbach_alpha(..., ci=.95)`)
    Items in `reverse` are recoded min + max − x first, (min, max) from `score_range`
    (`report.score_range` reads them from the definition's scores, never from the data).
    Per item (`item_analysis`): mean and SD (after recoding), α if the item is deleted, and
    the corrected item–total correlation `item_total_r` (the item against the sum of the
    others). R: `psych::alpha(df, keys = reverse)` (`alpha.drop`, `r.drop`, `mean`, `sd`).

    With `weights` (probability weights), C is the weighted covariance matrix, item means,
    SDs and correlations are weighted, and Feldt's interval uses Kish's effective n
    (`ci_method = "feldt_kish"`, an approximation; unweighted `"feldt"`).

    `caution` names what the reader must know: `too_few_respondents` (fewer than
    `MIN_RESPONDENTS` complete; α not computed), `no_total_variance` (every respondent has the
    same total; α undefined), `negative_alpha` (α < 0: the items correlate negatively on
    average, most often because an item is reverse-keyed and was not recoded). Each comes with
    a `StatsWarning`.
    """
    items = list(items)
    reverse = _check(frame, items, reverse, score_range)
    block, w = complete_rows(frame, items, weights)
    ranges = score_range or {}  # `_check` made sure every reversed item has one
    for c in reverse:
        j = items.index(c)
        low, high = ranges[c]
        block[:, j] = low + high - block[:, j]
    n, k = block.shape
    n_eff = effective_n(None if weights is None else w, n)
    cov = _weighted_cov(block, w) if n else np.zeros((k, k))
    caution = None
    if n < MIN_RESPONDENTS:
        alpha, caution = math.nan, "too_few_respondents"
    else:
        alpha = _alpha(cov)
        if math.isnan(alpha):
            caution = "no_total_variance"
        elif alpha < 0:
            caution = "negative_alpha"
    if caution is not None:
        warnings.warn(
            {
                "too_few_respondents": f"Cronbach's α needs {MIN_RESPONDENTS} complete "
                f"respondents, got {n}",
                "no_total_variance": "Cronbach's α is undefined: every total is the same",
                "negative_alpha": "Cronbach's α is negative: items may be reverse-keyed",
            }[caution],
            StatsWarning,
            stacklevel=2,
        )
    out: dict[str, Any] = {
        "items": items,
        "reverse": reverse,
        "n": int(n),
        "k": k,
        "alpha": alpha,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "confidence": confidence,
        "ci_method": "feldt" if weights is None else "feldt_kish",
        "weighted": weights is not None,
        "caution": caution,
        "item_analysis": {},
    }
    if not math.isnan(alpha):
        df1, df2 = n_eff - 1, (n_eff - 1) * (k - 1)
        out["ci_low"] = float(1 - (1 - alpha) * stats.f.isf((1 - confidence) / 2, df1, df2))
        out["ci_high"] = float(1 - (1 - alpha) * stats.f.isf(1 - (1 - confidence) / 2, df1, df2))
    mean = (w[:, None] * block).sum(axis=0) / w.sum() if n else np.full(k, math.nan)
    sd_factor = n_eff / (n_eff - 1) if n_eff > 1 else math.nan
    for j, name in enumerate(items):
        rest = [i for i in range(k) if i != j]
        if_deleted = _alpha(cov[np.ix_(rest, rest)]) if k > 2 and n >= MIN_RESPONDENTS else math.nan
        r = math.nan
        if n > 2:
            # cov(item, rest) / √(var item · var rest), from the same covariance matrix
            var_rest = cov[np.ix_(rest, rest)].sum()
            if cov[j, j] > 0 and var_rest > 0:
                r = float(cov[j, rest].sum() / math.sqrt(cov[j, j] * var_rest))
        out["item_analysis"][name] = {
            "mean": float(mean[j]),
            "sd": math.sqrt(cov[j, j] * sd_factor) if n > 1 else math.nan,
            "alpha_if_deleted": if_deleted,
            "item_total_r": r,
            "reversed": name in reverse,
        }
    return out
