"""A REFI-QDA source's plain text, cut into paragraphs and NFC-normalised, with each position
mapped back into the text as the file gave it.

Wenfang's turns hold NFC text (STYLE 25), but other tools' offsets count code points of the
file as it is: a decomposed "é" (e + U+0301) is two there and one in NFC. The file's text is
kept as it came, and each paragraph carries a map between its NFC form and its place in the
original, so that codings come in at the right place and go out at the same offsets.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

_LINE = re.compile(r"[^\r\n\u2028\u2029\x85]+")
# "访谈者：", "P01:", "Interviewer:" at the start of a paragraph; a label must start at least
# two paragraphs of the source to be taken for a speaker (one "注意：" is a sentence).
_LABEL = re.compile(r"(?P<label>[^\s:：，,。；;！!？?]{1,20})[:：][ \t\u3000]*")


@dataclass(frozen=True)
class NormalisedText:
    """`text` is NFC of `original`; `segments` are (original start, text start) of the runs
    that normalise on their own, then (len(original), len(text)); empty when nothing
    changed."""

    original: str
    text: str
    segments: tuple[tuple[int, int], ...] = ()

    def to_original(self, position: int, *, end: bool = False) -> int:
        return self._convert(position, end, source=1, target=0, limit=len(self.original))

    def to_normalised(self, position: int, *, end: bool = False) -> int:
        return self._convert(position, end, source=0, target=1, limit=len(self.text))

    def _convert(self, position: int, end: bool, *, source: int, target: int, limit: int) -> int:
        if not self.segments:
            return position
        starts = [segment[source] for segment in self.segments]
        index = bisect.bisect_right(starts, position) - 1
        if index < 0:
            return 0
        if starts[index] == position or not end or index + 1 == len(self.segments):
            return min(self.segments[index][target], limit)  # inside a run: its start …
        return self.segments[index + 1][target]  # … or, for the end of a span, its end


def normalise(original: str) -> NormalisedText:
    """NFC of `original` with its map; the text unchanged (identity map) when it cannot be
    cut into runs that normalise independently, which keeps every offset exact."""
    text = unicodedata.normalize("NFC", original)
    if text == original:
        return NormalisedText(original, text)
    # A run ends before a starter that does not combine with the run so far (Hangul L+V+T,
    # Indic length marks combine with starters too: checked against the run, not the pair).
    boundaries, run_start = [0], 0
    for index in range(1, len(original)):
        current = original[index]
        if unicodedata.combining(current) != 0:
            continue
        run = original[run_start:index]
        if unicodedata.normalize("NFC", run + current) == unicodedata.normalize(
            "NFC", run
        ) + unicodedata.normalize("NFC", current):
            boundaries.append(index)
            run_start = index
    segments, parts, position = [], [], 0
    for start, stop in zip(boundaries, [*boundaries[1:], len(original)], strict=True):
        part = unicodedata.normalize("NFC", original[start:stop])
        segments.append((start, position))
        parts.append(part)
        position += len(part)
    segments.append((len(original), position))  # the end maps to the end
    if "".join(parts) != text:
        return NormalisedText(original, original)
    return NormalisedText(original, text, tuple(segments))


@dataclass(frozen=True)
class Paragraph:
    """A non-blank line of a source: `[start, end)` in the original text, the speaker label
    found before `text_start` (or ""), and the normalised text after it."""

    start: int
    text_start: int
    end: int
    speaker: str
    text: NormalisedText

    def to_local(self, position: int, *, end: bool = False) -> int:
        """An offset of the source as an offset into this paragraph's NFC text (clamped)."""
        local = min(max(position - self.text_start, 0), self.end - self.text_start)
        return self.text.to_normalised(local, end=end)

    def to_source(self, position: int, *, end: bool = False) -> int:
        return self.text_start + self.text.to_original(position, end=end)


def paragraphs(text: str) -> list[Paragraph]:
    """The source's non-blank lines, trimmed, each with its speaker label when the label
    starts two paragraphs or more."""
    lines = []
    for match in _LINE.finditer(text):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + len(line) - len(line.lstrip())
        lines.append((start, start + len(stripped), stripped))
    labels: dict[str, int] = {}
    for _start, _end, line in lines:
        found = _LABEL.match(line)
        if found and found.end() < len(line):
            labels[found.group("label")] = labels.get(found.group("label"), 0) + 1
    result = []
    for start, end, line in lines:
        found = _LABEL.match(line)
        speaker, text_start = "", start
        if found and found.end() < len(line) and labels.get(found.group("label"), 0) >= 2:
            speaker, text_start = found.group("label"), start + found.end()
        result.append(Paragraph(start, text_start, end, speaker, normalise(text[text_start:end])))
    return result
