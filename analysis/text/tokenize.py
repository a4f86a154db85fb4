# Over 400 lines: jieba's method done in fewer steps (DAG, route, HMM) beside its reference.
"""One segmentation pass with jieba, shared by keywords, KWIC, co-occurrence and sentiment.

jieba keeps a module-level tokenizer and writes its dictionary cache to the temp directory
(STYLE 27). Here the base dictionary is loaded once per process, lazily, behind a lock, with
its cache under a directory we choose; a study's user dictionary gets its own tokenizer built
from a copy of the base prefix dictionary, so loading it costs a dictionary copy rather than a
re-read. Part-of-speech tags come from jieba's dictionary by lookup: ``jieba.posseg`` runs an
HMM over every block and is about 25 times slower than segmentation alone.

The words are jieba's (``Tokenizer.lcut(text, HMM=True)`` with the same dictionary, tested on
reviews, transcripts and user dictionaries), found by jieba's own method: a DAG of the prefix
dictionary, the most probable route through it, jieba's HMM for runs of unknown characters.
:func:`_cut_block` and :func:`_viterbi_words` run that method with the same arithmetic in
fewer Python steps (no DAG dict, no tuple per edge, no path copied per character): on review
text segmentation takes a little over half the time of jieba's own code.

That fast path reads jieba's private state (``FREQ``, ``total``, its block patterns and the
HMM's probability tables), so it runs only on the jieba release it was written against,
:data:`JIEBA_VERSION` (pinned exactly in setup.cfg). With any other release installed the
tokenizer logs a warning once and uses jieba's own ``lcut``, the reference the fast path is
tested against (:meth:`ChineseTokenizer.reference_words`).
"""

from __future__ import annotations

import logging
import math
import os
import re
import sys
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate, repeat
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

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
# The jieba release whose internals _cut_block and _viterbi_words follow.
JIEBA_VERSION = "0.42.1"
logger = logging.getLogger(__name__)
_GUESSED_MAX = 100_000

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD_CHAR = re.compile(r"\w")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,:]\d+)*%?$")
_ASCII_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9+#&._'-]*$")


# A user dictionary: a UTF-8 file in jieba's format, or its lines; parsed into entries of
# (word, frequency or None, tag or None).
UserDict = str | os.PathLike[str] | Iterable[str] | None
UserEntries = tuple[tuple[str, int | None, str | None], ...]


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


def _import_jieba() -> ModuleType:
    with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
        warnings.simplefilter("ignore", UserWarning)
        import jieba
    jieba.setLogLevel(logging.WARNING)
    module: ModuleType = jieba
    return module


@dataclass(eq=False)
class _Base:
    """jieba's prefix dictionary, and its POS tags read on first use: scoring sentiment needs
    words only, and reading the tags is a third of the dictionary's loading time."""

    freq: dict[str, int]
    total: int
    jieba_tokenizer: Any  # its dictionary file holds the tags
    _tags: dict[str, str] | None = None
    _tags_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def tags(self) -> dict[str, str]:
        if self._tags is None:
            with self._tags_lock:
                if self._tags is None:
                    self._tags = _read_tags(self.jieba_tokenizer, self.freq)
        return self._tags


_lock = threading.Lock()
_bases: dict[Path, _Base] = {}
_tokenizers: dict[tuple[Path, UserEntries], ChineseTokenizer] = {}


def _load_base(cache_dir: Path) -> _Base:
    """jieba's prefix dictionary (cached as jieba.cache in cache_dir)."""
    jieba = _import_jieba()
    cache_dir.mkdir(parents=True, exist_ok=True)
    tk = jieba.Tokenizer()
    tk.tmp_dir = str(cache_dir)
    tk.cache_file = "jieba.cache"
    tk.initialize()
    return _Base(tk.FREQ, tk.total, tk)


def _read_tags(tk: Any, freq: dict[str, int]) -> dict[str, str]:
    """The POS tag of each word of jieba's dictionary file."""
    from_file: dict[str, str] = {}
    with tk.get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) == 3:
                from_file[parts[0]] = sys.intern(parts[2])  # one object per tag
    # Keyed by the prefix dictionary's own word objects: a tag lookup then reads a key that
    # segmentation has just read, and the table holds no second copy of 350,000 words.
    tags = {word: from_file[word] for word in freq if word in from_file}
    if len(tags) < len(from_file):
        tags.update((word, tag) for word, tag in from_file.items() if word not in tags)
    return tags


