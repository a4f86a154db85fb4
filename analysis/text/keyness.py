"""Keyness: which words one group uses more than another (log-likelihood G² with Log Ratio).

For a term with frequency a in the target corpus (N1 tokens) and b in the reference (N2):

    E1 = N1 (a + b) / (N1 + N2),  E2 = N2 (a + b) / (N1 + N2)
    G² = 2 (a ln(a / E1) + b ln(b / E2))          (a term with a zero count contributes 0)

as in Rayson & Garside (2000), "Comparing corpora using frequency profiling", and the UCREL
log-likelihood calculator (https://ucrel.lancs.ac.uk/llwizard.html). G² is asymptotically χ²
with 1 degree of freedom; p = ``scipy.stats.chi2.sf(G2, 1)``. The effect size is Hardie's
(2014) Log Ratio, log2((a / N1) / (b / N2)), with 0.5 added to a zero count so that words used
by one group only still get a finite size. Significance says "not chance"; Log Ratio says
"how much more": report both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats


def log_likelihood(a: ArrayLike, b: ArrayLike, n1: float, n2: float) -> np.ndarray:
    """G² of Rayson & Garside (2000) for counts a (target) and b (reference)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    e1 = n1 * (a + b) / (n1 + n2)
    e2 = n2 * (a + b) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return 2 * (t1 + t2)


def log_ratio(a: ArrayLike, b: ArrayLike, n1: float, n2: float) -> np.ndarray:
    """Hardie (2014) Log Ratio, base 2, with 0.5 for a zero count."""
    a = np.where(np.asarray(a, dtype=float) == 0, 0.5, a)
    b = np.where(np.asarray(b, dtype=float) == 0, 0.5, b)
    ratio: np.ndarray = np.log2((a / n1) / (b / n2))
    return ratio


def keyness(
    target: Iterable[Iterable[str]],
    reference: Iterable[Iterable[str]],
    *,
    min_count: int = 3,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Terms over-used by ``target`` relative to ``reference`` (each: documents of terms).

    Columns: ``term``, ``target_count``, ``reference_count``, ``target_per_10k``,
    ``reference_per_10k``, ``g2``, ``p_value``, ``log_ratio``, ``direction`` ("target" or
    "reference": which group uses the term more). Sorted by G², terms with fewer than
    ``min_count`` uses in both groups together dropped. p-values are uncorrected; with many
    terms, read them against a Bonferroni threshold (alpha / number of rows is in ``attrs``).
    """
    target_counts = Counter(term for doc in target for term in doc)
    reference_counts = Counter(term for doc in reference for term in doc)
    n1 = sum(target_counts.values())
    n2 = sum(reference_counts.values())
    if n1 == 0 or n2 == 0:
        raise ValueError("keyness needs terms in both groups")
    terms = sorted(
        t
        for t in target_counts.keys() | reference_counts.keys()
        if target_counts[t] + reference_counts[t] >= min_count
    )
    a = np.array([target_counts[t] for t in terms], dtype=float)
    b = np.array([reference_counts[t] for t in terms], dtype=float)
    g2 = log_likelihood(a, b, n1, n2)
    frame = pd.DataFrame(
        {
            "term": terms,
            "target_count": a.astype(int),
            "reference_count": b.astype(int),
            "target_per_10k": a / n1 * 1e4,
            "reference_per_10k": b / n2 * 1e4,
            "g2": g2,
            "p_value": stats.chi2.sf(g2, 1),
            "log_ratio": log_ratio(a, b, n1, n2),
        }
    )
    frame["direction"] = np.where(a / n1 >= b / n2, "target", "reference")
    frame = frame.sort_values(["g2", "term"], ascending=[False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs.update(target_tokens=n1, reference_tokens=n2)
    frame.attrs["bonferroni_alpha"] = alpha / max(len(frame), 1)
    return frame
