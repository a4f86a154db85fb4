"""XLSForm export: a definition → survey / choices / settings rows → an ``.xlsx`` file.

Pages become groups. Types without an XLSForm equivalent are written as the nearest one with
a warning: NPS as a 0–10 ``range``, a matrix as one ``select_one`` per row, a Kano pair as two
``select_one`` questions. Conditions on a matrix row or Kano part cannot be expressed and are
left out with a warning.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from ..answer_rules import KANO_ANSWER_LABELS
from ..errors import Code, ExpressionError, Problem
from ..logic.grammar import parse
from ..types import QUESTION_TYPES
from .constraints import to_constraint
from .xpath import Untranslatable, to_xpath

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

SURVEY_COLUMNS = [
    "type", "name", "label", "hint", "required", "relevant", "constraint", "appearance",
    "parameters",
]  # fmt: skip
CHOICE_COLUMNS = ["list_name", "name", "label"]
SCORE_COLUMNS = ["score", "scored"]  # Wenfang's own, written only when an option has them


def _num(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def definition_to_rows(
    definition: dict[str, Any],
) -> tuple[list[dict[str, str]], list[dict[str, str]], dict[str, str], list[Problem]]:
    """Survey rows, choice rows, settings and warnings for *definition*."""
    survey: list[dict[str, str]] = []
    choices: list[dict[str, str]] = []
    warnings: list[Problem] = []
    kano_written = False
    zh = str(definition.get("language") or "zh_CN").startswith("zh")
    for pi, page in enumerate(definition.get("pages") or ()):
        group = {"type": "begin group", "name": page["id"], "label": page.get("title") or ""}
        group["relevant"] = _relevant(page.get("show_if"), f"$.pages[{pi}].show_if", warnings)
        survey.append(group)
        for qi, question in enumerate(page.get("questions") or ()):
            path = f"$.pages[{pi}].questions[{qi}]"
            relevant = _relevant(question.get("show_if"), f"{path}.show_if", warnings)
            rows, kano_needed = _question_rows(question, path, relevant, choices, warnings)
            if kano_needed and not kano_written:
                choices += [
                    {"list_name": "kano", "name": value, "label": labels[0 if zh else 1]}
                    for value, labels in KANO_ANSWER_LABELS.items()
                ]
                kano_written = True
            survey += rows
        survey.append({"type": "end group"})
    language = str(definition.get("language") or "zh_CN")
    settings = {
        "form_title": definition.get("title") or "",
        "form_id": re.sub(r"[^A-Za-z0-9_]", "", str(definition.get("x-form_id", ""))) or "wenfang",
        "default_language": "Chinese (zh)" if language.startswith("zh") else "English (en)",
    }
    return survey, choices, settings, warnings


def _relevant(show_if: str | None, path: str, warnings: list[Problem]) -> str:
    if not show_if:
        return ""
    try:
        return to_xpath(parse(show_if))
    except (Untranslatable, ExpressionError) as error:
        warnings.append(
            Problem(Code.XLS_EXPORT_CONDITION_DROPPED, path, "warning", {"detail": str(error)})
        )
        return ""


def _question_rows(
    q: dict[str, Any],
    path: str,
    relevant: str,
    choices: list[dict[str, str]],
    warnings: list[Problem],
) -> tuple[list[dict[str, str]], bool]:
    qtype, qid = q["type"], q["id"]
    spec = QUESTION_TYPES[qtype]
    facet = spec.xlsform
    base = {
        "name": qid,
        "label": q.get("title") or "",
        "hint": q.get(facet.hint) or "",
        "required": "yes" if q.get("required") and spec.answer != "none" else "",
        "relevant": relevant,
    }

    def approximated(as_type: str) -> None:
        warnings.append(
            Problem(Code.XLS_EXPORT_APPROXIMATED, path, "warning", {
                "type": qtype, "as_type": as_type
            })
        )  # fmt: skip

    if facet.approximated:
        approximated(facet.approximated)
    if spec.has_options and not spec.has_rows:
        keyword = facet.writes
        options = list(q.get("options") or ())
        other = ""
        last = options[-1] if options else {}
        if last.get("other") and last.get("value") == "other" and spec.allows_other:
            other = " or_other"
            options = options[:-1]
        if any(o.get("other") for o in options):
            approximated("select (other option as a plain choice)")
        choices += [_choice(qid, o) for o in options]
        row = {**base, "type": f"{keyword} {qid}{other}", "constraint": to_constraint(q)}
        if facet.appearance:
            row["appearance"] = facet.appearance
        if q.get("randomize"):
            row["parameters"] = "randomize=true"
        return [row], False
    if spec.has_rows:  # a select per row, on the same choice list
        choices += [_choice(qid, o) for o in q["options"]]
        keyword = "select_multiple" if q.get("multiple") else "select_one"
        rows = []
        for r in q["rows"]:
            name = re.sub(r"[^A-Za-z0-9_]", "_", f"{qid}_{r['value']}")
            label = f"{base['label']} - {r['label']}"
            rows.append({**base, "type": f"{keyword} {qid}", "name": name, "label": label})
        return rows, False
    if spec.answer == "kano":  # the functional and dysfunctional selects
        return [
            {**base, "type": "select_one kano", "name": f"{qid}_functional",
             "label": q.get("functional_title") or base["label"]},
            {**base, "type": "select_one kano", "name": f"{qid}_dysfunctional",
             "label": q.get("dysfunctional_title") or base["label"]},
        ], True  # fmt: skip
    row = {**base, "type": facet.writes, "constraint": to_constraint(q)}
    if facet.integer and q.get("integer"):
        row["type"] = facet.integer[0]
    if facet.appearance:
        row["appearance"] = facet.appearance
    if facet.parameters == "scale" and spec.scale is not None:
        scale = spec.scale
        high = q.get(scale.high_key, scale.high) if scale.high_key else scale.high
        row["parameters"] = f"start={scale.low} end={high} step=1"
    elif facet.parameters == "range":  # the range is the parameters, not a constraint
        row["constraint"] = ""
        start, end = q.get("min", 0), q.get("max", 100)
        row["parameters"] = f"start={_num(start)} end={_num(end)} step={_num(q.get('step', 1))}"
    return [row], False


def _choice(list_name: str, option: dict[str, Any]) -> dict[str, str]:
    row = {"list_name": list_name, "name": option["value"], "label": option["label"]}
    if option.get("score") is not None:
        row["score"] = _num(option["score"])
    if option.get("scored", True) is False:
        row["scored"] = "no"
    return row


def write_xlsform(definition: dict[str, Any], path: str | os.PathLike[str]) -> list[Problem]:
    """Write *definition* as an XLSForm workbook; returns the export warnings."""
    import openpyxl

    survey, choices, settings, warnings = definition_to_rows(definition)
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]  # the sheet a new workbook opens on
    sheet.title = "survey"
    sheet.append(SURVEY_COLUMNS)
    for row in survey:
        _append_text(sheet, [row.get(column) or None for column in SURVEY_COLUMNS])
    sheet = workbook.create_sheet("choices")
    columns = CHOICE_COLUMNS + [c for c in SCORE_COLUMNS if any(c in row for row in choices)]
    sheet.append(columns)
    for row in choices:
        _append_text(sheet, [row.get(column) for column in columns])
    sheet = workbook.create_sheet("settings")
    sheet.append(list(settings))
    _append_text(sheet, list(settings.values()))
    workbook.save(os.fspath(path))
    return warnings


def _append_text(sheet: Worksheet, values: list[Any]) -> None:
    """Append a row whose every cell is text: openpyxl writes a value starting with "=" as a
    formula, so an option value ``=cmd|' -C calc'!A0`` or a title ``=HYPERLINK(…)`` would run
    when the file is opened (formula injection). Such a cell is written as a string, with
    Excel's quote prefix so it stays text when edited; the value itself is unchanged."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
            cell.quotePrefix = True
