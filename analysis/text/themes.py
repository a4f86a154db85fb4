"""Themes: open answers grouped without labels, each named by its distinctive terms.

The answers' content terms (the segmentation and stop words every keyword statistic uses)
are weighted by TF-IDF and factorised by NMF (scikit-learn); an answer belongs to the theme of
its largest weight, or to none when it has no term in the vocabulary. A theme is named by its
three heaviest terms, and shown with its six, its count and the answers that weigh most on
it. NNDSVD initialisation and a fixed seed: the same answers give the same themes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.text.corpus import document_terms, prepare
from analysis.text.tokenize import UserDict

MAX_THEMES = 12
LABEL_TERMS = 3


@dataclass(frozen=True)
class Theme:
    label: str  # its three heaviest terms, 、-joined
    terms: list[str]
    count: int  # answers whose largest weight is this theme
    quotes: list[str]  # the answers weighing most on it, heaviest first
    members: list[int]  # positions of its answers in the input

    def as_dict(self) -> dict[str, Any]:
        """What the command line prints: label, terms, count, quotes."""
        return {
            "label": self.label,
            "terms": self.terms,
            "count": self.count,
            "quotes": self.quotes,
        }


def default_theme_count(answers: int) -> int:
    """About one theme per 25 answers under 100, then growing with the square root, at most
    MAX_THEMES: 300 answers get 4, 20,000 get 12."""
    return max(2, min(MAX_THEMES, round(math.sqrt(answers / 20))))


def find_themes(
    texts: Sequence[str | None],
    *,
    n_themes: int | None = None,
    seed: int = 0,
    top_terms: int = 6,
    quotes: int = 3,
    userdict: UserDict = None,
) -> list[Theme]:
    """The themes of *texts*, largest first (ties by label); [] when fewer than two answers
    share a term."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    originals = [t if isinstance(t, str) else "" for t in texts]
    terms = [document_terms(doc) for doc in prepare(originals, userdict=userdict)]
    answered = [i for i, t in enumerate(terms) if t]
    if len(answered) < 2:
        return []
    vectorizer = TfidfVectorizer(
        analyzer=lambda doc: doc, min_df=2, max_df=0.5, sublinear_tf=True, dtype=np.float64
    )
    try:
        matrix = vectorizer.fit_transform([terms[i] for i in answered])
    except ValueError:  # no term in two answers (or every term in most of them)
        return []
    vocabulary = vectorizer.get_feature_names_out()
    k = min(n_themes or default_theme_count(len(answered)), matrix.shape[0], matrix.shape[1])
    if k < 1:
        return []
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400)
    weights = model.fit_transform(matrix)
    assigned = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    themes = []
    for j in range(k):
        rows = np.flatnonzero(assigned == j)
        if rows.size == 0:
            continue
        heaviest = model.components_[j].argsort()[::-1][:top_terms]
        names = [str(vocabulary[t]) for t in heaviest if model.components_[j, t] > 0]
        order = rows[np.argsort(-weights[rows, j], kind="stable")]
        themes.append(
            Theme(
                label="、".join(names[:LABEL_TERMS]),
                terms=names,
                count=int(rows.size),
                quotes=_distinct([originals[answered[i]] for i in order], quotes),
                members=sorted(answered[i] for i in rows),
            )
        )
    return sorted(themes, key=lambda t: (-t.count, t.label))


def _distinct(texts: Iterable[str], limit: int) -> list[str]:
    out: list[str] = []
    for text in texts:
        if text.strip() and text not in out:
            out.append(text)
            if len(out) == limit:
                break
    return out


def theme_shares(themes: Sequence[Theme], groups: Sequence[object]) -> dict[str, dict[str, float]]:
    """{theme label: {group: % of that group's answers in the theme}} for *groups* aligned
    with the texts the themes were found in (a segment's answers, say)."""
    sizes: dict[str, int] = {}
    for group in groups:
        sizes[str(group)] = sizes.get(str(group), 0) + 1
    out = {}
    for theme in themes:
        inside: dict[str, int] = {}
        for i in theme.members:
            inside[str(groups[i])] = inside.get(str(groups[i]), 0) + 1
        out[theme.label] = {g: 100.0 * inside.get(g, 0) / n for g, n in sorted(sizes.items())}
    return out


def merge_themes(first: Theme, second: Theme) -> Theme:
    """One theme of the answers of both (a researcher's merge): members the union, terms and
    quotes the first's then the second's new ones."""
    members = sorted(set(first.members) | set(second.members))
    terms = list(dict.fromkeys([*first.terms, *second.terms]))
    return Theme(
        label=f"{first.label} + {second.label}",
        terms=terms,
        count=len(members),
        quotes=_distinct([*first.quotes, *second.quotes], max(len(first.quotes), 1)),
        members=members,
    )


def split_theme(
    texts: Sequence[str | None], theme: Theme, *, seed: int = 0, userdict: UserDict = None
) -> list[Theme]:
    """The theme's answers grouped again into two themes (`find_themes` with two), their
    members as positions in *texts*; an answer sharing no term with the theme's others stays
    out of both, and [] when its answers do not split. Same answers and seed: the same two."""
    inner = find_themes([texts[i] for i in theme.members], n_themes=2, seed=seed, userdict=userdict)
    return [
        Theme(
            label=part.label,
            terms=part.terms,
            count=part.count,
            quotes=part.quotes,
            members=[theme.members[i] for i in part.members],
        )
        for part in inner
    ]
