"""Documents prepared once (normalised, segmented) and read by every keyword statistic."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.text.normalise import normalise, split_sentences
from analysis.text.tokenize import CONTENT_POS, Token, UserDict, content_terms, get_tokenizer


@dataclass(frozen=True)
class Document:
    """A normalised text with its tokens; ``meta`` holds speaker, participant, source…"""

    text: str
    tokens: tuple[Token, ...]
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TermFilter:
    """Which tokens count as terms: stop words (None = shipped list), POS, numbers, length."""

    stop: frozenset[str] | None = None
    pos: frozenset[str] | None = CONTENT_POS
    keep_numbers: bool = False
    min_chars: int = 1

    def terms(self, tokens: Iterable[Token]) -> list[str]:
        return content_terms(
            tokens,
            stop=self.stop,
            pos=self.pos,
            keep_numbers=self.keep_numbers,
            min_chars=self.min_chars,
        )


DEFAULT_FILTER = TermFilter()


def prepare(
    texts: Iterable[str | None],
    *,
    meta: Iterable[Mapping[str, Any]] | None = None,
    userdict: UserDict = None,
) -> Iterator[Document]:
    """Normalise and segment each text once; a generator, so memory stays flat."""
    tokenizer = get_tokenizer(userdict)
    metas = iter(meta) if meta is not None else None
    for raw in texts:
        info = dict(next(metas)) if metas is not None else {}
        text = normalise(raw)
        yield Document(text, tuple(tokenizer.tokenize(text)), info)


def document_terms(doc: Document, term_filter: TermFilter = DEFAULT_FILTER) -> list[str]:
    return term_filter.terms(doc.tokens)


def sentence_terms(doc: Document, term_filter: TermFilter = DEFAULT_FILTER) -> list[list[str]]:
    """Terms of each sentence of a document (co-occurrence and phrases stay in a sentence)."""
    out = []
    tokens = doc.tokens
    i = 0
    for span in split_sentences(doc.text):
        while i < len(tokens) and tokens[i].end <= span.start:
            i += 1
        j = i
        while j < len(tokens) and tokens[j].start < span.end:
            j += 1
        out.append(term_filter.terms(tokens[i:j]))
        i = j
    return out
