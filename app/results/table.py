"""The response table of DESIGN.md, built once from the database for every results page and
export. It reads through `app.responses.store` (the only reader of answers) in chunks and
flattens each answer document with `surveys.response_table`.
"""

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import attrgetter

import pandas as pd

from app.models import Questionnaire, ResponseStatus
from app.responses import store
from surveys.response_table import META_COLUMNS, column_labels, flatten_columns, table_columns

CHUNK_SIZE = 2000
MISSING = float("nan")  # a question with no cell in a response


@dataclass(frozen=True)
class TableFilter:
    """Which responses go into the table; the defaults are what analysis wants."""

    statuses: tuple[ResponseStatus, ...] = (ResponseStatus.COMPLETE,)
    version: int | None = None  # a version number; None: all versions, mapped by question id
    submitted_from: datetime | None = None
    submitted_until: datetime | None = None


def definitions_newest_first(questionnaire: Questionnaire) -> dict[int, dict]:
    """{version id: definition}, newest first (it sets the column order)."""
    return {v.id: v.definition for v in reversed(questionnaire.versions)}


def response_frame(
    questionnaire: Questionnaire, table_filter: TableFilter = TableFilter()
) -> pd.DataFrame:
    """One row per response: response_id, submitted_at, duration_s, then the answer columns."""
    definitions = definitions_newest_first(questionnaire)
    version_ids = None
    if table_filter.version is not None:
        version_ids = [v.id for v in questionnaire.versions if v.number == table_filter.version]
    columns = table_columns(definitions[vid] for vid in (version_ids or definitions))
    answer_names = columns[len(META_COLUMNS) :]
    cells: dict[str, list] = {column: [] for column in columns}
    for chunk in store.iter_table_rows(
        questionnaire,
        statuses=table_filter.statuses,
        version_ids=version_ids,
        submitted_from=table_filter.submitted_from,
        submitted_until=table_filter.submitted_until,
        chunk_size=CHUNK_SIZE,
    ):
        cells["response_id"].extend(row.response_id for row in chunk)
        cells["submitted_at"].extend(
            row.submitted_at.isoformat() if row.submitted_at else None for row in chunk
        )
        cells["duration_s"].extend(row.duration_s for row in chunk)
        # Runs of one version (usually the whole chunk), flattened column by column.
        for version_id, run in groupby(chunk, key=attrgetter("version_id")):
            documents = [row.answers for row in run]
            flat = flatten_columns(definitions[version_id], documents, missing=MISSING)
            blank = [MISSING] * len(documents)
            for column in answer_names:
                cells[column].extend(flat.get(column, blank))
    # NaN marks "no cell", as from_records would: the dtypes pandas infers stay the same.
    frame = pd.DataFrame(cells, columns=columns)
    if frame.empty:
        frame = pd.DataFrame(columns=columns)
    return frame


def table_labels(questionnaire: Questionnaire, locale: str) -> dict[str, str]:
    """The words for the optional second header row of an export (see DESIGN.md)."""
    return column_labels(definitions_newest_first(questionnaire).values(), locale)


def answer_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in META_COLUMNS]
