"""Which format a transcript file is, and the splitter for each text format."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePath

from analysis.transcripts.decode import OLE_MAGIC
from analysis.transcripts.errors import ErrorCode, TranscriptError
from analysis.transcripts.formats.docx import is_docx
from analysis.transcripts.formats.subtitles import cue_turns
from analysis.transcripts.formats.text import NO_RELABEL, Relabel, SplitText, split_turns
from analysis.transcripts.limits import DEFAULT_LIMITS

__all__ = ["FORMATS", "NO_RELABEL", "Relabel", "SplitText", "detect_format", "split_text"]

FORMATS = ("txt", "md", "srt", "vtt", "docx")
_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".srt": "srt",
    ".vtt": "vtt",
    ".docx": "docx",
}
_SRT_START = re.compile(rb"^\s*\d+\s*\r?\n\s*(?:\d{1,3}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->")


def detect_format(data: bytes, filename: str = "", fmt: str | None = None) -> str:
    """The caller's format if given, else the file extension's, else a look at the bytes."""
    if fmt:
        name = fmt.lower().lstrip(".")
        if name not in FORMATS:
            raise TranscriptError(ErrorCode.UNSUPPORTED_FORMAT, format=fmt)
        return name
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".doc" or data.startswith(OLE_MAGIC):
        raise TranscriptError(ErrorCode.LEGACY_DOC)
    if data.startswith(b"{\\rtf"):
        raise TranscriptError(ErrorCode.UNSUPPORTED_FORMAT, format="rtf")
    if is_docx(data):  # a Word file, whatever its name says
        return "docx"
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    head = data[:1024].removeprefix(b"\xef\xbb\xbf")
    if head.lstrip().startswith(b"WEBVTT"):
        return "vtt"
    if _SRT_START.match(head):
        return "srt"
    return "txt"


def split_text(
    text: str,
    fmt: str,
    max_turns: int = DEFAULT_LIMITS.max_turns,
    *,
    bold: Mapping[int, str] | None = None,
    relabel: Relabel = NO_RELABEL,
) -> SplitText:
    """Turns of decoded, normalised text in one of the text formats (a docx is read as txt,
    with its bold line starts). Subtitles have no header block: a label the researcher
    called a header line is read as text there."""
    if fmt in ("srt", "vtt"):
        turns, warnings = cue_turns(
            text, vtt=fmt == "vtt", max_turns=max_turns, refused=relabel.refuses
        )
        return SplitText(turns, warnings)
    return split_turns(text, markdown=fmt == "md", max_turns=max_turns, bold=bold, relabel=relabel)
