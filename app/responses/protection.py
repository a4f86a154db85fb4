"""Personal answers at rest: the one place a response's answers are split and joined.

The answers to questions flagged personal or sensitive (`surveys.privacy`) are stored apart
from the others, as the JSON of one object in `Response.protected_answers`, an `EncryptedText`
column (Fernet, `app.personal_data`); the rest stay in `Response.answers`, which is all the
response table, its cached blocks and so analysis ever read. Every writer of answers (submit,
partial save, import, retention) builds its columns with `stored_columns`, every reader that
gives the answers back whole (the respondent's resume, the researcher's detail page, exports
that reveal, the API, receipts) joins them with `joined`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from app.extensions import db
from app.models import QuestionnaireVersion, Response
from surveys.privacy import (
    join_answers,
    masked_answers,
    protected_ids,
    question_of,
    split_answers,
)

_VERSIONS = QuestionnaireVersion.__table__
_DEFINITION = db.select(_VERSIONS.c.definition).where(_VERSIONS.c.id == db.bindparam("version_id"))

_IDS: dict[tuple, frozenset[str]] = {}
_IDS_LOCK = threading.Lock()


def protected_ids_of(version: Any) -> frozenset[str]:
    """The flagged question ids of *version*: a `QuestionnaireVersion` (its definition is
    read), a definition dict, or anything with `id`, `questionnaire_id`, `number` and
    `published_at` (a published version is never changed, so its ids are kept per process,
    keyed like `app.respond.published._parsed` so another database is never served them)."""
    if isinstance(version, Mapping):
        return protected_ids(version)
    definition = getattr(version, "definition", None)
    if isinstance(definition, Mapping):
        return protected_ids(definition)
    cached = _IDS.get(_key(version))
    if cached is None:
        stored = db.session.scalar(_DEFINITION, {"version_id": version.id}) or {}
        cached = remember_ids(version, stored)
    return cached


def remember_ids(version: Any, definition: Mapping[str, Any]) -> frozenset[str]:
    """Keep the flagged ids of the published *version* whose *definition* a caller has just
    read (the respondent's form parses it once per process): its submit then reads it no
    second time."""
    ids = protected_ids(definition)
    with _IDS_LOCK:
        if len(_IDS) >= 512:
            _IDS.clear()
        _IDS[_key(version)] = ids
    return ids


def _key(version: Any) -> tuple:
    return (
        db.engine.url,
        version.id,
        version.questionnaire_id,
        getattr(version, "number", None),
        getattr(version, "published_at", None),
    )


def sealed_json(protected: Mapping[str, Any]) -> str | None:
    """The text `protected_answers` holds for *protected* (the column type encrypts it);
    None when there is nothing to protect."""
    if not protected:
        return None
    return json.dumps(dict(protected), ensure_ascii=False, sort_keys=True)


def stored_columns(version: Any, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The columns `answers` and `protected_answers` of a response to *version* that holds
    *answers* (see `protected_ids_of` for what *version* may be)."""
    ids = protected_ids_of(version)
    if not ids:
        return {"answers": dict(answers), "protected_answers": None}
    plain, protected = split_answers(answers, ids)
    return {"answers": plain, "protected_answers": sealed_json(protected)}


def store_on(row: Response, version: Any, answers: Mapping[str, Any]) -> None:
    """Set the answers of the ORM row *row* (a partial saved, an edit, an anonymisation)."""
    for column, value in stored_columns(version, answers).items():
        setattr(row, column, value)


def opened(protected_json: str | None) -> dict[str, Any]:
    """The protected answers from the decrypted column value (NULL: none)."""
    if not protected_json:
        return {}
    value = json.loads(protected_json)
    return value if isinstance(value, dict) else {}


def joined(plain: Mapping[str, Any] | None, protected_json: str | None) -> dict[str, Any]:
    """A response's whole answers from its two columns (already decrypted by the column type)."""
    return join_answers(plain, opened(protected_json))


def answers_of_row(row: Response) -> dict[str, Any]:
    """The whole answers of an ORM row."""
    return joined(row.answers, row.protected_answers)


def masked_joined(plain: Mapping[str, Any] | None, protected_json: str | None) -> dict[str, Any]:
    """A response's answers with the protected ones masked (`surveys.privacy.MASK`): what
    leaves the store for anyone not shown them (webhook events, the API by default)."""
    protected = opened(protected_json)
    ids = frozenset(question_of(key) for key in protected)
    return join_answers(plain, masked_answers(protected, ids))


def event_answers(columns: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a webhook event carries for a response stored as *columns* (the values of
    `stored_columns`): the flagged ones masked, since an event is stored and sent in plain."""
    return masked_joined(columns.get("answers"), columns.get("protected_answers"))


def protected_rows(response_ids: Iterable[int]) -> dict[int, tuple[int, dict[str, Any]]]:
    """{response id: (version id, its protected answers)} of those of *response_ids* that
    have any: decrypted only for an export that masks or reveals them."""
    ids = sorted({int(rid) for rid in response_ids})
    found: dict[int, tuple[int, dict[str, Any]]] = {}
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            db.select(Response.id, Response.version_id, Response.protected_answers).where(
                Response.id.in_(ids[start : start + 500]),
                Response.protected_answers.is_not(None),
            )
        ).all()
        found.update((rid, (vid, opened(text))) for rid, vid, text in rows)
    return found


def protect_stored(batch: int = 500) -> int:
    """Move answers to flagged questions still held in plain `answers` (responses stored
    before the question was flagged, or before this column existed) into `protected_answers`;
    how many responses were rewritten. Their cached table blocks are wiped with them."""
    from app.responses.cache import response_write

    moved, last_id = 0, 0
    while True:
        rows = db.session.scalars(
            db.select(Response).where(Response.id > last_id).order_by(Response.id).limit(batch)
        ).all()
        if not rows:
            return moved
        last_id = rows[-1].id
        for row in rows:
            ids = protected_ids_of(row.version)
            if not ids or not any(question_of(key) in ids for key in row.answers or {}):
                continue
            with response_write(row.questionnaire_id, rewrites=[row.id]):
                store_on(row, row.version, answers_of_row(row))
                db.session.flush()
            moved += 1
        db.session.commit()
