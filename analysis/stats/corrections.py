"""Multiple-comparison corrections that keep NaNs in place and the input's shape."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def _flat(pvalues: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    p = np.asarray(pvalues, dtype=float)
    flat = p.ravel().copy()
    if np.any((flat[~np.isnan(flat)] < 0) | (flat[~np.isnan(flat)] > 1)):
        raise ValueError("p-values lie between 0 and 1")
    return flat, ~np.isnan(flat), p.shape


def benjamini_hochberg(pvalues: npt.ArrayLike) -> np.ndarray:
    """False-discovery-rate adjusted p-values (Benjamini & Hochberg 1995, JRSS-B 57:289).

        p̃(i) = min_{j ≥ i} min(1, m · p(j) / j)   over the m non-missing p-values, sorted.

    NaNs stay NaN and do not count in m. R: `p.adjust(p, "BH")`; statsmodels:
    `multipletests(p, method="fdr_bh")[1]`.
    """
    flat, valid, shape = _flat(pvalues)
    p = flat[valid]
    m = p.size
    if m:
        order = np.argsort(p, kind="stable")
        ranked = p[order] * m / np.arange(1, m + 1)
        adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
        out = np.empty(m)
        out[order] = np.minimum(adjusted, 1.0)
        flat[valid] = out
    return flat.reshape(shape)


def holm(pvalues: npt.ArrayLike) -> np.ndarray:
    """Holm's step-down family-wise correction (Holm 1979, Scand. J. Statist. 6:65).

    p̃(i) = max_{j ≤ i} min(1, (m − j + 1) · p(j)).   R: `p.adjust(p, "holm")`.
    """
    flat, valid, shape = _flat(pvalues)
    p = flat[valid]
    m = p.size
    if m:
        order = np.argsort(p, kind="stable")
        ranked = p[order] * (m - np.arange(m))
        adjusted = np.maximum.accumulate(np.minimum(ranked, 1.0))
        out = np.empty(m)
        out[order] = adjusted
        flat[valid] = out
    return flat.reshape(shape)
