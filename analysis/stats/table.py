"""The response table read with its questionnaire definition (docs/questionnaire-format.md).

Reading happens in pure stages: file → frame of strings (cells stripped, blanks = missing) →
`prepare_frame`, which gives every question column the type its statistics need (option
values as strings, numbers as floats). Statistics only ever see a prepared frame.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.stats.errors import Code, StatsInputError, StatsWarning
from surveys.safe_zip import ZipRefused, check_zip_archive
from surveys.types import QUESTION_TYPES
from surveys.xlsform.sheets import UNREADABLE as WORKBOOK_UNREADABLE

META_COLUMNS = ("response_id", "submitted_at", "duration_s")

#: question type → how its answers are analysed (kind); `None` = no answer ("text" notes)
QUESTION_KINDS: dict[str, str | None] = {name: t.analysis for name, t in QUESTION_TYPES.items()}

#: prefix of the paradata columns (`paradata/page_s/<page>`…, see docs/paradata.md)
PARADATA_PREFIX = "paradata/"
#: a respondent's participant attribute (age band, city …), a segment like a question
ATTRIBUTE_PREFIX = "attribute:"

KANO_LEVELS = ("like", "must_be", "neutral", "live_with", "dislike")

#: kinds whose cells are numbers (everything else is an option value or free text)
_NUMERIC_KINDS = {"rating", "nps", "numeric", "multiple", "ranking", "consent"}


def read_definition(path: str | Path) -> dict[str, Any]:
    """Load a questionnaire definition (JSON, UTF-8 with or without BOM)."""
    try:
        definition = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StatsInputError(
            location=str(path), code=Code.UNREADABLE_DEFINITION, error=str(exc)
        ) from exc
    iter_questions(definition)  # checks the shape
    checked: dict[str, Any] = definition
    return checked


def iter_questions(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """The answerable questions of a definition, in page order."""
    if not isinstance(definition, dict) or not isinstance(definition.get("pages"), list):
        raise StatsInputError(location="pages", code=Code.DEFINITION_SHAPE)
    questions, seen = [], set()
    for p, page in enumerate(definition["pages"]):
        for i, question in enumerate(page.get("questions", [])):
            where = f"pages[{p}].questions[{i}]"
            if not isinstance(question, dict) or "id" not in question:
                raise StatsInputError(location=where, code=Code.QUESTION_WITHOUT_ID)
            qtype = question.get("type")
            if qtype not in QUESTION_KINDS:
                raise StatsInputError(location=where, code=Code.UNKNOWN_TYPE, type=qtype)
            if question["id"] in seen:
                raise StatsInputError(location=where, code=Code.DUPLICATE_ID, id=question["id"])
            seen.add(question["id"])
            if QUESTION_KINDS[qtype] is not None:
                questions.append(question)
    return questions


def question_map(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in iter_questions(definition)}


def column_title(definition: dict[str, Any], name: str) -> str:
    """The title of question (or `qid/row` column) *name*, with the row's label for a row."""
    qid, _, row = name.partition("/")
    q = question_map(definition)[qid]
    title = str(q.get("title") or qid)
    if row:
        labels = {str(r["value"]): str(r.get("label", r["value"])) for r in q.get("rows", [])}
        title = f"{title} · {labels.get(row, row)}"
    return title


def kind_of(question: dict[str, Any]) -> str:
    kind = QUESTION_KINDS[question["type"]]
    if kind is None:  # a note: `iter_questions` never yields one
        raise StatsInputError("this question has no answers to analyse", str(question["id"]))
    if kind == "matrix" and question.get("multiple"):
        return "matrix_multiple"
    return kind


def option_values(question: dict[str, Any]) -> list[str]:
    return [str(o["value"]) for o in question.get("options", [])]


def option_labels(question: dict[str, Any]) -> dict[str, str]:
    return {str(o["value"]): str(o.get("label", o["value"])) for o in question.get("options", [])}


def row_values(question: dict[str, Any]) -> list[str]:
    return [str(r["value"]) for r in question.get("rows", [])]


