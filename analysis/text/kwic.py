"""Keyword in context (concordance) with exact offsets, the speaker and the source.

A hit is an occurrence of the keyword whose start and end fall on token boundaries of the
shared segmentation, so 价格 matches in 价格太贵 but not inside 评价格式; ``match="substring"``
drops that requirement. Offsets are ``[start, end)`` code points on the normalised text
(STYLE 25): ``text[hit.start:hit.end] == hit.keyword`` always holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.text.normalise import normalise
from analysis.text.tokenize import ChineseTokenizer, UserDict, get_tokenizer


@dataclass(frozen=True)
class KwicHit:
    doc: int
    start: int
    end: int
    left: str
    keyword: str
    right: str
    meta: dict[str, Any] = field(default_factory=dict)

    def line(self, width: int = 15) -> str:
        return f"{self.left[-width:]:>{width}} 【{self.keyword}】 {self.right[:width]}"


def find_keyword(
    text: str, keyword: str, tokenizer: ChineseTokenizer, *, match: str = "token"
) -> list[tuple[int, int]]:
    """``[start, end)`` of each occurrence of ``keyword`` in the normalised ``text``."""
    if match not in ("token", "substring"):
        raise ValueError(f"match must be 'token' or 'substring', not {match!r}")
    if not keyword:
        raise ValueError("keyword is empty")
    spans: list[tuple[int, int]] = []
    position = text.find(keyword)
    if position < 0:
        return spans
    starts: set[int] = set()
    ends: set[int] = set()
    if match == "token":
        for token in tokenizer.tokenize(text):
            starts.add(token.start)
            ends.add(token.end)
    while position >= 0:
        end = position + len(keyword)
        if match == "substring" or (position in starts and end in ends):
            spans.append((position, end))
        position = text.find(keyword, position + 1)
    return spans


def kwic(
    texts: Iterable[str | None],
    keyword: str,
    *,
    window: int = 20,
    meta: Iterable[Mapping[str, Any]] | None = None,
    match: str = "token",
    userdict: UserDict = None,
) -> list[KwicHit]:
    """Concordance of ``keyword`` over ``texts``; ``meta`` (speaker, source…) rides along.

    ``doc`` is the position of the text in ``texts``; offsets index ``normalise(text)``.
    """
    tokenizer = get_tokenizer(userdict)
    keyword = normalise(keyword).strip()
    metas = iter(meta) if meta is not None else None
    hits: list[KwicHit] = []
    for doc, raw in enumerate(texts):
        info = dict(next(metas)) if metas is not None else {}
        text = normalise(raw)
        for start, end in find_keyword(text, keyword, tokenizer, match=match):
            left = text[max(0, start - window) : start].replace("\n", " ")
            right = text[end : end + window].replace("\n", " ")
            hits.append(KwicHit(doc, start, end, left, text[start:end], right, info))
    return hits
