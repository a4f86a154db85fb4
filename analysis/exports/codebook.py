"""The data dictionary of an export: for each column of the response table, its SPSS name,
label, measurement level, how it is stored, and its values with their labels and codes.

SPSS and PSPP want numbers with value labels, not option values: an option gets a numeric code,
its score when the scored options have distinct scores (so a mean in SPSS is the mean our
statistics report), else its position. An option marked `"scored": false` (不知道, 不适用)
gets a user-missing code above every score (99, 98, …), so SPSS lists it in a frequency table
and leaves it out of a mean, as `analysis.stats` does (docs/questionnaire-format.md, "Scores").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.stats.table import iter_questions, option_scores
from surveys.answer_rules import KANO_ANSWER_LABELS
from surveys.response_table import META_COLUMNS
from surveys.types import answer_shape

#: SPSS allows 64 bytes in a variable name; ours are ASCII, so 64 characters
NAME_LIMIT = 64
#: words SPSS reserves; a variable may not be called one of them
RESERVED = frozenset(
    {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
)
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_]+")

#: words of value labels that do not come from the definition: (Chinese, English)
WORDS = {
    "selected": ("选中", "Selected"),
    "not_selected": ("未选中", "Not selected"),
    "agreed": ("同意", "Agreed"),
    "not_agreed": ("未同意", "Not agreed"),
}

MEASURES = ("nominal", "ordinal", "scale")
#: how a variable is stored: coded (numbers with value labels), number, text, date, datetime
STORAGES = ("coded", "number", "text", "date", "datetime")


@dataclass(frozen=True)
class ValueLabel:
    value: str  # as the response table writes it (an option value, "1" for a ticked box)
    code: float  # the number the SPSS file holds
    label: str
    missing: bool = False  # a user-missing code: an option that is not scored


@dataclass(frozen=True)
class Variable:
    column: str  # the response table's column
    name: str  # the SPSS name: ASCII, unique, at most 64 bytes
    label: str
    question_type: str  # "" for response_id, submitted_at, duration_s, status
    measure: str  # nominal, ordinal, scale
    storage: str
    values: tuple[ValueLabel, ...] = ()

    @property
    def missing_codes(self) -> list[float]:
        return [v.code for v in self.values if v.missing]


@dataclass(frozen=True)
class ResponseSet:
    """A multiple-response set (SPSS MRSETS /MDGROUP): the 0/1 variables of one multiple
    choice, or of one row of a multiple-answer matrix, counted where they are 1."""

    name: str  # "$" + an SPSS name
    label: str
    variables: tuple[str, ...]


@dataclass(frozen=True)
class Codebook:
    variables: tuple[Variable, ...]
    response_sets: tuple[ResponseSet, ...]

    def by_column(self) -> dict[str, Variable]:
        return {v.column: v for v in self.variables}


def spss_names(columns: Sequence[str]) -> dict[str, str]:
    """{column: SPSS name}: letters, digits and "_" from the column ("used/live" → "used_live"),
    starting with a letter, at most 64 bytes, not a reserved word, unique ignoring case (SPSS
    does). A column with no ASCII letter or digit (a Chinese question id) is named v<position>."""
    taken: set[str] = set()
    names: dict[str, str] = {}
    for position, column in enumerate(columns, 1):
        base = _NOT_IN_NAME.sub("_", column).strip("_")
        if not re.search(r"[A-Za-z0-9]", base):
            base = f"v{position}"
        elif not base[0].isalpha():
            base = f"v_{base}"
        base = base[:NAME_LIMIT].rstrip("_")
        if base.upper() in RESERVED:
            base = f"{base}_"
        name, n = base, 1
        while name.upper() in taken:
            n += 1
            suffix = f"_{n}"
            name = base[: NAME_LIMIT - len(suffix)] + suffix
        taken.add(name.upper())
        names[column] = name
    return names


def codebook(
    definitions: Iterable[Mapping[str, Any]],
    frame: pd.DataFrame,
    labels: Mapping[str, str],
    locale: str = "zh_CN",
) -> Codebook:
    """The dictionary of *frame* (a response table with option values in its cells).

    *definitions* are those of the table, newest first (the first names an option; older
    versions add the options only they have). *labels* are the column labels
    (`surveys.response_table.column_labels`). Values a column holds that no definition lists
    are added after the options, labelled with themselves.
    """
    pick = 1 if str(locale).lower().startswith("en") else 0
    questions = _merged_questions(definitions)
    names = spss_names([str(c) for c in frame.columns])
    variables: list[Variable] = []
    sets: dict[str, list[str]] = {}
    set_labels: dict[str, str] = {}
    for column in map(str, frame.columns):
        parts = column.split("/")
        question = questions.get(parts[0])
        label = str(labels.get(column, column))
        variable = _variable(column, names[column], label, question, pick)
        if variable.storage == "coded":
            variable = _with_seen_values(variable, frame[column])
        variables.append(variable)
        group = _response_set_key(question, parts)
        if group is not None:
            sets.setdefault(group, []).append(variable.name)
            title = str(question.get("title") or question["id"]) if question else group
            set_labels[group] = _set_label(question, parts, title) if question else title
    set_names = spss_names([f"{g}" for g in sets])
    response_sets = tuple(
        ResponseSet(f"${set_names[g][: NAME_LIMIT - 1]}", set_labels[g], tuple(members))
        for g, members in sets.items()
    )
    return Codebook(tuple(variables), response_sets)


def _merged_questions(definitions: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """{question id: the newest version's question, with older versions' extra options}."""
    merged: dict[str, dict[str, Any]] = {}
    for definition in definitions:
        for question in iter_questions(dict(definition)):
            qid = question["id"]
            if qid not in merged:
                merged[qid] = {**question, "options": list(question.get("options") or [])}
                continue
            known = {str(o["value"]) for o in merged[qid]["options"]}
            extra = [o for o in question.get("options") or [] if str(o["value"]) not in known]
            merged[qid]["options"].extend(extra)
    return merged


Question = dict[str, Any]


def _variable(column: str, name: str, label: str, question: Question | None, pick: int) -> Variable:
    parts = column.split("/")
    if question is None or (len(parts) > 1 and parts[-1] == "other_text"):
        return _meta(column, name, label)
    qtype, shape = question["type"], answer_shape(question["type"])
    base = {"column": column, "name": name, "label": label, "question_type": qtype}
    if shape == "option" or (shape == "matrix" and not question.get("multiple")):
        measure = "nominal" if shape == "option" else "ordinal"
        return Variable(**base, measure=measure, storage="coded", values=option_codes(question))
    if shape in ("options", "matrix"):
        ticks = (
            ValueLabel("1", 1.0, WORDS["selected"][pick]),
            ValueLabel("0", 0.0, WORDS["not_selected"][pick]),
        )
        return Variable(**base, measure="nominal", storage="coded", values=ticks)
    if shape == "consent":
        agreed = (
            ValueLabel("1", 1.0, WORDS["agreed"][pick]),
            ValueLabel("0", 0.0, WORDS["not_agreed"][pick]),
        )
        return Variable(**base, measure="nominal", storage="coded", values=agreed)
    if shape == "kano":
        kano = tuple(
            ValueLabel(value, float(code), words[pick])
            for code, (value, words) in enumerate(KANO_ANSWER_LABELS.items(), 1)
        )
        return Variable(**base, measure="ordinal", storage="coded", values=kano)
    if shape == "ranking":
        return Variable(**base, measure="ordinal", storage="number")
    if shape == "number":
        measure = "ordinal" if qtype == "rating" else "scale"
        return Variable(**base, measure=measure, storage="number")
    if shape == "date":
        return Variable(**base, measure="scale", storage="date")
    return Variable(**base, measure="nominal", storage="text")


def _meta(column: str, name: str, label: str) -> Variable:
    if column == "submitted_at":
        return Variable(column, name, label, "", "scale", "datetime")
    if column in META_COLUMNS:
        return Variable(column, name, label, "", "scale", "number")
    return Variable(column, name, label, "", "nominal", "text")


def option_codes(question: Mapping[str, Any]) -> tuple[ValueLabel, ...]:
    """Each option's code and label: scored options by their score when those are distinct,
    else by position among the scored options; options not scored by user-missing codes
    counting down from the first 99…9 above every other code."""
    options = list(question.get("options") or [])
    scores = option_scores(dict(question))
    scored = {v: s for v, s in scores.items() if not math.isnan(s)}
    if len(set(scored.values())) != len(scored):
        scored = {v: float(i) for i, v in enumerate(scored, 1)}
    unscored = [v for v in scores if v not in scored]
    top = max((abs(s) for s in scored.values()), default=0.0)
    base = 99.0
    while base - len(unscored) < top:
        base = base * 10 + 9
    codes = {**scored, **{v: base - i for i, v in enumerate(unscored)}}
    return tuple(
        ValueLabel(
            str(o["value"]),
            codes[str(o["value"])],
            str(o.get("label", o["value"])),
            missing=str(o["value"]) in unscored,
        )
        for o in options
    )


def value_key(value: Any) -> str:
    """A cell as the definition spells an option value (a typed column may hold 4.0 for "4")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _with_seen_values(variable: Variable, cells: pd.Series) -> Variable:
    known = {v.value for v in variable.values}
    seen = sorted({value_key(v) for v in cells.dropna().unique()} - known)
    if not seen:
        return variable
    top = max((v.code for v in variable.values if not v.missing), default=0.0)
    extra = tuple(ValueLabel(v, top + i, v) for i, v in enumerate(seen, 1))
    taken = {v.code for v in variable.values}
    if taken & {e.code for e in extra}:  # would meet a missing code: number after all of them
        top = max(taken)
        extra = tuple(ValueLabel(v, top + i, v) for i, v in enumerate(seen, 1))
    return Variable(**{**vars(variable), "values": variable.values + extra})


