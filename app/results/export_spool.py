"""The raw blocks of one streamed export, read from the database once into a temporary file.

An export reads its rows more than once (the first pass learns what the whole table's columns
are, the last writes them), and both passes must see the same responses: the blocks read in
one snapshot are spooled (`columns.pack`, the store's bytes uncompressed) and read back
from the file, a block at a time. Beside them the spool keeps a *sketch* of each distinct
kind of block: a few rows of each column that have the same classes, dtypes and kinds of value
(present, missing, each Python type) as the whole block. `columns.frame` of the sketches gives
the dtypes `columns.frame` of every block would give (pandas decides a column's dtype from
those kinds alone), without the rows.
"""

from __future__ import annotations

import math
import os
import struct
import tempfile
from collections.abc import Iterator
from typing import Any

import numpy as np

from app.responses import columns
from app.responses.columns import Block, Column, MixedColumn, NumberColumn, TextColumn

_LENGTH = struct.Struct("<Q")


def _kind(value: Any) -> tuple[type, bool]:
    return type(value), isinstance(value, float) and math.isnan(value)


def _picks(column: Column) -> list[int]:
    """Rows of *column* that show every kind of cell it has: one present and one missing
    (numbers, text), or the first of each Python type (mixed)."""
    if isinstance(column, MixedColumn):
        first: dict[tuple[type, bool], int] = {}
        for i, value in enumerate(column.values):
            first.setdefault(_kind(value), i)
        return sorted(first.values())
    if isinstance(column, NumberColumn):
        gaps = column.missing
        if gaps is None and column.values.dtype.kind == "f":
            gaps = np.isnan(column.values)
    else:
        gaps = column.codes < 0
    if gaps is None:
        return [0]
    return [int(found[0]) for found in (np.flatnonzero(~gaps), np.flatnonzero(gaps)) if len(found)]


def _rows_of(column: Column, rows: list[int]) -> Column:
    index = np.array(rows, dtype=np.int64)
    if isinstance(column, NumberColumn):
        missing = None if column.missing is None else column.missing[index]
        return NumberColumn(column.values[index], missing)
    if isinstance(column, TextColumn):
        return TextColumn(column.codes[index], column.categories)
    return MixedColumn([column.values[i] for i in rows])


def _signature(column: Column, rows: list[int]) -> tuple:
    if isinstance(column, MixedColumn):
        return ("mixed", frozenset(_kind(column.values[i]) for i in rows))
    if isinstance(column, NumberColumn):
        values, missing = column.values, column.missing
        gaps = [bool(missing[i]) if missing is not None else values[i] != values[i] for i in rows]
        return ("number", values.dtype.str, missing is not None, tuple(gaps))
    return ("text", tuple(bool(column.codes[i] >= 0) for i in rows))


def sketch(block: Block) -> tuple[tuple, Block]:
    """(the block's kind, its sketch): blocks of one kind sketch to the same dtypes."""
    picks = {name: _picks(column) for name, column in block.columns.items()}
    length = max((len(rows) for rows in picks.values()), default=1)
    padded = {name: rows + [rows[-1]] * (length - len(rows)) for name, rows in picks.items()}
    kind = tuple(sorted((n, _signature(c, picks[n])) for n, c in block.columns.items()))
    shown = {n: _rows_of(c, padded[n]) for n, c in block.columns.items()}
    return kind, Block(length, shown)


class Spool:
    """Blocks written once and read back in order, as often as asked (`blocks`)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="wenfang-export-")  # noqa: SIM115
        self._end = 0
        self.rows = 0
        self._sketches: dict[tuple, Block] = {}

    def add(self, block: Block) -> None:
        if not block.length:
            return
        data = columns.pack(block)  # no compression: the file is read back twice, soon
        os.pwrite(self._file.fileno(), _LENGTH.pack(len(data)) + data, self._end)
        self._end += _LENGTH.size + len(data)
        self.rows += block.length
        kind, shown = sketch(block)
        self._sketches.setdefault(kind, shown)

    def sketches(self) -> list[Block]:
        """One sketch per kind of block, in the order the kinds first came."""
        return list(self._sketches.values())

    def blocks(self) -> Iterator[Block]:
        offset, descriptor = 0, self._file.fileno()
        while offset < self._end:
            (length,) = _LENGTH.unpack(os.pread(descriptor, _LENGTH.size, offset))
            yield columns.unpack(os.pread(descriptor, length, offset + _LENGTH.size))
            offset += _LENGTH.size + length

    def close(self) -> None:
        self._file.close()
