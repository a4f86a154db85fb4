"""Which format a transcript file is, and the splitter for each text format."""

from __future__ import annotations

import re
from pathlib import PurePath

from analysis.transcripts.decode import OLE_MAGIC
from analysis.transcripts.errors import ErrorCode, ParseWarning, TranscriptError
from analysis.transcripts.formats.docx import is_docx
from analysis.transcripts.formats.subtitles import cue_turns
from analysis.transcripts.formats.text import split_turns
from analysis.transcripts.limits import DEFAULT_LIMITS
from analysis.transcripts.model import Turn

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
    text: str, fmt: str, max_turns: int = DEFAULT_LIMITS.max_turns
) -> tuple[list[Turn], list[ParseWarning]]:
    """Turns of decoded, normalised text in one of the text formats (all but docx)."""
    if fmt in ("srt", "vtt"):
        return cue_turns(text, vtt=fmt == "vtt", max_turns=max_turns)
    return split_turns(text, markdown=fmt == "md", max_turns=max_turns)