def _response_set_key(question: Question | None, parts: list[str]) -> str | None:
    """The multiple-response set a column belongs to: qid for a multiple choice, qid/row for a
    row of a multiple-answer matrix; None for any other column."""
    if question is None or parts[-1] == "other_text":
        return None
    shape = answer_shape(question["type"])
    if shape == "options" and len(parts) == 2:
        return parts[0]
    if shape == "matrix" and question.get("multiple") and len(parts) == 3:
        return f"{parts[0]}/{parts[1]}"
    return None


def _set_label(question: Question, parts: list[str], title: str) -> str:
    if len(parts) == 3:
        rows = {str(r["value"]): str(r.get("label", r["value"])) for r in question.get("rows", [])}
        return f"{title} / {rows.get(parts[1], parts[1])}"
    return title


DICTIONARY_FIELDS = (
    "variable",
    "column",
    "label",
    "question_type",
    "measure",
    "value",
    "code",
    "value_label",
    "missing",
)


def dictionary_rows(book: Codebook) -> list[tuple[Any, ...]]:
    """One row per value of each variable (one row for a variable without value labels), in
    `DICTIONARY_FIELDS` order: the data dictionary as a table (a CSV, an XLSX sheet)."""
    rows: list[tuple[Any, ...]] = []
    for v in book.variables:
        head = (v.name, v.column, v.label, v.question_type, v.measure)
        if not v.values:
            rows.append((*head, None, None, None, None))
        for value in v.values:
            code = int(value.code) if value.code.is_integer() else value.code
            rows.append((*head, value.value, code, value.label, 1 if value.missing else 0))
    return rows
