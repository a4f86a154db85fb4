"""Crosstabs: counts, percentages, the test of independence, Cramér's V, cell residuals."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from analysis.stats.errors import StatsWarning, UnknownColumnError


def value_label(v: float) -> str:
    """A number as a category label: whole floats (a rating read as 4.0) print as "4"."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def category_codes(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes (−1 = blank) and the label of each code, for any column."""
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=float)
        keep = ~np.isnan(values)
        uniques = np.unique(values[keep])
        codes = np.full(len(values), -1, dtype=np.int64)
        codes[keep] = np.searchsorted(uniques, values[keep])
        return codes, [value_label(u) for u in uniques]
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy(dtype=np.int64)
        return codes, [str(c) for c in series.cat.categories]
    codes, uniques = pd.factorize(series)
    return np.asarray(codes, dtype=np.int64), [str(u) for u in uniques]


def adjusted_residuals(observed: np.ndarray) -> np.ndarray:
    """Adjusted standardised residuals (Haberman 1973, Biometrics 29:205; Agresti 2007, *An
    Introduction to Categorical Data Analysis* 2nd ed. §2.4.5):

        r_ij = (n_ij − μ_ij) / √(μ_ij (1 − p_i+)(1 − p_+j)),   μ_ij = n_i+ n_+j / n

    Approximately N(0, 1) under independence: |r| > 1.96 marks a cell that differs (5 %).
    """
    o = np.asarray(observed, dtype=float)
    n = o.sum()
    rows = o.sum(axis=1, keepdims=True)
    cols = o.sum(axis=0, keepdims=True)
    expected = rows * cols / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return (o - expected) / np.sqrt(expected * (1 - rows / n) * (1 - cols / n))


def independence_test(observed: np.ndarray) -> dict:
    """Pearson's chi-square test of independence, or Fisher's exact test for a 2×2 table
    with an expected count under 5 (Cochran 1954's rule).

    chi² = Σ (O − E)² / E without Yates' correction (scipy: `chi2_contingency(t,
    correction=False)`; R: `chisq.test(t, correct = FALSE)`). Cramér's V = √(chi² / (n·(min(r,
    c) − 1))) is reported with both tests (Cramér 1946). Rows and columns with no count carry
    no information and would make an expected count zero: they are left out of the test,
    listed in `dropped_rows` / `dropped_cols` (indices) with a `StatsWarning`. A table with
    fewer than two non-empty rows or columns has no test: p is NaN and `note` says why.
    """
    o = np.asarray(observed, dtype=float)
    out = {"test": None, "chi2": math.nan, "dof": 0, "p": math.nan, "cramers_v": math.nan}
    if o.ndim != 2:
        return out
    rows, cols = o.sum(axis=1) > 0, o.sum(axis=0) > 0
    if not (rows.all() and cols.all()):
        out["dropped_rows"] = np.flatnonzero(~rows).tolist()
        out["dropped_cols"] = np.flatnonzero(~cols).tolist()
        warnings.warn(
            "rows or columns without any count are left out of the independence test",
            StatsWarning,
            stacklevel=3,
        )
        o = o[np.ix_(rows, cols)]
    r, c = o.shape
    n = float(o.sum())
    if r < 2 or c < 2 or n == 0:
        out["note"] = "the test needs at least two non-empty rows and two non-empty columns"
        return out
    chi2, p, dof, expected = stats.chi2_contingency(o, correction=False)
    out.update(test="chi2", chi2=float(chi2), dof=int(dof), p=float(p))
    out["cramers_v"] = math.sqrt(chi2 / (n * (min(r, c) - 1)))
    if r == 2 and c == 2 and expected.min() < 5:
        out["test"] = "fisher"
        out["odds_ratio"], out["p"] = (float(v) for v in stats.fisher_exact(o.astype(int)))
    elif (expected < 5).mean() > 0.2:
        warnings.warn(
            "more than 20 % of expected counts are under 5: the chi-square p-value is rough",
            StatsWarning,
            stacklevel=3,
        )
        out["small_expected"] = True
    out["expected"] = expected.tolist()
    return out


def crosstab(
    frame: pd.DataFrame,
    row: str,
    col: str,
    *,
    row_order: list[str] | None = None,
    col_order: list[str] | None = None,
    weights: np.ndarray | None = None,
) -> dict:
    """Two-way table of `row` × `col` columns over responses that answered both.

    Returns counts, row / column / total percents (weighted if weights are given), the
    independence test (`independence_test`, always on raw counts: a weighted chi-square needs
    a design correction we do not guess), Cramér's V and adjusted residuals. Levels with no
    answer in the joint base are dropped, levels outside `row_order`/`col_order` appended.
    """
    for name in (row, col):
        if name not in frame.columns:
            raise UnknownColumnError(location=name)
    a, a_labels = category_codes(frame[row])
    b, b_labels = category_codes(frame[col])
    both = (a >= 0) & (b >= 0)
    width = len(b_labels)
    cells = len(a_labels) * width
    flat = a[both] * width + b[both]
    counts = np.bincount(flat, minlength=cells).reshape(len(a_labels), width)
    table = counts.astype(float)
    if weights is not None:
        w = np.asarray(weights, dtype=float)[both]
        table = np.bincount(flat, weights=w, minlength=cells).reshape(len(a_labels), width)
    keep_rows = counts.sum(axis=1) > 0
    keep_cols = counts.sum(axis=0) > 0
    rows = _order([x for x, k in zip(a_labels, keep_rows, strict=True) if k], row_order)
    cols = _order([x for x, k in zip(b_labels, keep_cols, strict=True) if k], col_order)
    ri = [a_labels.index(x) for x in rows]
    ci = [b_labels.index(x) for x in cols]
    counts = counts[np.ix_(ri, ci)]
    table = table[np.ix_(ri, ci)]
    total = table.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        row_pct = table / table.sum(axis=1, keepdims=True) * 100
        col_pct = table / table.sum(axis=0, keepdims=True) * 100
        tot_pct = table / total * 100
    out = {
        "row": row,
        "col": col,
        "n": int(counts.sum()),
        "row_values": rows,
        "col_values": cols,
        "counts": counts.astype(int).tolist(),
        "row_percent": row_pct.tolist(),
        "col_percent": col_pct.tolist(),
        "total_percent": tot_pct.tolist(),
    }
    out.update(independence_test(counts))
    if counts.size and counts.sum():
        out["residuals"] = adjusted_residuals(counts).tolist()
    else:
        out["residuals"] = []
    return out


def _order(values: list[str], order: list[str] | None) -> list[str]:
    present = set(values)
    ordered = [str(v) for v in (order or []) if str(v) in present]
    rest = sorted(present - set(ordered), key=_natural)
    return ordered + rest


def _natural(v: str):
    try:
        return (0, float(v), "")
    except ValueError:
        return (1, 0.0, v)
