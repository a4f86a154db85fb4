"""Opaque cursors of keyset pages: a client passes back the `next_cursor` it was given and
may not build one (the format may change), so it is the last id, base64-encoded."""

import base64
import binascii

from app.database import SQL_INT_MAX

PREFIX = "r1:"


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id the page after *cursor* starts above; `ValueError` for anything not made by
    `encode_cursor`."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError(cursor) from None
    if not text.startswith(PREFIX) or not text[len(PREFIX) :].isdigit():
        raise ValueError(cursor)
    last_id = int(text[len(PREFIX) :])
    if last_id > SQL_INT_MAX:
        raise ValueError(cursor)
    return last_id
