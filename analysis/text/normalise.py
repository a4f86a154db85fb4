"""Text normalisation before segmentation, and sentence splitting.

Every offset the text engine hands out (tokens, sentences, KWIC hits) is a half-open
``[start, end)`` code-point position on the text returned by :func:`normalise` (STYLE 25). The
only steps that change the length are NFC composition and CRLF/CR → LF; every other step maps
one code point to one code point, so a researcher's quote is still the same characters in the
same places, only in simplified characters and half-width letters and digits.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.resources import files
from typing import NamedTuple

# Chinese punctuation that stays full-width: it is the standard form in Chinese text, and KWIC
# snippets shown to researchers should keep it.
_KEEP_FULL_WIDTH = set("，。！？：；（）")
# Small form variants and other look-alikes mapped to their usual Chinese form.
_PUNCT_VARIANTS = {
    "﹐": "，",
    "﹑": "、",
    "﹒": ".",
    "﹔": "；",
    "﹕": "：",
    "﹖": "？",
    "﹗": "！",
    "︰": "：",
    "､": "、",
    "｡": "。",
    "\u00a0": " ",  # no-break space
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\u3000": " ",  # ideographic space
    "\t": " ",
}


@cache
def _translation_table(simplify: bool) -> dict[int, str]:
    """Code point → replacement, all one-to-one: width, punctuation variants, trad → simp."""
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        char = chr(code)
        if char not in _KEEP_FULL_WIDTH:
            table[code] = chr(code - 0xFEE0)
    for src, dst in _PUNCT_VARIANTS.items():
        table[ord(src)] = dst
    if not simplify:
        return table
    data = files("analysis.text") / "data" / "t2s_chars.txt"
    for line in data.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            trad, simp = line.split("\t")
            table[ord(trad)] = simp
    return table


def normalise(text: str | None, *, simplify: bool = True) -> str:
    """NFC, LF line ends, half-width letters/digits, canonical punctuation, simplified hanzi.

    ``None`` and non-strings from a spreadsheet cell (NaN) become the empty string.
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_translation_table(simplify))


class Span(NamedTuple):
    """A stretch of normalised text: ``text == source[start:end]``."""

    text: str
    start: int
    end: int


# A sentence ends after 。！？!?；; or an ellipsis, with any closing quotes or brackets that
# follow it, or at a line break. A full stop between two digits (3.5) does not end one.
_SENTENCE_END = re.compile(r"(?:[。！？!?；;]+|…+|\.+(?!\d)|\n+)[”’」』）)\]】\"']*")


def split_sentences(text: str) -> list[Span]:
    """Sentences of a normalised text with their offsets; blank pieces are dropped."""
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        _append_trimmed(spans, text, start, match.end())
        start = match.end()
    _append_trimmed(spans, text, start, len(text))
    return spans


def _append_trimmed(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append(Span(text[start:end], start, end))
