"""Values of the condition language and the rules that turn answers into them.

The same table is implemented in ``app/static/js/conditions.js``; the shared case file
``cases.json`` holds them to it.

======================  ==========================================================
answer / operand        value in an expression
======================  ==========================================================
missing, None, "", [],  ``null`` (unanswered)
{}
bool                    boolean
int / float             number (IEEE double); non-finite or too large → ``null``
str                     string (kept as typed, no trimming)
list                    list (multiple choice, ranking)
dict                    map (matrix, Kano); ``q.part`` reads one entry
======================  ==========================================================

Numeric strings are strings matching ``-?digits(.digits)?``; only they coerce to numbers.

==============  ==============================================================================
operation       rule
==============  ==============================================================================
``a = b``       both null → true; one null → false; a boolean equals only a boolean;
                if either side is a number, both must coerce to numbers and be equal;
                two strings: exact equality; lists / maps: never equal to anything.
``a != b``      ``not (a = b)``
``< <= > >=``   a number on either side → both coerce to numbers; two strings → code-point
                order; anything else (null, boolean, list, map) → false.
``+ - * / %``   both sides coerce to numbers, else null; ÷ 0 or a non-finite result → null;
                ``%`` keeps the sign of the left side (C ``fmod``, JavaScript ``%``).
``-a``          number of a, negated; null when a is not a number.
``x in [..]``   x = any element; a list x → any of its values = any element; null → false.
``and or not``  truthiness: null, false, 0, "", empty list / map are false; result boolean.
==============  ==============================================================================
"""

from __future__ import annotations

import math
import re
from typing import Any

NUMERIC_STRING = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def from_answer(value: Any) -> Any:
    """An answer as the language sees it (see the table above)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, list | tuple):
        return list(value) if value else None
    if isinstance(value, dict):
        return value if value else None
    return None


def to_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        return value
    if isinstance(value, int):  # a huge int overflows float: None
        number: float | None = from_answer(value)
        return number
    if isinstance(value, str) and NUMERIC_STRING.fullmatch(value):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def truthy(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str | list | dict):
        return len(value) > 0
    return False


def equals(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) or isinstance(b, int | float):
        na, nb = to_number(a), to_number(b)
        return na is not None and nb is not None and na == nb
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return False


def compare(a: Any, b: Any) -> int | None:
    """-1 / 0 / 1, or None when the two cannot be ordered."""
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return None
    if isinstance(a, int | float) or isinstance(b, int | float):
        na, nb = to_number(a), to_number(b)
        if na is None or nb is None:
            return None
        return (na > nb) - (na < nb)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)  # Python compares str by code point
    return None


def arithmetic(op: str, a: Any, b: Any) -> float | None:
    x, y = to_number(a), to_number(b)
    if x is None or y is None:
        return None
    if op == "+":
        result = x + y
    elif op == "-":
        result = x - y
    elif op == "*":
        result = x * y
    elif op == "/":
        if y == 0:
            return None
        result = x / y
    else:  # "%"
        if y == 0:
            return None
        result = math.fmod(x, y)
    return result if math.isfinite(result) else None
