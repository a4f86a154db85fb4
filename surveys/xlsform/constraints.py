"""XLSForm ``constraint`` ↔ definition keys, for the supported subset.

A constraint is a conjunction (``and`` at the top level) of clauses of these forms, where ``.``
is the answer: ``. >= N`` (and ``>``, ``<=``, ``<``), ``. >= date('YYYY-MM-DD')``,
``regex(., 'pattern')`` (its pattern as `regex.from_xpath_regex` reads it),
``string-length(.) <= N``, ``count-selected(.) >= N``, and the
"none of the above" clause ``not(selected(., 'v') and count-selected(.) > 1)``. A constraint
with any other clause is not translated at all (one warning), since half a rule can be worse
than none.
"""

from __future__ import annotations

import re
from typing import Any

from ..answer_rules import parse_date
from ..types import QUESTION_TYPES
from .regex import from_xpath_regex, to_xpath_regex

NUM = r"(-?[0-9]+(?:\.[0-9]+)?)"
STR = r"""(?:'([^']*)'|"([^"]*)")"""
CLAUSES = {
    "value": re.compile(rf"\.\s*(>=|>|<=|<)\s*{NUM}"),
    "date": re.compile(rf"\.\s*(>=|>|<=|<)\s*(?:date\(\s*)?{STR}\s*\)?"),
    "regex": re.compile(rf"regex\(\s*\.\s*,\s*{STR}\s*\)"),
    "length": re.compile(rf"string-length\(\s*\.\s*\)\s*(>=|>|<=|<)\s*{NUM}"),
    "count": re.compile(rf"count-selected\(\s*\.\s*\)\s*(>=|>|<=|<)\s*{NUM}"),
    "exclusive": re.compile(
        rf"not\(\s*selected\(\s*\.\s*,\s*{STR}\s*\)\s+and\s+count-selected\(\s*\.\s*\)\s*>\s*1\s*\)"
    ),
}

# Written on export for the named patterns, recognised on import.
PHONE_REGEX = "^1[3-9][0-9]{9}$"
EMAIL_REGEX = "^[^@ ]+@[^@ ]+[.][^@ .]+$"


def split_and(expr: str) -> list[str]:
    """Top-level ``and`` clauses (parentheses and quotes respected)."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(expr):
        c = expr[i]
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0 and re.match(r"\sand\s", expr[i : i + 5]):
            parts.append(expr[start:i].strip())
            start = i + 5
            i += 5
            continue
        i += 1
    parts.append(expr[start:].strip())
    return parts


def _bound(op: str, number: float, integer: bool) -> tuple[str, float] | None:
    if op in (">=", "<="):
        return ("min" if op == ">=" else "max"), number
    if integer and float(number).is_integer():
        return ("min", number + 1) if op == ">" else ("max", number - 1)
    return None  # a strict bound on decimals has no equivalent


def _int_or_float(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


def _limits(qtype: str) -> str | None:
    """Which limits a *qtype* question's constraint holds (the registry's XLSForm facet)."""
    spec = QUESTION_TYPES.get(qtype)
    return spec.xlsform.constraint if spec else None


def from_constraint(expr: str, qtype: str, question: dict[str, Any]) -> dict[str, Any] | None:
    """Definition keys for a constraint, or None when it is outside the subset."""
    if " or " in f" {expr} ":
        return None
    keys: dict[str, Any] = {}
    exclusive: list[str] = []
    limits = _limits(qtype)
    for clause in split_and(expr.strip()):
        m = None
        if limits == "value" and (m := CLAUSES["value"].fullmatch(clause)):
            bound = _bound(m.group(1), float(m.group(2)), bool(question.get("integer")))
            if bound is None:
                return None
            keys[bound[0]] = _int_or_float(bound[1])
        elif limits == "date" and (m := CLAUSES["date"].fullmatch(clause)):
            day = parse_date(m.group(2) or m.group(3))
            if day is None or m.group(1) in (">", "<"):
                return None
            keys["min" if m.group(1) == ">=" else "max"] = day.isoformat()
        elif limits == "text" and (m := CLAUSES["regex"].fullmatch(clause)):
            pattern = m.group(1) if m.group(1) is not None else m.group(2)
            named = {PHONE_REGEX: "phone", EMAIL_REGEX: "email"}
            keys["pattern"] = named.get(pattern) or from_xpath_regex(pattern)
        elif limits == "text" and (m := CLAUSES["length"].fullmatch(clause)):
            bound = _bound(m.group(1), float(m.group(2)), True)
            if bound is None:
                return None
            keys[{"min": "min_length", "max": "max_length"}[bound[0]]] = int(bound[1])
        elif limits == "selection" and (m := CLAUSES["count"].fullmatch(clause)):
            bound = _bound(m.group(1), float(m.group(2)), True)
            if bound is None:
                return None
            keys[{"min": "min_selected", "max": "max_selected"}[bound[0]]] = int(bound[1])
        elif limits == "selection" and (m := CLAUSES["exclusive"].fullmatch(clause)):
            exclusive.append(m.group(1) if m.group(1) is not None else m.group(2))
        else:
            return None
    if exclusive:
        keys["exclusive"] = exclusive
    return keys


def to_constraint(question: dict[str, Any]) -> str:
    """The constraint text for a question's limits ('' when it has none)."""
    clauses: list[str] = []
    limits = _limits(question["type"])

    def number(value: Any) -> str:
        return str(int(value)) if float(value).is_integer() else repr(float(value))

    if limits == "value":
        if question.get("min") is not None:
            clauses.append(f". >= {number(question['min'])}")
        if question.get("max") is not None:
            clauses.append(f". <= {number(question['max'])}")
    if limits == "date":
        if question.get("min"):
            clauses.append(f". >= date('{question['min']}')")
        if question.get("max"):
            clauses.append(f". <= date('{question['max']}')")
    if limits == "text":
        pattern = question.get("pattern")
        if pattern:
            named = {"phone": PHONE_REGEX, "email": EMAIL_REGEX}
            regex = named.get(pattern) or to_xpath_regex(pattern)
            clauses.append(f"regex(., {_quote(regex)})")
        if question.get("min_length") is not None:
            clauses.append(f"string-length(.) >= {question['min_length']}")
        if question.get("max_length") is not None:
            clauses.append(f"string-length(.) <= {question['max_length']}")
    if limits == "selection":
        if question.get("min_selected") is not None:
            clauses.append(f"count-selected(.) >= {question['min_selected']}")
        if question.get("max_selected") is not None:
            clauses.append(f"count-selected(.) <= {question['max_selected']}")
        for option in question.get("options") or ():
            if option.get("exclusive"):
                value = _quote(option["value"])
                clauses.append(f"not(selected(., {value}) and count-selected(.) > 1)")
    return " and ".join(clauses)


def _quote(text: str) -> str:
    return f"'{text}'" if "'" not in text else f'"{text}"'
