"""Stage 4: the records of a `SourceTable`, through a mapping, into answers checked against
the questionnaire, with every cell and row that does not fit.

The cells of one question are read together (a multiple choice may be one cell of joined
labels or one 1/0 column per option), by the tool's `Conventions`, then the answers of a row
go through `surveys.validate_answers` as a submit's would (but for "required": a file's
skipped question is kept as skipped). Nothing is dropped silently: a cell that names no
option, an answer the questionnaire's conditions would hide, a repeated response id are
each a `RowProblem`, and the caller stores nothing while there is one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from ..answers import OTHER_TEXT_SUFFIX, as_questionnaire, validate_answers
from ..errors import DEFAULT_LOCALE
from ..types import answer_shape
from .errors import FileRefused, ImportCode, RowProblem
from .layouts import SourceRecord, SourceTable
from .matching import Target, kano_codes, normal, option_labels, targets
from .tools import Conventions
from .values import read_date, read_duration, read_mark, read_number, read_time, zone_of

# 腾讯问卷 with option letters shown: "B.女"
_LETTERED = re.compile(r"([A-Za-z])\s*[.、．]\s*(.+)")

# The answer shapes one cell holds, with how it is read and the problem when it cannot be.
ONE_CELL_READERS: dict[str, tuple[Callable[[str], Any], ImportCode]] = {
    "consent": (read_mark, ImportCode.NOT_A_MARK),
    "number": (read_number, ImportCode.NOT_A_NUMBER),
    "date": (read_date, ImportCode.NOT_A_DATE),
}


@dataclass(frozen=True)
class PlannedResponse:
    row: int
    source_id: str  # the tool's id of the response, or a hash of the row when it has none
    submitted_at: dt.datetime | None
    duration_s: float | None
    answers: dict[str, Any]
    finished: bool = True
    test: bool = False


@dataclass(frozen=True)
class ImportPlan:
    tool: str
    responses: list[PlannedResponse]
    problems: list[RowProblem]
    mapping: dict[int, str]
    headers: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Misfit(Exception):
    def __init__(self, code: ImportCode, value: str, column: str = ""):
        super().__init__(code)
        self.code, self.value, self.column = code, value, column


def check_mapping(
    definition: Mapping[str, Any], table: SourceTable, mapping: Mapping[int, str]
) -> dict[int, Target]:
    """The mapping's targets; raises `FileRefused` for an unknown target, a target chosen
    for two columns, or no answer column at all."""
    known = targets(definition)
    headers = {c.index: c.header for c in table.columns}
    chosen: dict[str, int] = {}
    for index, name in sorted(mapping.items()):
        if name not in known or index not in headers:
            raise FileRefused(
                ImportCode.UNKNOWN_TARGET, column=headers.get(index, f"#{index + 1}"), target=name
            )
        if name in chosen:
            raise FileRefused(
                ImportCode.TARGET_TWICE,
                target=name,
                first=headers[chosen[name]],
                second=headers[index],
            )
        chosen[name] = index
    if not any(known[name].kind != "meta" for name in chosen):
        raise FileRefused(ImportCode.NOTHING_MAPPED)
    return {index: known[name] for name, index in chosen.items()}


def plan_import(
    definition: Mapping[str, Any],
    table: SourceTable,
    mapping: Mapping[int, str],
    *,
    zone: str = "Asia/Shanghai",
    locale: str = DEFAULT_LOCALE,
) -> ImportPlan:
    """Every record of *table* as answers to *definition*, with every problem found."""
    chosen = check_mapping(definition, table, mapping)
    headers = {c.index: c.header for c in table.columns}
    by_question: dict[str, list[tuple[int, Target]]] = {}
    meta: dict[str, int] = {}
    for index, target in chosen.items():
        if target.question is None:  # the respondent's id or times
            meta[target.name] = index
        else:
            by_question.setdefault(target.question["id"], []).append((index, target))
    questions = {t.question["id"]: t.question for t in chosen.values() if t.question is not None}
    responses: list[PlannedResponse] = []
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    local = zone_of(None, zone)
    loaded = as_questionnaire(definition)  # checked once, not once per row
    for record in table.records:
        found = [RowProblem(record.row, c, v, code) for c, v, code in record.problems]
        record = _with_mapped_meta(record, meta, headers, local, found)
        answers: dict[str, Any] = {}
        columns_of: dict[str, tuple[str, str]] = {}
        for qid, cells in by_question.items():
            question = questions[qid]
            values = [(headers[i], t, _cell(record, i)) for i, t in cells]
            columns_of[qid] = (values[0][0], "；".join(v for _, _, v in values if v)[:200])
            try:
                _read_question(question, values, table.conventions, answers)
            except _Misfit as misfit:
                found.append(
                    RowProblem(
                        record.row, misfit.column or values[0][0], misfit.value[:200], misfit.code
                    )
                )
        check = validate_answers(loaded, answers, locale=locale, partial=True)
        for qid, text in check.errors.items():
            column, value = columns_of.get(qid, ("", ""))
            found.append(
                RowProblem(record.row, column, value, ImportCode.NOT_AN_ANSWER, {"detail": text})
            )
        shown = set(check.visible)
        for key in answers:
            qid = key.removesuffix(OTHER_TEXT_SUFFIX)
            if qid not in shown and qid not in check.errors and key == qid:
                column, value = columns_of[qid]
                found.append(RowProblem(record.row, column, value, ImportCode.ANSWER_HIDDEN))
        source_id = record.source_id or _row_hash(record)
        if source_id in first_row:
            found.append(
                RowProblem(
                    record.row,
                    "",
                    source_id[:50],
                    ImportCode.DUPLICATE_SOURCE_ID,
                    {"first": first_row[source_id]},
                )
            )
        first_row.setdefault(source_id, record.row)
        problems.extend(found)
        responses.append(
            PlannedResponse(
                record.row,
                source_id,
                record.submitted_at,
                record.duration_s,
                check.cleaned,
                record.finished,
                record.test,
            )
        )
    return ImportPlan(table.tool, responses, problems, dict(mapping), headers)


def _cell(record: SourceRecord, index: int) -> str:
    return record.cells[index].strip() if index < len(record.cells) else ""


def _row_hash(record: SourceRecord) -> str:
    """A response id for a row that has none: the same row imported again has the same."""
    return "sha256:" + hashlib.sha256("\x1f".join(record.cells).encode()).hexdigest()[:40]


def _with_mapped_meta(
    record: SourceRecord,
    meta: Mapping[str, int],
    headers: Mapping[int, str],
    zone: ZoneInfo,
    found: list[RowProblem],
) -> SourceRecord:
    """*record* with the id and times of the columns mapped to them (a file of no layout)."""
    if not meta:
        return record
    changes: dict[str, Any] = {}
    if "response_id" in meta:
        changes["source_id"] = _cell(record, meta["response_id"])
    if "submitted_at" in meta and (text := _cell(record, meta["submitted_at"])):
        changes["submitted_at"] = read_time(text, zone)
        if changes["submitted_at"] is None:
            found.append(RowProblem(record.row, headers[meta["submitted_at"]], text,
                                    ImportCode.NOT_A_TIME))  # fmt: skip
    if "duration_s" in meta and (text := _cell(record, meta["duration_s"])):
        changes["duration_s"] = read_duration(text)
        if changes["duration_s"] is None:
            found.append(RowProblem(record.row, headers[meta["duration_s"]], text,
                                    ImportCode.NOT_A_DURATION))  # fmt: skip
    return replace(record, **changes)


Question = Mapping[str, Any]
# Answer shapes whose cells a number cannot be an answer of: a tool's numeric "skipped" code
# (问卷星 -3, Qualtrics -99) is no answer there.
CODED_SHAPES = frozenset({"option", "options", "matrix", "ranking", "kano", "consent"})
Cells = list[tuple[str, Target, str]]  # (header, target, cell) of one question's columns


def _read_question(
    question: Question, values: Cells, conventions: Conventions, answers: dict[str, Any]
) -> None:
    """Put the answer that the cells *values* ((header, target, cell)…) of *question* give
    into *answers* (nothing when every cell is blank or a "skipped" code)."""
    qid, shape = question["id"], answer_shape(question["type"])
    missing = conventions.missing
    if shape in CODED_SHAPES:
        missing = missing | conventions.missing_codes
    present = [(h, t, v) for h, t, v in values if v and v not in missing]
    if not present:
        return
    options = question.get("options") or []
    other_text = next((v for _, t, v in present if t.kind == "other"), None)
    if other_text is not None:
        answers[qid + OTHER_TEXT_SUFFIX] = other_text
    present = [(h, t, v) for h, t, v in present if t.kind != "other"]
    other = next((str(o["value"]) for o in options if o.get("other")), None)
    if not present:
        if other is not None and other_text is not None:  # SurveyMonkey: the text alone
            answers[qid] = other if shape == "option" else [other]
        return
    if shape == "option":
        header, _, cell = present[0]
        answers[qid] = _option(question, cell, conventions, answers, header)
    elif shape in ("options", "ranking"):
        chosen = _choices(question, present, conventions, answers, shape == "ranking")
        if shape == "options" and other_text is not None and other not in chosen:
            chosen.append(str(other))  # "Other (please specify)" written, its box not ticked
        answers[qid] = chosen
    elif shape == "matrix":
        answers[qid] = _matrix(question, present, conventions)
    elif shape == "kano":
        codes = kano_codes()
        kano = {}
        for header, target, cell in present:
            if normal(cell) not in codes:
                raise _Misfit(ImportCode.NOT_AN_OPTION, cell, header)
            kano[target.key] = codes[normal(cell)]
        answers[qid] = kano
    elif shape in ONE_CELL_READERS:
        read, misfit = ONE_CELL_READERS[shape]
        header, _, cell = present[0]
        value = read(cell)
        if value is None:
            raise _Misfit(misfit, cell, header)
        answers[qid] = value
    else:
        answers[qid] = present[0][2]


def _option(
    question: Question,
    cell: str,
    conventions: Conventions,
    answers: dict[str, Any],
    header: str,
) -> str:
    """The option value a cell names: by value, by label, by 问卷星's 其他〖text〗, or by its
    position 1..k where the tool writes codes."""
    brackets = conventions.other_brackets
    if brackets and cell.endswith(brackets[1]) and brackets[0] in cell:
        label, _, text = cell[: -len(brackets[1])].partition(brackets[0])
        value = _option(question, label.strip(), conventions, answers, header)
        answers[question["id"] + OTHER_TEXT_SUFFIX] = text.strip()
        return value
    options = question.get("options") or []
    found = option_labels(question).get(normal(cell))
    if found is not None:
        return found
    if conventions.position_codes and cell.isdigit() and 1 <= int(cell) <= len(options):
        return str(options[int(cell) - 1]["value"])
    lettered = _LETTERED.fullmatch(cell) if conventions.letter_prefixes else None
    if lettered:
        position = ord(lettered[1].upper()) - ord("A")
        if position < len(options) and _is_label(options[position], lettered[2]):
            return str(options[position]["value"])
    raise _Misfit(ImportCode.NOT_AN_OPTION, cell, header)


def _is_label(option: Mapping[str, Any], text: str) -> bool:
    return normal(str(option.get("label", option["value"]))) == normal(text)


def _split(cell: str, separators: tuple[str, ...]) -> list[str]:
    parts = [cell]
    for separator in separators:
        parts = [p for part in parts for p in part.split(separator)]
    return [p.strip() for p in parts if p.strip()]


def _choices(
    question: Question,
    present: Cells,
    conventions: Conventions,
    answers: dict[str, Any],
    ranking: bool,
) -> list[str]:
    chosen: list[tuple[float, str]] = []
    for header, target, cell in present:
        if target.kind == "option":
            if ranking:
                rank = read_number(cell)
                if rank is None:
                    raise _Misfit(ImportCode.NOT_A_NUMBER, cell, header)
                chosen.append((float(rank), target.key))
                continue
            mark = read_mark(cell)
            named = option_labels(question).get(normal(cell)) == target.key
            if mark is None and not named:  # SurveyMonkey writes the label
                raise _Misfit(ImportCode.NOT_A_MARK, cell, header)
            if mark is not False:
                chosen.append((len(chosen), target.key))
            continue
        whole = option_labels(question).get(normal(cell))
        separators = conventions.ranking_separators if ranking else conventions.separators
        tokens = [cell] if whole is not None else _split(cell, separators or ("┋", "；"))
        for token in tokens:
            chosen.append((len(chosen), _option(question, token, conventions, answers, header)))
    return [value for _, value in sorted(chosen, key=lambda pair: pair[0])]


def _matrix(question: Question, present: Cells, conventions: Conventions) -> dict[str, Any]:
    multiple = bool(question.get("multiple"))
    answer: dict[str, Any] = {}
    for header, target, cell in present:
        if target.kind == "row_option":
            row, _, value = target.key.partition("/")
            mark = read_mark(cell)
            if mark is None:
                raise _Misfit(ImportCode.NOT_A_MARK, cell, header)
            chosen = answer.setdefault(row, [])
            if mark:
                chosen.append(value)
        elif target.kind == "row":
            tokens = _split(cell, conventions.separators or ("┋", "；")) if multiple else [cell]
            values = [_option(question, token, conventions, {}, header) for token in tokens]
            answer[target.key] = values if multiple else values[0]
        else:
            raise _Misfit(ImportCode.NOT_AN_ANSWER, cell, header)
    return answer
