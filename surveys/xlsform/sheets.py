"""Stage 1 of the XLSForm import: a workbook file → sheets of rows of strings.

Every cell becomes a string here, at the edge: ``12.0`` → ``"12"``, ``True`` → ``"true"``,
non-breaking and ideographic spaces → plain spaces, surrounding whitespace removed, CRLF → LF.
Nothing after this stage sees an openpyxl type.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ..errors import Code, ImportFailed, Problem
from ..safe_zip import ZipRefused, check_zip_archive

# Rows of one sheet below its header, blank ones included: a choices sheet of every township
# in China has about 40,000.
MAX_SHEET_ROWS = 100_000
# Bytes of the workbook's parts once unzipped: openpyxl holds the shared strings in memory, and
# a zip bomb of a few megabytes unpacks to gigabytes. A zip member is never read past the size
# its header declares, so the declared sizes bound what is read (`surveys.safe_zip`, which also
# refuses too many parts, overlapping parts and a compression ratio past 100).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# What a damaged or hostile workbook raises while it is opened or read: not a zip, a missing
# part, malformed XML, or XML that declares entities (openpyxl parses with defusedxml, which
# refuses a DTD's entities, so neither an entity bomb nor an external entity is expanded).
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    OSError,
    ValueError,  # also defusedxml's EntitiesForbidden, DTDForbidden, ExternalReferenceForbidden
    SyntaxError,  # xml.etree's ParseError and lxml's XMLSyntaxError
    IndexError,  # a cell naming a shared string past the table's end (found by tests/fuzz)
    LookupError,  # an XML declaration naming an unknown encoding (found by tests/fuzz)
    TypeError,  # an attribute openpyxl's element classes do not take (found by tests/fuzz)
)


@dataclass
class Sheet:
    name: str
    columns: list[str]  # header cells as written, "" for blank headers
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (Excel row, cells)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value).replace("\xa0", " ").replace("\u3000", " ").replace("\u200b", "")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def read_sheets(source: str | os.PathLike[str] | bytes | bytearray | BinaryIO) -> dict[str, Sheet]:
    """All sheets of a workbook, keyed by lower-case sheet name.

    Raises `ImportFailed` (code ``xls_unreadable``) when the file is not an .xlsx workbook.
    """
    import openpyxl  # an optional dependency of the domain; only the importer needs it
    from openpyxl.utils.exceptions import InvalidFileException

    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(bytes(source))
    try:
        _check_archive(source)
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        try:
            return {ws.title.strip().lower(): _read_sheet(ws) for ws in workbook.worksheets}
        finally:
            workbook.close()
    except (InvalidFileException, *UNREADABLE) as error:
        raise ImportFailed(
            Problem(
                Code.XLS_UNREADABLE, params={"detail": str(error)[:200] or type(error).__name__}
            )
        ) from error


def _check_archive(source: str | os.PathLike[str] | BinaryIO) -> None:
    """Refuse a zip bomb (from the central directory alone) and XML parts that declare a DTD,
    before openpyxl unpacks anything."""
    try:
        check_zip_archive(source, max_total_bytes=MAX_UNPACKED_BYTES)
    except ZipRefused as refused:
        if refused.code == Code.ZIP_TOO_LARGE:
            problem = Problem(
                Code.XLS_TOO_LARGE, params={"max": MAX_UNPACKED_BYTES // (1024 * 1024)}
            )
        elif refused.code == Code.ZIP_UNREADABLE:
            problem = Problem(Code.XLS_UNREADABLE, params=refused.params)
        else:
            problem = Problem(refused.code, params=refused.params)
        raise ImportFailed(problem) from refused


def _read_sheet(worksheet: Any) -> Sheet:
    rows = worksheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = [cell_text(c) for c in header]
    sheet = Sheet(name=worksheet.title, columns=columns)
    for number, values in enumerate(rows, start=2):
        if number > MAX_SHEET_ROWS + 1:  # blank rows too: openpyxl yields the gaps it fills
            raise ImportFailed(
                Problem(
                    Code.XLS_TOO_MANY_ROWS,
                    params={"max": MAX_SHEET_ROWS},
                    sheet=worksheet.title,
                    row=number,
                )
            )
        cells = {}
        for column, value in zip(columns, values, strict=False):
            text = cell_text(value)
            if column and text:
                cells[column] = text
        if cells:
            sheet.rows.append((number, cells))
    return sheet
