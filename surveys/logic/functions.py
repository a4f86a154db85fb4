"""The functions of the condition language, each declared once: name, parameter kinds, body.

Parameter kinds: ``question`` (a question reference such as ``q3`` or ``q5.row1``),
``string`` (a quoted literal), ``value`` (any expression). The parser checks arity and kinds;
the JavaScript evaluator declares the same table.

=================  ======================================================================
function           result
=================  ======================================================================
selected(q, 'v')   true when q's answer is v, or v is among q's answers (multiple choice)
answered(q)        true when q has an answer (not null)
empty(q)           true when q has no answer
count(q)           number of values in q's answer: list length, map entries, 1, or 0
length(x)          characters in a string (code points), items in a list, 0 for null
=================  ======================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .values import equals


@dataclass(frozen=True)
class Function:
    name: str
    params: tuple[str, ...]
    body: Callable[..., Any]


def _selected(answer: Any, value: str) -> bool:
    if answer is None:
        return False
    if isinstance(answer, list):
        return any(equals(item, value) for item in answer)
    return equals(answer, value)


def _count(answer: Any) -> float:
    if answer is None:
        return 0.0
    if isinstance(answer, list | dict):
        return float(len(answer))
    return 1.0


def _length(value: Any) -> float | None:
    if value is None:
        return 0.0
    if isinstance(value, str | list):
        return float(len(value))
    return None


FUNCTIONS: MappingProxyType[str, Function] = MappingProxyType(
    {
        f.name: f
        for f in (
            Function("selected", ("question", "string"), _selected),
            Function("answered", ("question",), lambda answer: answer is not None),
            Function("empty", ("question",), lambda answer: answer is None),
            Function("count", ("question",), _count),
            Function("length", ("value",), _length),
        )
    }
)
