"""Where each turn stands in the text as the researcher's file gave it (issue 25).

Turns hold NFC text with LF line ends, without labels, timestamps, markup or control
characters (STYLE 25); other tools count REFI-QDA offsets in the source's own text, where a
decomposed "é" is two code points and a CRLF two. `view_of` normalises the file's text the way
the parser does while remembering, for each character, the span of the file's text it came
from; `locate_turns` finds each turn's lines in that view, in order, so every position of a
turn maps to a position in the file's text. `mask_original` masks the file's text through the
same map, so the kept text holds no more than the de-identified turns and header do.

A WebVTT parser unescapes character references (`&lt;`, `&amp;`, `&nbsp;`, `&#x4E2D;`) after
removing tags; `view_of(…, entities=True)` decodes them the same way, each decoded character
mapped to the whole reference, so such a file's turns are placed too; SubRip has none (the
parser keeps `&lt;` as written). `DECODES_REFERENCES` names the formats that decode them.

A span of a turn that crosses its line breaks maps to the file's text between its first and
last characters' places, whatever the file holds between the lines (CRLF, indentation, an
.srt cue's number and timing line): REFI-QDA selections are offsets into the source, so a
highlight's start and end are exact and what a reader sees between them is the file's text.
"""

from __future__ import annotations

import html
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
# What `view_of` does not copy one for one: (1) a line break but LF, (2) a stretch NFC may
# change with the character before it (not a line break: `plain_view_of` reads line by
# line), else an ASCII control character; `_EVENT_NFC` for a text already NFC.
_ASCII_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_EVENT = re.compile(
    "(\r\n|[\r\u2028\u2029\x85])"
    f"|((?:(?![\r\n])[{_STABLE}])?[^{_STABLE}\u2028\u2029\x85]+)"
    f"|{_ASCII_CONTROL}"
)
_EVENT_NFC = re.compile(f"(\r\n|[\r\u2028\u2029\x85])|{CONTROL.pattern}")
# Code points a character-by-character match may skip (markup inside a line, `**` of a bold
# word); past it the turn is taken for one the text does not hold.
MAX_GAP = 256
# Formats whose parser unescapes character references (`formats/subtitles._clean`).
DECODES_REFERENCES = frozenset({"vtt"})
# What `html.unescape` replaces (its own pattern): numeric references, and names with or
# without the semicolon (`&amp` is "&" as HTML reads it).
_REFERENCE = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")


@dataclass(frozen=True)
class NormalisedView:
    """`text` as the parser reads the file; character i came from `[starts[i], ends[i])`."""

    text: str
    starts: array[int]
    ends: array[int]


def view_of(original: str, *, entities: bool = False) -> NormalisedView:
    """The file's text with line ends as LF, NFC, control characters removed (decode.py's
    steps, in its order), and with `entities` character references decoded (the WebVTT
    parser's last step), each character mapped to where it stands in `original`.

    One scan of the whole text for what is not one for one (a line break but LF, an ASCII
    control, a stretch NFC may change), the text between copied with its offsets in bulk; a
    stretch that composes to one character (a decomposed "é") maps to its span without the
    run analysis `plain_view_of` does (12,000 decomposed turns placed in 0.44 s of CPU, not
    0.67 s: docs/benchmarks.md)."""
    parts: list[str] = []
    starts, ends = array("q"), array("q")
    offsets = array("q", range(len(original) + 1))  # sliced: no Python int per character
    copied = 0  # original[copied:] is not in the view yet

    def copy(stop: int) -> None:
        parts.append(original[copied:stop])
        starts.extend(offsets[copied:stop])
        ends.extend(offsets[copied + 1 : stop + 1])

    nfc = unicodedata.is_normalized("NFC", original)  # then only breaks and controls
    for found in (_EVENT_NFC if nfc else _EVENT).finditer(original):
        begin, stop = found.span()
        if found.lastindex == 2:  # a stretch NFC may change
            piece = found.group()
            composed = unicodedata.normalize("NFC", piece)
            if composed == piece and not CONTROL.search(piece):
                continue  # copied with the text around it
            copy(begin)
            if len(composed) == 1 and not CONTROL.match(composed):
                parts.append(composed)
                starts.append(begin)
                ends.append(stop)
            else:
                run = plain_view_of(piece)
                parts.append(run.text)
                starts.extend(begin + at for at in run.starts)
                ends.extend(begin + at for at in run.ends)
        else:
            copy(begin)
            if found.lastindex == 1:  # a line break: LF
                parts.append("\n")
                starts.append(begin)
                ends.append(stop)
        copied = stop
    copy(len(original))
    view = NormalisedView("".join(parts), starts, ends)
    return _decoded(view) if entities else view


def plain_view_of(original: str) -> NormalisedView:
    """`view_of` without references, line by line as decode.py's steps read: the reference
    the fast `view_of` is checked against (tests/analysis/transcripts)."""
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


def _decoded(view: NormalisedView) -> NormalisedView:
    """`view` with its character references as `html.unescape` reads them, the characters one
    decodes to spanning the whole reference (a tail it leaves, `x` of `&ampx`, its own)."""
    parts: list[str] = []
    starts, ends = array("q"), array("q")
    position = 0
    for found in _REFERENCE.finditer(view.text):
        reference = found.group()
        decoded = html.unescape(reference)
        if decoded == reference:
            continue
        tail = 0  # characters html.unescape left after the name it matched
        while tail < len(decoded) - 1 and decoded[-1 - tail] == reference[-1 - tail]:
            tail += 1
        begin, stop = found.start(), found.end()
        parts.append(view.text[position:begin])
        starts.extend(view.starts[position:begin])
        ends.extend(view.ends[position:begin])
        head = len(decoded) - tail
        parts.append(decoded)
        starts.extend([view.starts[begin]] * head)
        ends.extend([view.ends[stop - tail - 1]] * head)
        starts.extend(view.starts[stop - tail : stop])
        ends.extend(view.ends[stop - tail : stop])
        position = stop
    if not position:
        return view
    parts.append(view.text[position:])
    starts.extend(view.starts[position:])
    ends.extend(view.ends[position:])
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


def locate_turns(
    original: str, texts: Sequence[str], *, entities: bool = False
) -> list[TurnPlace] | None:
    """Where each turn text (in file order) stands in `view_of(original, entities=…)`;
    None when one is not there (a turn the parser rewrote), as no offset would be sure."""
    view = view_of(original, entities=entities)
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


def locate_turn(original: str, text: str, *, entities: bool = False) -> TurnPlace | None:
    """One turn in the span of the file's text it was placed at (what an export checks)."""
    places = locate_turns(original, [text], entities=entities)
    return places[0] if places else None


def mask_original(
    original: str,
    *,
    names: Iterable[str] = (),
    kinds: Iterable[str] = KINDS,
    entities: bool = False,
) -> str:
    """`original` with what `deidentify` masks in its normalised view (`view_of`'s
    `entities`) masked in place: the same placeholders the turns get, the rest of the file's
    characters as they were (a masked reference is masked whole)."""
    view = view_of(original, entities=entities)
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
