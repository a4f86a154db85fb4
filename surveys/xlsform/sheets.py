"""Stage 1 of the XLSForm import: a workbook file → sheets of rows of strings.

Both Excel formats are read, told apart by their first bytes (not the file name): ``.xlsx``
(a zip of XML, with openpyxl) and the older ``.xls`` (an OLE2 compound file, with xlrd), as
pyxform reads them. Only the cells that exist are read: the size a worksheet declares in its
``<dimension>`` tag is ignored, as a 16 KB file may declare all 1,048,576 × 16,384 cells.

Every cell becomes a string here, at the edge: ``12.0`` → ``"12"``, ``True`` → ``"true"``,
non-breaking and ideographic spaces → plain spaces, surrounding whitespace removed, CRLF → LF.
Nothing after this stage sees an openpyxl or xlrd type.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ..errors import Code, ImportFailed, Problem

# Rows of one sheet below its header that have a cell: a choices sheet of every township in
# China has about 40,000.
MAX_SHEET_ROWS = 100_000
# Bytes of the workbook's parts once unzipped: openpyxl holds the shared strings in memory, and
# a zip bomb of a few megabytes unpacks to gigabytes. A zip member is never read past the size
# its header declares, so the declared sizes bound what is read.
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
)
# What xlrd raises on a damaged or truncated .xls besides its own XLRDError.
XLS_DAMAGED = (*UNREADABLE, IndexError, AssertionError, TypeError, UnicodeDecodeError, struct.error)
# xlrd's cell types that hold no value: empty, blank (formatted only), error (#N/A…).
NO_VALUE = frozenset({0, 6, 5})
# The first bytes of an OLE2 compound file, the container of an .xls workbook.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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

    Raises `ImportFailed` (code ``xls_unreadable``) when the file is neither an .xlsx nor an
    .xls workbook, ``xls_too_large`` past `MAX_UNPACKED_BYTES`.
    """
    data = _read_bytes(source)
    if data.startswith(OLE2_SIGNATURE):
        return _read_xls(data)
    return _read_xlsx(io.BytesIO(data))


def _read_bytes(source: str | os.PathLike[str] | bytes | bytearray | BinaryIO) -> bytes:
    try:
        if isinstance(source, bytes | bytearray):
            return _bounded(io.BytesIO(source))
        if isinstance(source, str | os.PathLike):
            with open(source, "rb") as file:
                return _bounded(file)
        return _bounded(source)
    except OSError as error:
        raise ImportFailed(
            Problem(Code.XLS_UNREADABLE, params={"detail": str(error)[:200] or "OSError"})
        ) from error


def _bounded(file: BinaryIO) -> bytes:
    """The file's bytes, refused past the size limit (an .xls is not compressed, so its size
    on disk is what it unpacks to)."""
    data = file.read(MAX_UNPACKED_BYTES + 1)
    if len(data) > MAX_UNPACKED_BYTES:
        raise ImportFailed(
            Problem(Code.XLS_TOO_LARGE, params={"max": MAX_UNPACKED_BYTES // (1024 * 1024)})
        )
    return data


def _unreadable(error: BaseException) -> ImportFailed:
    detail = str(error)[:200] or type(error).__name__
    return ImportFailed(Problem(Code.XLS_UNREADABLE, params={"detail": detail}))


def _read_xlsx(source: BinaryIO) -> dict[str, Sheet]:
    import openpyxl  # an optional dependency of the domain; only the importer needs it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        _check_unpacked_size(source)
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        try:
            sheets = {}
            for worksheet in workbook.worksheets:
                # The cells that exist, not the declared range: the gaps come as empty rows
                # (not rows of a declared width), and `_read_sheet` skips them.
                worksheet.reset_dimensions()
                rows = worksheet.iter_rows(values_only=True)
                sheets[worksheet.title.strip().lower()] = _read_sheet(worksheet.title, rows)
            return sheets
        finally:
            workbook.close()
    except (InvalidFileException, *UNREADABLE) as error:
        raise _unreadable(error) from error


def _read_xls(data: bytes) -> dict[str, Sheet]:
    import xlrd  # an optional dependency of the domain; only the .xls importer needs it

    try:
        # xlrd writes what it finds wrong in a damaged file to stdout unless given a log
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
        try:
            sheets = {}
            for index in range(book.nsheets):
                worksheet = book.sheet_by_index(index)
                rows = _xls_rows(worksheet, book.datemode)
                sheets[worksheet.name.strip().lower()] = _read_sheet(worksheet.name, rows)
                book.unload_sheet(index)
            return sheets
        finally:
            book.release_resources()
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, *XLS_DAMAGED) as error:
        raise _unreadable(error) from error


def _xls_rows(worksheet: Any, datemode: int) -> Iterator[list[Any]]:
    """The values of an xlrd sheet's rows, none right of the last header; a row of blank
    cells (formatted, nothing written: pyxform's extra_columns.xls has 20,000 × 256 of them)
    comes as an empty row, as openpyxl gives a gap."""
    if not worksheet.nrows:
        return
    header = worksheet.row_values(0)
    width = max((i + 1 for i, value in enumerate(header) if cell_text(value)), default=0)
    for number in range(worksheet.nrows):
        types = worksheet.row_types(number, 0, width)
        if set(types) <= NO_VALUE:
            yield []
            continue
        values = worksheet.row_values(number, 0, width)
        yield [_xls_value(t, v, datemode) for t, v in zip(types, values, strict=True)]


def _xls_value(ctype: int, value: Any, datemode: int) -> Any:
    """The Python value of an xlrd cell: numbers, text, booleans and dates as openpyxl gives
    them, so that `cell_text` treats both formats alike; error cells are empty."""
    import xlrd

    if ctype in NO_VALUE:
        return None
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if ctype == xlrd.XL_CELL_DATE:
        try:
            parts = xlrd.xldate_as_tuple(value, datemode)
        except xlrd.xldate.XLDateError:
            return value
        if parts[:3] == (0, 0, 0):
            return dt.time(*parts[3:])
        return dt.datetime(*parts)
    return value


def _check_unpacked_size(source: BinaryIO) -> None:
    with zipfile.ZipFile(source) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    source.seek(0)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFailed(
            Problem(Code.XLS_TOO_LARGE, params={"max": MAX_UNPACKED_BYTES // (1024 * 1024)})
        )


def _read_sheet(title: str, rows: Iterable[Iterable[Any]]) -> Sheet:
    """A sheet from its rows of values, the first being the header; cells right of the last
    header are not kept. `MAX_SHEET_ROWS` counts the rows that have a cell: a sheet that
    Excel saved with empty row elements down to row 1,048,576 is read (the readers yield
    the gaps as empty rows, which costs nothing)."""
    iterator = iter(rows)
    header = next(iterator, None) or ()
    columns = [cell_text(c) for c in header]
    while columns and not columns[-1]:
        columns.pop()
    sheet = Sheet(name=title, columns=columns)
    for number, values in enumerate(iterator, start=2):
        if not values:  # a gap the reader filled
            continue
        cells = {}
        for column, value in zip(columns, values, strict=False):
            text = cell_text(value)
            if column and text:
                cells[column] = text
        if not cells:
            continue
        if len(sheet.rows) == MAX_SHEET_ROWS:
            raise ImportFailed(
                Problem(
                    Code.XLS_TOO_MANY_ROWS,
                    params={"max": MAX_SHEET_ROWS},
                    sheet=title,
                    row=number,
                )
            )
        sheet.rows.append((number, cells))
    return sheet
