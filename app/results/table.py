"""The response table of DESIGN.md, built once from the database for every results page and
export. It reads through `app.responses.store` (the only reader of answers) in chunks and
flattens each answer document with `surveys.response_table`.
"""

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from app.models import Questionnaire, ResponseStatus
from app.responses import store
from surveys.response_table import META_COLUMNS, flatten_answers, table_columns

CHUNK_SIZE = 2000


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
    records: list[dict] = []
    for chunk in store.iter_table_rows(
        questionnaire,
        statuses=table_filter.statuses,
        version_ids=version_ids,
        submitted_from=table_filter.submitted_from,
        submitted_until=table_filter.submitted_until,
        chunk_size=CHUNK_SIZE,
    ):
        for row in chunk:
            cells = flatten_answers(definitions[row.version_id], row.answers)
            cells["response_id"] = row.response_id
            cells["submitted_at"] = row.submitted_at.isoformat() if row.submitted_at else None
            cells["duration_s"] = row.duration_s
            records.append(cells)
    frame = pd.DataFrame.from_records(records, columns=columns)
    if frame.empty:
        frame = pd.DataFrame(columns=columns)
    return frame


def answer_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in META_COLUMNS]
