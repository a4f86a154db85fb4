"""The pieces every section of the CLI report shares: a line or a name from the one catalogue,
numbers rounded for reading (only here and in the sections: `summarise` keeps full precision).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from analysis.stats import (
    report_lines,  # noqa: F401  (registers the report's lines)
    report_names,
)
from analysis.stats.narrator import Statement
from surveys.problems import message

LOCALE = "zh_CN"


def say(code: str, **params: Any) -> str:
    """The report line `report_<code>` with its (formatted) *params*."""
    return message(f"report_{code}", LOCALE, **params)


def name_of(kind: str, code: Any, default: str | None = None) -> str:
    return report_names.name(kind, code, LOCALE, default)


def join(items: Iterable[str], sep: str = "list") -> str:
    return say(sep).join(items)


def caution_text(statement: Statement, **labels: Any) -> str:
    return statement.message(LOCALE, **labels)


def num(v: float | None, digits: int = 2) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def num1(v: float | None) -> str:
    return num(v, 1)


def num3(v: float | None) -> str:
    return num(v, 3)


def pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}%"


def interval(pair: Sequence[float | None] | None, fmt: Callable[[float | None], str] = pct) -> str:
    if not pair or pair[0] is None:
        return ""
    return say("ci", low=fmt(pair[0]), high=fmt(pair[1]))


def value_label(summary: dict[str, Any], column: str, value: str) -> str:
    """The option label of `value` in `column` (a question id or `qid/row` column)."""
    q = summary["questions"].get(column.split("/")[0], {})
    label: str = q.get("labels", {}).get(value, value)
    return label


def unweighted_mark(result: dict[str, Any]) -> str:
    return say("unweighted_mark") if result.get("unweighted_note") else ""


def times100(v: float | None) -> float | None:
    return None if v is None else v * 100
