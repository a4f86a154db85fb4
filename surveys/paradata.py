"""Paradata: how a response was given, recorded by the respondent's browser and sent with the
submit as an optional `paradata` object (format in docs/paradata.md). It only ever feeds the
quality checks, so anything that does not match the format exactly is dropped whole
(`clean_paradata` returns None) and the answers are stored as usual.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

MAX_BYTES = 8192  # the whole object, as compact JSON (100 open questions with long ids fit)
MAX_PAGES = 50
MAX_TEXTS = 100
MAX_SECONDS = 7 * 86400.0
_ID = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_DEVICE = re.compile(r"[A-Za-z0-9_-]{8,64}")
PREFIX = "paradata/"
ADDRESS_PURPOSE = b"wenfang/paradata/address-hash/v1"
ADDRESS_HEX = 16  # 64 bits: tells addresses apart within a questionnaire, no more


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = float(value)
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_SECONDS:
        return None
    return round(seconds, 1)


def clean_paradata(value: Any) -> dict[str, Any] | None:
    """The paradata to store, or None: absent, too big, or not in the format (never an error:
    paradata may not cost a respondent their submit)."""
    if not isinstance(value, Mapping) or set(value) - {"pages", "texts", "device"}:
        return None
    try:
        if len(json.dumps(value, separators=(",", ":"), ensure_ascii=False)) > MAX_BYTES:
            return None
    except (TypeError, ValueError):
        return None
    out: dict[str, Any] = {}
    pages = value.get("pages", {})
    if not isinstance(pages, Mapping) or len(pages) > MAX_PAGES:
        return None
    for page, seconds in pages.items():
        cleaned = _seconds(seconds)
        if not isinstance(page, str) or not _ID.fullmatch(page) or cleaned is None:
            return None
        out.setdefault("pages", {})[page] = cleaned
    texts = value.get("texts", {})
    if not isinstance(texts, Mapping) or len(texts) > MAX_TEXTS:
        return None
    for qid, entry in texts.items():
        if not isinstance(qid, str) or not _ID.fullmatch(qid) or not isinstance(entry, Mapping):
            return None
        typing = _seconds(entry.get("typing_s", 0))
        if set(entry) - {"pasted", "typing_s"} or not isinstance(entry.get("pasted", False), bool):
            return None
        if typing is None:
            return None
        out.setdefault("texts", {})[qid] = {
            "pasted": entry.get("pasted", False),
            "typing_s": typing,
        }
    device = value.get("device")
    if device is not None:
        if not isinstance(device, str) or not _DEVICE.fullmatch(device):
            return None
        out["device"] = device
    return out or None


def address_hash(address: str | None, secret: str) -> str | None:
    """The respondent's network address as a keyed hash (HMAC-SHA256, truncated), never the
    address itself: equal addresses give equal hashes under one installation's SECRET_KEY,
    and without that key the hash cannot be turned back into the address (docs/paradata.md)."""
    if not address:
        return None
    key = hmac.new(secret.encode(), ADDRESS_PURPOSE, hashlib.sha256).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:ADDRESS_HEX]


def with_address(paradata: dict[str, Any] | None, address: str | None) -> dict[str, Any] | None:
    """The cleaned paradata with the server's `address` hash added (a client cannot send
    one: `clean_paradata` drops paradata with an `address` key)."""
    if address is None:
        return paradata
    return {**(paradata or {}), "address": address}


def paradata_columns(records: Iterable[Mapping[str, Any] | None]) -> dict[str, list[Any]]:
    """Stored paradata (one per response, None for none) as response-table columns:
    `paradata/page_s/<page>`, `paradata/pasted/<qid>`, `paradata/typing_s/<qid>` and
    `paradata/device`, `paradata/address`; a response without the value has None."""
    records = list(records)
    columns: dict[str, list[Any]] = {}

    def put(name: str, i: int, value: object) -> None:
        columns.setdefault(PREFIX + name, [None] * len(records))[i] = value

    for i, record in enumerate(records):
        if not record:
            continue
        for page, seconds in (record.get("pages") or {}).items():
            put(f"page_s/{page}", i, seconds)
        for qid, entry in (record.get("texts") or {}).items():
            put(f"pasted/{qid}", i, entry.get("pasted"))
            put(f"typing_s/{qid}", i, entry.get("typing_s"))
        if record.get("device"):
            put("device", i, record["device"])
        if record.get("address"):
            put("address", i, record["address"])
    return columns
