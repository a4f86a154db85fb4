"""Public XLSForms against pyxform, the reference converter (issue 25.1).

For every form of `tests/data/xlsform/corpus/` that pyxform converts, Wenfang imports it (the
definition validates) or refuses it with a message; and every ``relevant``, ``required`` and
``constraint`` cell — found the way pyxform finds it: its own sheet reader, its own header
aliases (``bind:relevant``, ``relevance``…) — is carried by the question (or group) it belongs
to, or named by a warning with its sheet, row and column. Nothing is dropped without a word.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pyxform import aliases
from pyxform.errors import PyXFormError
from pyxform.parsing.sheet_headers import process_header
from pyxform.question import MultipleChoiceQuestion
from pyxform.xls2json_backends import xls_to_dict, xlsx_to_dict
from pyxform.xls2xform import convert

from surveys import Code, ImportFailed
from surveys.xlsform import ImportResult, read_xlsform

CORPUS = Path(__file__).parents[1] / "data" / "xlsform" / "corpus"
FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".xls", ".xlsx"))
LOGIC = ("relevant", "required", "constraint")
SURVEY_COLUMNS = set(MultipleChoiceQuestion.get_slot_names())
FALSE = {"", "no", "false", "false()", "0"}
CONSTRAINT_KEYS = {"min", "max", "pattern", "min_length", "max_length", "min_selected",
                   "max_selected"}  # fmt: skip
# Codes that drop a whole row, said at its type (or name) cell.
ROW_DROPPED = {Code.XLS_UNSUPPORTED_TYPE, Code.XLS_METADATA_SKIPPED, Code.XLS_MISSING_NAME}


@cache
def pyxform_accepts(path: Path) -> bool:
    logging.disable(logging.WARNING)  # pyxform logs its own warnings for each form
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            convert(xlsform=str(path), validate=False)
        return True
    except PyXFormError:
        return False
    finally:
        logging.disable(logging.NOTSET)


@cache
def imported_form(path: Path) -> ImportResult:
    """Wenfang's import of a corpus form (raises `ImportFailed` when it refuses the file)."""
    return read_xlsform(path)


@dataclass(frozen=True)
class Cell:
    row: int  # Excel row
    header: str  # as written
    kind: str  # relevant / required / constraint
    value: str


@dataclass(frozen=True)
class SurveyRow:
    row: int
    type: str
    name: str


def _pyxform_survey(path: Path) -> tuple[list[SurveyRow], list[Cell]]:
    """The survey rows and the logic cells, read by pyxform's reader and header rules."""
    book = (xls_to_dict if path.suffix.lower() == ".xls" else xlsx_to_dict)(str(path))
    headers = list(book["survey_header"][0]) if book.get("survey_header") else []
    double_colon = any("::" in h for h in headers)
    tokens = {
        h: process_header(h, double_colon, aliases.survey_header, SURVEY_COLUMNS)[1]
        for h in headers
    }
    rows, cells = [], []
    for index, raw in enumerate(book.get("survey", ())):
        number = index + 2  # pyxform keeps blank rows in place, so its rows are Excel's
        fields = {tokens[h][0]: v for h, v in raw.items() if len(tokens[h]) == 1}
        rows.append(SurveyRow(number, fields.get("type", ""), fields.get("name", "")))
        for header, value in raw.items():
            kind = tokens[header]
            if len(kind) == 2 and kind[0] == "bind" and kind[1] in LOGIC and value.strip():
                cells.append(Cell(number, header, kind[1], value))
    return rows, cells


@dataclass
class Outcome:
    imported: bool = False
    refused: str = ""  # the refusal's message
    carried: list[Cell] = field(default_factory=list)
    warned: list[Cell] = field(default_factory=list)
    lost: list[tuple[Cell, str]] = field(default_factory=list)  # silently dropped: the defect


def _effective_conditions(definition: dict[str, Any]) -> dict[str, bool]:
    """Question id → whether it is shown under a condition (its own or its page's)."""
    return {
        q["id"]: bool(q.get("show_if") or page.get("show_if"))
        for page in definition["pages"]
        for q in page["questions"]
    }


def _group_rows(rows: list[SurveyRow], start: int) -> list[SurveyRow]:
    """The rows inside the group or repeat that *start* opens."""
    depth, inside = 0, []
    for row in rows:
        if row.row < start:
            continue
        kind = " ".join(row.type.lower().replace("_", " ").split())
        if kind.startswith("begin"):
            depth += 1
        elif kind.startswith("end"):
            depth -= 1
            if depth == 0:
                break
        elif row.row > start:
            inside.append(row)
    return inside


def _carries(question: dict[str, Any], kind: str) -> bool:
    if kind == "relevant":
        return bool(question.get("show_if"))
    if kind == "required":
        return question.get("required") is True
    return bool(CONSTRAINT_KEYS & set(question)) or any(
        o.get("exclusive") for o in question.get("options", ())
    )


