"""Keywords and phrases of a set of documents: frequencies, TF-IDF, TextRank, collocations.

All statistics read documents prepared once by :func:`corpus.prepare` and the same term filter
(shipped stop words, content parts of speech), so a word counted here is the word KWIC finds.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.text.corpus import DEFAULT_FILTER, Document, TermFilter, sentence_terms
from analysis.text.tokenize import term_key

# Below this many documents the study's own document frequencies are too coarse for IDF and
# the background IDF shipped with jieba (a general Chinese corpus) is used instead.
MIN_DOCS_FOR_STUDY_IDF = 20


def term_frequencies(
    docs: Iterable[Document],
    *,
    by: str | None = None,
    term_filter: TermFilter = DEFAULT_FILTER,
) -> pd.DataFrame:
    """Counts of each term (and documents containing it), overall or per ``meta[by]`` value.

    Columns: [``by``,] ``term``, ``count``, ``documents``; sorted by group, then count.
    """
    counts: defaultdict[str | None, Counter[str]] = defaultdict(Counter)
    doc_counts: defaultdict[str | None, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        key = doc.meta.get(by) if by else None
        terms = term_filter.terms(doc.tokens)
        counts[key].update(terms)
        doc_counts[key].update(set(terms))
    rows = [
        {**({by: key} if by else {}), "term": term, "count": n, "documents": doc_counts[key][term]}
        for key in counts
        for term, n in counts[key].items()
    ]
    columns = [*([by] if by else []), "term", "count", "documents"]
    frame = pd.DataFrame(rows, columns=columns)
    sort = [*([by] if by else []), "count", "term"]
    ascending = [*([True] if by else []), False, True]
    return frame.sort_values(sort, ascending=ascending, kind="stable").reset_index(drop=True)


@cache
def background_idf() -> tuple[dict[str, float], float]:
    """jieba's IDF table (general Chinese corpus) and its median for unseen words."""
    path = files("jieba") / "analyse" / "idf.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, value = line.partition(" ")
        if value:
            table[word] = float(value)
    return table, float(np.median(list(table.values())))


def tfidf_keywords(
    docs: Iterable[Document],
    *,
    top: int = 20,
    idf: str = "auto",
    term_filter: TermFilter = DEFAULT_FILTER,
) -> pd.DataFrame:
    """Terms ranked by corpus TF × IDF.

    ``idf="study"`` uses the documents themselves, idf = ln((1 + N) / (1 + df)) + 1 (the
    smoothed form of scikit-learn's ``TfidfTransformer``); ``"background"`` uses jieba's
    general-corpus table; ``"auto"`` picks the study when it has ≥ 20 documents.
    Columns: ``term``, ``count``, ``documents``, ``idf``, ``tfidf`` (count / total × idf).
    """
    tf: Counter[str] = Counter()
    df: Counter[str] = Counter()
    n_docs = 0
    for doc in docs:
        terms = term_filter.terms(doc.tokens)
        tf.update(terms)
        df.update(set(terms))
        n_docs += 1
    if idf not in ("auto", "study", "background"):
        raise ValueError(f"idf must be auto, study or background, not {idf!r}")
    use_study = idf == "study" or (idf == "auto" and n_docs >= MIN_DOCS_FOR_STUDY_IDF)
    total = sum(tf.values()) or 1
    table, median = ({}, 0.0) if use_study else background_idf()
    rows = []
    for term, count in tf.items():
        if use_study:
            weight = math.log((1 + n_docs) / (1 + df[term])) + 1
        else:
            weight = table.get(term, median)
        rows.append((term, count, df[term], weight, count / total * weight))
    frame = pd.DataFrame(rows, columns=["term", "count", "documents", "idf", "tfidf"])
    frame = frame.sort_values(["tfidf", "term"], ascending=[False, True], kind="stable")
    frame.attrs["idf_source"] = "study" if use_study else "background"
    return frame.head(top).reset_index(drop=True)


