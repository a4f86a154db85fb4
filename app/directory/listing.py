"""The directory's list: one organisation's current records (never those merged away), filtered
by an attribute and a tag, searched by an exact phone, email or WeChat ID through their blind
indexes, or by an exact name through its own. Nothing is decrypted to filter: only the page of
records shown is, and masked (`records.masked`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB

from app.directory.records import ATTRIBUTES, CHANNELS, index_of, name_index
from app.extensions import db
from app.models import Participant
from app.permissions import DirectoryAccess

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    attribute: str = ""  # one of records.ATTRIBUTES
    value: str = ""
    tag: str = ""
    search: str = ""
    problem: str = ""  # "phone_invalid" …

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        attribute = args.get("attribute", "")
        return cls(
            attribute=attribute if attribute in ATTRIBUTES else "",
            value=args.get("value", "").strip()[:100],
            tag=args.get("tag", "").strip()[:50],
            search=args.get("q", "").strip()[:200],
            problem=args.get("problem", "").strip()[:30],
        )


def json_list_has(column: Any, item: str) -> ColumnElement[bool]:
    """Whether the JSON list in *column* holds *item*: JSONB containment on PostgreSQL,
    `json_each` on SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        return type_coerce(column, JSONB).contains([item])
    each = func.json_each(column).table_valued("value")
    return exists(select(1).select_from(each).where(each.c.value == item))


def current(access: DirectoryAccess) -> Select[Any]:
    return select(Participant).where(
        Participant.organisation_id == access.organisation.id,
        Participant.merged_into_id.is_(None),
    )


def search_condition(text: str) -> ColumnElement[bool]:
    """An exact phone, email or WeChat ID (in any of their written forms) or an exact name."""
    conditions = [
        getattr(Participant, column_index) == found
        for kind, (_column, column_index) in CHANNELS.items()
        if (found := index_of(kind, text)) is not None
    ]
    conditions.append(Participant.name_index == name_index(text))
    return db.or_(*conditions)


def query(access: DirectoryAccess, filters: Filters) -> Select[Any]:
    statement = current(access)
    if filters.attribute and filters.value:
        statement = statement.where(getattr(Participant, filters.attribute) == filters.value)
    if filters.tag:
        statement = statement.where(json_list_has(Participant.tags, filters.tag))
    if filters.problem:
        statement = statement.where(json_list_has(Participant.problems, filters.problem))
    if filters.search:
        statement = statement.where(search_condition(filters.search))
    return statement.order_by(Participant.id.desc())


def page(access: DirectoryAccess, filters: Filters, number: int):
    """One page of the list (Flask-SQLAlchemy's Pagination: items, total, pages)."""
    return db.paginate(query(access, filters), page=number, per_page=PAGE_SIZE, error_out=False)


def tags_in_use(access: DirectoryAccess, limit: int = 200) -> list[str]:
    """The organisation's tags, for the filter's suggestions (from the latest records)."""
    rows = db.session.scalars(
        select(Participant.tags)
        .where(Participant.organisation_id == access.organisation.id)
        .where(Participant.merged_into_id.is_(None))
        .order_by(Participant.id.desc())
        .limit(2000)
    )
    found: dict[str, None] = {}
    for tags in rows:
        for tag in tags or []:
            found.setdefault(tag)
    return sorted(found)[:limit]
