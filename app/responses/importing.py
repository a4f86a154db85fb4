"""Responses imported from another tool's export: a dry run, then all rows or none.

`preview` reads the file (`surveys.imports`), proposes or applies a column mapping, checks
every row against the questionnaire's latest version and finds the rows already imported
(the same tool's id of a response, `Response.source_id`). `import_responses` runs the same
checks again (never trusting an earlier dry run) and, only when no row has a problem, stores
every new row in one transaction with its audit event, through the response store's hook
(`cache.response_write`), so counts, results and the table's cache see them like any
other response.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.exc import IntegrityError

from app import audit
from app.extensions import db
from app.models import Questionnaire, Response, ResponseStatus, User
from app.models.types import utcnow
from app.responses.cache import response_write
from app.responses.protection import stored_columns
from app.responses.records import new_token, token_hash
from app.responses.transactions import committed_write
from surveys import imports
from surveys.imports import FileRefused, ImportPlan, SourceTable
from surveys.response_table import column_labels

_RESPONSES = cast(Table, Response.__table__)
_LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class ImportPreview:
    """What the dry run shows: the layout recognised, the mapping, and every problem."""

    tool: str
    table: SourceTable
    mapping: dict[int, str]
    plan: ImportPlan | None = None  # None while the mapping itself is refused
    refusal: FileRefused | None = None
    already_imported: frozenset[int] = field(default_factory=frozenset)  # file row numbers

    @property
    def ready(self) -> bool:
        """Whether confirming would store the new rows: no problem anywhere."""
        return self.plan is not None and self.plan.ok and bool(self.new_rows)

    @property
    def new_rows(self) -> list[imports.PlannedResponse]:
        if self.plan is None:
            return []
        return [r for r in self.plan.responses if r.row not in self.already_imported]


class ImportRefused(Exception):
    """Nothing was stored: the file, its mapping or some of its rows do not fit."""

    def __init__(self, preview: ImportPreview | None = None, refusal: FileRefused | None = None):
        super().__init__(str(refusal) if refusal else "rows do not fit")
        self.preview = preview
        self.refusal = refusal or (preview.refusal if preview else None)


@dataclass(frozen=True)
class Imported:
    tool: str
    stored: int
    skipped: int  # rows imported before


def preview(
    questionnaire: Questionnaire,
    filename: str,
    data: bytes,
    *,
    tool: str | None = None,
    mapping: Mapping[int, str] | None = None,
    zone: str,
    locale: str,
) -> ImportPreview:
    """The dry run of importing *data* into *questionnaire*. Raises `ImportRefused` when the
    file cannot be read as a table at all; a refused mapping is in the preview."""
    definition = questionnaire.published_version.definition
    try:
        table = imports.read_table(imports.read_grid(filename, data), tool=tool, zone=zone)
    except FileRefused as refusal:
        raise ImportRefused(refusal=refusal) from None
    chosen = dict(mapping) if mapping is not None else imports.propose_mapping(definition, table)
    try:
        plan = imports.plan_import(definition, table, chosen, zone=zone, locale=locale)
    except FileRefused as refusal:
        return ImportPreview(table.tool, table, chosen, refusal=refusal)
    stored = _stored_source_ids(questionnaire.id, table.tool, [r.source_id for r in plan.responses])
    already = frozenset(r.row for r in plan.responses if r.source_id in stored)
    return ImportPreview(table.tool, table, chosen, plan, already_imported=already)


def import_responses(
    questionnaire: Questionnaire,
    filename: str,
    data: bytes,
    *,
    actor: User | None,
    tool: str | None = None,
    mapping: Mapping[int, str] | None = None,
    zone: str,
    locale: str,
) -> Imported:
    """Store every new row of the file, or none (raises `ImportRefused` with the preview)."""
    checked = preview(
        questionnaire, filename, data, tool=tool, mapping=mapping, zone=zone, locale=locale
    )
    if checked.plan is None or not checked.plan.ok:
        raise ImportRefused(checked)
    rows = checked.new_rows
    version = questionnaire.published_version
    now = utcnow()
    values = [_row(questionnaire.id, version, checked.tool, r, now) for r in rows]
    try:
        with committed_write(), response_write(questionnaire.id):
            if values:
                db.session.execute(_RESPONSES.insert(), values)
            audit.record(
                "responses.import",
                questionnaire,
                study_id=questionnaire.study_id,
                actor=actor,
                detail={
                    "tool": checked.tool,
                    "file": filename[:200],
                    "stored": len(values),
                    "skipped": len(checked.already_imported),
                    "mapping": {checked.plan.headers[i]: t for i, t in checked.mapping.items()},
                },
            )
    except IntegrityError:
        # The same rows imported by someone else meanwhile: nothing of this one is stored.
        raise ImportRefused(
            preview(
                questionnaire, filename, data, tool=tool, mapping=mapping, zone=zone, locale=locale
            )
        ) from None
    return Imported(checked.tool, len(values), len(checked.already_imported))


def _row(
    questionnaire_id: int,
    version: Any,
    tool: str,
    planned: imports.PlannedResponse,
    now: dt.datetime,
) -> dict[str, Any]:
    submitted = planned.submitted_at or now
    started = submitted - dt.timedelta(seconds=planned.duration_s or 0)
    return {
        "questionnaire_id": questionnaire_id,
        "version_id": version.id,
        "status": ResponseStatus.COMPLETE if planned.finished else ResponseStatus.PARTIAL,
        **stored_columns(version, planned.answers),  # personal answers encrypted
        "is_test": planned.test,
        "page_id": "",
        "started_at": started,
        "updated_at": submitted,
        "submitted_at": submitted if planned.finished else None,
        "idempotency_key": None,
        "resume_token_hash": token_hash(new_token()),  # no one resumes an imported response
        "invitation_token_hash": None,  # nosec B105 # a column name, not a password
        "receipt_hash": None,
        "consent_notice_version": None,
        "consent_given_at": None,
        "paradata": None,
        "source": tool,
        "source_id": planned.source_id,
    }


def _stored_source_ids(questionnaire_id: int, tool: str, source_ids: list[str]) -> set[str]:
    found: set[str] = set()
    unique = sorted(set(source_ids))
    for start in range(0, len(unique), _LOOKUP_CHUNK):
        chunk = unique[start : start + _LOOKUP_CHUNK]
        found.update(
            db.session.scalars(
                db.select(Response.source_id).where(
                    Response.questionnaire_id == questionnaire_id,
                    Response.source == tool,
                    Response.source_id.in_(chunk),
                )
            )
        )
    return found


def target_choices(questionnaire: Questionnaire, locale: str) -> list[tuple[str, str]]:
    """(target, label) for the mapping screen's lists, in questionnaire order."""
    definition = questionnaire.published_version.definition
    labels = column_labels([definition], locale, readable=True)
    return [(name, labels.get(name, name)) for name in imports.targets(definition)]


def samples(table: SourceTable, per_column: int = 3) -> dict[int, list[str]]:
    """The first few non-blank cells of each column, to tell the columns apart."""
    found: dict[int, list[str]] = {c.index: [] for c in table.columns}
    for record in table.records:
        for index, cells in found.items():
            if len(cells) < per_column and index < len(record.cells) and record.cells[index]:
                cells.append(record.cells[index][:40])
        if all(len(cells) >= per_column for cells in found.values()):
            break
    return found
