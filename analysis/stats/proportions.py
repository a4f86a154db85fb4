"""Column-proportion tests of a banner table: which columns' shares differ, as letters."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def column_letters(counts, *, alpha: float = 0.05) -> list[list[list[str]]]:
    """For each cell of a rows × columns table of counts, the letters of the columns whose
    share of the row is significantly lower than this column's (A = first column).

    Each pair of columns is compared in each row with the two-sample z-test of proportions
    with the pooled proportion (Agresti 2007, *An Introduction to Categorical Data
    Analysis* 2nd ed. §1.4; statsmodels `proportions_ztest([x1, x2], [n1, n2])`):

        z = (p1 − p2) / √(p̄(1 − p̄)(1/n1 + 1/n2)),   p̄ = (x1 + x2) / (n1 + n2)

    and the two-sided p is Bonferroni-adjusted by the number of column pairs in the row, as
    SPSS Custom Tables' "compare column proportions" does (IBM SPSS Custom Tables 29,
    "Significance testing"). A pair with a pooled share of 0 or 1, or a column of fewer than
    two answers, is not tested. Letters are computed on the counts as given (unweighted).
    """
    o = np.asarray(counts, dtype=float)
    rows, cols = o.shape if o.ndim == 2 else (0, 0)
    bases = o.sum(axis=0) if rows else np.zeros(cols)
    pairs = cols * (cols - 1) // 2
    out = [[[] for _ in range(cols)] for _ in range(rows)]
    for i in range(rows):
        for a in range(cols):
            for b in range(a + 1, cols):
                na, nb = bases[a], bases[b]
                if na < 2 or nb < 2:
                    continue
                pooled = (o[i, a] + o[i, b]) / (na + nb)
                if pooled <= 0 or pooled >= 1:
                    continue
                diff = o[i, a] / na - o[i, b] / nb
                z = diff / math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
                p = min(1.0, 2 * stats.norm.sf(abs(z)) * pairs)
                if p < alpha:
                    higher, lower = (a, b) if diff > 0 else (b, a)
                    out[i][higher].append(column_letter(lower))
    return out


def column_letter(i: int) -> str:
    """A, B, …, Z, AA, AB, … (SPSS Custom Tables names banner columns this way)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out
