"""One segmentation pass with jieba, shared by keywords, KWIC, co-occurrence and sentiment.

jieba keeps a module-level tokenizer and writes its dictionary cache to the temp directory
(STYLE 27). Here the base dictionary is loaded once per process, lazily, behind a lock, with
its cache under a directory we choose; a study's user dictionary gets its own tokenizer built
from a copy of the base prefix dictionary, so loading it costs a dictionary copy rather than a
re-read. Part-of-speech tags come from jieba's dictionary by lookup: ``jieba.posseg`` runs an
HMM over every block and is about 25 times slower than segmentation alone.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from pathlib import Path
from typing import NamedTuple

from analysis.text.normalise import normalise
from analysis.text.stopwords import stopwords as default_stopwords

# Tags of content words kept by default for keywords, phrases, keyness and co-occurrence:
# nouns, verbal and adjectival nouns, verbs, adjectives, idioms and fixed expressions,
# abbreviations, English words, user-dictionary terms and words jieba found by HMM ("un").
CONTENT_POS = frozenset(
    [
        "n",
        "nr",
        "nrfg",
        "nrt",
        "ns",
        "nt",
        "nz",
        "nl",
        "ng",
        "vn",
        "an",
        "v",
        "vi",
        "vg",
        "a",
        "ad",
        "ag",
        "i",
        "l",
        "j",
        "eng",
        "un",
    ]
)
USER_WORD_POS = "nz"
_GUESSED_MAX = 100_000

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD_CHAR = re.compile(r"\w")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,:]\d+)*%?$")
_ASCII_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9+#&._'-]*$")


class Token(NamedTuple):
    """A segment of normalised text: ``text == source[start:end]``; ``pos`` is a jieba tag."""

    text: str
    start: int
    end: int
    pos: str


def default_cache_dir() -> Path:
    """``$WENFANG_CACHE_DIR``, else the project's ``instance/`` folder, else ~/.cache/wenfang."""
    env = os.environ.get("WENFANG_CACHE_DIR")
    if env:
        return Path(env)
    instance = Path(__file__).resolve().parents[2] / "instance"
    if instance.is_dir():
        return instance / "cache"
    return Path.home() / ".cache" / "wenfang"


def _import_jieba():
    with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
        warnings.simplefilter("ignore", UserWarning)
        import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba


@dataclass
class _Base:
    freq: dict[str, int]
    total: int
    tags: dict[str, str]


_lock = threading.Lock()
_bases: dict[Path, _Base] = {}
_tokenizers: dict[tuple, ChineseTokenizer] = {}


def _load_base(cache_dir: Path) -> _Base:
    """jieba's prefix dictionary (cached as jieba.cache in cache_dir) and its POS tags."""
    jieba = _import_jieba()
    cache_dir.mkdir(parents=True, exist_ok=True)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(cache_dir)
    tk.cache_file = "jieba.cache"
    tk.initialize()
    tags: dict[str, str] = {}
    with tk.get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return _Base(tk.FREQ, tk.total, tags)


def parse_userdict(userdict: str | os.PathLike | Iterable[str] | None) -> tuple[tuple, ...]:
    """User-dictionary entries as ``(word, freq | None, tag | None)``, in jieba's file format.

    ``userdict`` is a UTF-8 file path (one ``word [freq] [tag]`` per line, ``#`` comments) or
    an iterable of such lines or plain words. The result is hashable: it keys the cache.
    """
    if userdict is None:
        return ()
    if isinstance(userdict, str | os.PathLike):
        lines = Path(userdict).read_text(encoding="utf-8-sig").splitlines()
    else:
        lines = list(userdict)
    entries = []
    for line in lines:
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        word, freq, tag = parts[0], None, None
        for extra in parts[1:3]:
            if extra.isdigit():
                freq = int(extra)
            else:
                tag = extra
        # Entries are matched against normalised text, so normalise them the same way.
        entries.append((normalise(word), freq, tag))
    return tuple(entries)


def get_tokenizer(
    userdict: str | os.PathLike | Iterable[str] | None = None,
    *,
    cache_dir: str | os.PathLike | None = None,
) -> ChineseTokenizer:
    """The process-wide tokenizer for this user dictionary (built on first use, thread-safe)."""
    entries = parse_userdict(userdict)
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = (directory, entries)
    found = _tokenizers.get(key)
    if found is not None:
        return found
    with _lock:
        found = _tokenizers.get(key)
        if found is not None:
            return found
        base = _bases.get(directory)
        if base is None:
            base = _bases[directory] = _load_base(directory)
        tokenizer = ChineseTokenizer._build(base, entries)
        _tokenizers[key] = tokenizer
        return tokenizer


