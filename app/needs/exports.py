"""The needs of a study as a table for Excel or a script: CSV (UTF-8 with BOM, formula cells
neutralised as in the responses CSV) and XLSX (openpyxl)."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from flask_babel import gettext as _
from openpyxl import Workbook

from app.models import Study
from app.needs import services
from app.needs.labels import KIND_LABELS, STATUS_LABELS, TYPE_LABELS
from app.needs.services import board_priority
from app.results.exports import csv_bytes, neutralise_cell


def needs_frame(study: Study) -> pd.DataFrame:
    """One row per need, in board order, with its status, type, priority inputs and the number
    of its evidence links; column names in the reader's language."""
    counts = services.evidence_counts(study)
    rows: list[dict[str, Any]] = [
        {
            _("Number"): need.id,
            _("Need"): need.statement,
            _("Status"): str(STATUS_LABELS[need.status]),
            _("Type"): str(TYPE_LABELS[need.type]),
            _("Kind"): str(KIND_LABELS[need.kind]),
            _("Kano category"): need.kano or "",
            _("Segments affected"): "、".join(
                f"{s['title']}: {s['label']}" for s in need.segments or []
            ),
            _("Owner"): need.owner.name if need.owner else "",
            _("Due"): need.due_on.isoformat() if need.due_on else "",
            _("Reach"): need.reach,
            _("Impact"): need.impact,
            _("Confidence"): need.confidence,
            _("Effort"): need.effort,
            _("Priority"): board_priority(need),
            _("Evidence"): counts.get(need.id, 0),
        }
        for need in services.study_needs(study)
    ]
    return pd.DataFrame(rows)


def needs_csv(study: Study) -> bytes:
    return csv_bytes(needs_frame(study))


def needs_xlsx(study: Study) -> bytes:
    frame = needs_frame(study)
    book = Workbook()
    book.remove(book.worksheets[0])  # openpyxl's default sheet: the one below takes its place
    sheet = book.create_sheet(_("Needs"))
    sheet.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        sheet.append([None if pd.isna(v) else neutralise_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
