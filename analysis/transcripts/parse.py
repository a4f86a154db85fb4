"""The import pipeline: bytes → decoded text → lines or cues → turns → `Transcript`."""

from __future__ import annotations

from pathlib import Path

from analysis.transcripts.decode import check_size, checked_text, decode_source, normalise
from analysis.transcripts.errors import (
    ErrorCode,
    ParseWarning,
    TranscriptError,
    WarningCode,
)
from analysis.transcripts.formats import NO_RELABEL, Relabel, detect_format, split_text
from analysis.transcripts.formats.docx import docx_text
from analysis.transcripts.limits import DEFAULT_LIMITS, DEFAULT_MAX_BYTES, Limits
from analysis.transcripts.model import Transcript
from analysis.transcripts.speakers import merge_consecutive


def parse_transcript(
    data: bytes,
    filename: str = "",
    *,
    encoding: str | None = None,
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    merge: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    relabel: Relabel = NO_RELABEL,
) -> Transcript:
    """Split a transcript file's bytes into speaker turns.

    `filename` only serves to pick the format (its extension); `fmt` overrides it. `encoding`
    overrides detection (UTF-8 with or without BOM, then GBK/GB18030). `merge` joins
    consecutive turns of the same speaker (useful for subtitles, one cue per line). Raises
    `TranscriptError` for a file that cannot be imported at all, or one past `max_bytes` or
    `limits` (limits.py), as soon as the limit is passed.

    A plain function of bytes and options, touching no database: the web layer runs it before
    it takes any write lock, and it can run as a job as it is.
    """
    check_size(data, max_bytes)
    fmt = detect_format(data, filename, fmt)
    warnings: list[ParseWarning] = []
    bold: dict[int, str] = {}
    if fmt == "docx":
        if encoding:
            warnings.append(ParseWarning.make(WarningCode.ENCODING_IGNORED, encoding=encoding))
        document = docx_text(data, limits)
        source = document.text
        text, found = checked_text(source, limits)
        # Normalised like the text, so that a line still starts with its bold start.
        bold = {number: normalise(start) for number, start in document.bold.items()}
        used, fmt_of_text = None, "txt"
    else:
        source, used, found = decode_source(data, encoding=encoding, max_bytes=max_bytes)
        text, checked = checked_text(source, limits)
        found.extend(checked)
        fmt_of_text = fmt
    warnings.extend(found)
    split = split_text(text, fmt_of_text, limits.max_turns, bold=bold, relabel=relabel)
    warnings.extend(split.warnings)
    turns = split.turns
    if not turns:
        raise TranscriptError(ErrorCode.NO_TURNS)
    if merge:
        turns = merge_consecutive(turns)
    return Transcript(
        tuple(turns), used, fmt, tuple(warnings), tuple(split.header), source_text=source
    )


def read_transcript(
    path: str | Path,
    *,
    encoding: str | None = None,
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    merge: bool = False,
    relabel: Relabel = NO_RELABEL,
) -> Transcript:
    """`parse_transcript` on a file, refusing an oversized one before reading it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TranscriptError(ErrorCode.TOO_LARGE, size=size, limit=max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        raise TranscriptError(
            ErrorCode.UNREADABLE, str(path), detail=exc.strerror or type(exc).__name__
        ) from exc
    return parse_transcript(
        data,
        path.name,
        encoding=encoding,
        fmt=fmt,
        max_bytes=max_bytes,
        merge=merge,
        relabel=relabel,
    )
