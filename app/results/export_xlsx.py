"""The response table as an XLSX workbook: the responses, then a codebook sheet.

Written with openpyxl's write-only workbook, which streams rows to a temporary file, so its
memory stays flat whatever the number of responses; rows are converted a slice at a time.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from flask_babel import gettext as _
from openpyxl import Workbook

from analysis.exports.codebook import Codebook, dictionary_rows
from analysis.qda.refi import xml_safe
from app.results.exports import neutralise_cell

ROWS_AT_A_TIME = 10_000  # bounded memory (~300,000 cells), few pandas calls


def dictionary_header() -> list[str]:
    """The words over the data dictionary's columns (`codebook.DICTIONARY_FIELDS`)."""
    return [
        _("Variable (SPSS)"),
        _("Column"),
        _("Question"),
        _("Question type"),
        _("Measurement level"),
        _("Value"),
        _("Code (SPSS)"),
        _("Value label"),
        _("Missing (not scored)"),
    ]


def safe_text(value: str) -> str:
    """A string as an XLSX cell takes it: no character XML forbids, no formula."""
    return neutralise_cell(xml_safe(value))


def cells_of(values: pd.Series) -> list:
    """A column's cells as openpyxl takes them: None for a blank, text made safe (each
    distinct text once: a choice column holds a handful of values in 100,000 cells)."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        if pd.api.types.is_integer_dtype(values.dtype) and not values.hasnans:
            return values.tolist()
        return values.astype(object).where(values.notna(), None).tolist()
    present = values.notna()
    safe = {v: safe_text(v) if isinstance(v, str) else v for v in values[present].unique()}
    return values.map(safe).astype(object).where(present, None).tolist()


def write_response_xlsx(
    frame: pd.DataFrame,
    path: Path,
    *,
    labels: dict[str, str] | None,
    book: Codebook,
) -> None:
    """*frame* on a "responses" sheet (a second header row of *labels* when given) and its
    data dictionary on a "codebook" sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Responses"))
    names = [str(c) for c in frame.columns]
    sheet.append([safe_text(n) for n in names])
    if labels is not None:
        sheet.append([safe_text(str(labels.get(n, n))) for n in names])
    for start in range(0, len(frame), ROWS_AT_A_TIME):
        part = frame.iloc[start : start + ROWS_AT_A_TIME]
        for row in zip(*(cells_of(part[c]) for c in part.columns), strict=True):
            sheet.append(row)
    codebook = workbook.create_sheet(_("Codebook"))
    codebook.append(dictionary_header())
    for entry in dictionary_rows(book):
        codebook.append([safe_text(v) if isinstance(v, str) else v for v in entry])
    workbook.save(path)
