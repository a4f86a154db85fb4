"""Zip archives from untrusted uploads (.docx, .xlsx, .qdpx) checked before anything is unpacked.

A zip bomb is small on disk and huge once unpacked: one member of a few hundred kilobytes that
inflates to gigabytes (a ratio of 1,000 and more), many members pointing at the same compressed
bytes (David Fifield's overlapping bomb), or a
central directory of a million entries. `check_zip_archive` reads only the central directory
and refuses each of these with a `ZipRefused` naming the limit.

The declared sizes are enough to bound what is later read: Python's zipfile, which openpyxl
and python-docx use, never unpacks a member past the size its header declares (a member that
holds more fails its CRC check). The limits follow Apache POI's `ZipSecureFile`, which guards
the same formats: a ratio of 100 per member, checked only above a size (1 MiB here) below which
a ratio says nothing (a near-empty part compresses very well) and cannot hurt. Honest Office
files measure 2 to 20 (a 100,000-row sheet of one repeated row: 18).

No Flask here: the transcript, XLSForm and REFI-QDA readers call it, and the web layer shows
the error's `message(locale)`.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Callable
from typing import Any, BinaryIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from .errors import Code, SurveysError
from .problems import CodedError

MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
# What a damaged archive raises while its directory or a part is read (NotImplementedError: an
# unknown compression; RuntimeError: a part behind a password). Not ValueError as a whole:
# `ZipRefused` is one.
UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    UnicodeDecodeError,  # a member name flagged UTF-8 that is not (found by tests/fuzz)
)
# Parts read as XML by the readers of the formats (OOXML parts and relationships, VML drawings,
# the REFI-QDA project).
XML_SUFFIXES = (".xml", ".rels", ".vml", ".qde")
_CHUNK = 16 * 1024
_LOCAL_HEADER = 30  # bytes of a local file header without its name and extra field

# The codes a `ZipRefused` carries.
REFUSALS = frozenset(
    {
        Code.ZIP_UNREADABLE,
        Code.ZIP_TOO_MANY_MEMBERS,
        Code.ZIP_TOO_LARGE,
        Code.ZIP_OVERLAPPING,
        Code.ZIP_RATIO,
        Code.ZIP_XML_DTD,
    }
)

ZipSource = str | os.PathLike[str] | bytes | bytearray | BinaryIO


class ZipRefused(SurveysError, CodedError, ValueError):
    """An archive refused before it is unpacked; `code` names the limit passed, `params` the
    figures of the message (`message(locale)`, zh_CN or en)."""

    code: Code

    def __init__(self, code: Code, **params: Any) -> None:
        CodedError.__init__(self, Code(code), None, **params)


def check_zip_archive(
    source: ZipSource,
    *,
    max_members: int = MAX_MEMBERS,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_ratio: int = MAX_RATIO,
    ratio_floor: int = RATIO_FLOOR,
    forbid_dtd: bool = True,
) -> list[zipfile.ZipInfo]:
    """The members of the zip archive *source* when it is within the limits; `ZipRefused`
    otherwise, or when it is no zip archive at all.

    The limits are checked from the central directory alone. Then, with *forbid_dtd*, each
    XML part (`XML_SUFFIXES`) is read with defusedxml up to its root element, and refused when
    it declares a DTD: openpyxl and python-docx parse most parts with lxml, which expands no
    entity (`resolve_entities=False`) but does read the DTD; no Office part has one. A file
    object is read from its current position and left there again, for the caller's reader.
    """
    stream, size, restore = _open(source)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            _check_limits(members, size, max_members, max_total_bytes, max_ratio, ratio_floor)
            if forbid_dtd:
                for member in members:
                    if member.filename.lower().endswith(XML_SUFFIXES):
                        _check_prolog(archive, member)
    except UNREADABLE as exc:
        raise ZipRefused(Code.ZIP_UNREADABLE, detail=str(exc)[:200] or type(exc).__name__) from exc
    finally:
        restore()
    return members


def _check_limits(
    members: list[zipfile.ZipInfo],
    size: int,
    max_members: int,
    max_total_bytes: int,
    max_ratio: int,
    ratio_floor: int,
) -> None:
    if len(members) > max_members:
        raise ZipRefused(Code.ZIP_TOO_MANY_MEMBERS, count=len(members), limit=max_members)
    total = sum(member.file_size for member in members)
    if total > max_total_bytes:
        raise ZipRefused(Code.ZIP_TOO_LARGE, size=total, limit=max_total_bytes)
    if _overlapping(members):
        raise ZipRefused(Code.ZIP_OVERLAPPING)
    for member in members:
        _check_ratio(member.file_size, member.compress_size, max_ratio, ratio_floor)
    _check_ratio(total, size, max_ratio, ratio_floor)


class _RootReached(Exception):
    """The parser reached the root element: no DTD can follow."""


class _StopAtRoot:
    """A parser target that builds nothing and stops the parse at the first element."""

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        raise _RootReached

    def close(self) -> None:
        return None


def _check_prolog(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse *member* when its XML declares a DTD before the root element. Read a chunk at a
    time and no further than the root element (a DTD can only come first), building nothing."""
    parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
    with archive.open(member) as part:
        try:
            while chunk := part.read(_CHUNK):
                parser.feed(chunk)
        except _RootReached:
            return
        except DefusedXmlException as exc:
            raise ZipRefused(Code.ZIP_XML_DTD, part=member.filename[:100]) from exc
        except (ParseError, LookupError):
            return  # not well-formed, an unknown encoding: the format's reader says so


def _overlapping(members: list[zipfile.ZipInfo]) -> bool:
    """Whether a member's bytes start before the previous member's end: each takes at least
    its local header (30 bytes) and its compressed size from its offset."""
    end = 0
    for member in sorted(members, key=lambda m: m.header_offset):
        if member.header_offset < end:
            return True
        end = member.header_offset + _LOCAL_HEADER + member.compress_size
    return False


def _check_ratio(unpacked: int, packed: int, max_ratio: int, floor: int) -> None:
    if unpacked > floor and unpacked > max_ratio * max(packed, 1):
        raise ZipRefused(Code.ZIP_RATIO, ratio=unpacked // max(packed, 1), limit=max_ratio)


def _open(source: ZipSource) -> tuple[BinaryIO, int, Callable[[], object]]:
    """A seekable stream of *source*, its size in bytes, and how to put a caller's file object
    back where it was."""
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), len(source), _nothing
    if isinstance(source, str | os.PathLike):
        try:
            stream: BinaryIO = open(source, "rb")  # noqa: SIM115 (closed by the returned callable)
        except OSError as exc:
            raise ZipRefused(
                Code.ZIP_UNREADABLE, detail=exc.strerror or type(exc).__name__
            ) from exc
        return stream, os.fstat(stream.fileno()).st_size, stream.close
    start = source.tell()
    size = source.seek(0, io.SEEK_END) - start
    source.seek(start)
    return source, size, lambda: source.seek(start)


def _nothing() -> None:
    return None
