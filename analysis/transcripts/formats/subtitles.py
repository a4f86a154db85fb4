"""SubRip (.srt) and WebVTT (.vtt) subtitles: cues → speaker turns.

Each cue becomes a turn with the cue's start and end. The speaker comes from a WebVTT voice
span (`<v 张三>…`) or a label at the start of a cue line (`张三：…`, `- 李四：…` for a
two-speaker cue); a cue without one continues with the previous cue's speaker, as subtitles
name a speaker only when it changes. Formatting tags are removed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from analysis.transcripts.errors import ParseWarning, WarningCode
from analysis.transcripts.formats.text import TurnBuilder
from analysis.transcripts.labels import SpeakerJudge, parse_timestamp, split_label
from analysis.transcripts.limits import DEFAULT_LIMITS
from analysis.transcripts.model import Turn

_CUE_TIME = r"(?:\d{1,3}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TIMING = re.compile(rf"^(?P<start>{_CUE_TIME})\s*-->\s*(?P<end>{_CUE_TIME})(?:\s.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")  # <i>, </v>, <00:00:01.000>, SRT {\an8}
_DIALOGUE_DASH = re.compile(r"^[-–—]\s+")  # "- 张三：…", not "-5度"
_VTT_SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION")


@dataclass
class Cue:
    line: int  # 1-based number of the block's first line
    start: float | None
    end: float | None
    lines: list[str]


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            if current:
                blocks.append((first, current))
            current = []
            continue
        if not current:
            first = number
        current.append(line)
    if current:
        blocks.append((first, current))
    return blocks


def read_cues(text: str, *, vtt: bool) -> tuple[list[Cue], list[ParseWarning]]:
    """Cues in file order; a block without a timing line is joined to the cue before it."""
    cues: list[Cue] = []
    warnings: list[ParseWarning] = []
    for index, (first, lines) in enumerate(_blocks(text)):
        if vtt and (
            (index == 0 and lines[0].startswith("WEBVTT"))
            or lines[0].split(maxsplit=1)[0] in _VTT_SKIPPED_BLOCKS
        ):
            continue
        for at, line in enumerate(lines[:3]):  # an index or cue id may come first
            timing = _TIMING.match(line)
            if timing:
                start, end = parse_timestamp(timing["start"]), parse_timestamp(timing["end"])
                cues.append(Cue(first, start, end, lines[at + 1 :]))
                break
        else:
            warnings.append(ParseWarning.make(WarningCode.CUE_WITHOUT_TIMING, first))
            if cues:
                cues[-1].lines.extend(lines)
            else:
                cues.append(Cue(first, None, None, list(lines)))
    return cues, warnings


def _clean(text: str, *, vtt: bool) -> str:
    text = _TAG.sub("", text)
    return (html.unescape(text) if vtt else text).strip()


def _pieces(line: str) -> list[tuple[str | None, str]]:
    """(voice or None, raw text) for each `<v …>` span of a line."""
    parts = [p for p in re.split(r"(?=<v[\s.])", line) if p.strip()]
    result: list[tuple[str | None, str]] = []
    for part in parts:
        voice = _VOICE.match(part)
        if voice:
            result.append((" ".join(voice.group(1).split()), part[voice.end() :]))
        else:
            result.append((None, part))
    return result


def cue_turns(
    text: str,
    *,
    vtt: bool,
    max_turns: int = DEFAULT_LIMITS.max_turns,
    refused: Callable[[str], bool] | None = None,
) -> tuple[list[Turn], list[ParseWarning]]:
    cues, warnings = read_cues(text, vtt=vtt)
    # First pass: every piece of cue text with its candidate label, so the judge can count.
    pieces: list[tuple[Cue, str | None, str]] = []
    for cue in cues:
        for line in cue.lines:
            for voice, raw in _pieces(line):
                cleaned = _DIALOGUE_DASH.sub("", _clean(raw, vtt=vtt))
                pieces.append((cue, voice, cleaned))
    candidates = [split_label(cleaned) if cleaned else None for _, _, cleaned in pieces]
    judge = SpeakerJudge((c.label for c in candidates if c), refused)

    builder = TurnBuilder(max_turns)
    current_cue: Cue | None = None
    speaker = ""
    for (cue, voice, cleaned), candidate in zip(pieces, candidates, strict=True):
        if voice is None and candidate is not None and judge.accepts(candidate):
            voice, cleaned = candidate.label, candidate.text
        if cue is not current_cue or (voice is not None and voice != builder.speaker):
            speaker = voice if voice is not None else speaker
            builder.begin(speaker, cue.start, cue.end)
            current_cue = cue
        builder.add(cleaned)
    builder.close()
    if builder.turns and not any(turn.speaker for turn in builder.turns):
        warnings.append(ParseWarning.make(WarningCode.NO_SPEAKERS))
    return builder.turns, warnings
