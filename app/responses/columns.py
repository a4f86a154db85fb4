"""Typed columns of the response table, and the bytes a `ResponseTableBlock` stores them in.

Decoding one JSON answer document per response costs 25–35 µs (docs/benchmarks.md), and so
does building a DataFrame from Python lists. A block therefore keeps each column in the form
numpy and pandas take without a per-cell loop: numbers as one float64 or int64 array, text as
integer codes into a list of distinct strings. `frame` joins the blocks into the very frame
`pandas.DataFrame(dict of lists)` would build from the same cells (the tests compare them).

No pickle: a payload is a JSON header followed by raw little-endian arrays, zlib-compressed.
"""

from __future__ import annotations

import json
import math
import struct
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# Bump when the payload layout, or what `surveys.response_table` puts in a cell, changes:
# blocks written in another format are rebuilt on their next read.
FORMAT = 1

_HEADER = struct.Struct("<I")  # length of the JSON header


@dataclass(frozen=True)
class NumberColumn:
    """Numbers: int64 when every present value is a Python int (*missing* marks the cells
    without a value, their slot holds 0), otherwise float64 with NaN for a missing cell.

    Integers and decimals in one column (3 and 3.5) become float64, as in pandas; only when
    such a column also holds text in another block (a question whose type changed between
    versions) does its 3 come back as 3.0.
    """

    values: np.ndarray
    missing: np.ndarray | None = None

    def cells(self) -> list:
        if self.missing is None:
            return self.values.tolist()
        return [
            math.nan if gap else v
            for v, gap in zip(self.values.tolist(), self.missing.tolist(), strict=True)
        ]

    def as_float(self) -> np.ndarray:
        if self.values.dtype.kind == "f":
            return self.values
        floats = self.values.astype(np.float64)
        if self.missing is not None:
            floats[self.missing] = np.nan
        return floats


@dataclass(frozen=True)
class TextColumn:
    """Codes into *categories*; -1 is a missing cell."""

    codes: np.ndarray
    categories: list[str]

    def cells(self) -> list:
        return _lookup(self.categories, self.codes).tolist()


@dataclass(frozen=True)
class MixedColumn:
    """Anything else (several kinds of value in one column): the cells themselves."""

    values: list

    def cells(self) -> list:
        return list(self.values)


Column = NumberColumn | TextColumn | MixedColumn


@dataclass(frozen=True)
class Block:
    """Columns of *length* responses; a column no response has a cell in is left out."""

    length: int
    columns: dict[str, Column]


