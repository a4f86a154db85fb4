"""Reading JSON from a request body or an uploaded file, with bounds.

`parse_json` refuses, with a `BadJson` whose `message` is for the user: more bytes than the
caller allows, text that is not UTF-8 JSON, nesting deeper than `MAX_DEPTH` (Python's decoder
would fail with a RecursionError, a 500, at about a thousand levels, and whatever walks the
value next recursively even sooner), and numbers that are not finite (``1e400`` decodes to
infinity, ``NaN`` is not JSON). Every endpoint that reads JSON written by a client uses it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from app.database import SQL_INT_MAX

# Levels of arrays and objects: a questionnaire definition uses about eight.
MAX_DEPTH = 32

MESSAGES = {
    "too_large": _l("The request is too large."),
    "invalid": _l("The request is not valid JSON in UTF-8."),
    "too_deep": _l("The JSON is nested too deeply (at most %(max)d levels)."),
    "not_finite": _l("The JSON holds a number that is too large."),
}


class BadJson(ValueError):
    """Why a JSON text was refused: `code` is a key of `MESSAGES`."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % {"max": MAX_DEPTH}


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadJson("not_finite")
    return value


def _refuse_constant(name: str) -> None:
    raise BadJson("not_finite")  # NaN, Infinity, -Infinity


def depth(value: Any) -> int:
    """Levels of arrays and objects in a decoded JSON value (0 for a scalar), iteratively."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def parse_json(data: bytes, *, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """The value of a UTF-8 JSON text (a BOM allowed), within the bounds, or `BadJson`."""
    if len(data) > max_bytes:
        raise BadJson("too_large")
    try:
        value = json.loads(
            data.decode("utf-8-sig"), parse_float=_finite, parse_constant=_refuse_constant
        )
    except RecursionError:
        raise BadJson("too_deep") from None
    except BadJson:
        raise
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, an integer of 4,300+ digits
        raise BadJson("invalid") from None
    if depth(value) > max_depth:
        raise BadJson("too_deep")
    return value


def json_body(*, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """The request's JSON body within the bounds, or `BadJson` (the caller answers 400)."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise BadJson("too_large")
    return parse_json(request.get_data(cache=True), max_bytes=max_bytes, max_depth=max_depth)


def whole_number(value: Any) -> int:
    """An integer from decoded JSON (a JSON number or a string of digits, not a boolean or a
    fraction) that fits a database column; `ValueError` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(value)
    number = int(value)
    if abs(number) > SQL_INT_MAX:
        raise ValueError(value)
    return number
