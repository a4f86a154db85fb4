"""Plain-text and Markdown transcripts: lines → speaker turns.

Recognised line shapes (see labels.py for when a label is believed):
    主持人：…   受访者A: …   Q: …   问：…   [00:01:02] 张三：…   张三（00:01:02）：…
    **访谈者**：…   【访谈者】…   [00:01:02] 采访者 (no colon; the text follows)
    张三 00:01:02            a meeting-export header (飞书 / 腾讯会议 / 讯飞听见): the text
    今天我们聊一聊……          follows on the next lines
Lines without a label continue the previous turn; blank lines only separate.

Before the first speaker, `key：value` lines whose key describes the interview (关键词, 标题,
时间, 地点, 访谈对象：王女士 …) are the file's header, returned apart from the turns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from analysis.transcripts.errors import ErrorCode, ParseWarning, TranscriptError, WarningCode
from analysis.transcripts.labels import (
    LabelledLine,
    SpeakerJudge,
    bold_label,
    is_header_line,
    split_label,
)
from analysis.transcripts.limits import DEFAULT_LIMITS
from analysis.transcripts.model import HeaderLine, Turn

_MD_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_MD_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_MD_PREFIX = re.compile(r"^(?:>\s*)+|^(?:[-*+]|\d{1,3}[.)])\s+")


class TurnBuilder:
    """Collects lines into turns; a turn without any text is dropped when closed. Past
    `max_turns` turns the file is refused, as soon as the one too many is closed."""

    def __init__(self, max_turns: int = DEFAULT_LIMITS.max_turns) -> None:
        self.turns: list[Turn] = []
        self._max_turns = max_turns
        self._speaker: str | None = None
        self._start: float | None = None
        self._end: float | None = None
        self._lines: list[str] = []

    @property
    def open(self) -> bool:
        return self._speaker is not None

    @property
    def speaker(self) -> str | None:
        return self._speaker

    def begin(self, speaker: str, start: float | None = None, end: float | None = None) -> None:
        self.close()
        self._speaker, self._start, self._end = speaker, start, end

    def add(self, text: str) -> None:
        if text:
            self._lines.append(text)

    def close(self) -> None:
        if self._speaker is not None and self._lines:
            if len(self.turns) >= self._max_turns:
                raise TranscriptError(ErrorCode.TOO_MANY_TURNS, limit=self._max_turns)
            text = "\n".join(self._lines)
            self.turns.append(Turn(self._speaker, text, self._start, self._end))
        self._speaker, self._start, self._end, self._lines = None, None, None, []


def _markdown_line(line: str) -> str | None:
    """The speech in a Markdown line: list, quote and emphasis marks removed; None for a
    heading or a rule."""
    if _MD_HEADING.match(line) or _MD_RULE.match(line):
        return None
    line = _MD_PREFIX.sub("", line, count=1)
    return line.replace("**", "").replace("__", "").strip()


@dataclass(frozen=True)
class Relabel:
    """The researcher's corrections from the preview: labels that are not speakers, their
    lines read as text (joining the turn before) or as header lines wherever they are.
    `alias` maps a label as the parser reads it to the form the corrections name it by (the
    web layer's are de-identified: 张三 → [姓名1])."""

    as_text: Collection[str] = ()
    as_header: Collection[str] = ()
    alias: Callable[[str], str] | None = None

    def use_of(self, label: str) -> str | None:
        """ "text", "header", or None for a label left to the parser's rules."""
        if not self.as_text and not self.as_header:
            return None
        name = self.alias(label) if self.alias else label
        if name in self.as_header:
            return "header"
        return "text" if name in self.as_text else None

    def refuses(self, label: str) -> bool:
        return self.use_of(label) is not None


NO_RELABEL = Relabel()


@dataclass
class SplitText:
    turns: list[Turn]
    warnings: list[ParseWarning]
    header: list[HeaderLine] = field(default_factory=list)


def _candidate(line: str, bold: str | None) -> LabelledLine | None:
    """A line's candidate label: its bold start in a .docx if that can be a label, else the
    shapes of labels.py."""
    if bold and line.startswith(bold):
        candidate = bold_label(bold, line[len(bold) :])
        if candidate is not None:
            return candidate
    return split_label(line)


def split_turns(
    text: str,
    *,
    markdown: bool = False,
    max_turns: int = DEFAULT_LIMITS.max_turns,
    bold: Mapping[int, str] | None = None,
    relabel: Relabel = NO_RELABEL,
) -> SplitText:
    """Speaker turns of NFC, LF-normalised text, with warnings (line numbers are 1-based)
    and the header block. `bold` maps a line number to the bold text it starts with (a .docx
    run); `relabel` carries the preview's corrections."""
    warnings: list[ParseWarning] = []
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if markdown and line:
            heading = _MD_HEADING.match(line)
            if heading:
                warnings.append(
                    ParseWarning.make(
                        WarningCode.HEADING_SKIPPED, number, text=heading.group(1).rstrip("# ")
                    )
                )
            cleaned = _markdown_line(line)
            line = cleaned if cleaned is not None else ""
        if line:
            lines.append((number, line))

    bold = bold or {}
    candidates = {number: _candidate(line, bold.get(number)) for number, line in lines}
    judge = SpeakerJudge((c.label for c in candidates.values() if c), relabel.refuses)
    builder = TurnBuilder(max_turns)
    header: list[HeaderLine] = []
    preamble_line: int | None = None
    for number, line in lines:
        candidate = candidates[number]
        if candidate and (
            relabel.use_of(candidate.label) == "header"
            or (not builder.turns and not builder.speaker and is_header_line(candidate))
        ):
            header.append(HeaderLine(candidate.label, candidate.text, number))
            continue
        if candidate and judge.accepts(candidate):
            builder.begin(candidate.label, candidate.start, candidate.end)
            builder.add(candidate.text)
            continue
        if not builder.open:
            builder.begin("")
            preamble_line = number
        builder.add(line)
    builder.close()

    if not any(turn.speaker for turn in builder.turns):
        if builder.turns:
            warnings.append(ParseWarning.make(WarningCode.NO_SPEAKERS))
    elif preamble_line is not None:
        warnings.append(ParseWarning.make(WarningCode.TEXT_BEFORE_FIRST_SPEAKER, preamble_line))
    return SplitText(builder.turns, warnings, header)