def _missing(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def column_of(cells: Sequence[Any]) -> Column | None:
    """The typed form of one column's cells (NaN: no cell); None when every cell is missing."""
    present = [v for v in cells if not _missing(v)]
    if not present:
        return None
    kinds = {type(v) for v in present}
    if kinds == {int}:
        try:
            if len(present) == len(cells):
                return NumberColumn(np.array(cells, dtype=np.int64))
            gaps = np.array([_missing(v) for v in cells])
            return NumberColumn(
                np.array([0 if g else v for v, g in zip(cells, gaps, strict=True)], dtype=np.int64),
                gaps,
            )
        except OverflowError:
            return MixedColumn(list(cells))
    if kinds <= {int, float}:
        return NumberColumn(np.array(cells, dtype=np.float64))
    if kinds == {str}:
        index: dict[str, int] = {}
        codes = [-1 if _missing(v) else index.setdefault(v, len(index)) for v in cells]
        return TextColumn(np.array(codes, dtype=np.int32), list(index))
    return MixedColumn(list(cells))


def block_of(cells: Mapping[str, Sequence[Any]], length: int) -> Block:
    typed = {name: column_of(values) for name, values in cells.items()}
    return Block(length, {name: column for name, column in typed.items() if column is not None})


# ---- bytes --------------------------------------------------------------------------------


def encode(block: Block) -> bytes:
    """*block* as the bytes the response store keeps: `pack`ed, then compressed."""
    return zlib.compress(pack(block), 1)


def decode(payload: bytes) -> Block:
    return unpack(zlib.decompress(payload))


def pack(block: Block) -> bytes:
    """*block* as bytes, uncompressed (an export's spool, read back at once, `unpack`)."""
    header: dict[str, Any] = {"length": block.length, "columns": {}}
    buffers: list[bytes] = []
    offset = 0

    def add(array: np.ndarray) -> dict:
        nonlocal offset
        data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        buffers.append(data)
        spec = {"dtype": array.dtype.newbyteorder("<").str, "offset": offset}
        offset += len(data)
        return spec

    for name, column in block.columns.items():
        if isinstance(column, NumberColumn):
            spec = {"kind": "number", **add(column.values)}
            if column.missing is not None:
                spec["missing"] = add(column.missing)
        elif isinstance(column, TextColumn):
            spec = {"kind": "text", "categories": column.categories, **add(column.codes)}
        else:
            spec = {"kind": "mixed", "values": column.values}
        header["columns"][name] = spec
    head = json.dumps(header, ensure_ascii=False, allow_nan=True).encode("utf-8")
    return _HEADER.pack(len(head)) + head + b"".join(buffers)


def unpack(raw: bytes) -> Block:
    (head_length,) = _HEADER.unpack_from(raw)
    header = json.loads(raw[_HEADER.size : _HEADER.size + head_length])
    body = memoryview(raw)[_HEADER.size + head_length :]
    length = header["length"]
    columns: dict[str, Column] = {}
    for name, spec in header["columns"].items():
        if spec["kind"] == "mixed":
            columns[name] = MixedColumn(spec["values"])
            continue
        array = _array(body, spec, length)
        if spec["kind"] == "number":
            missing = _array(body, spec["missing"], length) if "missing" in spec else None
            columns[name] = NumberColumn(array, missing)
        else:
            columns[name] = TextColumn(array, spec["categories"])
    return Block(length, columns)


def _array(body: memoryview, spec: dict, length: int) -> np.ndarray:
    return np.frombuffer(body, dtype=np.dtype(spec["dtype"]), count=length, offset=spec["offset"])


# ---- joining blocks into a frame ----------------------------------------------------------


def _lookup(categories: list[str], codes: np.ndarray) -> np.ndarray:
    """Codes to an object array of strings, NaN where the code is -1."""
    table = np.empty(len(categories) + 1, dtype=object)
    table[: len(categories)] = categories
    table[-1] = np.nan
    return table[codes]


def _joined(parts: list[tuple[int, Column | None]]) -> Any:
    """One column of the frame from its part in each block (None: no cell in that block)."""
    present = [column for _, column in parts if column is not None]
    if not present:
        return np.full(sum(n for n, _ in parts), np.nan)
    numbers = [c for c in present if isinstance(c, NumberColumn)]
    if len(numbers) == len(present):
        whole = len(present) == len(parts)
        if whole and all(c.values.dtype.kind == "i" and c.missing is None for c in numbers):
            return np.concatenate([c.values for c in numbers])
        return np.concatenate(
            [c.as_float() if isinstance(c, NumberColumn) else np.full(n, np.nan) for n, c in parts]
        )
    if all(isinstance(c, TextColumn) for c in present):
        categories: dict[str, int] = {}
        recoded = []
        for n, column in parts:
            if not isinstance(column, TextColumn):  # None: no cell in this block
                recoded.append(np.full(n, -1, dtype=np.int32))
                continue
            mapping = np.array(
                [categories.setdefault(v, len(categories)) for v in column.categories] + [-1],
                dtype=np.int32,
            )
            recoded.append(mapping[column.codes])  # code -1 picks the appended -1
        codes = np.concatenate(recoded)
        if not (codes >= 0).any():  # every cell filtered out: all NaN, as pandas makes it
            return np.full(len(codes), np.nan)
        return _lookup(list(categories), codes)
    cells: list = []
    for n, column in parts:
        cells.extend([np.nan] * n if column is None else column.cells())
    return cells


def frame(blocks: Iterable[Block], names: list[str]) -> pd.DataFrame:
    """The response table with columns *names*, rows in block order."""
    blocks = [b for b in blocks if b.length]
    if not blocks:
        return pd.DataFrame(columns=names)
    data = {name: _joined([(b.length, b.columns.get(name)) for b in blocks]) for name in names}
    return pd.DataFrame(data, columns=names)


def take(block: Block, rows: np.ndarray) -> Block:
    """The block restricted to *rows* (a boolean mask), for a filtered table."""
    columns: dict[str, Column] = {}
    for name, column in block.columns.items():
        if isinstance(column, NumberColumn):
            missing = None if column.missing is None else column.missing[rows]
            if missing is not None and not missing.any():
                missing = None
            columns[name] = NumberColumn(column.values[rows], missing)
        elif isinstance(column, TextColumn):
            columns[name] = TextColumn(column.codes[rows], column.categories)
        else:
            columns[name] = MixedColumn(
                [v for v, keep in zip(column.values, rows, strict=True) if keep]
            )
    return Block(int(rows.sum()), columns)
