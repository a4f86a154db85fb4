"""The response table of DESIGN.md, built once from the database for every results page and
export. It reads through `app.responses.cache` (the stored copy of the answers) a block of
responses at a time; a block is flattened with `surveys.response_table` once and kept, so a
later read decodes typed columns instead of every answer document (`app.responses.columns`).
"""

from itertools import groupby
from operator import attrgetter

import numpy as np
import pandas as pd

from app.models import Questionnaire
from app.responses import cache, columns, listing, protection
from surveys.paradata import paradata_columns
from surveys.privacy import MASK
from surveys.response_table import (
    column_labels,
    flatten_columns,
    readable_columns,
    table_columns,
)

MISSING = float("nan")  # a question with no cell in a response
VERSION_COLUMN = "_version_id"  # kept in the blocks for the version filter, not in the table


def definitions_newest_first(
    questionnaire: Questionnaire, *, personal: bool = False
) -> dict[int, dict]:
    """{version id: definition}, newest first (it sets the column order): without the
    questions flagged personal or sensitive, which analysis never sees, unless *personal*
    (an export, which shows them masked or, when asked and allowed, revealed)."""
    return {
        v.id: v.definition if personal else v.analysis_definition
        for v in reversed(questionnaire.versions)
    }


def chosen_versions(questionnaire: Questionnaire, version: int | None) -> list[int]:
    """Ids of the versions a table shows, newest first: *version* (a number), or all."""
    return [
        v.id for v in reversed(questionnaire.versions) if version is None or v.number == version
    ]


def response_frame(
    questionnaire: Questionnaire,
    version: int | None = None,
    *,
    partial: bool = False,
    personal: str | None = None,
) -> pd.DataFrame:
    """One row per complete response: response_id, submitted_at, duration_s, then the answer
    columns of *version* (a version number), or of all versions mapped by question id. With
    *partial*, the unfinished responses instead (an export that asks for them).

    The questions flagged personal or sensitive have no column (their answers are not in the
    stored copy analysis reads) unless *personal* is "mask" (a column whose given answers
    read `MASK`) or "reveal" (their answers, decrypted: an export a permitted member asked
    for, audited by its caller)."""
    definitions = definitions_newest_first(questionnaire)
    version_ids = chosen_versions(questionnaire, version)
    names = table_columns(definitions[vid] for vid in version_ids)
    read = cache.partial_blocks if partial else cache.table_blocks
    blocks = read(questionnaire, lambda rows: flatten_rows(definitions, rows))
    if version is not None:
        wanted = np.array(version_ids, dtype=np.int64)
        blocks = (columns.take(block, np.isin(_version_ids(block), wanted)) for block in blocks)
    frame = columns.frame(blocks, names)
    if personal is None:
        return frame
    return _with_personal(questionnaire, frame, version_ids, personal == "reveal")


def _with_personal(
    questionnaire: Questionnaire, frame: pd.DataFrame, version_ids: list[int], reveal: bool
) -> pd.DataFrame:
    """*frame* with the columns of the flagged questions, in the full table's column order."""
    names = export_names(questionnaire, version_ids)
    added = [name for name in names if name not in frame.columns]
    if not added:
        return frame
    cells = personal_cells(questionnaire, frame["response_id"].tolist(), version_ids, added, reveal)
    extended = frame.assign(**cells)
    return extended[[name for name in names if name in extended.columns]]


def export_names(questionnaire: Questionnaire, version_ids: list[int]) -> list[str]:
    """The columns of an export's table: the flagged questions' among the others."""
    full = definitions_newest_first(questionnaire, personal=True)
    return table_columns(full[vid] for vid in version_ids)