#: a plain decimal number ("18_24" and "inf" are not, though `float` reads them)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def option_scores(question: dict[str, Any]) -> dict[str, float]:
    """Score of each option (docs/questionnaire-format.md, "Scores"): NaN for an option
    marked `"scored": false` (不适用, 不清楚, 不愿透露: answered, but not a point on the scale);
    else its `score`, else its value when that is a plain number. When no option has a score
    this way, the scored options get their position 1..k; when some have one, an option
    without a score is not scored (NaN): explicit scores are never renumbered."""
    scored = [o for o in question.get("options", []) if o.get("scored", True) is not False]
    found = {}
    for o in scored:
        if o.get("score") is not None:
            found[str(o["value"])] = float(o["score"])
        elif _NUMBER.fullmatch(str(o["value"]).strip()):
            found[str(o["value"])] = float(o["value"])
    if not found:
        found = {str(o["value"]): float(i + 1) for i, o in enumerate(scored)}
    return {v: found.get(v, math.nan) for v in option_values(question)}


def not_scored(question: dict[str, Any]) -> list[str]:
    """The option values that no score-based statistic counts (`option_scores` is NaN)."""
    return [v for v, s in option_scores(question).items() if math.isnan(s)]


def question_columns(question: dict[str, Any]) -> list[str]:
    """Columns of the response table that hold this question's answers (format table)."""
    qid, kind = question["id"], kind_of(question)
    if kind in ("multiple", "ranking"):
        cols = [f"{qid}/{v}" for v in option_values(question)]
    elif kind == "matrix":
        cols = [f"{qid}/{r}" for r in row_values(question)]
    elif kind == "matrix_multiple":
        cols = [f"{qid}/{r}/{v}" for r in row_values(question) for v in option_values(question)]
    elif kind == "kano":
        cols = [f"{qid}/functional", f"{qid}/dysfunctional"]
    else:
        cols = [qid]
    if any(o.get("other") for o in question.get("options", [])):
        cols.append(f"{qid}/other_text")
    return cols


def _numeric_cell_strings(series: pd.Series) -> pd.Series:
    """Numbers that are option values (1.0 from Excel) as the strings the definition uses."""
    out = pd.Series(pd.NA, index=series.index, dtype=object)
    keep = series.notna()
    out[keep] = [str(int(v)) if float(v).is_integer() else repr(float(v)) for v in series[keep]]
    return out