@cache
def outcome(path: Path) -> Outcome:
    result = Outcome()
    try:
        imported = imported_form(path)
    except ImportFailed as failure:
        result.refused = failure.problem.message("en")
        return result
    if imported.errors:
        result.refused = "; ".join(p.message("en") for p in imported.errors)
        return result
    result.imported = True
    rows, cells = _pyxform_survey(path)
    by_row = {row.row: row for row in rows}
    warned_at = {(w.row, w.column) for w in imported.warnings if w.sheet == "survey"}
    dropped = {w.row for w in imported.warnings if w.sheet == "survey" and w.code in ROW_DROPPED}
    renamed = {w.row: w.params["new"] for w in imported.warnings if w.code == Code.XLS_RENAMED_ID}
    questions = {q["id"]: q for page in imported.definition["pages"] for q in page["questions"]}
    conditioned = _effective_conditions(imported.definition)

    def question_of(row: SurveyRow) -> dict[str, Any] | None:
        return questions.get(renamed.get(row.row, row.name))

    for cell in cells:
        if (cell.row, cell.header) in warned_at:
            result.warned.append(cell)
            continue
        row = by_row[cell.row]
        if cell.kind == "required" and cell.value.strip().lower() in FALSE:
            # "not required" is what every question is unless it says otherwise
            question = question_of(row)
            if question is None or not question.get("required"):
                result.carried.append(cell)
            else:
                result.lost.append((cell, "required although the cell says no"))
            continue
        if row.type.lower().replace("_", " ").split()[:1] == ["begin"]:
            inner = [question_of(r) for r in _group_rows(rows, row.row)]
            inner_ids = [q["id"] for q in inner if q is not None]
            if cell.kind == "relevant" and all(conditioned[qid] for qid in inner_ids):
                result.carried.append(cell)
            else:
                result.lost.append((cell, f"group {row.name}: not on its questions"))
            continue
        question = question_of(row)
        if question is None:
            reason = "row dropped without naming the cell" if row.row in dropped else "no question"
            result.lost.append((cell, reason))
        elif _carries(question, cell.kind):
            result.carried.append(cell)
        else:
            result.lost.append((cell, f"question {question['id']} lacks it"))
    return result


def test_the_corpus_is_in_the_repository_with_its_sources():
    assert len(FILES) >= 100
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for path in FILES:
        assert f"`{path.relative_to(CORPUS).as_posix()}`" in readme, path


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_a_form_pyxform_accepts_comes_in_whole_or_says_what_it_left_out(path):
    if not pyxform_accepts(path):
        pytest.skip("pyxform refuses this form too")
    result = outcome(path)
    assert result.imported or result.refused.strip()
    assert not result.lost, [(c.row, c.header, c.value, why) for c, why in result.lost]


def test_corpus_counts(capsys):
    """The figures of the corpus README; a form that imports today keeps importing."""
    accepted = [p for p in FILES if pyxform_accepts(p)]
    outcomes = [outcome(p) for p in accepted]
    counts = {
        "files": len(FILES),
        "accepted by pyxform": len(accepted),
        "imported": sum(o.imported for o in outcomes),
        "refused with a message": sum(bool(o.refused) for o in outcomes),
        "logic cells": sum(len(o.carried) + len(o.warned) + len(o.lost) for o in outcomes),
        "carried": sum(len(o.carried) for o in outcomes),
        "warned": sum(len(o.warned) for o in outcomes),
        "lost": sum(len(o.lost) for o in outcomes),
    }
    with capsys.disabled():
        print("\nXLSForm corpus:", ", ".join(f"{k} {v}" for k, v in counts.items()))
    assert counts["imported"] + counts["refused with a message"] == counts["accepted by pyxform"]
    assert counts["lost"] == 0
    assert counts["imported"] >= 95  # the README's figure


def _normalised(definition: dict[str, Any], approximated: set[str]) -> dict[str, Any]:
    """The definition with each condition as its parse tree (parentheses do not matter) and
    the questions the export said it approximated left out."""
    from surveys.logic.grammar import parse

    pages = []
    for p, page in enumerate(definition["pages"]):
        questions = []
        for q, question in enumerate(page["questions"]):
            if f"$.pages[{p}].questions[{q}]" in approximated:
                continue
            condition = question.get("show_if")
            questions.append({**question, "show_if": parse(condition) if condition else None})
        condition = page.get("show_if")
        pages.append({**page, "show_if": parse(condition) if condition else None,
                      "questions": questions})  # fmt: skip
    return {**definition, "pages": pages}


def test_every_imported_form_survives_the_xlsform_export_and_back(tmp_path):
    from surveys.xlsform import write_xlsform

    checked = 0
    for path in FILES:
        if not (pyxform_accepts(path) and outcome(path).imported):
            continue
        imported = imported_form(path).definition
        if not imported.get("pages"):
            continue
        exported = tmp_path / f"{checked}.xlsx"
        approximated = {p.path for p in write_xlsform(imported, exported)}
        back = read_xlsform(exported)
        assert back.ok, (path.name, back.errors[:3])
        assert _normalised(back.definition, approximated) == _normalised(imported, approximated)
        checked += 1
    assert checked >= 90
