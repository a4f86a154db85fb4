"""The choices sheet of an XLSForm: lists of options, read once per list, with warnings for
duplicate names, missing labels and media columns."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..errors import Code
from .columns import Columns
from .sheets import Sheet

Warn = Callable[..., None]  # warn(code, row, column, **params)


class ChoiceLists:
    def __init__(self, sheet: Sheet | None):
        self.rows: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self._read: dict[str, list[dict[str, Any]]] = {}
        self.columns = Columns(sheet.columns if sheet else [])
        if sheet is None:
            return
        for number, cells in sheet.rows:
            list_name = self.columns.get(cells, "list_name")  # as written: names are cased
            if list_name:
                self.rows.setdefault(list_name, []).append((number, cells))

    def options(
        self, list_name: str, row: int, *, or_other: bool, chinese: bool, warn: Warn
    ) -> list[dict[str, Any]]:
        """The options of *list_name* for the question at survey *row* (a fresh copy)."""
        if list_name not in self._read:  # read (and warn about) each list once
            self._read[list_name] = self._options(list_name, row, warn)
        options = [dict(o) for o in self._read[list_name]]
        if or_other:
            existing = next((o for o in options if o["value"] == "other"), None)
            if existing:
                existing["other"] = True
            else:
                label = "其他" if chinese else "Other"
                options.append({"value": "other", "label": label, "other": True})
        return options

    def _options(self, list_name: str, row: int, warn: Warn) -> list[dict[str, Any]]:
        rows = self.rows.get(list_name)
        if rows is None:
            warn(Code.XLS_UNKNOWN_CHOICE_LIST, row, "type", list=list_name)
            rows = []
        columns = self.columns
        options: list[dict[str, Any]] = []
        values: set[str] = set()
        for number, cells in rows:
            written = columns.get(cells, "name")
            # "/" separates a question from its option in the response table's columns
            value = written.replace("/", "_")[:100]
            column = "choices:" + (columns.preferred_column(cells, "name") or "name")
            if not value:
                warn(Code.XLS_MISSING_NAME, number, column)
                continue
            if value != written:
                warn(Code.XLS_CHOICE_RENAMED, number, column, old=written, new=value)
            if value in values:
                warn(Code.XLS_DUPLICATE_CHOICE, number, column, list=list_name, value=value)
                continue
            label = columns.preferred(cells, "label")
            if not label:
                warn(Code.XLS_CHOICE_WITHOUT_LABEL, number, "choices:label", value=value)
                label = value
            for column in cells:
                if columns.base(column) in ("image", "big-image", "audio", "video"):
                    warn(Code.XLS_COLUMN_IGNORED, number, f"choices:{column}", column=column)
            scoring = _scoring(columns, cells, number, warn)
            options.append({"value": value, "label": label, **scoring})
            values.add(value)
        if rows and not options:
            warn(Code.XLS_EMPTY_CHOICE_LIST, row, "type", list=list_name)
        return options


def _scoring(columns: Columns, cells: dict[str, str], row: int, warn: Warn) -> dict[str, Any]:
    """Wenfang's own choice columns (docs/questionnaire-format.md, "Scores"): `score`, a
    number, and `scored`, "no" for an answer that is not a point on the scale (不适用)."""
    keys: dict[str, Any] = {}
    score = columns.get(cells, "score")
    if score:
        try:
            number = float(score) if "_" not in score else math.nan
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            keys["score"] = int(number) if number.is_integer() else number
        else:
            warn(Code.XLS_COLUMN_IGNORED, row, "choices:score", column="score")
    scored = columns.get(cells, "scored").lower()
    if scored in ("no", "false", "false()", "0"):
        keys["scored"] = False
    elif scored not in ("", "yes", "true", "true()", "1"):
        warn(Code.XLS_COLUMN_IGNORED, row, "choices:scored", column="scored")
    return keys
