"""Bytes → text: size and binary checks, encoding detection, NFC and LF normalisation.

Detection is a strict cascade, not a statistical guess: a BOM decides (UTF-8, UTF-16), then
strict UTF-8, then strict GB18030. GB18030 is a superset of GBK; a file that also decodes
strictly as GBK is reported as "gbk", so the researcher sees the name their tools use. Legacy
Chinese text that is valid UTF-8 by accident is vanishingly rare (UTF-8 multi-byte sequences
need continuation bytes 0x80–0xBF in exact positions), so UTF-8 goes first.
"""

from __future__ import annotations

import codecs
import unicodedata

from analysis.transcripts.errors import ErrorCode, TranscriptError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # 20 MiB; a long interview is well under 1 MiB of text

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
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")


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


def detect_and_decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) by the cascade in the module docstring; raises UNDECODABLE."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _strict(data, codec), "utf-8" if codec == "utf-8-sig" else "utf-16"
            except UnicodeDecodeError as exc:
                raise TranscriptError(
                    ErrorCode.UNDECODABLE, f"byte {exc.start}", byte=exc.start
                ) from exc
    try:
        return _strict(data, "utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
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
        return text, "gb18030"
    return text, "gbk"


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


def decode_text(
    data: bytes, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[str, str]:
    """Checked, decoded and normalised text of a text file, and the encoding used."""
    check_size(data, max_bytes)
    kind = sniff_binary(data)
    if kind == "legacy Office document":
        raise TranscriptError(ErrorCode.LEGACY_DOC)
    if kind:
        raise TranscriptError(ErrorCode.BINARY, kind=kind)
    text, used = decode_with(data, encoding) if encoding else detect_and_decode(data)
    text = normalise(text).lstrip("\ufeff")
    controls = sum(
        1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS
    )
    if controls > max(3, len(text) // 100):
        raise TranscriptError(ErrorCode.BINARY, kind="binary data")
    if not text.strip():
        raise TranscriptError(ErrorCode.EMPTY)
    return text, used