@dataclass(eq=False)
class ChineseTokenizer:
    """Segmentation with offsets and POS tags; obtain one with :func:`get_tokenizer`."""

    _jieba: object
    _tags: dict[str, str]
    user_words: frozenset[str] = field(default_factory=frozenset)
    # Tags guessed for words outside the dictionary (numbers, English, HMM-found words).
    _guessed: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def _build(cls, base: _Base, entries: tuple) -> ChineseTokenizer:
        jieba = _import_jieba()
        tk = jieba.Tokenizer()
        tk.FREQ = dict(base.freq) if entries else base.freq
        tk.total = base.total
        tk.initialized = True
        tags = dict(base.tags) if entries else base.tags
        for word, freq, tag in entries:
            tk.add_word(word, freq, tag)
            tags[word] = tag or USER_WORD_POS
        return cls(tk, tags, frozenset(word for word, _, _ in entries))

    def tokenize(self, text: str) -> list[Token]:
        """Tokens of an already normalised text, covering it exactly, with their offsets."""
        words = self._jieba.lcut(text, HMM=True)
        if not words:
            return []
        ends = list(accumulate(map(len, words)))
        starts = [0, *ends[:-1]]
        tags_get, guess = self._tags.get, self._guess
        tags = [tags_get(word) or guess(word) for word in words]
        # tuple.__new__ builds each Token in C (the NamedTuple constructor is Python code).
        return list(map(tuple.__new__, repeat(Token), zip(words, starts, ends, tags, strict=True)))

    def _guess(self, word: str) -> str:
        """The tag of a word outside the dictionary (numbers, English, punctuation…), cached."""
        tag = self._guessed.get(word)
        if tag is None:
            if len(self._guessed) >= _GUESSED_MAX:
                self._guessed.clear()
            tag = self._guessed[word] = _guess_pos(word)
        return tag

    @property
    def dictionary(self) -> dict[str, int]:
        """Word → frequency of the prefix dictionary (prefixes of words have frequency 0)."""
        return self._jieba.FREQ

    def words(self, text: str) -> list[str]:
        """Segmented words only (no offsets, no tags) — the cheapest call."""
        return self._jieba.lcut(text, HMM=True)


def _guess_pos(word: str) -> str:
    """Tag for a word not in the dictionary: numbers, English, punctuation, HMM-found words."""
    if word.isspace() or not _WORD_CHAR.search(word):
        return "x"
    if _NUMBER.match(word):
        return "m"
    if _ASCII_WORD.match(word):
        return "eng"
    if _HAN.search(word):
        return "un"
    return "x"


def term_key(word: str) -> str:
    """The counting key of a word: English is folded to lower case, Chinese is unchanged."""
    return word.lower() if word.isascii() else word


def is_content(
    token: Token,
    *,
    stop: frozenset[str] | None = None,
    pos: frozenset[str] | None = CONTENT_POS,
    keep_numbers: bool = False,
    min_chars: int = 1,
) -> bool:
    """Whether a token counts as a content term (not a stop word, a kept POS, not punctuation)."""
    if token.pos == "x":
        return False
    if token.pos == "m" and _NUMBER.match(token.text):
        return keep_numbers
    key = term_key(token.text)
    if key in (default_stopwords() if stop is None else stop):
        return False
    if len(token.text) < min_chars:
        return False
    return pos is None or token.pos in pos


def content_terms(
    tokens: Iterable[Token],
    *,
    stop: frozenset[str] | None = None,
    pos: frozenset[str] | None = CONTENT_POS,
    keep_numbers: bool = False,
    min_chars: int = 1,
) -> list[str]:
    """Counting keys of the content tokens, in order (the test of :func:`is_content`, inlined:
    this runs over every token of a corpus)."""
    stop = default_stopwords() if stop is None else stop
    number = _NUMBER.match
    out: list[str] = []
    append = out.append
    for text, _, _, tag in tokens:
        if tag == "x":
            continue
        if tag == "m" and number(text):
            if keep_numbers:
                append(text.lower() if text.isascii() else text)
            continue
        key = text.lower() if text.isascii() else text
        if key in stop or len(text) < min_chars:
            continue
        if pos is None or tag in pos:
            append(key)
    return out
