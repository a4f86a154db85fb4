"""Open answers that say nothing: gibberish, copied between respondents, pasted in one go.

Chinese first. A text is gibberish when, ignoring blanks and punctuation, it is

- `repeated`: at least 4 characters drawn from at most 2 distinct ones ("啊啊啊啊", "1111");
- `keyboard`: only Latin letters (4 or more) with no vowel, or with at least 60 % of neighbouring
  letters adjacent on a QWERTY keyboard ("sdfjkl", "asdfgh"); pinyin and English words have
  vowels and few adjacent pairs;
- `no_words`: punctuation and symbols only, 3 or more of them ("。。。", "？？？");
- `random_characters`: 4 or more Han characters of which under half belong to a known word
  (a dictionary word of 2+ characters with jieba frequency ≥ 50; elsewhere each character
  on its own, with frequency ≥ 1000): a random string of rare characters ("凳诶婆蜡鬣禚鞯").
  Real short answers ("很好", "没有", "价格有点贵") pass. jieba is asked only for texts
  the cheap tests leave.

Copied: the same normalised text (NFKC, blanks and punctuation removed, lower case) of at
least `MIN_COPIED_CHARS` characters given by another respondent, to any open question; short
common answers ("无", "没有意见") never count.

Pasted: the browser's paradata says the answer arrived by a paste with under
`PASTE_TYPING_S` seconds of typing (see `docs/paradata.md`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from itertools import pairwise
from typing import Any, TypeVar

import numpy as np
import pandas as pd

MIN_COPIED_CHARS = 8
PASTE_TYPING_S = 2.0
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SIGNS = re.compile(r"[\W_]+", re.UNICODE)  # blanks and punctuation
_LATIN = re.compile(r"[a-z]+")
_WORD_FREQ, _CHAR_FREQ = 50, 1000


def _key_positions() -> dict[str, tuple[int, float]]:
    # Rows are staggered by about half a key: (row, column + offset).
    return {ch: (r, c + 0.5 * r) for r, row in enumerate(_KEY_ROWS) for c, ch in enumerate(row)}


_KEYS = _key_positions()


def _adjacent(a: str, b: str) -> bool:
    (ra, ca), (rb, cb) = _KEYS[a], _KEYS[b]
    return a == b or (abs(ra - rb) <= 1 and abs(ca - cb) <= 1.0)


def normalised(text: str) -> str:
    """NFKC, lower case, without blanks and punctuation (what "the same text" compares)."""
    return _SIGNS.sub("", unicodedata.normalize("NFKC", text).lower())


def gibberish_kind(text: object) -> str | None:
    """Why *text* is gibberish ("repeated", "keyboard", "no_words", "random_characters"),
    or None for text that reads as an answer (or is blank)."""
    if not isinstance(text, str) or not text.strip():
        return None
    raw = unicodedata.normalize("NFKC", text).strip()
    core = normalised(raw)
    if not core:
        return "no_words" if len(raw.replace(" ", "")) >= 3 else None
    if len(core) >= 4 and len(set(core)) <= 2:
        return "repeated"
    if _LATIN.fullmatch(core) and len(core) >= 4:
        if not set(core) & set("aeiouy"):
            return "keyboard"
        pairs = list(pairwise(core))
        if sum(_adjacent(a, b) for a, b in pairs) >= 0.6 * len(pairs):
            return "keyboard"
        return None
    han = _HAN.findall(core)
    if len(han) >= 4 and len(han) >= 0.8 * len(core) and _known_share(core) < 0.5:
        return "random_characters"
    return None


@lru_cache(maxsize=4096)
def _known_share(core: str) -> float:
    """Share of the Han characters of *core* inside words jieba's dictionary knows well."""
    from analysis.text.tokenize import get_tokenizer

    tokenizer = get_tokenizer()
    freq = tokenizer.dictionary
    known = total = 0
    for word in tokenizer.words(core):
        han = _HAN.findall(word)
        total += len(han)
        if len(word) > 1 and freq.get(word, 0) >= _WORD_FREQ:
            known += len(han)
        else:  # a single character, or a word jieba guessed: its characters one by one
            known += sum(freq.get(ch, 0) >= _CHAR_FREQ for ch in han)
    return known / total if total else 1.0


