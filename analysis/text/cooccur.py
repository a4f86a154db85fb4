"""Co-occurring term pairs for a network chart, scored by (normalised) PMI.

Two terms co-occur when they appear in the same sentence. Over S sentences, with s(x) the
sentences containing x and s(x, y) those containing both:

    PMI(x, y)  = log2( (s(x, y) / S) / ((s(x) / S) (s(y) / S)) )
    NPMI(x, y) = PMI(x, y) / -log2(s(x, y) / S)        (Bouma 2009; in [-1, 1])

NPMI is the edge weight to draw: unlike PMI it does not favour pairs of rare words.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from itertools import combinations

import pandas as pd

from analysis.text.corpus import DEFAULT_FILTER, Document, TermFilter, sentence_terms


def cooccurrence(
    docs: Iterable[Document],
    *,
    min_count: int = 3,
    top: int = 100,
    term_filter: TermFilter = DEFAULT_FILTER,
) -> pd.DataFrame:
    """Term pairs with ``count`` ≥ ``min_count``, sorted by NPMI then count.

    Columns: ``source``, ``target`` (source < target), ``count``, ``source_count``,
    ``target_count`` (sentences with each term), ``pmi``, ``npmi``.
    """
    single: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    n_sentences = 0
    for doc in docs:
        for terms in sentence_terms(doc, term_filter):
            n_sentences += 1
            unique = sorted(set(terms))
            single.update(unique)
            pairs.update(combinations(unique, 2))
    rows = []
    for (a, b), n in pairs.items():
        if n < min_count:
            continue
        p_ab = n / n_sentences
        pmi = math.log2(p_ab / ((single[a] / n_sentences) * (single[b] / n_sentences)))
        npmi = pmi / -math.log2(p_ab) if p_ab < 1 else 1.0
        rows.append((a, b, n, single[a], single[b], pmi, npmi))
    columns = ["source", "target", "count", "source_count", "target_count", "pmi", "npmi"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.sort_values(
        ["npmi", "count", "source", "target"], ascending=[False, False, True, True]
    )
    frame.attrs["sentences"] = n_sentences
    return frame.head(top).reset_index(drop=True)
