"""Which open answers a rule picks, for coding many at once: by keyword, phrase, pattern, or
"answers like this one".

- ``keyword``: any of the words, separated by spaces, commas or 、 (配送 物流 → either);
- ``phrase``: the whole text as written (客服 态度 is one phrase, spaces ignored);
- ``regex``: a pattern the user wrote, run by RE2 (`surveys.safe_regex`: linear time, so
  no pattern can hold a worker);
- ``similar``: answers whose TF-IDF vectors of content terms are within a cosine of
  SIMILAR_THRESHOLD of the given answer's.

Text is compared after `normalise` (full-width letters, traditional characters) and case
folding, so 配送 finds 配送 in 「配送」 and ＡＰＰ finds app.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from analysis.text.corpus import document_terms, prepare
from analysis.text.normalise import normalise
from surveys import safe_regex

METHODS = ("keyword", "phrase", "regex", "similar")
SIMILAR_THRESHOLD = 0.3
_SEPARATORS = re.compile(r"[\s,，、;；]+")


class AutocodeError(ValueError):
    """A rule that cannot run: `code` is empty_rule, bad_answer or unknown_method (a pattern
    RE2 refuses raises `surveys.safe_regex.PatternError`, which words itself)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code


def _folded(text: str | None) -> str:
    return normalise(text).casefold() if isinstance(text, str) else ""


def matching_answers(texts: Sequence[str | None], method: str, rule: str) -> list[int]:
    """Positions in *texts* of the answers the rule picks, in order. For ``similar``, *rule*
    is the position of the model answer (it is picked too)."""
    folded = [_folded(t) for t in texts]
    if method == "keyword":
        words = [w for w in _SEPARATORS.split(_folded(rule)) if w]
        if not words:
            raise AutocodeError("empty_rule")
        return [i for i, t in enumerate(folded) if any(w in t for w in words)]
    if method == "phrase":
        phrase = re.sub(r"\s+", "", _folded(rule))
        if not phrase:
            raise AutocodeError("empty_rule")
        return [i for i, t in enumerate(folded) if phrase in re.sub(r"\s+", "", t)]
    if method == "regex":
        if not rule.strip():
            raise AutocodeError("empty_rule")
        pattern = safe_regex.compile(rule)
        return [
            i for i, t in enumerate(texts) if isinstance(t, str) and pattern.search(normalise(t))
        ]
    if method == "similar":
        return similar_answers(texts, _position(rule, len(texts)))
    raise AutocodeError("unknown_method", method)


def _position(rule: str, count: int) -> int:
    try:
        position = int(rule)
    except ValueError:
        raise AutocodeError("bad_answer", rule) from None
    if not 0 <= position < count:
        raise AutocodeError("bad_answer", rule)
    return position


def similar_answers(
    texts: Sequence[str | None], position: int, threshold: float = SIMILAR_THRESHOLD
) -> list[int]:
    """Positions of the answers at cosine ≥ *threshold* from answer *position* (TF-IDF of
    content terms, smoothed IDF so that a term in every answer still counts a little)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    terms = [document_terms(d) for d in prepare([t if isinstance(t, str) else "" for t in texts])]
    if not terms[position]:
        return [position]
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True, dtype=np.float64)
    matrix = vectorizer.fit_transform(terms)
    cosine = (matrix @ matrix[position].T).toarray().ravel()  # rows are L2-normalised
    picked: list[int] = np.flatnonzero(cosine >= threshold - 1e-12).tolist()
    return picked
