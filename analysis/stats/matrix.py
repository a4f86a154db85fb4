"""Correlation matrix of several scored questions, pairwise complete, with BH-adjusted p."""

from __future__ import annotations

import inspect
import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.stats.corrections import benjamini_hochberg
from analysis.stats.correlation import correlation
from analysis.stats.errors import Code, StatsInputError, UnknownColumnError
from analysis.stats.estimates import numeric_array

#: Said beside a statistic that was asked for with weights but computed without them.
UNWEIGHTED_NOTE = "unweighted: this statistic does not take survey weights yet"


def numeric_block(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The columns as a float matrix (rows × columns): blanks NaN; text that is not a number
    a `StatsInputError` naming the column; ±inf left out as blanks with a `StatsWarning`."""
    for c in columns:
        if c not in frame.columns:
            raise UnknownColumnError(location=c)
    out = np.empty((len(frame), len(columns)))
    for j, c in enumerate(columns):
        try:
            x = frame[c].to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            raise StatsInputError(location=c, code=Code.NOT_NUMERIC) from None
        out[:, j] = numeric_array(x, c)
    return out


def complete_rows(
    frame: pd.DataFrame, columns: list[str], weights: npt.ArrayLike | None
) -> tuple[np.ndarray, np.ndarray]:
    """The rows of `numeric_block` answered in every column and of positive weight (listwise
    complete cases), and their weights (1 each without weights)."""
    numbers = numeric_block(frame, columns)
    w_all = np.ones(len(frame)) if weights is None else np.asarray(weights, dtype=float)
    if w_all.shape != (len(frame),):
        raise StatsInputError(location="weights", code=Code.WEIGHTS_LENGTH)
    complete = ~np.isnan(numbers).any(axis=1) & ~np.isnan(w_all) & (w_all > 0)
    return numbers[complete], w_all[complete]


def correlation_takes_weights() -> bool:
    """Whether `correlation()` accepts `weights=` (added by the survey-weights work)."""
    return "weights" in inspect.signature(correlation).parameters


def pair_correlation(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    method: str = "pearson",
    weights: npt.ArrayLike | None = None,
    confidence: float = 0.95,
) -> tuple[dict[str, Any], bool]:
    """`correlation()` of one pair, weighted when weights are given and it can be:
    returns (result, whether it is weighted)."""
    if weights is not None and correlation_takes_weights():
        return correlation(x, y, method=method, confidence=confidence, weights=weights), True
    return correlation(x, y, method=method, confidence=confidence), False


def correlation_matrix(
    frame: pd.DataFrame,
    columns: list[str],
    *,
    method: str = "pearson",
    weights: npt.ArrayLike | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Every pair of `columns` (numbers; scored answers, see `report.scored_block`) through
    `correlation.correlation`, each over the respondents who answered both (pairwise
    deletion, so `n` differs by pair and is shown). The p-values of the k(k−1)/2 distinct
    pairs are adjusted together by Benjamini–Hochberg (R `p.adjust(p, "BH")`); the matrix is
    symmetric, its diagonal r = 1 with p = None. R: `psych::corr.test(df, adjust = "BH")`
    (its `p` above the diagonal is adjusted, ours is a separate `p_adjusted` matrix).

    Returns {"columns", "method", "r", "n", "p", "p_adjusted", "ci_low", "ci_high" (k×k
    lists), "confidence", "correction": "benjamini_hochberg", "tests": k(k−1)/2,
    "weighted", "note"}: `weighted` is False and `note` says so when weights were given but
    `correlation()` cannot take them.
    """
    if method not in ("pearson", "spearman"):
        raise StatsInputError(location="method", code=Code.CORRELATION_METHOD)
    if len(columns) < 2 or len(set(columns)) != len(columns):
        raise StatsInputError(location="columns", code=Code.TOO_FEW_COLUMNS)
    block = numeric_block(frame, columns)
    data = {c: block[:, j] for j, c in enumerate(columns)}
    k = len(columns)
    fields = ("r", "p", "ci_low", "ci_high")
    mats = {f: np.full((k, k), math.nan) for f in fields}
    n = np.zeros((k, k), dtype=int)
    weighted = False
    for i in range(k):
        n[i, i] = int((~np.isnan(data[columns[i]])).sum())
        mats["r"][i, i] = 1.0
        for j in range(i + 1, k):
            res, weighted = pair_correlation(
                data[columns[i]],
                data[columns[j]],
                method=method,
                weights=weights,
                confidence=confidence,
            )
            n[i, j] = n[j, i] = res["n"]
            for f in fields:
                mats[f][i, j] = mats[f][j, i] = res[f]
    upper = np.triu_indices(k, 1)
    adjusted = np.full((k, k), math.nan)
    adjusted[upper] = benjamini_hochberg(mats["p"][upper])
    adjusted.T[upper] = adjusted[upper]
    return {
        "columns": list(columns),
        "method": method,
        "n": n.tolist(),
        **{f: mats[f].tolist() for f in fields},
        "p_adjusted": adjusted.tolist(),
        "confidence": confidence,
        "correction": "benjamini_hochberg",
        "tests": k * (k - 1) // 2,
        "weighted": weighted,
        "note": UNWEIGHTED_NOTE if weights is not None and not weighted else None,
    }
