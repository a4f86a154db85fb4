"""Rotating the key that encrypts personal information (`flask --app wsgi privacy rotate-key`).

The columns are found, not listed: every column of the app's metadata whose type is
`EncryptedText`, in every table, so a personal column added later is rotated with the rest.

Rotation is done in an order that a crash at any point leaves readable:

1. a new key goes first in the ring, the old keys stay behind it (every value still opens);
2. every stored value is re-encrypted under the first key (`MultiFernet.rotate`), a batch of
   rows per transaction, each row updated only if it still holds the token that was read (a
   value the app changed meanwhile is left as the app wrote it); a last pass re-encrypts any
   value that does not open with the first key alone (written meanwhile by a process that had
   not yet seen the new ring);
3. only then are the old keys dropped, after which old ciphertext (in the database, or a copy
   of a row taken before) no longer opens.

With `instance/data_keys` the command does all three, rewriting the file atomically (0600) in
steps 1 and 3. With `WENFANG_DATA_KEYS` the command cannot change the environment of the
other processes: `begin_environment_rotation` only makes the new ring for the operator to set
everywhere; once every process runs with it, `finish` does steps 2 and says what to set for
step 3. A crash in step 2 is repaired by running `finish` again (the ring still has the old
keys). Blind indexes (`personal_data.blind_index`) are keyed from SECRET_KEY, not from the
data keys: a rotation leaves them as they are, and they stay valid.

This module uses the key file helpers of `app.personal_data`, whose companion it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

from app import audit
from app.extensions import db
from app.personal_data import (
    EncryptedText,
    PersonalDataKeyError,
    _configured_keys,
    _write_keys_file,
    ring_of,
)

BATCH_SIZE = 500
# Passes of the last check before it gives up: values still written under an old key after
# these mean a process runs with an older ring.
CHECK_PASSES = 3
FILE, ENVIRONMENT = "file", "environment"


class RotationError(RuntimeError):
    """A rotation that cannot be done or finished (why, and what to do)."""


@dataclass(frozen=True)
class EncryptedColumn:
    table: sa.Table
    column: sa.Column

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column.name}"


@dataclass
class Rotation:
    """What a rotation did: the key source, values re-encrypted per column, and the ring in
    force afterwards (to be set by the operator when the keys come from the environment)."""

    source: str
    reencrypted: dict[str, int] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.reencrypted.values())


def encrypted_columns() -> list[EncryptedColumn]:
    """Every `EncryptedText` column of every table, in dependency order of the tables."""
    return [
        EncryptedColumn(table, column)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    ]


def key_source() -> str:
    return ENVIRONMENT if current_app.config.get("DATA_KEYS") else FILE


def count_values() -> dict[str, int]:
    """Non-null values per encrypted column: what a rotation would re-encrypt."""
    counts = {}
    for encrypted in encrypted_columns():
        query = sa.select(sa.func.count()).where(encrypted.column.is_not(None))
        counts[encrypted.name] = int(db.session.scalar(query) or 0)
    db.session.rollback()
    return counts


def begin_environment_rotation() -> list[str]:
    """The ring to set as WENFANG_DATA_KEYS: a new key before the configured ones. Nothing
    is changed; `finish` re-encrypts once every process runs with this ring."""
    if key_source() != ENVIRONMENT:
        raise RotationError("the keys come from instance/data_keys: rotate without --finish")
    keys = _configured_keys()
    ring_of(keys)  # a malformed key is refused now, not after the operator set the new ring
    return [Fernet.generate_key().decode(), *keys]


def rotate_file_keys(*, batch_size: int = BATCH_SIZE) -> Rotation:
    """Steps 1–3 with instance/data_keys: a new first key, every value re-encrypted, the
    old keys dropped."""
    if key_source() != FILE:
        raise RotationError("the keys come from WENFANG_DATA_KEYS: use begin/finish")
    keys = _configured_keys()
    if not keys and any(count_values().values()):
        raise PersonalDataKeyError(
            "Personal data is stored but instance/data_keys is missing or empty: restore it "
            "from the backup before rotating."
        )
    ring_of(keys)
    _write_keys_file([Fernet.generate_key().decode(), *keys])  # step 1
    return finish(batch_size=batch_size)


def finish(*, batch_size: int = BATCH_SIZE) -> Rotation:
    """Steps 2–3: every value re-encrypted under the first key of the ring as configured
    now, then (file) the other keys dropped from instance/data_keys, or (environment) the
    one-key ring returned for the operator to set. Audited."""
    source = key_source()
    keys = _configured_keys()
    if not keys:
        raise RotationError("there is no data key to rotate to")
    if source == ENVIRONMENT and len(keys) < 2:
        raise RotationError(
            "WENFANG_DATA_KEYS holds one key: run rotate-key first, set the ring it prints "
            "in every process, then --finish"
        )
    ring, first = ring_of(keys), Fernet(keys[0].encode())
    rotation = Rotation(source=source, keys=keys[:1])
    for encrypted in encrypted_columns():
        rotation.reencrypted[encrypted.name] = _reencrypt(encrypted, ring, batch_size)
    for _pass in range(CHECK_PASSES):
        stale = sum(_reencrypt(e, ring, batch_size, unless=first) for e in encrypted_columns())
        if not stale:
            break
    else:
        raise RotationError(
            "values are still being written under an old key: restart every process with "
            "the new ring, then run rotate-key --finish again"
        )
    if source == FILE:
        _write_keys_file(keys[:1])  # step 3, only once every value opens with the first key
    audit.record(
        "privacy.rotate_key",
        detail={
            "values": rotation.total,
            "columns": len(rotation.reencrypted),
            "source": source,
            "dropped": len(keys) - 1 if source == FILE else 0,
        },
    )
    db.session.commit()
    return rotation


def _reencrypt(
    encrypted: EncryptedColumn,
    ring: MultiFernet,
    batch_size: int,
    *,
    unless: Fernet | None = None,
) -> int:
    """Re-encrypt the column's values under the ring's first key, in primary-key order, one
    batch per transaction; with *unless*, only the values that key does not open. The
    number of values re-encrypted."""
    table, column = encrypted.table, encrypted.column
    keys = list(table.primary_key.columns)
    token = sa.type_coerce(column, sa.Text())  # the stored token, not the plaintext
    update = (
        table.update()
        .where(*[key == sa.bindparam(f"wf_key_{i}") for i, key in enumerate(keys)])
        .where(token == sa.bindparam("wf_old", type_=sa.Text()))
        # a rotation is not an edit: columns that note the time of a change keep theirs
        .values(
            {column.name: sa.bindparam("wf_new", type_=sa.Text())}
            | {c.name: c for c in table.columns if c.onupdate is not None and c is not column}
        )
    )
    done, last = 0, None
    while True:
        query = (
            sa.select(*keys, token.label("wf_token"))
            .where(column.is_not(None))
            .order_by(*keys)
            .limit(batch_size)
        )
        if last is not None:
            query = query.where(sa.tuple_(*keys) > sa.tuple_(*last))
        with db.engine.begin() as connection:
            rows = connection.execute(query).all()
            if not rows:
                return done
            changes = []
            for row in rows:
                old = row.wf_token
                if unless is not None and _opens(unless, old):
                    continue
                changes.append(
                    {f"wf_key_{i}": row[i] for i in range(len(keys))}
                    | {"wf_old": old, "wf_new": _rotated(ring, old, encrypted, row)}
                )
            if changes:
                connection.execute(update, changes)
        done += len(changes)
        last = tuple(rows[-1][: len(keys)])


def _opens(key: Fernet, token: str) -> bool:
    try:
        key.decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def _rotated(ring: MultiFernet, token: str, encrypted: EncryptedColumn, row) -> str:
    try:
        return ring.rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        where = ", ".join(str(value) for value in tuple(row)[:-1])
        raise PersonalDataKeyError(
            f"{encrypted.name} of row {where} cannot be decrypted with any configured key "
            "(WENFANG_DATA_KEYS or instance/data_keys): nothing was dropped; restore the "
            "key it was written with, then run rotate-key --finish"
        ) from error
