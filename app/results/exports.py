"""Downloads of the response table that open safely in Excel and WPS."""

import io
import re

import pandas as pd

from app.models import Questionnaire
from app.results.services import flagged_ids
from app.results.table import readable_frame, response_frame, table_labels

# A cell starting with one of these is read as a formula by spreadsheet programs (CSV
# injection, OWASP); a leading apostrophe makes it plain text and shows the value unchanged.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# A plain decimal number ("-3", "+0.5", "-1e3") is data, not a formula: it stays analysable.
# Not float(), which also takes "-inf", "+nan", "-1_000" and non-ASCII digits.
PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def neutralise_cell(value):
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
    version: int | None = None,
    *,
    label_row: bool = False,
    label_cells: bool = False,
    locale: str = "zh_CN",
    zone: str = "Asia/Shanghai",
    exclude_flagged: bool = False,
) -> tuple[bytes, int]:
    """The response table as CSV, and its number of responses.

    The plain file (the input of `python -m analysis stats`) has option values in its cells and
    UTC times to the second. With *label_row* a second header row names the columns in words;
    with *label_cells* the cells hold option labels (`readable_frame`). Both are for people, so
    they show the time in *zone* (WENFANG_TIMEZONE), to the second, the zone named in the header.
    With *exclude_flagged* the responses the quality score flags are left out.
    """
    frame = response_frame(questionnaire, version)
    if exclude_flagged:
        flagged = flagged_ids(questionnaire, frame)
        frame = frame[~frame["response_id"].isin(list(flagged))].reset_index(drop=True)
    times = pd.to_datetime(frame["submitted_at"], utc=True, format="ISO8601")
    if not (label_row or label_cells):
        frame["submitted_at"] = times.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        return csv_bytes(frame), len(frame)
    labels = None
    if label_row:
        labels = table_labels(questionnaire, locale, version, readable=label_cells)
    if label_cells:
        frame = readable_frame(questionnaire, frame, locale, version)
    for column in frame.columns:  # 9, not the 9.0 that a blank makes of a number column
        values = frame[column]
        if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            frame[column] = values.astype("Int64")
    local = f"submitted_at ({zone})"
    frame["submitted_at"] = times.dt.tz_convert(zone).dt.strftime("%Y-%m-%d %H:%M:%S")
    frame = frame.rename(columns={"submitted_at": local})
    if labels is not None:
        labels[local] = f"{labels['submitted_at']} ({zone})"
    return csv_bytes(frame, labels), len(frame)