def parse_userdict(userdict: UserDict) -> UserEntries:
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
    userdict: UserDict = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
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

    _jieba: Any  # a jieba.Tokenizer (jieba has no type information)
    _base: _Base
    _user_tags: dict[str, str]
    user_words: frozenset[str] = field(default_factory=frozenset)
    # Tags guessed for words outside the dictionary (numbers, English, HMM-found words).
    _guessed: dict[str, str] = field(default_factory=dict, repr=False)
    _merged_tags: dict[str, str] | None = field(default=None, repr=False)

    @classmethod
    def _build(cls, base: _Base, entries: UserEntries) -> ChineseTokenizer:
        jieba = _import_jieba()
        tk = jieba.Tokenizer()
        tk.FREQ = dict(base.freq) if entries else base.freq
        tk.total = base.total
        tk.initialized = True
        user_tags = {}
        for word, freq, tag in entries:
            tk.add_word(word, freq, tag)
            user_tags[word] = tag or USER_WORD_POS
        return cls(tk, base, user_tags, frozenset(word for word, _, _ in entries))

    @property
    def _tags(self) -> dict[str, str]:
        """The dictionary's tags with the user dictionary's over them, built on first use."""
        merged = self._merged_tags
        if merged is None:
            merged = self._base.tags
            if self._user_tags:
                merged = {**merged, **self._user_tags}
            self._merged_tags = merged
        return merged

    def tokenize(self, text: str, *, tags: bool = True) -> list[Token]:
        """Tokens of an already normalised text, covering it exactly, with their offsets.

        ``tags=False`` leaves ``pos`` empty (sentiment reads words and offsets only), so the
        tag table is never loaded for it.
        """
        words = self.words(text)
        if not words:
            return []
        ends = list(accumulate(map(len, words)))
        starts = [0, *ends[:-1]]
        pos: list[str | None]
        if not tags:
            pos = [""] * len(words)
        else:
            pos = list(map(self._tags.get, words))
            if None in pos:  # words outside the dictionary
                pos = [tag or self._guess(word) for word, tag in zip(words, pos, strict=True)]
        # tuple.__new__ builds each Token in C (the NamedTuple constructor is Python code).
        return list(map(tuple.__new__, repeat(Token), zip(words, starts, ends, pos, strict=True)))

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
        freq: dict[str, int] = self._jieba.FREQ
        return freq

    def words(self, text: str) -> list[str]:
        """Segmented words only (no offsets, no tags) — the cheapest call.

        The same words as ``jieba.Tokenizer.lcut(text, HMM=True)`` with this dictionary
        (tested on the review corpus and with user dictionaries), found by jieba's own method
        in fewer Python steps: see :func:`_cut_block`.
        """
        if not fast_path_usable():
            return self.reference_words(text)
        words: list[str] = []
        append, extend = words.append, words.extend
        freq = self._jieba.FREQ
        log_total = math.log(self._jieba.total)
        # jieba's block patterns: runs of Han characters, letters, digits and +#&._%- are
        # segmented; anything else is one word per character, except whitespace and CRLF.
        # The split alternates: other text, a block, other text… (the pattern captures), and
        # other text splits the same way: characters, a blank, characters…
        re_han, re_skip, _ = _jieba_parts()
        pieces = iter(re_han.split(text))
        for other in pieces:
            if len(other) == 1:
                append(other)
            elif other:
                parts = iter(re_skip.split(other))
                for chars in parts:
                    extend(chars)  # one word per character, as jieba does
                    blank = next(parts, None)
                    if blank is not None:
                        append(blank)
            block = next(pieces, None)
            if block is not None:
                _cut_block(block, freq, log_total, words)
        return words

    def reference_words(self, text: str) -> list[str]:
        """jieba's own segmentation, ``Tokenizer.lcut(text, HMM=True)``: slower, and the
        definition :meth:`words` must match."""
        words: list[str] = self._jieba.lcut(text, HMM=True)
        return words


@cache
def fast_path_usable() -> bool:
    """Whether the installed jieba is the release the fast segmentation was written for."""
    installed = getattr(_import_jieba(), "__version__", None)
    if installed == JIEBA_VERSION:
        return True
    logger.warning(
        "jieba %s is installed; the fast segmentation follows jieba %s's internals, "
        "so jieba's own lcut is used instead (slower, same words)",
        installed,
        JIEBA_VERSION,
    )
    return False


def _cut_block(block: str, freq: dict[str, int], log_total: float, out: list[str]) -> None:
    """jieba's ``Tokenizer.__cut_DAG`` on one block, appending its words to ``out``.

    jieba builds a DAG of dictionary words (a dict of lists), then finds the most probable
    route with a ``max`` over a generator of tuples per character, then walks it, sending each
    run of unknown single characters to its HMM (``jieba.finalseg.cut``). Here the DAG's
    edges are visited as the backward pass reaches them, with the same arithmetic in the same
    order (log f − log total + best score after the word, ties to the longer word), so the
    route and the words are the same; the HMM is jieba's own.
    """
    n = len(block)
    score = [0.0] * (n + 1)
    after = [0] * n  # end of the best word starting at each position
    get = freq.get
    log = math.log
    for start in range(n - 1, -1, -1):
        best = None
        end = start + 1
        f = get(block[start])
        stop = start + 1
        while f is not None:  # the fragment is a word or a prefix of one
            if f:
                value = log(f) - log_total + score[stop]
                if best is None or value >= best:  # later (longer) wins a tie, as in jieba
                    best, end = value, stop
            if stop == n:
                break
            stop += 1
            f = get(block[start:stop])
        if best is None:  # no dictionary word starts here: the character alone, frequency 1
            best = log(1) - log_total + score[start + 1]
        score[start] = best
        after[start] = end
    x = 0
    run = -1  # start of the pending run of single characters, -1 when none
    while x < n:
        y = after[x]
        if y - x == 1:
            if run < 0:
                run = x
        else:
            if run >= 0:
                _flush_run(block[run:x], freq, out)
                run = -1
            out.append(block[x:y])
        x = y
    if run >= 0:
        _flush_run(block[run:], freq, out)


