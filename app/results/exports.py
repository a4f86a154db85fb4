"""Downloads of the response table that open safely in Excel and WPS."""

import io
import re

import pandas as pd

from app.models import Questionnaire
from app.results.export_table import ExportFilters, filtered_frame, for_people

# A cell starting with one of these is read as a formula by spreadsheet programs (CSV
# injection, OWASP); a leading apostrophe makes it plain text and shows the value unchanged.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# A plain decimal number ("-3", "+0.5", "-1e3") is data, not a formula: it stays analysable.
# Not float(), which also takes "-inf", "+nan", "-1_000" and non-ASCII digits.
PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def neutralise_cell(value):
    """*value*, with a leading apostrophe when a spreadsheet would read it as a formula; the
    one rule of every export (CSV, XLSX, SPSS strings and labels)."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame, labels: dict[str, str] | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows Chinese instead of mojibake.

    With *labels* ({column: label}), a second header row names each column in words (for
    people; `python -m analysis stats` reads the file without it).
    """
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_cell)
    buffer = io.StringIO()
    if labels is not None:
        header = pd.DataFrame(
            [[neutralise_cell(labels.get(c, c)) for c in safe.columns]], columns=safe.columns
        )
        header.to_csv(buffer, index=False, lineterminator="\r\n")
        safe.to_csv(buffer, index=False, header=False, lineterminator="\r\n")
        return buffer.getvalue().encode("utf-8-sig")
    safe.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def response_csv(
    questionnaire: Questionnaire,
    filters: ExportFilters | None = None,
    *,
    label_row: bool = False,
    label_cells: bool = False,
    locale: str = "zh_CN",
    zone: str = "Asia/Shanghai",
) -> tuple[bytes, int]:
    """The response table of the responses *filters* keep as CSV, and their number; the
    cells and header rows as `export_table.for_people` says."""
    filters = filters or ExportFilters()
    frame = filtered_frame(questionnaire, filters, zone)
    shown, labels = for_people(
        questionnaire,
        frame,
        filters.version,
        label_row=label_row,
        label_cells=label_cells,
        locale=locale,
        zone=zone,
    )
    return csv_bytes(shown, labels), len(frame)
