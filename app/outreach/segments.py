"""Segments compiled to SQL: a segment's rules (`surveys.segment_rules`) become one WHERE
clause over `participants`, so counting or listing the members of a segment of 100,000 people
is one query (tests/benchmarks/bench_segments.py).

Merged records (`merged_into_id` set) are never members: they are history. Tags are a JSON
array, matched with `json_each` on SQLite and `@>` on PostgreSQL (JSONB); custom fields with
the dialect's JSON operator; past answers by `app.responses.participants.chose_clause`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, cast, exists, false, func, literal, not_, or_
from sqlalchemy import select as sql_select
from sqlalchemy.dialects.postgresql import JSONB

from app.extensions import db
from app.models import Participant, Segment
from app.responses.participants import chose_clause
from surveys.segment_rules import Rule, SegmentRules, expand_range, parse_rules

PREVIEW_SIZE = 10


def mask_name(name: str) -> str:
    """A name as lists show it: its first character, the rest as * ("张伟" → "张*")."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _has_tag(tag: str) -> ColumnElement[bool]:
    if _dialect() == "postgresql":
        return cast(Participant.tags, JSONB).bool_op("@>")(literal([tag], JSONB))
    element = func.json_each(Participant.tags).table_valued("value")
    return exists(sql_select(literal(1)).select_from(element).where(element.c.value == tag))


def _band_labels(organisation_id: int, field: str) -> list[str]:
    column = getattr(Participant, field)
    return list(
        db.session.scalars(
            sql_select(column).distinct().where(Participant.organisation_id == organisation_id)
        )
    )


def _rule_clause(organisation_id: int, rule: Rule) -> ColumnElement[bool]:
    if rule.kind == "attribute":
        column = getattr(Participant, rule.field)
        if rule.op == "range":
            labels = expand_range(_band_labels(organisation_id, rule.field), *rule.values)
            return column.in_(labels) if labels else false()
        return column == rule.values[0] if rule.op == "equals" else column.in_(rule.values)
    if rule.kind == "tag":
        clauses = [_has_tag(tag) for tag in rule.values]
        return or_(*clauses) if rule.op == "has" else not_(or_(*clauses))
    if rule.kind == "custom":
        value = Participant.custom[rule.field].as_string()
        return value == rule.values[0] if rule.op == "equals" else value.in_(rule.values)
    # An answer rule: parse_rules has checked its questionnaire id.
    return chose_clause(int(rule.questionnaire_id or 0), rule.question, rule.values)


def where_clause(organisation_id: int, rules: SegmentRules) -> ColumnElement[bool]:
    """The condition a participant of *organisation_id* meets to be in the segment."""
    clauses = [_rule_clause(organisation_id, rule) for rule in rules.rules]
    combined = and_(*clauses) if rules.match == "all" else or_(*clauses)
    return and_(
        Participant.organisation_id == organisation_id,
        Participant.merged_into_id.is_(None),
        combined,
    )


def stored_rules(segment: Segment) -> SegmentRules:
    """The segment's saved rules (checked again: they are data from the database)."""
    return parse_rules(segment.rules)


def member_ids(organisation_id: int, rules: SegmentRules) -> Select[Any]:
    """SELECT participants.id of the members, for IN (…) and INSERT … SELECT."""
    return sql_select(Participant.id).where(where_clause(organisation_id, rules))


def count(organisation_id: int, rules: SegmentRules) -> int:
    statement = sql_select(func.count()).select_from(Participant)
    return db.session.scalar(statement.where(where_clause(organisation_id, rules))) or 0


@dataclass(frozen=True)
class PreviewRow:
    id: int
    name: str  # masked
    age_band: str
    gender: str
    city: str
    city_tier: str
    tags: list[str]


def preview(
    organisation_id: int, rules: SegmentRules, limit: int = PREVIEW_SIZE
) -> list[PreviewRow]:
    """The first members by id, their names masked."""
    rows = db.session.scalars(
        sql_select(Participant)
        .where(where_clause(organisation_id, rules))
        .order_by(Participant.id)
        .limit(limit)
    )
    return [
        PreviewRow(
            id=p.id,
            name=mask_name(p.name or ""),
            age_band=p.age_band,
            gender=p.gender,
            city=p.city,
            city_tier=p.city_tier,
            tags=list(p.tags or []),
        )
        for p in rows
    ]