def textrank_keywords(
    docs: Iterable[Document],
    *,
    top: int = 20,
    window: int = 5,
    damping: float = 0.85,
    term_filter: TermFilter = DEFAULT_FILTER,
) -> pd.DataFrame:
    """TextRank (Mihalcea & Tarau 2004): PageRank on the graph of terms co-occurring within
    ``window`` terms of each other in a sentence. Columns: ``term``, ``count``, ``score``."""
    edges: Counter[tuple[str, str]] = Counter()
    tf: Counter[str] = Counter()
    for doc in docs:
        for terms in sentence_terms(doc, term_filter):
            tf.update(terms)
            for i, a in enumerate(terms):
                for b in terms[i + 1 : i + window]:
                    if a != b:
                        edges[(a, b) if a < b else (b, a)] += 1
    vocab = sorted(tf)
    if not vocab:
        return pd.DataFrame(columns=["term", "count", "score"])
    index = {t: i for i, t in enumerate(vocab)}
    rows = [index[a] for a, _ in edges] + [index[b] for _, b in edges]
    cols = [index[b] for _, b in edges] + [index[a] for a, _ in edges]
    weights = np.asarray(list(edges.values()) * 2, dtype=np.float64)
    W = sparse.csr_matrix((weights, (rows, cols)), shape=(len(vocab), len(vocab)))
    out_degree = np.asarray(W.sum(axis=1)).ravel()
    out_degree[out_degree == 0] = 1.0
    M = sparse.csr_matrix((sparse.diags(1 / out_degree) @ W).T)
    score = np.full(len(vocab), 1.0 / len(vocab))
    for _ in range(100):
        new = (1 - damping) / len(vocab) + damping * (M @ score)
        if np.abs(new - score).sum() < 1e-10:
            score = new
            break
        score = new
    frame = pd.DataFrame({"term": vocab, "count": [tf[t] for t in vocab], "score": score})
    frame = frame.sort_values(["score", "term"], ascending=[False, True], kind="stable")
    return frame.head(top).reset_index(drop=True)


def phrases(
    docs: Iterable[Document],
    *,
    top: int = 20,
    min_count: int = 3,
    term_filter: TermFilter = DEFAULT_FILTER,
) -> pd.DataFrame:
    """Multi-word phrases: adjacent content tokens (售后 服务, 电池 续航) ranked by PMI.

    Two tokens are adjacent when nothing but whitespace separates them in the text, so a
    phrase is a stretch of the original text (its ``phrase`` column is that stretch with
    spaces kept only between English words). PMI = log2(p(ab) / (p(a) p(b))) over adjacent
    pairs; ``min_count`` keeps rare pairs from topping the list (PMI favours them).
    Columns: ``phrase``, ``first``, ``second``, ``count``, ``pmi``.
    """
    unigrams: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    surface: dict[tuple[str, str], str] = {}
    for doc in docs:
        previous = None
        for token in doc.tokens:
            if token.text.isspace():
                continue
            if not term_filter.terms([token]):
                previous = None
                continue
            key = term_key(token.text)
            unigrams[key] += 1
            if previous is not None:
                pair = (term_key(previous.text), key)
                pairs[pair] += 1
                if pair not in surface:
                    gap = " " if previous.end < token.start else ""
                    surface[pair] = previous.text + gap + token.text
            previous = token
    n_uni = sum(unigrams.values()) or 1
    n_pair = sum(pairs.values()) or 1
    rows = []
    for (a, b), n in pairs.items():
        if n >= min_count:
            pmi = math.log2((n / n_pair) / ((unigrams[a] / n_uni) * (unigrams[b] / n_uni)))
            rows.append((surface[(a, b)], a, b, n, pmi))
    frame = pd.DataFrame(rows, columns=["phrase", "first", "second", "count", "pmi"])
    frame = frame.sort_values(["pmi", "count", "phrase"], ascending=[False, False, True])
    return frame.head(top).reset_index(drop=True)


def frequencies_by(
    docs: Sequence[Document], by: str, *, top: int = 10, term_filter: TermFilter = DEFAULT_FILTER
) -> pd.DataFrame:
    """Top terms per speaker or participant attribute (``meta[by]``)."""
    frame = term_frequencies(docs, by=by, term_filter=term_filter)
    return frame.groupby(by, sort=True, dropna=False).head(top).reset_index(drop=True)
