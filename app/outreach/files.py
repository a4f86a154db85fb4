"""The links of a segment's invitations as a CSV or XLSX file to send them from."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from flask_babel import gettext as _
from openpyxl import Workbook

from app.outreach.services import LinkRow
from app.results.exports import neutralise_cell


def _table(rows: Sequence[LinkRow]) -> list[list]:
    header = [
        "participant_id",
        _("Name (masked)"),
        _("Personal link"),
        _("Answered"),
        _("Reminders sent"),
        _("Last reminded"),
    ]
    body = [
        [
            row.participant_id,
            neutralise_cell(row.name),
            row.link,
            _("Yes") if row.answered else _("No"),
            row.reminder_count,
            row.reminded_at.isoformat() if row.reminded_at else "",
        ]
        for row in rows
    ]
    return [header, *body]


def links_csv(rows: Sequence[LinkRow]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(_table(rows))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def links_xlsx(rows: Sequence[LinkRow]) -> bytes:
    book = Workbook()
    sheet = book.create_sheet("links", 0)
    book.remove(book.worksheets[1])
    for line in _table(rows):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
