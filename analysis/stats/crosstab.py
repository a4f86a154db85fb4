"""Crosstabs: counts, percentages with intervals, the test of independence, Cramér's V,
cell residuals. Unweighted: Pearson's chi-square (or Fisher's exact test) on the counts.
Under survey weights: weighted shares with design-based intervals and the Rao–Scott
corrected chi-square, R `svychisq(~row + col, design)`."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.stats.design import cell_share_covariance
from analysis.stats.errors import StatsWarning, UnknownColumnError
from analysis.stats.estimates import share_intervals, weight_array, wilson_interval


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
        category_codes = series.cat.codes.to_numpy(dtype=np.int64)
        return category_codes, [str(c) for c in series.cat.categories]
    factor_codes, factor_uniques = pd.factorize(series)
    return np.asarray(factor_codes, dtype=np.int64), [str(u) for u in factor_uniques]


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
        residuals: np.ndarray = (o - expected) / np.sqrt(expected * (1 - rows / n) * (1 - cols / n))
    return residuals


def independence_test(observed: np.ndarray) -> dict[str, Any]:
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
    out: dict[str, Any] = {
        "test": None,
        "chi2": math.nan,
        "dof": 0,
        "p": math.nan,
        "cramers_v": math.nan,
    }
    if o.ndim != 2:
        return out
    rows, cols = _drop_empty(o, out)
    o = o[np.ix_(rows, cols)]
    r, c = o.shape
    n = float(o.sum())
    if r < 2 or c < 2 or n == 0:
        out["note"] = "the test needs at least two non-empty rows and two non-empty columns"
        return out
    chi2, p, dof, expected_table = stats.chi2_contingency(o, correction=False)
    expected = np.asarray(expected_table, dtype=float)
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


def _drop_empty(table: np.ndarray, out: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of `table` with something in them; the rest listed in `out`."""
    rows, cols = table.sum(axis=1) > 0, table.sum(axis=0) > 0
    if not (rows.all() and cols.all()):
        out["dropped_rows"] = np.flatnonzero(~rows).tolist()
        out["dropped_cols"] = np.flatnonzero(~cols).tolist()
        warnings.warn(
            "rows or columns without any count are left out of the independence test",
            StatsWarning,
            stacklevel=4,
        )
    return rows, cols


def _interaction_contrasts(r: int, c: int) -> np.ndarray:
    """A basis of the (r−1)(c−1) cell contrasts orthogonal to both margins, cells in
    row-major order: Kronecker products of e_k − 1/r (rows) and e_l − 1/c (columns)."""
    qr_ = np.eye(r)[:, 1:] - 1 / r
    qc = np.eye(c)[:, 1:] - 1 / c
    return np.kron(qr_, qc)


