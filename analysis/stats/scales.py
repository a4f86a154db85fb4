"""Reliability of multi-item scales: Cronbach's alpha with its interval and item analysis."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from analysis.stats.errors import StatsInputError, StatsWarning

#: Fewer complete respondents than this and α is not computed: with two, the item variances
#: and the total variance each rest on one difference and α can be any number (−2.0 is easy).
MIN_RESPONDENTS = 3


def _alpha(block: np.ndarray) -> float:
    k = block.shape[1]
    total_var = block.sum(axis=1).var(ddof=1)
    if k < 2 or total_var == 0:
        return math.nan
    return k / (k - 1) * (1 - block.var(axis=0, ddof=1).sum() / total_var)


def cronbach_alpha(frame: pd.DataFrame, items: list[str], *, confidence: float = 0.95) -> dict:
    """Cronbach's alpha over respondents who answered every item (listwise).

        α = k/(k−1) · (1 − Σ s²_item / s²_total)          (Cronbach 1951, Psychometrika 16:297)
        CI: 1 − (1 − α)·F_{(1∓c)/2}(n−1, (n−1)(k−1))     (Feldt 1965; as pingouin
                                                            `cronbach_alpha(..., ci=.95)`)
    Also, per item: alpha if the item is deleted and the corrected item–total correlation
    (the item against the sum of the others). R: `psych::alpha(df)`.
    Reverse-keyed items must be recoded by the caller before.

    `caution` names what the reader must know: `too_few_respondents` (fewer than
    `MIN_RESPONDENTS` complete; α not computed), `no_total_variance` (every respondent has the
    same total; α undefined), `negative_alpha` (α < 0: the items correlate negatively on
    average, most often because an item is reverse-keyed and was not recoded). Each comes with
    a `StatsWarning`.
    """
    if len(items) < 2:
        raise StatsInputError("a scale needs at least two items", "items")
    for c in items:
        if c not in frame.columns:
            raise StatsInputError("no such column in the response table", c)
    data = frame[items].apply(pd.to_numeric, errors="coerce").dropna()
    block = data.to_numpy(dtype=float)
    n, k = block.shape
    caution = None
    if n < MIN_RESPONDENTS:
        alpha, caution = math.nan, "too_few_respondents"
    else:
        alpha = _alpha(block)
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
    out = {
        "items": list(items),
        "n": int(n),
        "k": k,
        "alpha": alpha,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "confidence": confidence,
        "caution": caution,
        "item_analysis": {},
    }
    if not math.isnan(alpha):
        df1, df2 = n - 1, (n - 1) * (k - 1)
        out["ci_low"] = float(1 - (1 - alpha) * stats.f.isf((1 - confidence) / 2, df1, df2))
        out["ci_high"] = float(1 - (1 - alpha) * stats.f.isf(1 - (1 - confidence) / 2, df1, df2))
    for j, name in enumerate(items):
        rest = np.delete(block, j, axis=1)
        if_deleted = _alpha(rest) if k > 2 and n >= MIN_RESPONDENTS else math.nan
        others = rest.sum(axis=1)
        r = math.nan
        if n > 2 and np.ptp(block[:, j]) > 0 and np.ptp(others) > 0:
            r = float(np.corrcoef(block[:, j], others)[0, 1])
        out["item_analysis"][name] = {"alpha_if_deleted": if_deleted, "item_total_r": r}
    return out
