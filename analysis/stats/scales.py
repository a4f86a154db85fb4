"""Reliability of multi-item scales: Cronbach's alpha with its interval and item analysis."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from analysis.stats.errors import StatsInputError


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
    """
    if len(items) < 2:
        raise StatsInputError("a scale needs at least two items", "items")
    for c in items:
        if c not in frame.columns:
            raise StatsInputError("no such column in the response table", c)
    data = frame[items].apply(pd.to_numeric, errors="coerce").dropna()
    block = data.to_numpy(dtype=float)
    n, k = block.shape
    alpha = _alpha(block) if n > 1 else math.nan
    out = {
        "items": list(items),
        "n": int(n),
        "k": k,
        "alpha": alpha,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "confidence": confidence,
        "item_analysis": {},
    }
    if n > 2 and not math.isnan(alpha):
        df1, df2 = n - 1, (n - 1) * (k - 1)
        out["ci_low"] = float(1 - (1 - alpha) * stats.f.isf((1 - confidence) / 2, df1, df2))
        out["ci_high"] = float(1 - (1 - alpha) * stats.f.isf(1 - (1 - confidence) / 2, df1, df2))
    for j, name in enumerate(items):
        rest = np.delete(block, j, axis=1)
        if_deleted = _alpha(rest) if k > 2 and n > 1 else math.nan
        others = rest.sum(axis=1)
        r = math.nan
        if n > 2 and np.ptp(block[:, j]) > 0 and np.ptp(others) > 0:
            r = float(np.corrcoef(block[:, j], others)[0, 1])
        out["item_analysis"][name] = {"alpha_if_deleted": if_deleted, "item_total_r": r}
    return out
