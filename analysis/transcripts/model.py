"""The result of a transcript import: speaker turns and how the file was read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from analysis.transcripts.errors import ParseWarning


@dataclass(frozen=True, slots=True)
class Turn:
    """One stretch of speech. `text` is NFC with LF line endings (offsets into it are
    code points, STYLE 25); `start`/`end` are seconds from the start of the recording, or None
    where the file does not say."""

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {"speaker": self.speaker, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class HeaderLine:
    """A line of the header block a transcript opens with (`关键词：…`, `时间：…`): the
    interview's metadata, not speech. `key` is the label as normalised, `value` the rest of
    the line as written, `line` its 1-based number in the text."""

    key: str
    value: str
    line: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "value": self.value, "line": self.line}


def speakers_of(turns: Sequence[Turn]) -> list[str]:
    """Distinct named speakers in order of first appearance (the unnamed "" left out)."""
    seen: dict[str, None] = {}
    for turn in turns:
        if turn.speaker:
            seen.setdefault(turn.speaker, None)
    return list(seen)


@dataclass(frozen=True, slots=True)
class Transcript:
    """Turns plus provenance. `encoding` is the codec the bytes were decoded with (None for
    docx, whose XML declares its own); `format` is txt, md, srt, vtt or docx; `header` the
    header lines, which are in no turn; `source_text` the file's text before any
    normalisation (as decoded, without a BOM; a docx's as extracted), which other tools'
    offsets count in (original.py places the turns in it)."""

    turns: tuple[Turn, ...]
    encoding: str | None
    format: str
    warnings: tuple[ParseWarning, ...] = field(default=())
    header: tuple[HeaderLine, ...] = field(default=())
    source_text: str = ""

    @property
    def speakers(self) -> list[str]:
        return speakers_of(self.turns)

    @property
    def suggested_interviewer(self) -> str | None:
        # Imported here: speakers.py builds on Turn from this module.
        from analysis.transcripts.speakers import suggest_interviewer

        return suggest_interviewer(self.turns)

    def to_dict(self) -> dict[str, object]:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "speakers": self.speakers,
            "suggested_interviewer": self.suggested_interviewer,
            "header": [line.to_dict() for line in self.header],
            "turns": [turn.to_dict() for turn in self.turns],
            "warnings": [warning.to_dict() for warning in self.warnings],
        }
