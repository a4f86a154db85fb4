"""Bytes → text: size and binary checks, encoding detection, NFC and LF normalisation,
control characters and the text's length.

Detection is a strict cascade, not a statistical guess: a BOM decides (UTF-8, UTF-16), then
strict UTF-8, then strict GB18030. GB18030 is a superset of GBK; a file that also decodes
strictly as GBK is reported as "gbk", so the researcher sees the name their tools use. Legacy
Chinese text that is valid UTF-8 by accident is vanishingly rare (UTF-8 multi-byte sequences
need continuation bytes 0x80–0xBF in exact positions), so UTF-8 goes first.

A file whose lines mix the two (a UTF-8 transcript with lines pasted from a GBK one) is
decoded line by line: each line in UTF-8 when it is valid UTF-8, else in GB18030, with a
warning naming the GB18030 lines. Decoding the whole file as GB18030 would turn its UTF-8
lines into mojibake without a word; refusing it would leave the researcher to repair the file
by hand. Line by line loses nothing: each line is read in the one encoding it is valid in (a
newline byte is never part of a multi-byte character in either), and the warning says which
lines to check.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from analysis.transcripts.errors import ErrorCode, ParseWarning, TranscriptError, WarningCode
from analysis.transcripts.limits import DEFAULT_LIMITS, DEFAULT_MAX_BYTES, Limits

# Leading bytes of files people upload by mistake; PK (zip) is handled by the caller because
# a docx is a zip.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!", "RAR archive"),
    (b"\x7fELF", "program"),
    (b"ID3", "MP3 audio"),
    (b"OggS", "Ogg audio"),
    (b"RIFF", "audio/video (RIFF)"),
    (b"\x00\x00\x00", "audio/video (MP4)"),
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters (C0 but tab and newline, DEL, C1) and the two non-characters XML 1.0
# forbids: not text, and each would make an export ill-formed (issue 30.12). Carriage
# returns and U+0085 are line breaks, turned into newlines by `normalise` first.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_LINES_NAMED = 10  # line numbers listed in a warning; more are "…"


def check_size(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    if len(data) > max_bytes:
        raise TranscriptError(ErrorCode.TOO_LARGE, size=len(data), limit=max_bytes)
    if not data.strip():
        raise TranscriptError(ErrorCode.EMPTY)


def sniff_binary(data: bytes) -> str | None:
    """A name for the kind of binary file `data` is, or None when it may be text."""
    if data.startswith(OLE_MAGIC):
        return "legacy Office document"
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if any(data.startswith(bom) for bom, codec in _BOMS if codec == "utf-16"):
        return None
    if b"\x00" in data[:8192]:
        return "binary data"
    return None


def normalise(text: str) -> str:
    """NFC with LF line endings: the text every offset in Wenfang refers to (STYLE 25)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x85", "\n")
    return unicodedata.normalize("NFC", text)


def _strict(data: bytes, codec: str) -> str:
    return data.decode(codec, errors="strict")


def detect_and_decode(data: bytes) -> tuple[str, str, list[int]]:
    """(text, encoding name, GB18030 lines of a mixed file) by the cascade in the module
    docstring; raises UNDECODABLE."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                name = "utf-8" if codec == "utf-8-sig" else "utf-16"
                return _strict(data, codec), name, []
            except UnicodeDecodeError as exc:
                raise TranscriptError(
                    ErrorCode.UNDECODABLE, f"byte {exc.start}", byte=exc.start
                ) from exc
    try:
        return _strict(data, "utf-8"), "utf-8", []
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    mixed = _decode_mixed_lines(data)
    if mixed is not None:
        return mixed
    try:
        text = _strict(data, "gb18030")
    except UnicodeDecodeError as exc:
        # Report the later of the two failure points: the earlier one was readable by the
        # other codec, so the later is where neither can go on.
        byte = max(first_bad, exc.start)
        raise TranscriptError(ErrorCode.UNDECODABLE, f"byte {byte}", byte=byte) from exc
    try:
        _strict(data, "gbk")
    except UnicodeDecodeError:
        return text, "gb18030", []
    return text, "gbk", []


def _decode_mixed_lines(data: bytes) -> tuple[str, str, list[int]] | None:
    """(text, "utf-8+gb18030", GB18030 line numbers) of a file whose lines are each valid
    UTF-8 or GB18030 and some non-ASCII ones UTF-8; None for anything else (a plain GBK file,
    or one with a line neither can read: the whole-file cascade says where)."""
    lines, legacy, utf8_seen = [], [], False
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(_strict(raw, "utf-8"))
            utf8_seen = utf8_seen or not raw.isascii()
        except UnicodeDecodeError:
            try:
                lines.append(_strict(raw, "gb18030"))
            except UnicodeDecodeError:
                return None
            legacy.append(number)
    if not utf8_seen:
        return None
    return "\n".join(lines), "utf-8+gb18030", legacy


def _line_list(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:_LINES_NAMED])
    return shown + ("…" if len(numbers) > _LINES_NAMED else "")


def decode_with(data: bytes, encoding: str) -> tuple[str, str]:
    """Decode with the caller's codec (strictly); a UTF-8 BOM is dropped either way."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError as exc:
        raise TranscriptError(ErrorCode.UNKNOWN_ENCODING, encoding=encoding) from exc
    codec = "utf-8-sig" if name == "utf-8" else name
    try:
        return _strict(data, codec), name
    except UnicodeDecodeError as exc:
        raise TranscriptError(
            ErrorCode.WRONG_ENCODING, f"byte {exc.start}", encoding=name, byte=exc.start
        ) from exc


def decode_source(
    data: bytes, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[str, str, list[ParseWarning]]:
    """The text of a text file as decoded, not yet normalised (a BOM is an encoding's mark,
    not text: it is dropped), the encoding used, and a mixed encoding's warning."""
    check_size(data, max_bytes)
    kind = sniff_binary(data)
    if kind == "legacy Office document":
        raise TranscriptError(ErrorCode.LEGACY_DOC)
    if kind:
        raise TranscriptError(ErrorCode.BINARY, kind=kind)
    legacy: list[int] = []
    if encoding:
        text, used = decode_with(data, encoding)
    else:
        text, used, legacy = detect_and_decode(data)
    warnings = []
    if legacy:
        warnings.append(ParseWarning.make(WarningCode.MIXED_ENCODING, lines=_line_list(legacy)))
    return text.lstrip("\ufeff"), used, warnings


def without_controls(text: str) -> str:
    """`text` without the control characters that `checked_text` removes (for a file name)."""
    return CONTROL.sub("", text)


def checked_text(text: str, limits: Limits = DEFAULT_LIMITS) -> tuple[str, list[ParseWarning]]:
    """Decoded text (of any format) normalised, its control characters removed with a
    warning, refused when empty, too long, or so full of controls that it is binary data."""
    text = normalise(text)
    if len(text) > limits.max_text_chars:
        raise TranscriptError(ErrorCode.TEXT_TOO_LONG, chars=len(text), limit=limits.max_text_chars)
    warnings = []
    first = CONTROL.search(text)
    if first is not None:
        line = text.count("\n", 0, first.start()) + 1
        length = len(text)
        text, count = CONTROL.subn("", text)
        if count > max(3, length // 100):
            raise TranscriptError(ErrorCode.BINARY, kind="binary data")
        warnings.append(
            ParseWarning.make(WarningCode.CONTROL_CHARACTERS_REMOVED, line, count=count)
        )
    if not text.strip():
        raise TranscriptError(ErrorCode.EMPTY)
    return text, warnings
