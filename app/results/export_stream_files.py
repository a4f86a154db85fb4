"""Streamed export files: CSV, XLSX and `.sav` written a block at a time
(`export_stream.StreamedTable`). Each is held equal, cell for cell, to the
whole-table writers in `exports`, `export_xlsx` and `export_sav` (tests/web/test_export_stream.py).

What `export_table.for_people` decides from the whole table (the dtype pandas gives a column
of option labels, whether a number column holds only whole numbers and is shown as 9, not
9.0) is learnt in a first pass over the spool (`Shape`), then every block is shown the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from flask_babel import gettext as _
from openpyxl import Workbook

from analysis.exports.codebook import Codebook, codebook, dictionary_rows, value_key
from app.models import Questionnaire
from app.results.export_sav import (
    number_format,
    number_stats,
    sav_column,
    sav_frame,
    sav_options,
    write_sav_data,
)
from app.results.export_sav_batches import SavBatches
from app.results.export_stream import StreamedTable, read_table
from app.results.export_table import ExportFilters, column_words, table_definitions
from app.results.export_xlsx import cells_of, dictionary_header, safe_text
from app.results.exports import neutralise_cell
from surveys.response_table import readable_columns

BOM = "\ufeff".encode()
Progress = Callable[[int], None]  # told the rows written so far


def _kind(value) -> tuple[type, bool]:
    return type(value), isinstance(value, float) and value != value


@dataclass
class Shape:
    """How `for_people` shows the table: the words of the second header row, the dtypes of
    the columns it builds from lists (by column), and the number columns it shows as whole."""

    label_row: bool
    label_cells: bool
    locale: str
    labels: dict[str, str] | None = None
    listed: dict[str, Any] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)


def shape_of(table: StreamedTable, *, label_row: bool, label_cells: bool, locale: str) -> Shape:
    """A first pass over the table when its cells are for people (else none is needed)."""
    shape = Shape(label_row, label_cells, locale)
    if not (label_row or label_cells):
        return shape
    version = table.filters.version
    if label_row:
        shape.labels = column_words(table.questionnaire, version, locale, readable=label_cells)
    kinds: dict[str, dict[tuple, object]] = {}
    whole: dict[str, bool] = {}
    for frame in table.frames():
        for name, values in _people_columns(table, shape, frame).items():
            if isinstance(values, pd.Series):
                if pd.api.types.is_float_dtype(values):
                    whole[name] = whole.get(name, True) and bool((values.dropna() % 1 == 0).all())
                continue
            seen = kinds.setdefault(name, {})
            numbers = []
            for value in values:
                seen.setdefault(_kind(value), value)
                if isinstance(value, int | float) and value == value:
                    numbers.append(value)
            whole[name] = whole.get(name, True) and bool(
                (np.asarray(numbers, dtype=float) % 1 == 0).all()
            )
    for name, seen in kinds.items():  # pandas infers a list's dtype from the kinds it holds
        shape.listed[name] = pd.DataFrame({"x": list(seen.values())})["x"].dtype
    for name, dtype in {**table.dtypes, **shape.listed}.items():
        if pd.api.types.is_float_dtype(dtype) and whole.get(name, True):
            shape.whole.add(name)
    return shape


def _people_columns(table: StreamedTable, shape: Shape, frame: pd.DataFrame) -> dict:
    if not shape.label_cells:
        return {c: frame[c] for c in frame.columns}
    definitions = table_definitions(table.questionnaire, table.filters.version)
    return dict(readable_columns(definitions, {c: frame[c] for c in frame.columns}, shape.locale))


def shown(table: StreamedTable, shape: Shape, frame: pd.DataFrame) -> pd.DataFrame:
    """*frame* (rows of `table.frames`) as `for_people` shows it in the whole table."""
    times = pd.to_datetime(frame["submitted_at"], utc=True, format="ISO8601")
    if not (shape.label_row or shape.label_cells):
        frame = frame.copy()
        frame["submitted_at"] = times.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        return frame
    data = {}
    for name, values in _people_columns(table, shape, frame).items():
        if not isinstance(values, pd.Series):
            values = pd.Series(values, dtype=shape.listed.get(name))
        if name in shape.whole:
            values = values.astype("Int64")
        data[name] = values
    out = pd.DataFrame(data)
    local = f"submitted_at ({table.zone})"
    out["submitted_at"] = times.dt.tz_convert(table.zone).dt.strftime("%Y-%m-%d %H:%M:%S")
    return out.rename(columns={"submitted_at": local})


def _shown_header(table: StreamedTable, shape: Shape) -> tuple[list[str], dict | None]:
    columns = [str(c) for c in shown(table, shape, table.empty_frame()).columns]
    labels = None
    if shape.labels is not None:
        labels = dict(shape.labels)
        local = f"submitted_at ({table.zone})"
        labels[local] = f"{labels['submitted_at']} ({table.zone})"
    return columns, labels


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_cell)
    return safe


def csv_chunks(table: StreamedTable, shape: Shape, progress: Progress | None = None):
    """The CSV `exports.response_csv` writes, as chunks of bytes (a block each)."""
    columns, labels = _shown_header(table, shape)
    head = pd.DataFrame(columns=columns)
    if labels is not None:
        head = pd.DataFrame([[neutralise_cell(labels.get(c, c)) for c in columns]], columns=columns)
    yield BOM + head.to_csv(index=False, lineterminator="\r\n").encode("utf-8")
    written = 0
    for frame in table.frames():
        part = _safe(shown(table, shape, frame))
        yield part.to_csv(index=False, header=False, lineterminator="\r\n").encode("utf-8")
        written += len(frame)
        if progress is not None:
            progress(written)


def streamed_csv(
    questionnaire: Questionnaire,
    filters: ExportFilters,
    *,
    label_row: bool,
    label_cells: bool,
    locale: str,
    zone: str,
) -> Iterator[bytes]:
    """The CSV of `exports.response_csv` for a response body: the rows are read (one snapshot,
    into the spool) before the first chunk, then sent a block at a time without the database."""
    table = read_table(questionnaire, filters, zone)
    try:
        shape = shape_of(table, label_row=label_row, label_cells=label_cells, locale=locale)
    except BaseException:
        table.close()
        raise

    def chunks() -> Iterator[bytes]:
        try:
            yield from csv_chunks(table, shape)
        finally:
            table.close()

    return chunks()


def write_streamed_csv(
    table: StreamedTable, shape: Shape, path: Path, progress: Progress | None = None
) -> int:
    """`csv_chunks` into the file at *path*; the rows written."""
    written = [0]

    def count(rows: int) -> None:
        written[0] = rows
        if progress is not None:
            progress(rows)

    with path.open("wb") as out:
        for chunk in csv_chunks(table, shape, count):
            out.write(chunk)
    return written[0]


class SeenValues:
    """The values the coded columns hold, collected a block at a time, for the codebook
    (`codebook._with_seen_values` needs only which values occur)."""

    def __init__(self, table: StreamedTable, words: dict[str, str], locale: str) -> None:
        self.table, self.words, self.locale = table, words, locale
        self.definitions = table_definitions(table.questionnaire, table.filters.version)
        plain = codebook(self.definitions, table.empty_frame(), words, locale)
        self.seen: dict[str, set[str]] = {
            v.column: set() for v in plain.variables if v.storage == "coded"
        }

    def add(self, frame: pd.DataFrame) -> None:
        for column, seen in self.seen.items():
            seen.update(value_key(v) for v in frame[column].dropna().unique())

    def book(self) -> Codebook:
        length = max((len(s) for s in self.seen.values()), default=0)
        cells = {
            c: list(self.seen.get(c, ())) + [np.nan] * (length - len(self.seen.get(c, ())))
            for c in self.table.columns
        }
        return codebook(self.definitions, pd.DataFrame(cells), self.words, self.locale)


def write_streamed_xlsx(
    table: StreamedTable, shape: Shape, path: Path, progress: Progress | None = None
) -> int:
    """The workbook `export_xlsx.write_response_xlsx` writes, a block at a time; the rows."""
    version = table.filters.version
    seen = SeenValues(table, column_words(table.questionnaire, version, shape.locale), shape.locale)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Responses"))
    names, labels = _shown_header(table, shape)
    sheet.append([safe_text(n) for n in names])
    if labels is not None:
        sheet.append([safe_text(str(labels.get(n, n))) for n in names])
    written = 0
    for frame in table.frames():
        seen.add(frame)
        part = shown(table, shape, frame)
        for row in zip(*(cells_of(part[c]) for c in part.columns), strict=True):
            sheet.append(row)
        written += len(frame)
        if progress is not None:
            progress(written)
    sheet_of_codes = workbook.create_sheet(_("Codebook"))
    sheet_of_codes.append(dictionary_header())
    for entry in dictionary_rows(seen.book()):
        sheet_of_codes.append([safe_text(v) if isinstance(v, str) else v for v in entry])
    workbook.save(path)
    return written


#: rows pyreadstat is given at a time: each batch is written twice (its own file, then its
#: cases copied), so larger batches cost less time and more memory (about 19 MiB at 20,000
#: rows of 30 columns, docs/benchmarks.md)
SAV_BATCH_ROWS = 20_000


class SavLayout:
    """What the `.sav` dictionary needs from the whole table, learnt a block at a time: the
    values of the coded columns (for the codebook and their formats), whether each number
    column is whole and its largest value, and the widest text of each string column."""

    def __init__(self, table: StreamedTable, words: dict[str, str], locale: str) -> None:
        self.seen = SeenValues(table, words, locale)
        plain = codebook(self.seen.definitions, table.empty_frame(), words, locale)
        self.plain = {v.column: v for v in plain.variables}
        #: per coded column, its distinct values as each dtype the blocks held them in
        self.distinct: dict[str, dict[str, set]] = {
            c: {} for c, v in self.plain.items() if v.storage == "coded"
        }
        self.numbers: dict[str, tuple[bool, float]] = {}
        self.widths: dict[str, int] = {}

    def add(self, frame: pd.DataFrame) -> None:
        self.seen.add(frame)
        for column, variable in self.plain.items():
            cells = frame[column]
            if variable.storage == "coded":
                values = self.distinct[column].setdefault(str(cells.dtype), set())
                values.update(cells.dropna().unique())
            elif variable.storage == "number":
                whole, largest = number_stats(sav_column(cells, variable))
                was_whole, was_largest = self.numbers.get(column, (True, 0.0))
                self.numbers[column] = (whole and was_whole, max(largest, was_largest))
            elif variable.storage == "text":
                texts = sav_column(cells, variable)
                widest = max((len(t.encode("utf-8")) for t in texts), default=0)
                self.widths[column] = max(widest, self.widths.get(column, 0))

    def formats(self, book: Codebook) -> dict[str, str | None]:
        """`export_sav.sav_formats` of the whole table, from what was learnt."""
        out = {}
        for v in book.variables:
            stats = self.numbers.get(v.column, (True, 0.0))
            if v.storage == "coded":
                codes = [  # each value coded as `sav_frame` codes it in a block of its dtype
                    sav_column(pd.Series(list(values), dtype=dtype), v)
                    for dtype, values in self.distinct[v.column].items()
                ]
                stats = number_stats(np.concatenate(codes)) if codes else stats
            out[v.name] = number_format(v, *stats)
        return out


def write_streamed_sav(
    table: StreamedTable,
    words: dict[str, str],
    locale: str,
    path: Path,
    progress: Progress | None = None,
) -> tuple[int, Codebook]:
    """The `.sav` `export_sav.write_sav_data` writes of the whole table, in two passes over
    the spool: the first learns the dictionary (`SavLayout`), the second writes the cases
    `SAV_BATCH_ROWS` at a time (`export_sav_batches`). The rows and the codebook."""
    layout, rows = SavLayout(table, words, locale), 0
    for frame in table.frames():
        layout.add(frame)
        rows += len(frame)
        if progress is not None:
            progress(rows // 2)
    book = layout.seen.book()
    title = table.questionnaire.title
    if not rows:
        write_sav_data(sav_frame(table.empty_frame(), book), book, path, title=title)
        return 0, book
    options = sav_options(book, layout.formats(book), title)
    widths = {v.name: layout.widths[v.column] for v in book.variables if v.storage == "text"}
    written, parts = 0, []
    with SavBatches(path, options, widths) as batches:
        for frame in table.frames():
            parts.append(sav_frame(frame, book))
            written += len(frame)
            if written - batches.rows >= SAV_BATCH_ROWS or written == rows:
                batches.add(pd.concat(parts, ignore_index=True))
                parts = []
            if progress is not None:
                progress((rows + written) // 2)
    return rows, book