def rao_scott_test(mass: np.ndarray, squares: np.ndarray, n: int) -> dict[str, Any]:
    """Rao–Scott corrected chi-square test of independence of a weighted table.

    `mass` holds the weighted count of each cell, `squares` the sum of squared weights, `n`
    the units in the table. With p the weighted cell shares, X² = n Σ (p_ij − p_i+ p_+j)² /
    (p_i+ p_+j) is Pearson's statistic on the weighted table scaled to n, and the
    generalised design effects are the eigenvalues of

        Δ = (C′ D⁻¹ C / n)⁻¹ (C′ D⁻¹ V D⁻¹ C),   D = diag(p), V = linearised cov(p),

    C the interaction contrasts (Rao & Scott 1981, JASA 76:221; 1984, Ann. Statist. 12:46).
    First order: X² / mean(δ) against χ²((r−1)(c−1)). Second order (Satterthwaite), the
    default of R `svychisq(~a + b, design, statistic = "F")`: F = X² / tr Δ against
    F(d, d·(n − 1)) with d = (tr Δ)² / tr Δ² (Thomas & Rao 1987, JASA 82:630). `p` is the
    F test's. Empty rows and columns are left out as in `independence_test`.
    """
    out: dict[str, Any] = {
        "test": "rao_scott",
        "chi2": math.nan,
        "dof": 0,
        "p": math.nan,
        "cramers_v": math.nan,
    }
    mass = np.asarray(mass, dtype=float)
    squares = np.asarray(squares, dtype=float)
    rows, cols = _drop_empty(mass, out)
    mass, squares = mass[np.ix_(rows, cols)], squares[np.ix_(rows, cols)]
    r, c = mass.shape
    total = mass.sum()
    if r < 2 or c < 2 or n < 2:
        out["test"] = None
        out["note"] = "the test needs at least two non-empty rows and two non-empty columns"
        return out
    p = mass / total
    expected = np.outer(p.sum(axis=1), p.sum(axis=0))
    chi2 = float(n * ((p - expected) ** 2 / expected).sum())
    cmat = _interaction_contrasts(r, c)
    flat = p.ravel()
    inv_d = np.where(flat > 0, 1 / np.where(flat > 0, flat, 1), 0.0)
    v = cell_share_covariance(flat, squares.ravel() / (total * total), n)
    scaled = cmat * inv_d[:, None]
    denom = cmat.T @ scaled / n
    delta = np.linalg.solve(denom, scaled.T @ v @ scaled)
    trace, trace2 = float(np.trace(delta)), float(np.trace(delta @ delta))
    dof = (r - 1) * (c - 1)
    out.update(chi2=chi2, dof=dof, cramers_v=math.sqrt(chi2 / (n * (min(r, c) - 1))))
    out["expected"] = (expected * n).tolist()
    if trace <= 0:
        out["note"] = "the weighted table has no variance to test"
        return out
    ndf = trace * trace / trace2
    f_stat = chi2 / trace
    out.update(
        f=f_stat,
        ndf=ndf,
        ddf=ndf * (n - 1),
        p=float(stats.f.sf(f_stat, ndf, ndf * (n - 1))),
        mean_design_effect=trace / dof,
        chi2_first_order=chi2 / (trace / dof),
        p_first_order=float(stats.chi2.sf(chi2 / (trace / dof), dof)),
    )
    return out


