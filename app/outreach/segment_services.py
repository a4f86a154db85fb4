"""Saving segments and reading them for the pages: the rules checked against the directory,
their member count and the first members."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from app import audit
from app.extensions import db
from app.models import DirectoryField, Organisation, Questionnaire, Segment, Study, User
from app.models.types import utcnow
from app.outreach import segments
from surveys.segment_rules import SegmentRules, SegmentRulesError, parse_rules


class NameTaken(ValueError):
    pass


def _custom_fields(organisation: Organisation) -> list[DirectoryField]:
    return list(
        db.session.scalars(
            db.select(DirectoryField)
            .where(DirectoryField.organisation_id == organisation.id)
            .order_by(DirectoryField.label)
        )
    )


def _questionnaires(organisation: Organisation) -> list[Questionnaire]:
    """The published questionnaires of the organisation's studies: their answers, linked to
    participants, are what an answer rule looks at."""
    return [
        q
        for q in db.session.scalars(
            db.select(Questionnaire)
            .join(Study, Study.id == Questionnaire.study_id)
            .where(Study.organisation_id == organisation.id)
            .order_by(Questionnaire.id)
        )
        if q.latest_version is not None
    ]


def choices(organisation: Organisation) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(custom fields, questionnaires) as the rule editor's choices. Custom fields flagged
    personal or sensitive are encrypted, so they are no segment rule."""
    fields = [(f.key, f.label) for f in _custom_fields(organisation) if f.privacy.value == "none"]
    return fields, [(str(q.id), q.title) for q in _questionnaires(organisation)]


def check(organisation: Organisation, raw) -> SegmentRules:
    fields, questionnaires = choices(organisation)
    return parse_rules(
        raw,
        custom_keys=[key for key, _ in fields],
        questionnaire_ids=[int(qid) for qid, _ in questionnaires],
    )


def stored(segment: Segment) -> SegmentRules:
    return segments.stored_rules(segment)


@dataclass(frozen=True)
class Preview:
    count: int
    rows: list[segments.PreviewRow]


def preview_of(organisation: Organisation, rules: SegmentRules) -> Preview:
    return Preview(
        count=segments.count(organisation.id, rules),
        rows=segments.preview(organisation.id, rules),
    )


def segments_with_counts(organisation: Organisation) -> list[tuple[Segment, int | None]]:
    listed = db.session.scalars(
        db.select(Segment).where(Segment.organisation_id == organisation.id).order_by(Segment.name)
    )
    out: list[tuple[Segment, int | None]] = []
    for segment in listed:
        try:
            out.append((segment, segments.count(organisation.id, stored(segment))))
        except SegmentRulesError:
            out.append((segment, None))
    return out


def segment_choices(directory) -> list[SelectChoice]:
    """ "Every response" and the segments of *directory* (a `DirectoryAccess`, or None when
    the user may use no directory of the study: then only the first)."""
    out = [SelectChoice("", _l("Every response"))]
    if directory is not None:
        listed = db.session.scalars(
            db.select(Segment)
            .where(Segment.organisation_id == directory.organisation.id)
            .order_by(Segment.name)
        )
        out += [SelectChoice(str(segment.id), segment.name) for segment in listed]
    return out


def save(
    organisation: Organisation, segment: Segment | None, name: str, rules: SegmentRules, actor: User
) -> Segment:
    """Create or update a segment (audited); NameTaken when another has the name."""
    name = name.strip()
    created = segment is None
    if segment is None:
        segment = Segment(organisation_id=organisation.id, created_by_id=actor.id)
        db.session.add(segment)
    segment.name = name
    segment.rules = rules.to_dict()
    segment.updated_at = utcnow()
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise NameTaken(name) from error
    audit.record(
        "segment.create" if created else "segment.update",
        segment,
        detail={"segment": name, "organisation_id": organisation.id},
        actor=actor,
    )
    db.session.commit()
    return segment
