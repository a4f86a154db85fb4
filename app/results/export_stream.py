"""The response table of an export, a block at a time (issue 24.1: memory stays flat).

`read_table` reads the blocks an export needs from the response store (`app.responses.cache`)
in one snapshot into a `Spool`; `StreamedTable.frames` then gives the rows
`export_table.filtered_frame` would give, in the same order and with the same dtypes, a block
of at most two stored blocks at a time. The dtypes are the whole table's: a column that holds
whole numbers in one block and a blank in another is float64 in every block, as in the whole
table (its 3 is written 3.0), which `columns.frame` of the spool's sketches tells before the
first row is written. `export_table.filtered_frame` stays the plain reference the tests hold
this path equal to (tests/web/test_export_stream.py).

Left whole: the quality flags (`exclude_flagged`) compare respondents with each other, so that
filter reads the whole table once to find the flagged ids (the ids alone are kept).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from flask_babel import gettext as _

from analysis.stats.errors import StatsInputError
from analysis.stats.report import segment_mask
from app.extensions import db
from app.models import Questionnaire
from app.responses import cache, columns
from app.responses.columns import Block, NumberColumn, TextColumn
from app.results.export_spool import Spool
from app.results.export_table import (
    STATUS_COLUMN,
    ExportFilterError,
    ExportFilters,
    check_filters,
    with_partials,
)
from app.results.services import flagged_ids
from app.results.table import (
    VERSION_COLUMN,
    chosen_versions,
    definitions_newest_first,
    export_names,
    flatten_rows,
    personal_cells,
    response_frame,
)
from surveys.response_table import table_columns


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Every read inside sees the database as it was at the first (PostgreSQL: a REPEATABLE
    READ transaction). SQLite reads in the session's connection, as every other page does."""
    if db.engine.dialect.name != "postgresql" or db.session.new or db.session.dirty:
        yield
        return
    db.session.commit()  # ends the read transaction the request began (nothing to write)
    db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    try:
        yield
    finally:
        db.session.commit()


def _branch(parts: list) -> str:
    """Which way `columns._joined` joins a column whose blocks hold *parts* (None: absent)."""
    present = [c for c in parts if c is not None]
    if not present:
        return "none"
    if all(isinstance(c, NumberColumn) for c in present):
        return "number"
    if all(isinstance(c, TextColumn) for c in present):
        return "text"
    return "mixed"


@dataclass
class _Part:
    """One of the two runs of blocks (complete, unfinished) and how its columns join."""

    spool: Spool
    branches: dict[str, str]
    status: str | None  # the status column's value, when the table has one