def design_residuals(mass: np.ndarray, squares: np.ndarray, n: int) -> np.ndarray:
    """Cell residuals under survey weights: d_ij = p_ij − p_i+ p_+j over its linearised SE.

    A unit in cell (a, b) has influence w (1[ab = ij] − p_ij − p_+j(1[a = i] − p_i+) −
    p_i+(1[b = j] − p_+j)) / W on d_ij; all units of a cell share the bracket, so the
    variance sums it squared times the cell's Σw². The Wald form of Haberman's adjusted
    residual (with equal weights it differs from it only by using the observed rather than
    the null variance); |r| > 1.96 marks a cell that differs at 5 %.
    """
    mass = np.asarray(mass, dtype=float)
    total = mass.sum()
    p = mass / total
    pr, pc = p.sum(axis=1), p.sum(axis=0)
    r, c = p.shape
    ia = np.arange(r)[:, None, None, None]  # the unit's row a
    jb = np.arange(c)[None, :, None, None]  # the unit's column b
    ii = np.arange(r)[None, None, :, None]  # the cell (i, j) of the residual
    jj = np.arange(c)[None, None, None, :]
    bracket = (
        ((ia == ii) & (jb == jj))
        - p[None, None]
        - pc[None, None, None, :] * ((ia == ii) - pr[None, None, :, None])
        - pr[None, None, :, None] * ((jb == jj) - pc[None, None, None, :])
    )
    s = np.asarray(squares, dtype=float)[:, :, None, None] / (total * total)
    var = n / (n - 1) * (s * bracket**2).sum(axis=(0, 1)) if n > 1 else np.full(p.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        residuals: np.ndarray = (p - np.outer(pr, pc)) / np.sqrt(var)
    return residuals


def _percent_cis(
    counts: np.ndarray,
    mass: np.ndarray | None,
    squares: np.ndarray | None,
    n: int,
    confidence: float,
) -> dict[str, Any]:
    """Row, column and total percents with intervals (Wilson on counts unweighted; Wilson
    at the design effective n under weights), each as [r][c][low, high] in percent."""
    out: dict[str, Any] = {}
    for name, axis in (("row", 1), ("col", 0), ("total", None)):
        if mass is None or squares is None:  # unweighted: no masses given
            base = counts.sum(axis=axis, keepdims=True) if axis is not None else counts.sum()
            base = np.broadcast_to(base, counts.shape).astype(float)
            low, high = wilson_interval(counts.astype(float), base, confidence=confidence)
        else:
            low, high = np.empty(mass.shape), np.empty(mass.shape)
            groups = range(mass.shape[1 - axis]) if axis is not None else [None]
            for g in groups:
                sel = (slice(None), g) if axis == 0 else (g, slice(None)) if axis == 1 else ...
                m, s = mass[sel], squares[sel]
                _, lo, hi, _, _ = share_intervals(
                    m, s, float(m.sum()), float(s.sum()), n, confidence=confidence
                )
                low[sel], high[sel] = lo, hi
        out[f"{name}_percent_ci"] = np.stack([low * 100, high * 100], axis=-1).tolist()
    return out


def crosstab(
    frame: pd.DataFrame,
    row: str,
    col: str,
    *,
    row_order: list[str] | None = None,
    col_order: list[str] | None = None,
    weights: np.ndarray | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Two-way table of `row` × `col` columns over responses that answered both.

    Returns raw counts, row / column / total percents with intervals (`_percent_cis`),
    the independence test, Cramér's V and cell residuals. Unweighted: `independence_test`
    and Haberman's `adjusted_residuals`. Weighted (survey weights; rows of weight 0 are
    outside the sample): weighted percents, `rao_scott_test` and `design_residuals`.
    Levels with no answer in the joint base are dropped, levels outside
    `row_order`/`col_order` appended.
    """
    for name in (row, col):
        if name not in frame.columns:
            raise UnknownColumnError(location=name)
    a, a_labels = category_codes(frame[row])
    b, b_labels = category_codes(frame[col])
    both = (a >= 0) & (b >= 0)
    if weights is not None:
        weights = weight_array(weights, len(frame))
        both = both & (weights > 0)
    width = len(b_labels)
    cells = len(a_labels) * width
    flat = a[both] * width + b[both]
    shape = (len(a_labels), width)
    counts = np.bincount(flat, minlength=cells).reshape(shape)
    table = counts.astype(float)
    squares = None
    if weights is not None:
        w = weights[both]
        table = np.bincount(flat, weights=w, minlength=cells).reshape(shape)
        squares = np.bincount(flat, weights=w * w, minlength=cells).reshape(shape)
    keep_rows = counts.sum(axis=1) > 0
    keep_cols = counts.sum(axis=0) > 0
    rows = _order([x for x, k in zip(a_labels, keep_rows, strict=True) if k], row_order)
    cols = _order([x for x, k in zip(b_labels, keep_cols, strict=True) if k], col_order)
    ri = [a_labels.index(x) for x in rows]
    ci = [b_labels.index(x) for x in cols]
    counts = counts[np.ix_(ri, ci)]
    table = table[np.ix_(ri, ci)]
    n = int(counts.sum())
    if squares is not None:
        squares = squares[np.ix_(ri, ci)]
    total = table.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        row_pct = table / table.sum(axis=1, keepdims=True) * 100
        col_pct = table / table.sum(axis=0, keepdims=True) * 100
        tot_pct = table / total * 100
    out: dict[str, Any] = {
        "row": row,
        "col": col,
        "n": n,
        "weighted": weights is not None,
        "row_values": rows,
        "col_values": cols,
        "counts": counts.astype(int).tolist(),
        "row_percent": row_pct.tolist(),
        "col_percent": col_pct.tolist(),
        "total_percent": tot_pct.tolist(),
        "confidence": confidence,
    }
    if n:
        out.update(_percent_cis(counts, None if squares is None else table, squares, n, confidence))
    if squares is None:
        out.update(independence_test(counts))
        out["residuals"] = adjusted_residuals(counts).tolist() if n else []
    else:
        out.update(rao_scott_test(table, squares, n))
        out["residuals"] = design_residuals(table, squares, n).tolist() if n else []
    return out


def _order(values: list[str], order: list[str] | None) -> list[str]:
    present = set(values)
    ordered = [str(v) for v in (order or []) if str(v) in present]
    rest = sorted(present - set(ordered), key=_natural)
    return ordered + rest


def _natural(v: str) -> tuple[int, float, str]:
    try:
        return (0, float(v), "")
    except ValueError:
        return (1, 0.0, v)
