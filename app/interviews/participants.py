"""Participant attributes imported from a CSV file (Excel's UTF-8 or GB18030)."""

import csv
import io
from dataclasses import dataclass

from app import audit
from app.extensions import db
from app.interviews.services import InterviewError, saved_interviews
from app.models import Interview, Study


@dataclass(frozen=True)
class AttributeImport:
    updated: list[str]
    unknown: list[str]  # participant labels in the CSV that match no interview


def import_attributes_csv(study: Study, data: bytes) -> AttributeImport:
    """Participant attributes from a CSV: a `participant` column, one column per attribute.

    UTF-8 (with or without BOM) or GB18030, as Excel writes it on Chinese Windows.
    """
    for codec in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InterviewError("csv_undecodable")
    try:  # newline="": a row may end with CR alone (old Mac Excel) or hold a quoted line break
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error:  # a field past the csv module's limit (128 KB), a stray NUL
        raise InterviewError("csv_unreadable") from None
    if not rows:
        raise InterviewError("csv_empty")
    # A row longer than the header puts its extra values under the key None: left out.
    header = [h.strip() for h in rows[0] if isinstance(h, str)]
    key = next((h for h in header if h.lower() in ("participant", "参与者", "受访者")), None)
    if key is None:
        raise InterviewError("csv_no_participant_column")
    by_label: dict[str, list[Interview]] = {}
    for interview in saved_interviews(study):
        by_label.setdefault(interview.participant_label or interview.title, []).append(interview)
    updated, unknown = [], []
    for row in rows:
        row = {k.strip(): (v or "").strip() for k, v in row.items() if isinstance(k, str)}
        label = row.pop(key, "")
        targets = by_label.get(label)
        if not targets:
            unknown.append(label)
            continue
        values = {k[:50]: v[:200] for k, v in row.items() if k}
        for interview in targets:
            before = dict(interview.attributes)
            interview.attributes = {**before, **values}
            if interview.attributes != before:
                audit.record(
                    "interview.attributes",
                    interview,
                    study_id=study.id,
                    before={"attributes": before},
                    after={"attributes": interview.attributes},
                    detail={"source": "csv"},
                )
        updated.append(label)
    db.session.commit()
    return AttributeImport(updated, unknown)