@dataclass
class StreamedTable:
    questionnaire: Questionnaire
    filters: ExportFilters
    zone: str
    names: list[str]  # the answer table's columns (`response_frame`)
    columns: list[str]  # the export's: with the status column when it has partials
    dtypes: dict[str, Any]  # of the whole filtered table, by column
    parts: list[_Part]
    flagged: frozenset[int]
    version_ids: list[int]
    personal: list[str]  # the flagged questions' columns, filled in per frame (masked or not)
    linked: frozenset[int] | None  # a directory segment's responses (None: no such filter)

    @property
    def rows_read(self) -> int:
        """Rows in the spool: as many as the export writes, or more (the date range and the
        segments are applied as it writes)."""
        return sum(part.spool.rows for part in self.parts)

    def empty_frame(self) -> pd.DataFrame:
        """No rows, the whole table's columns and dtypes."""
        return pd.DataFrame({c: pd.Series([], dtype=self.dtypes[c]) for c in self.columns})

    def frames(self) -> Iterator[pd.DataFrame]:
        """The rows `filtered_frame` gives, in order, as frames of a block or two each (none
        empty); each with the index from 0."""
        runs = [self._part_frames(part) for part in self.parts]
        merged = runs[0] if len(runs) == 1 else _merge_by_id(*runs)
        for frame in merged:
            frame = self._kept(frame.reset_index(drop=True))
            if len(frame):
                yield self._with_personal(frame)

    def _with_personal(self, frame: pd.DataFrame) -> pd.DataFrame:
        """*frame* with the flagged questions' cells (`table.personal_cells`), in place of
        the empty columns the blocks, which never hold them, gave."""
        if not self.personal:
            return frame
        cells = personal_cells(
            self.questionnaire,
            frame["response_id"].tolist(),
            self.version_ids,
            self.personal,
            self.filters.reveal_personal,
        )
        return frame.assign(**cells)

    def _part_frames(self, part: _Part) -> Iterator[pd.DataFrame]:
        for block in part.spool.blocks():
            frame = self._block_frame(block, part)
            if part.status != "partial" and self.flagged:
                frame = frame[~frame["response_id"].isin(list(self.flagged))]
            if len(frame):
                yield frame

    def _block_frame(self, block: Block, part: _Part) -> pd.DataFrame:
        data: dict[str, pd.Series] = {}
        if part.status is not None:
            data["response_id"] = self._typed("response_id", block, part)
            data[STATUS_COLUMN] = pd.Series([part.status] * block.length).astype(
                self.dtypes[STATUS_COLUMN]
            )
        for name in self.names:
            data.setdefault(name, self._typed(name, block, part))
        for name in self.personal:
            data[name] = pd.Series([math.nan] * block.length, dtype=object)
        return pd.DataFrame(data, columns=self.columns, copy=False)

    def _typed(self, name: str, block: Block, part: _Part) -> pd.Series:
        """The block's cells of column *name* as the whole table holds them."""
        column = block.columns.get(name)
        if part.branches[name] == "mixed":  # the cells themselves, as `_joined` lists them
            cells = [math.nan] * block.length if column is None else column.cells()
            series = pd.Series(cells, dtype=object)
        else:
            series = pd.Series(columns._joined([(block.length, column)]))
        wanted = self.dtypes[name]
        return series if series.dtype == wanted else series.astype(wanted)

    def _kept(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows the date range and the segments keep (`filtered_frame`'s own tests)."""
        filters = self.filters
        keep = np.ones(len(frame), dtype=bool)
        if self.linked is not None:
            keep &= frame["response_id"].isin(self.linked).to_numpy()
        if filters.submitted_from or filters.submitted_until:
            times = pd.to_datetime(frame["submitted_at"], utc=True, format="ISO8601")
            tz = ZoneInfo(self.zone)
            if filters.submitted_from:
                start = datetime.combine(filters.submitted_from, time.min, tzinfo=tz)
                keep &= (times >= start).to_numpy()
            if filters.submitted_until:
                end = datetime.combine(filters.submitted_until + timedelta(days=1), time.min, tz)
                keep &= (times < end).to_numpy()
        if filters.segments:
            keep &= segment_mask(frame, {k: list(v) for k, v in filters.segments.items()})
        return frame if keep.all() else frame[keep].reset_index(drop=True)

    def close(self) -> None:
        for part in self.parts:
            part.spool.close()


def _merge_by_id(
    left: Iterator[pd.DataFrame], right: Iterator[pd.DataFrame]
) -> Iterator[pd.DataFrame]:
    """Two runs of frames, each in response id order, as one run in id order (their ids are
    distinct: a response is complete or not); at most one frame of each is held."""
    a, b = next(left, None), next(right, None)
    while a is not None or b is not None:
        if a is None or b is None:
            rest = a if b is None else b
            if rest is not None:
                yield rest
            a, b = (next(left, None), None) if b is None else (None, next(right, None))
            continue
        bound = min(a["response_id"].iloc[-1], b["response_id"].iloc[-1])
        a_now, b_now = a["response_id"] <= bound, b["response_id"] <= bound
        yield pd.concat([a[a_now], b[b_now]], ignore_index=True).sort_values(
            "response_id", kind="stable"
        )
        a = a[~a_now] if (~a_now).any() else next(left, None)
        b = b[~b_now] if (~b_now).any() else next(right, None)


def _spooled(blocks: Iterator[Block], version_ids: list[int] | None) -> Spool:
    spool = Spool()
    wanted = None if version_ids is None else np.array(version_ids, dtype=np.int64)
    for block in blocks:
        if wanted is not None:
            ids = block.columns[VERSION_COLUMN]
            values = ids.values if isinstance(ids, NumberColumn) else np.asarray(ids.cells())
            block = columns.take(block, np.isin(values, wanted))
        spool.add(block)
    return spool


def read_table(questionnaire: Questionnaire, filters: ExportFilters, zone: str) -> StreamedTable:
    """The blocks of the export *filters* ask for, read once; `ExportFilterError` for a
    filter that does not fit the questionnaire."""
    check_filters(questionnaire, filters)
    definitions = definitions_newest_first(questionnaire)
    version_ids = chosen_versions(questionnaire, filters.version)
    names = table_columns(definitions[vid] for vid in version_ids)
    only = None if filters.version is None else version_ids

    def flatten(rows):
        return flatten_rows(definitions, rows)

    with one_snapshot():
        flagged: frozenset[int] = frozenset()
        if filters.exclude_flagged:
            whole = response_frame(questionnaire, filters.version)
            flagged = frozenset(flagged_ids(questionnaire, whole))
            del whole
        spools = [_spooled(cache.table_blocks(questionnaire, flatten), only)]
        if filters.include_partial:
            spools.append(_spooled(cache.partial_blocks(questionnaire, flatten), only))
        linked = None
        if filters.participant_segment is not None:
            # (Imported here: app.outreach's pages import the export helpers of this package.)
            from app.outreach.filters import segment_response_ids

            linked = frozenset(segment_response_ids(questionnaire, filters.participant_segment))
    full_names = export_names(questionnaire, version_ids)
    personal = [name for name in full_names if name not in names]
    sketches = [
        _in_export_order(columns.frame(spool.sketches(), names), full_names, personal)
        for spool in spools
    ]
    whole_frame = sketches[0] if len(sketches) == 1 else with_partials(*sketches)
    statuses = ["complete", "partial"] if filters.include_partial else [None]
    parts = [
        _Part(spool, _branches(spool, names), status)
        for spool, status in zip(spools, statuses, strict=True)
    ]
    table = StreamedTable(
        questionnaire,
        filters,
        zone,
        names,
        [str(c) for c in whole_frame.columns],
        {str(c): whole_frame[c].dtype for c in whole_frame.columns},
        parts,
        flagged,
        version_ids,
        personal,
        linked,
    )
    if filters.segments:
        try:
            segment_mask(table.empty_frame(), {k: list(v) for k, v in filters.segments.items()})
        except StatsInputError as error:
            table.close()
            raise ExportFilterError(
                _("No question %(id)s to filter by.", id=error.location)
            ) from error
    return table


def _in_export_order(frame: pd.DataFrame, names: list[str], personal: list[str]) -> pd.DataFrame:
    """A sketch *frame* with the flagged questions' (object) columns, in the export's order."""
    if not personal:
        return frame
    empty = {name: pd.Series([math.nan] * len(frame), dtype=object) for name in personal}
    return frame.assign(**empty)[names]


def _branches(spool: Spool, names: list[str]) -> dict[str, str]:
    sketches = spool.sketches()
    return {name: _branch([s.columns.get(name) for s in sketches]) for name in names}