def personal_cells(
    questionnaire: Questionnaire,
    response_ids: list[int],
    version_ids: list[int],
    added: list[str],
    reveal: bool,
) -> dict[str, np.ndarray]:
    """The cells of the flagged questions' columns *added* for the responses *response_ids*
    (in that order): `MASK` where an answer was given, or the answer as text when *reveal*
    (a phone number is text, never 1.38e10), so that a table read in blocks holds the same
    cells as the whole table."""
    full = definitions_newest_first(questionnaire, personal=True)
    cells: dict[str, list] = {name: [MISSING] * len(response_ids) for name in added}
    stored = protection.protected_rows(response_ids)
    positions = {int(rid): i for i, rid in enumerate(response_ids)}
    by_version: dict[int, list[tuple[int, dict]]] = {}
    for rid, (version_id, answers) in stored.items():
        if version_id in version_ids:
            by_version.setdefault(version_id, []).append((positions[rid], answers))
    for version_id, found in by_version.items():
        flat = flatten_columns(full[version_id], [answers for _, answers in found], missing=MISSING)
        for name in added:
            for (row, _), value in zip(found, flat.get(name, ()), strict=False):
                if not _missing(value):
                    cells[name][row] = _as_text(value) if reveal else MASK
    return {name: pd.Series(values, dtype=object).to_numpy() for name, values in cells.items()}


def _as_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _version_ids(block: columns.Block) -> np.ndarray:
    ids = block.columns[VERSION_COLUMN]  # whole numbers: a NumberColumn
    return ids.values if isinstance(ids, columns.NumberColumn) else np.asarray(ids.cells())


def flatten_rows(definitions: dict[int, dict], rows: list[cache.TableRow]) -> columns.Block:
    """The table cells of *rows*, each flattened by its own version's definition; every
    column any of them has (a caller picks the ones it shows)."""
    cells: dict[str, list] = {
        "response_id": [row.response_id for row in rows],
        "submitted_at": [
            row.submitted_at.isoformat() if row.submitted_at else MISSING for row in rows
        ],
        "duration_s": [MISSING if row.duration_s is None else row.duration_s for row in rows],
        VERSION_COLUMN: [row.version_id for row in rows],
    }
    start = 0
    for version_id, run in groupby(rows, key=attrgetter("version_id")):
        documents = [row.answers for row in run]
        flat = flatten_columns(definitions[version_id], documents, missing=MISSING)
        for name, values in flat.items():
            cells.setdefault(name, [MISSING] * len(rows))[start : start + len(documents)] = values
        start += len(documents)
    return columns.block_of(cells, len(rows))


def table_labels(
    questionnaire: Questionnaire, locale: str, version: int | None = None, *, readable=False
) -> dict[str, str]:
    """The words for the optional second header row of an export (see DESIGN.md); with
    *readable*, of the columns of `readable_frame` too."""
    definitions = definitions_newest_first(questionnaire, personal=True)
    chosen = chosen_versions(questionnaire, version)
    return column_labels((definitions[vid] for vid in chosen), locale, readable=readable)


def readable_frame(
    questionnaire: Questionnaire, frame: pd.DataFrame, locale: str, version: int | None = None
) -> pd.DataFrame:
    """*frame* with option labels in its cells, for reading in Excel (`readable_columns`)."""
    definitions = definitions_newest_first(questionnaire, personal=True)
    chosen = (definitions[vid] for vid in chosen_versions(questionnaire, version))
    return pd.DataFrame(readable_columns(chosen, {c: frame[c] for c in frame.columns}, locale))


def with_paradata(questionnaire: Questionnaire, frame: pd.DataFrame) -> pd.DataFrame:
    """*frame* with the paradata columns of its responses added (`surveys.paradata`), for the
    quality checks; unchanged when no response has paradata. Not part of any export."""
    stored = listing.paradata_of(questionnaire)
    if not stored or frame.empty:
        return frame
    ids = frame["response_id"].tolist()
    cells = paradata_columns(stored.get(int(rid)) for rid in ids)
    return pd.concat([frame, pd.DataFrame(cells, index=frame.index)], axis=1)