def _flush_run(run: str, freq: dict[str, int], out: list[str]) -> None:
    """A run of single characters: one word, a dictionary word spelled out, or the HMM's."""
    if len(run) == 1:
        out.append(run)
    elif not freq.get(run):
        _hmm_cut(run, out)
    else:
        out.extend(run)


@cache
def _jieba_parts() -> tuple[re.Pattern[str], re.Pattern[str], ModuleType]:
    """jieba's block patterns (``re_han_default``, ``re_skip_default``) and its HMM module."""
    jieba = _import_jieba()  # imports jieba.finalseg too
    return jieba.re_han_default, jieba.re_skip_default, jieba.finalseg


def _hmm_cut(run: str, out: list[str]) -> None:
    """``jieba.finalseg.cut(run)``: Han stretches cut by jieba's HMM (its own probabilities,
    read from the module), letters and numbers kept whole, words jieba was told to split
    (a user word of frequency 0) split into characters."""
    finalseg = _jieba_parts()[2]
    force_split = finalseg.Force_Split_Words
    for block in finalseg.re_han.split(run):
        if finalseg.re_han.match(block):
            for word in _viterbi_words(block, finalseg):
                if word in force_split:
                    out.extend(word)
                else:
                    out.append(word)
        else:
            out.extend(piece for piece in finalseg.re_skip.split(block) if piece)


def _viterbi_words(text: str, finalseg: ModuleType) -> list[str]:
    """The words of ``jieba.finalseg.__cut(text)``: the same Viterbi pass over the four states
    B, M, E, S, with the same sums in the same order and ties broken as jieba's ``max`` over
    (probability, state letter) tuples does, but unrolled, with back-pointers instead of a
    copied path per state and step."""
    start, trans, emit = finalseg.start_P, finalseg.trans_P, finalseg.emit_P
    low = finalseg.MIN_FLOAT
    e_b, e_m, e_e, e_s = emit["B"].get, emit["M"].get, emit["E"].get, emit["S"].get
    t_eb, t_sb = trans["E"]["B"], trans["S"]["B"]
    t_mm, t_bm = trans["M"]["M"], trans["B"]["M"]
    t_be, t_me = trans["B"]["E"], trans["M"]["E"]
    t_ss, t_es = trans["S"]["S"], trans["E"]["S"]
    first = text[0]
    v_b = start["B"] + e_b(first, low)
    v_m = start["M"] + e_m(first, low)
    v_e = start["E"] + e_e(first, low)
    v_s = start["S"] + e_s(first, low)
    # States as numbers: B 0, M 1, E 2, S 3; per step, the previous state of each.
    back = []
    for char in text[1:]:
        em = e_b(char, low)
        a, b = v_e + t_eb + em, v_s + t_sb + em
        n_b, p_b = (a, 2) if a > b else (b, 3)  # a tie goes to "S" > "E"
        em = e_m(char, low)
        a, b = v_m + t_mm + em, v_b + t_bm + em
        n_m, p_m = (a, 1) if a >= b else (b, 0)  # "M" > "B"
        em = e_e(char, low)
        a, b = v_b + t_be + em, v_m + t_me + em
        n_e, p_e = (a, 0) if a > b else (b, 1)  # "M" > "B"
        em = e_s(char, low)
        a, b = v_s + t_ss + em, v_e + t_es + em
        n_s, p_s = (a, 3) if a >= b else (b, 2)  # "S" > "E"
        back.append((p_b, p_m, p_e, p_s))
        v_b, v_m, v_e, v_s = n_b, n_m, n_e, n_s
    state = 2 if v_e > v_s else 3  # "S" > "E"
    states = [state]
    for pointers in reversed(back):
        state = pointers[state]
        states.append(state)
    states.reverse()
    words = []
    begin = following = 0
    for i, state in enumerate(states):
        if state == 0:  # B
            begin = i
        elif state == 2:  # E
            words.append(text[begin : i + 1])
            following = i + 1
        elif state == 3:  # S
            words.append(text[i])
            following = i + 1
    if following < len(text):
        words.append(text[following:])
    return words


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
