"""Stage 1 of a response import: a CSV or XLSX file → rows of strings.

Every cell becomes a string at the edge (`surveys.xlsform.sheets.cell_text`: ``12.0`` →
``"12"``, dates in ISO form, non-breaking spaces → spaces). A CSV is read as UTF-8 (with or
without BOM) or, failing that, GB18030 (what Excel on a Chinese Windows writes); its
delimiter is a comma, a semicolon (KoboToolbox's default) or a tab, whichever the header
uses most. The limits apply before anything is parsed past them.
"""

from __future__ import annotations

import csv
import io
from pathlib import PurePath

from ..errors import Code
from ..safe_zip import ZipRefused, check_zip_archive
from ..xlsform.sheets import UNREADABLE, cell_text
from .errors import FileRefused, ImportCode

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000  # data rows, header rows not counted
MAX_COLUMNS = 3_000
MAX_CELL = 100_000  # the longest answer a text question takes (`answer_rules.MAX_TEXT`)
# Bytes of an XLSX's parts once unzipped (a zip bomb of a few MB unpacks to gigabytes).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
HEADER_ROWS_READ = 3  # the most header rows a layout has (Qualtrics)
SUFFIXES = (".csv", ".xlsx")

Grid = list[list[str]]


def read_grid(filename: str, data: bytes) -> Grid:
    """The rows of the file's first sheet, each a list of strings (trailing blanks kept off).

    Raises `FileRefused`.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise FileRefused(ImportCode.UNSUPPORTED_FILE, suffix=suffix or filename[:20])
    if not data:
        raise FileRefused(ImportCode.EMPTY_FILE)
    if len(data) > MAX_BYTES:
        raise FileRefused(
            ImportCode.TOO_LARGE,
            size=round(len(data) / 1024 / 1024, 1),
            max=MAX_BYTES // 1024 // 1024,
        )
    rows = _csv_rows(data) if suffix == ".csv" else _xlsx_rows(data)
    grid: Grid = []
    for row in rows:
        if len(grid) > MAX_ROWS + HEADER_ROWS_READ:
            raise FileRefused(ImportCode.TOO_MANY_ROWS, max=MAX_ROWS)
        while row and row[-1] == "":
            row.pop()
        if len(row) > MAX_COLUMNS:
            raise FileRefused(ImportCode.TOO_MANY_COLUMNS, count=len(row), max=MAX_COLUMNS)
        grid.append(row)
    while grid and not grid[-1]:
        grid.pop()
    if not grid or not any(grid[0]):
        raise FileRefused(ImportCode.NO_HEADER)
    return grid


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(ImportCode.UNDECODABLE)  # pragma: no cover - gb18030 decodes most bytes


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    if "\x00" in text:
        raise FileRefused(ImportCode.UNREADABLE, detail="NUL")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    csv.field_size_limit(MAX_CELL + 1)
    try:
        return [
            [cell_text(cell) for cell in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise FileRefused(ImportCode.UNREADABLE, detail=str(error)[:200]) from None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import openpyxl  # an optional dependency of the domain; only importers need it
    from openpyxl.utils.exceptions import InvalidFileException

    source = io.BytesIO(data)
    try:
        # The zip bomb and XML-entity checks every workbook reader shares (sizes from the
        # central directory, compression ratio, no DTD), before openpyxl unpacks anything.
        check_zip_archive(source, max_total_bytes=MAX_UNPACKED_BYTES)
    except ZipRefused as refused:
        if refused.code is not Code.ZIP_TOO_LARGE:
            raise FileRefused(ImportCode.UNREADABLE, detail=refused.message("en")) from None
        raise FileRefused(
            ImportCode.TOO_LARGE,
            size=round(refused.params["size"] / 1024 / 1024, 1),
            max=MAX_UNPACKED_BYTES // 1024 // 1024,
        ) from None
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows: list[list[str]] = []
            for values in sheet.iter_rows(values_only=True):
                if len(rows) > MAX_ROWS + HEADER_ROWS_READ:
                    raise FileRefused(ImportCode.TOO_MANY_ROWS, max=MAX_ROWS)
                rows.append([cell_text(value) for value in values])
            return rows
        finally:
            workbook.close()
    except (InvalidFileException, IndexError, *UNREADABLE) as error:
        raise FileRefused(
            ImportCode.UNREADABLE, detail=str(error)[:200] or type(error).__name__
        ) from None