def prepare_frame(definition: dict[str, Any], frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with each question column typed for its statistics.

    Option values become strings (an XLSX `1` and a CSV `"1"` are the same answer), numeric
    answers become floats (a cell that is not a number is a `StatsInputError` naming the
    column). Columns the definition expects but the table lacks are added blank, with a
    `StatsWarning` (an export of an older version may not have them).
    """
    if not isinstance(frame, pd.DataFrame):
        raise StatsInputError("the response table must be a pandas DataFrame")
    out = {}
    missing = []
    for name in META_COLUMNS:
        if name in frame.columns:
            out[name] = frame[name]
    for name in frame.columns:  # the browser's paradata, read by the quality checks
        if isinstance(name, str) and name.startswith(PARADATA_PREFIX):
            out[name] = frame[name]
    for name in frame.columns:  # participant attributes: segments, as text
        if isinstance(name, str) and name.startswith(ATTRIBUTE_PREFIX):
            column = frame[name]
            out[name] = column.where(column.isna(), column.astype(str))
    if "duration_s" in out:
        out["duration_s"] = _to_number(out["duration_s"], "duration_s")
    for question in iter_questions(definition):
        kind = kind_of(question)
        for col in question_columns(question):
            if col not in frame.columns:
                missing.append(col)
                out[col] = pd.Series(np.nan if kind in _NUMERIC_KINDS else pd.NA, index=frame.index)
                continue
            s = frame[col]
            if col.endswith("/other_text") or kind in ("text", "date"):
                out[col] = s
            elif kind in _NUMERIC_KINDS or kind == "matrix_multiple":
                out[col] = _to_number(s, col)
            else:
                if isinstance(s.dtype, pd.CategoricalDtype) and not all(
                    isinstance(c, str) for c in s.cat.categories
                ):
                    s = s.astype(object)
                if _is_number_like(s):
                    s = _numeric_cell_strings(s)
                levels = list(KANO_LEVELS) if kind == "kano" else option_values(question)
                out[col] = as_categories(s, levels)
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        warnings.warn(
            f"{len(missing)} column(s) missing from the response table, treated as blank: {shown}",
            StatsWarning,
            stacklevel=2,
        )
    extra = [c for c in frame.columns if c not in out]
    prepared = pd.DataFrame(out, index=frame.index)
    for col in extra:  # keep weights and segment columns the caller added
        prepared[col] = frame[col]
    return prepared


def as_categories(series: pd.Series, levels: list[str]) -> pd.Series:
    """Option values as a categorical column: the defined levels in order, then any other
    value met (sorted) so that nothing is silently turned into a blank. Every statistic then
    works on integer codes: the table is factorised once, not once per statistic."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cat = series.array
        if not all(isinstance(c, str) for c in cat.categories):
            cat = pd.Categorical(series.astype(object).map(str, na_action="ignore"))
    else:
        cat = pd.Categorical(series.astype(object) if series.dtype != object else series)
        if not all(isinstance(c, str) for c in cat.categories):
            cat = pd.Categorical(series.astype(object).map(str, na_action="ignore"))
    extra = sorted(set(cat.categories) - set(levels))
    return pd.Series(cat.set_categories(list(levels) + extra), index=series.index)


def _is_number_like(s: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(s.dtype):
        return True
    if s.dtype != object:  # str / categorical columns hold the values as read
        return False
    sample = s.iloc[:1000].dropna()
    return len(sample) > 0 and all(isinstance(v, int | float) for v in sample.iloc[:100])


def _to_number(s: pd.Series, col: str) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return s.astype(float)
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype(float)
    num = pd.to_numeric(s, errors="coerce")
    bad = num.isna() & s.notna()
    if bad.any():
        first = s[bad].iloc[0]
        raise StatsInputError(
            location=col, code=Code.CELLS_NOT_NUMERIC, count=int(bad.sum()), example=first
        )
    return num.astype(float)


def read_responses(path: str | Path, definition: dict[str, Any] | None = None) -> pd.DataFrame:
    """Read a response table (CSV in UTF-8 with or without BOM, or XLSX) as strings.

    Cells are stripped and blanks become missing. A second header row of labels (export with
    `--labels`) is recognised by a `duration_s` cell that is not a number, and dropped.
    With a definition, the result is passed through `prepare_frame`.
    """
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            check_zip_archive(path)  # a zip bomb or a DTD, before openpyxl opens it
            raw = pd.read_excel(path, dtype=object, engine="openpyxl")
        else:
            raw = pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding="utf-8-sig", na_values=[]
            )
    except ZipRefused as refused:
        raise StatsInputError(
            location=str(path), code=Code.UNREADABLE_RESPONSES, error=refused.message("en")
        ) from refused
    # A damaged workbook raises what `surveys.xlsform.sheets.UNREADABLE` lists (found by
    # tests/fuzz: zipfile's BadZipFile was a traceback).
    except (OSError, ValueError, *WORKBOOK_UNREADABLE) as exc:
        raise StatsInputError(
            location=str(path), code=Code.UNREADABLE_RESPONSES, error=str(exc)[:300]
        ) from exc
    raw.columns = [str(c).strip() for c in raw.columns]
    for col in raw.columns:
        s = raw[col]
        if s.dtype == object:
            s = s.map(lambda v: v.replace("\u00a0", " ").strip() if isinstance(v, str) else v)
            raw[col] = s.mask(s.isna() | (s == ""), None)
        elif pd.api.types.is_string_dtype(s.dtype):
            s = s.str.replace("\u00a0", " ", regex=False).str.strip()
            raw[col] = s.mask(s == "")
    if len(raw) and "duration_s" in raw.columns:
        first = raw["duration_s"].iloc[0]
        if first is not None and pd.isna(pd.to_numeric(pd.Series([first]), errors="coerce"))[0]:
            raw = raw.iloc[1:].reset_index(drop=True)
    return prepare_frame(definition, raw) if definition is not None else raw