def gibberish_answers(
    frame: pd.DataFrame, text_columns: list[str]
) -> dict[int, list[dict[str, Any]]]:
    """{row position: [{"question", "text", "kind"}]} for each gibberish open answer."""
    out: dict[int, list[dict[str, Any]]] = {}
    for col in text_columns:
        values = frame[col].tolist()
        kinds: list[str | None] = _each_distinct(values, gibberish_kind)
        for i in np.flatnonzero([k is not None for k in kinds]).tolist():
            entry = {"question": col, "text": _shown(values[i]), "kind": kinds[i]}
            out.setdefault(i, []).append(entry)
    return out


_T = TypeVar("_T")


def _each_distinct(values: list[Any], fn: Callable[[Any], _T]) -> list[_T]:
    """[fn(v) for v in values], computed once per distinct value (answers repeat: "无")."""
    is_text = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    codes, uniques = pd.factorize(pd.Series(values, dtype=object).where(is_text))
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:-1] = [fn(v) for v in uniques]
    results[-1] = fn(None)  # code −1: no text
    distinct: list[_T] = results[codes].tolist()
    return distinct


def copied_answers(frame: pd.DataFrame, text_columns: list[str]) -> dict[int, list[dict[str, Any]]]:
    """{row position: [{"question", "text", "others"}]} for each open answer (of at least
    MIN_COPIED_CHARS normalised characters) that other respondents also gave, word for word."""

    def key(v: object) -> str:
        return normalised(v) if isinstance(v, str) else ""

    keys: dict[str, list[str]] = {
        col: _each_distinct(frame[col].tolist(), key) for col in text_columns
    }
    # Who gave each text: one count per respondent, whichever question it was given to.
    long = pd.DataFrame(
        {"row": np.tile(np.arange(len(frame)), len(text_columns)),
         "text": pd.Series([t for col in text_columns for t in keys[col]], dtype=object)}
    )  # fmt: skip
    long = long[long["text"].map(len) >= MIN_COPIED_CHARS].drop_duplicates()
    givers = long["text"].value_counts().to_dict()
    out: dict[int, list[dict[str, Any]]] = {}
    for col in text_columns:
        values = frame[col].tolist()
        for i, text in enumerate(keys[col]):
            if len(text) >= MIN_COPIED_CHARS and givers[text] > 1:
                entry = {"question": col, "text": _shown(values[i]), "others": givers[text] - 1}
                out.setdefault(i, []).append(entry)
    return out


def pasted_answers(frame: pd.DataFrame, text_columns: list[str]) -> dict[int, list[dict[str, Any]]]:
    """{row position: [{"question", "chars", "typing_s"}]} for each open answer the paradata
    says was pasted with under PASTE_TYPING_S seconds of typing."""
    out: dict[int, list[dict[str, Any]]] = {}
    for col in text_columns:
        pasted_col, typing_col = f"paradata/pasted/{col}", f"paradata/typing_s/{col}"
        if pasted_col not in frame.columns:
            continue
        pasted = frame[pasted_col].tolist()
        typing = frame[typing_col].tolist() if typing_col in frame.columns else [None] * len(frame)
        values = frame[col].tolist()
        for i, (was_pasted, seconds) in enumerate(zip(pasted, typing, strict=True)):
            seconds = _number(seconds)
            answered = isinstance(values[i], str) and values[i].strip()
            if answered and was_pasted is True and (seconds is None or seconds < PASTE_TYPING_S):
                entry = {"question": col, "chars": len(values[i]), "typing_s": seconds or 0.0}
                out.setdefault(i, []).append(entry)
    return out


def _number(value: Any) -> float | None:  # a table cell: anything
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _shown(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
