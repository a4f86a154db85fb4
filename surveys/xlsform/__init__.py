"""XLSForm import and export (``.xlsx`` or ``.xls`` with survey / choices / settings sheets).

Import runs in pure stages: file → sheets of strings (`sheets.read_sheets`) → definition dict
and per-row warnings (`reader.sheets_to_definition`) → the definition checked by the JSON
Schema and the definition rules (`surveys.validate_definition`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..definition import validate_definition
from ..errors import Code, ImportFailed, Problem
from .columns import Columns
from .reader import sheets_to_definition, size_problems
from .sheets import Sheet, cell_text, read_sheets
from .writer import definition_to_rows, write_xlsform


@dataclass(frozen=True)
class ImportResult:
    """The imported definition, the warnings of the translation (sheet / row / column), and
    any problem the definition check still finds (empty for a usable import)."""

    definition: dict[str, Any]
    warnings: list[Problem]
    errors: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_xlsform(source: str | os.PathLike[str] | bytes | bytearray | BinaryIO) -> ImportResult:
    """Import an XLSForm workbook. Raises `ImportFailed` only when the file is not a workbook
    or has no survey sheet; everything else becomes a warning. A form past the size limits
    (`surveys.definition.MAX_QUESTIONS` …) is not translated: it comes back with those errors
    and an empty definition."""
    sheets = read_sheets(source)
    if len(sheets) == 1 and "survey" not in sheets:  # pyxform reads a lone sheet as the survey
        (lone,) = sheets.values()
        if any(Columns(lone.columns).base(column) == "type" for column in lone.columns):
            sheets = {"survey": lone}
    if "survey" not in sheets:
        raise ImportFailed(Problem(Code.XLS_NO_SURVEY_SHEET, sheet="survey"))
    survey_columns = Columns(sheets["survey"].columns)
    if not any(survey_columns.base(column) == "type" for column in sheets["survey"].columns):
        raise ImportFailed(
            Problem(Code.XLS_MISSING_COLUMN, params={"column": "type"}, sheet="survey", row=1)
        )
    too_large = size_problems(sheets)
    if too_large:
        return ImportResult(definition={}, warnings=[], errors=too_large)
    default_title = Path(source).stem if isinstance(source, str | os.PathLike) else "导入的问卷"
    definition, warnings = sheets_to_definition(sheets, default_title)
    problems = validate_definition(definition)
    return ImportResult(
        definition=definition,
        warnings=warnings + [p for p in problems if not p.is_error],
        errors=[p for p in problems if p.is_error],
    )


__all__ = [
    "ImportResult",
    "Sheet",
    "cell_text",
    "definition_to_rows",
    "read_sheets",
    "read_xlsform",
    "sheets_to_definition",
    "write_xlsform",
]
