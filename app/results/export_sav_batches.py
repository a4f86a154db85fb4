"""A `.sav` written a batch of rows at a time, so that its memory does not grow with the rows.

pyreadstat writes one whole frame. An SPSS system file is its dictionary (the header, then the
variable, label and extension records up to the record of type 999) followed by the cases,
and written without compression (pyreadstat's default) every case takes the same number of
bytes: 8 × the header's nominal case size. So a file of many batches is the dictionary that
pyreadstat writes for the first batch, then the cases of every batch's own file, with the two
counts of cases (the header's and extension record 7.16's) set to the total at the end.

That needs every batch's dictionary to be the same. Formats and labels are the whole table's
(learnt in a first pass, `export_stream_files.write_streamed_sav`). pyreadstat sizes a string
variable to the longest text of the frame it is given, so each batch gets one extra row with
each string as wide as the whole table's longest, whose case is cut off again. Each batch's
dictionary is checked against the first's before its cases are kept.

The layout is the one PSPP documents ("System File Format"). The whole-frame writer
(`export_sav.write_sav_data`) is the reference: tests/web/test_export_stream.py holds the two
equal, and tests/web/test_export_sav_batches.py reads a file of many batches back with PSPP.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat

HEADER_BYTES = 176
_CASE_SIZE, _COMPRESSION, _CASES = 68, 72, 80  # offsets in the header
_CREATED = slice(92, 109)  # creation date and time
_INT = struct.Struct("<i")
_LONG = struct.Struct("<q")


class SavLayoutError(RuntimeError):
    """A file pyreadstat wrote is not laid out as this module expects (a new pyreadstat)."""


def _int(data: bytes, offset: int) -> int:
    return _INT.unpack_from(data, offset)[0]


def _padded(length: int, unit: int) -> int:
    return -(-length // unit) * unit


def read_dictionary(data: bytes) -> tuple[int, list[tuple[int, struct.Struct]]]:
    """Where the cases of the system file *data* begin, and where its counts of cases are
    (offset and width: the header's int32 and, when there is one, record 7.16's int64)."""
    if data[:4] != b"$FL2" or _int(data, 64) != 2:
        raise SavLayoutError("not a little-endian SPSS system file")
    if _int(data, _COMPRESSION) != 0:
        raise SavLayoutError("the cases are compressed")
    counts = [(_CASES, _INT)]
    at = HEADER_BYTES
    while True:
        kind, at = _int(data, at), at + 4
        if kind == 2:  # a variable: 28 bytes, its label, its missing values
            has_label, missing = _int(data, at + 4), _int(data, at + 8)
            at += 28
            if has_label:
                at += 4 + _padded(_int(data, at), 4)
            at += 8 * abs(missing)
        elif kind == 3:  # value labels: 8 bytes of value, a length byte, the label
            labels, at = _int(data, at), at + 4
            for _ in range(labels):
                at += 8 + _padded(1 + data[at + 8], 8)
        elif kind == 4:  # the variables the labels above are for
            at += 4 + 4 * _int(data, at)
        elif kind == 6:  # document lines of 80 bytes
            at += 4 + 80 * _int(data, at)
        elif kind == 7:  # an extension record: subtype, size of an element, elements
            subtype, size, elements = struct.unpack_from("<iii", data, at)
            at += 12
            if subtype == 16 and size == 8 and elements == 2:
                counts.append((at + 8, _LONG))
            at += size * elements
        elif kind == 999:
            return at + 4, counts
        else:
            raise SavLayoutError(f"record type {kind} at byte {at - 4}")


def _copy(source: int, target: int, offset: int, count: int) -> None:
    """*count* bytes of the file *source* from *offset* on, onto the end of *target*, by the
    kernel (the cases of a batch are never read into Python)."""
    while count:
        sent = os.sendfile(target, source, offset, count)
        if not sent:
            raise SavLayoutError("a batch's file ended early")
        offset, count = offset + sent, count - sent


class SavBatches:
    """Writes `add`ed frames (as `export_sav.sav_frame` gives them, all with the same
    columns) one after another into the `.sav` at *path*; `close` sets the counts.

    *options* are `pyreadstat.write_sav`'s keyword arguments (labels, missing ranges,
    measures, formats) and *widths* the byte width of each string column."""

    def __init__(self, path: Path, options: dict[str, Any], widths: dict[str, int]) -> None:
        self.path, self.options, self.widths = path, options, widths
        self.rows = 0
        self._folder = TemporaryDirectory(prefix="wenfang-sav-")
        self._out = path.open("wb", buffering=0)  # the cases go to its descriptor (`_copy`)
        self._dictionary: bytes | None = None
        self._counts: list[tuple[int, struct.Struct]] = []

    def _widened(self, frame: pd.DataFrame) -> pd.DataFrame:
        """*frame* with one more row: each string as wide as its column's widest in the whole
        table, each number its column's first (a missing one would send pyreadstat down its
        slower path for columns that may have blanks)."""
        last = {
            column: np.array([" " * self.widths[column]], dtype=object)
            if column in self.widths
            else frame[column].to_numpy()[:1]
            for column in frame.columns
        }
        return pd.concat([frame, pd.DataFrame(last, index=[len(frame)])], ignore_index=True)

    def _masked(self, data: bytes) -> bytes:
        """The dictionary *data* without what differs between batches (counts, time)."""
        masked = bytearray(data)
        masked[_CREATED] = bytes(_CREATED.stop - _CREATED.start)
        for offset, width in self._counts:
            masked[offset : offset + width.size] = bytes(width.size)
        return bytes(masked)

    def add(self, frame: pd.DataFrame) -> None:
        if not len(frame):
            return
        batch = Path(self._folder.name) / "batch.sav"
        pyreadstat.write_sav(self._widened(frame), str(batch), **self.options)
        with batch.open("rb", buffering=0) as written:
            size = os.fstat(written.fileno()).st_size
            case_bytes = 8 * _int(written.read(HEADER_BYTES), _CASE_SIZE)
            start = size - (len(frame) + 1) * case_bytes  # the cases end the file
            written.seek(0)
            dictionary = written.read(max(start, HEADER_BYTES))
            try:
                end, counts = read_dictionary(dictionary)
            except struct.error:  # a record runs past where the cases should begin
                end, counts = -1, []
            if case_bytes <= 0 or end != start:
                raise SavLayoutError("the cases are not of one fixed width")
            if self._dictionary is None:
                self._dictionary, self._counts = dictionary, counts
                self._out.write(dictionary)
            elif self._masked(dictionary) != self._masked(self._dictionary):
                raise SavLayoutError("a batch's dictionary differs from the first batch's")
            _copy(written.fileno(), self._out.fileno(), start, len(frame) * case_bytes)
        self.rows += len(frame)

    def close(self) -> None:
        """Set the counts of cases to the rows written, and close the file."""
        try:
            for offset, width in self._counts:
                self._out.seek(offset)
                total = self.rows if width is _LONG or self.rows < 2**31 else -1
                self._out.write(width.pack(total))
        finally:
            self._out.close()
            self._folder.cleanup()

    def __enter__(self) -> SavBatches:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
