"""Where each turn stands in the text as the researcher's file gave it (issue 25).

Turns hold NFC text with LF line ends, without labels, timestamps, markup or control
characters (STYLE 25); other tools count REFI-QDA offsets in the source's own text, where a
decomposed "é" is two code points and a CRLF two. `view_of` normalises the file's text the way
the parser does while remembering, for each character, the span of the file's text it came
from; `locate_turns` finds each turn's lines in that view, in order, so every position of a
turn maps to a position in the file's text. `mask_original` masks the file's text through the
same map, so the kept text holds no more than the de-identified turns and header do.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analysis.qda.plaintext import normalise
from analysis.transcripts.decode import CONTROL
from analysis.transcripts.deidentify import KINDS, deidentify

_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]")
# Characters NFC never changes and that never compose with the one before them (ASCII, CJK
# ideographs and punctuation but its combining tone marks, full-width forms); a stretch of
# other characters, with the one before it, is normalised on its own.
_STABLE = "\x00-\x7f\u3000-\u3029\u3030-\u303f\u4e00-\u9fff\uff00-\uffef"
_SUSPECT = re.compile(f"[{_STABLE}]?[^{_STABLE}]+")
# Code points a character-by-character match may skip (markup inside a line, `**` of a bold
# word); past it the turn is taken for one the text does not hold.
MAX_GAP = 256


@dataclass(frozen=True)
class NormalisedView:
    """`text` as the parser reads the file; character i came from `[starts[i], ends[i])`."""

    text: str
    starts: array[int]
    ends: array[int]


def view_of(original: str) -> NormalisedView:
    """The file's text with line ends as LF, NFC, control characters removed (decode.py's
    steps, in its order), each character mapped to where it stands in `original`."""
    parts: list[str] = []
    starts, ends = array("q"), array("q")

    def add(chars: str, start: int, end: int) -> None:
        kept = CONTROL.sub("", chars)
        parts.append(kept)
        starts.extend([start] * len(kept))
        ends.extend([end] * len(kept))

    def add_stable(begin: int, stop: int) -> None:  # characters NFC leaves as they are
        piece = original[begin:stop]
        if CONTROL.search(piece):
            for offset, char in enumerate(piece):
                add(char, begin + offset, begin + offset + 1)
            return
        parts.append(piece)
        starts.extend(range(begin, stop))
        ends.extend(range(begin + 1, stop + 1))

    def add_composed(begin: int, stop: int) -> None:
        piece = original[begin:stop]
        mapped = normalise(piece)
        if mapped.segments:
            for (o_start, n_start), (o_end, n_end) in itertools.pairwise(mapped.segments):
                add(mapped.text[n_start:n_end], begin + o_start, begin + o_end)
        elif unicodedata.is_normalized("NFC", piece):
            add_stable(begin, stop)
        else:  # runs that cannot be cut: one run
            add(unicodedata.normalize("NFC", piece), begin, stop)

    def add_line(begin: int, stop: int) -> None:
        line = original[begin:stop]
        if unicodedata.is_normalized("NFC", line):
            add_stable(begin, stop)
            return
        position = begin
        for found in _SUSPECT.finditer(line):
            add_stable(position, begin + found.start())
            add_composed(begin + found.start(), begin + found.end())
            position = begin + found.end()
        add_stable(position, stop)

    position = 0
    for found in _BREAK.finditer(original):
        add_line(position, found.start())
        parts.append("\n")
        starts.append(found.start())
        ends.append(found.end())
        position = found.end()
    add_line(position, len(original))
    return NormalisedView("".join(parts), starts, ends)


@dataclass(frozen=True)
class TurnPlace:
    """Each code point of a turn's text as `[starts[i], ends[i])` of the file's text; a line
    break between two lines of a turn covers whatever the file has between them."""

    starts: array[int]
    ends: array[int]

    @property
    def start(self) -> int:
        return self.starts[0]

    @property
    def end(self) -> int:
        return self.ends[-1]

    def to_original(self, position: int, *, end: bool = False) -> int:
        """A turn offset as an offset of the file's text (the signature of `NormalisedText`)."""
        if end and position > 0:
            return self.ends[min(position, len(self.ends)) - 1]
        return self.starts[position] if position < len(self.starts) else self.ends[-1]


def _place(view: NormalisedView, text: str, cursor: int) -> tuple[TurnPlace, int] | None:
    starts, ends = array("q"), array("q")
    breaks: list[int] = []  # where the turn's line breaks are, filled in below
    for index, line in enumerate(text.split("\n")):
        if index:
            breaks.append(len(starts))
            starts.append(-1)
            ends.append(-1)
        found = view.text.find(line, cursor) if line else cursor
        if found >= 0:
            starts.extend(view.starts[found : found + len(line)])
            ends.extend(view.ends[found : found + len(line)])
            cursor = found + len(line)
            continue
        for char in line:  # markup removed inside the line: each character, a short way on
            found = view.text.find(char, cursor, cursor + MAX_GAP)
            if found < 0:
                return None
            starts.append(view.starts[found])
            ends.append(view.ends[found])
            cursor = found + 1
    is_break = set(breaks)
    for at in breaks:  # a line break starts where the line before ended …
        before = at - 1
        starts[at] = -1 if before < 0 else starts[before] if before in is_break else ends[before]
    for at in reversed(breaks):  # … and ends where the next line starts
        after = at + 1
        ends[at] = -1 if after == len(ends) else ends[after] if after in is_break else starts[after]
    for at in breaks:
        starts[at] = starts[at] if starts[at] >= 0 else ends[at]
        ends[at] = ends[at] if ends[at] >= 0 else starts[at]
        if starts[at] < 0:  # a turn of line breaks only
            return None
    return TurnPlace(starts, ends), cursor


def locate_turns(original: str, texts: Sequence[str]) -> list[TurnPlace] | None:
    """Where each turn text (in file order) stands in `original`; None when one is not
    there (a turn the parser rewrote, say an unescaped `&lt;`), as no offset would be sure."""
    view = view_of(original)
    places, cursor = [], 0
    for text in texts:
        if not text:
            return None
        placed = _place(view, text, cursor)
        if placed is None:
            return None
        place, cursor = placed
        places.append(place)
    return places


def locate_turn(original: str, text: str) -> TurnPlace | None:
    """One turn in the span of the file's text it was placed at (what an export checks)."""
    places = locate_turns(original, [text])
    return places[0] if places else None


def mask_original(original: str, *, names: Iterable[str] = (), kinds: Iterable[str] = KINDS) -> str:
    """`original` with what `deidentify` masks in its normalised view masked in place: the
    same placeholders the turns get, the rest of the file's characters as they were."""
    view = view_of(original)
    result = deidentify(view.text, names=names, kinds=kinds)
    pieces, cursor = [], 0
    for redaction in result.redactions:
        start = max(view.starts[redaction.start], cursor)
        end = max(view.ends[redaction.end - 1], start)
        pieces.append(original[cursor:start])
        pieces.append(redaction.placeholder)
        cursor = end
    pieces.append(original[cursor:])
    return "".join(pieces)
