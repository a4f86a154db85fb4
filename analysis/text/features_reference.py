"""The sentiment feature pass written plainly: the definition the fast pass must match.

:func:`analysis.text.features.scored_features` works out each word's contribution once and
caches it, packs it into tuples and grows the dot product as it goes, because scoring runs it
on every sentence of every transcript. This module computes the same features the obvious
way — one small step per kind of word, no caches, the dot product summed at the end — so a
reader can see what the features are, and tests/analysis/text/test_features.py checks the
fast pass against it on the review and interview corpora in tests/data/text.

The rules (see the module docstring of :mod:`analysis.text.features`): a negator flips the
polarity mark of the next ``NEGATION_SCOPE`` words; a degree word scales the next word; after
a contrast word the rest of the sentence counts ``CONTRAST_VALUE`` times; punctuation and
scope-breaking words end a clause; an excess degree word (太) adds ``x:太`` when it modifies a
word; spoken fillers (嗯) are skipped like blanks. Every feature keeps its largest value in
the text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise

from analysis.text import features as f
from analysis.text.lexicon import SOURCES, polarity


@dataclass
class _Clause:
    """What the words read so far say about the next one."""

    negated: bool = False
    scope: int = 0  # words the negation still reaches
    degree: float = 1.0  # set by a degree word for the next word
    modifier: str = ""  # the degree word waiting for a word to modify
    contrast: float = 1.0  # CONTRAST_VALUE after a contrast word, until the sentence ends
    last: str = ""  # the Han character a bigram with the next word starts from


@dataclass
class _Features:
    words: dict[str, float] = field(default_factory=dict)
    bigrams: dict[str, float] = field(default_factory=dict)
    lexicon: dict[str, float] = field(default_factory=dict)  # feature → sum of degrees

    def raise_word(self, key: str, value: float) -> float:
        return _raise(self.words, key, value)

    def raise_bigram(self, key: str, value: float) -> None:
        _raise(self.bigrams, key, value)


def _raise(values: dict[str, float], key: str, value: float) -> float:
    old = values.get(key, 0.0)
    if value > old:
        values[key] = value
        return value - old
    return 0.0


def _han(ch: str) -> bool:
    return bool(f._HAN_RUN.match(ch))


def _inner_bigrams(word: str) -> list[str]:
    """Pairs of adjacent Han characters inside the word."""
    return [a + b for a, b in pairwise(word) if _han(a) and _han(b)]


def _end_char(word: str) -> str:
    return word[-1] if _han(word[-1]) else ""


def _lexicon_sides(word: str) -> list[tuple[str, str]]:
    """(plain, negated) lexicon feature for each lexicon that lists the word."""
    sides = []
    for source in SOURCES:
        side = polarity(word, source)
        if side:
            plus, minus = f"lex:{source}+", f"lex:{source}-"
            sides.append((plus, minus) if side > 0 else (minus, plus))
    return sides


def reference_features(
    words: list[str], vocabulary: Mapping[str, int] | None = None
) -> dict[str, float]:
    """The raw features of one text (what ``raw_sentiment_features`` returns)."""
    if vocabulary is not None:
        words = f.split_degree(f.split_negated(words, vocabulary), vocabulary)
    state, found = _Clause(), _Features()
    for word in words:
        _read(word, state, found)
    _close_modifier(state, found)
    out = dict(found.words)
    for key, total in found.lexicon.items():
        if total:
            out[key] = math.sqrt(total)
    out.update(found.bigrams)
    return out


def reference_scored_features(
    words: list[str], vocabulary: Mapping[str, int] | None, weights: Mapping[str, float]
) -> tuple[dict[str, float], float | None]:
    """The raw features and Σ weight × value over the features that have a weight."""
    raw = reference_features(words, vocabulary)
    known = [weights[key] * value for key, value in raw.items() if key in weights]
    return raw, (math.fsum(known) if known else None)


def _read(word: str, state: _Clause, found: _Features) -> None:
    if word.isspace() or word.lower() in f.FILLERS:
        return
    if f._PUNCT.match(word):
        _end_clause(state, found)
        if f._SENTENCE_END.match(word):
            state.contrast = 1.0
        return
    if word in f._SCOPE_BREAK:
        _end_clause(state, found)
        if word in f.CONTRAST_WORDS:
            state.contrast = f.CONTRAST_VALUE
        _count_at_one(word, "w:" + word, state, found, pair_with_before=False)
        return
    if word in f.NEGATORS and word not in f._NOT_NEGATIONS:
        state.negated = not state.negated if state.scope else True
        state.scope = f.NEGATION_SCOPE
        _count_at_one(word, "neg:" + word, state, found, pair_with_before=True)
        return
    if word in f.INTENSIFIERS or word in f.DIMINISHERS:
        _close_modifier(state, found)  # 有点太贵: the first degree word modified nothing
        state.degree = f.INTENSIFIER_VALUE if word in f.INTENSIFIERS else f.DIMINISHER_VALUE
        state.modifier, state.last = word, word[-1]
        return
    if f._NUMBER.match(word):
        state.last = ""
        return
    _read_content_word(word, state, found)


def _read_content_word(word: str, state: _Clause, found: _Features) -> None:
    value = state.degree * state.contrast
    mark = "!" if state.negated else ""
    rise = found.raise_word(f"w:{mark}{word.lower()}", value)
    if rise:
        for plain, negated in _lexicon_sides(word):
            key = negated if state.negated else plain
            found.lexicon[key] = found.lexicon.get(key, 0.0) + rise
    if state.last and _han(word[0]):
        found.raise_bigram(f"c:{mark}{state.last}{word[0]}", value)
    for pair in _inner_bigrams(word):
        found.raise_bigram(f"c:{mark}{pair}", value)
    state.last = _end_char(word)
    if state.modifier in f.EXCESS:  # 太高: "too" is a feature of its own
        found.raise_word(("x:!" if state.negated else "x:") + state.modifier, state.contrast)
    state.degree, state.modifier = 1.0, ""
    if state.scope:
        state.scope -= 1
        if not state.scope:
            state.negated = False


def _count_at_one(
    word: str, key: str, state: _Clause, found: _Features, *, pair_with_before: bool
) -> None:
    """A negator or clause word: its own feature and its bigrams at 1, never scaled."""
    found.raise_word(key, 1.0)
    if pair_with_before and state.last and _han(word[0]):
        found.raise_bigram(f"c:{state.last}{word[0]}", 1.0)
    for pair in _inner_bigrams(word):
        found.raise_bigram("c:" + pair, 1.0)
    state.last = _end_char(word)


def _end_clause(state: _Clause, found: _Features) -> None:
    _close_modifier(state, found)
    state.negated, state.scope, state.degree, state.modifier = False, 0, 1.0, ""
    state.last = ""


def _close_modifier(state: _Clause, found: _Features) -> None:
    """A degree word that modified nothing is a word of its own, at the clause's contrast."""
    if state.modifier:
        found.raise_word("w:" + state.modifier, state.contrast)
        state.modifier = ""
