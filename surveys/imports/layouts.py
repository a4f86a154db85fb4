"""Stage 2: rows of strings → a `SourceTable`, by recognising which tool wrote the file
(from its header cells) and reading it by that tool's `Layout` (`surveys.imports.tools`).

What a layout's columns are named and labelled is read into `SourceColumn` (name, question
title, sub-label), so matching to a questionnaire (`surveys.imports.matching`) is the same
for every tool.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .errors import FileRefused, ImportCode
from .grid import MAX_CELL, MAX_ROWS, Grid
from .tools import LAYOUTS, QUALTRICS_TESTS, Conventions, Layout
from .values import read_duration, read_time, zone_of

MAX_SOURCE_ID = 100


@dataclass(frozen=True)
class SourceColumn:
    index: int
    header: str  # as the reader sees it (header rows joined with " / ")
    name: str = ""  # a machine name: Qualtrics Q3_1, a KoboToolbox path, a Wenfang column
    title: str = ""  # the question's text
    part: str = ""  # the sub-label: an option, a matrix row, "Other (please specify)"
    number: int | None = None  # the question's number in the tool (问卷星 "3、…")


@dataclass(frozen=True)
class SourceRecord:
    row: int  # the file's row number, 1 = the first line
    source_id: str
    submitted_at: dt.datetime | None
    duration_s: float | None
    cells: tuple[str, ...]
    finished: bool = True
    test: bool = False
    problems: tuple[tuple[str, str, ImportCode], ...] = ()  # (column, value, code) of the meta


@dataclass(frozen=True)
class SourceTable:
    tool: str
    columns: list[SourceColumn]  # the answer columns (meta columns set aside)
    meta_headers: list[str]
    records: list[SourceRecord]
    conventions: Conventions


_NUMBERED = re.compile(r"^\s*(?:第\s*)?(?:Q)?(\d{1,4})\s*(?:题)?\s*[、.．:：]\s*", re.IGNORECASE)
_WJX_PART = re.compile(r"^\s*(?:第\s*)?(\d{1,4})\s*(?:题)?\s*[（(](.+)[)）]\s*$")


def detect_tool(grid: Grid) -> str:
    """The tool whose layout the header row shows; "csv" when none does."""
    first = set(grid[0])
    third = grid[2] if len(grid) > 2 else []
    if "ResponseId" in first and any(c.startswith('{"ImportId"') for c in third):
        return "qualtrics"
    if {"Respondent ID", "Collector ID"} <= first:
        return "surveymonkey"
    if {"序号", "提交答卷时间"} <= first:
        return "wjx"
    if "编号" in first and ({"开始答题时间", "结束答题时间"} & first):
        return "tencent"
    if {"_uuid", "_submission_time"} <= first:
        return "kobo"
    if "response_id" in first and any(c.startswith("submitted_at") for c in first):
        return "wenfang"
    return "csv"


def read_table(grid: Grid, *, tool: str | None = None, zone: str = "Asia/Shanghai") -> SourceTable:
    """The file's answer columns and its records, read by *tool*'s layout (detected when
    None). Local times are read in *zone* (Qualtrics names its own). Raises `FileRefused`
    when the file does not have the layout asked for, or has no record."""
    tool = tool or detect_tool(grid)
    if tool not in LAYOUTS:
        raise FileRefused(ImportCode.WRONG_LAYOUT, tool=tool, detail="?")
    layout = LAYOUTS[tool]
    header_rows = layout.header_rows
    if tool == "wenfang" and len(grid) > 1 and grid[1][:1] in (["答卷编号"], ["Response ID"]):
        header_rows = 2  # the optional label row of a Wenfang export
    if len(grid) < header_rows:
        raise FileRefused(ImportCode.WRONG_LAYOUT, tool=tool, detail="header rows")
    headers = _headers(layout, grid[:header_rows])
    if layout.id_column and layout.id_column not in headers:
        raise FileRefused(ImportCode.WRONG_LAYOUT, tool=tool, detail=layout.id_column)
    local = zone_of(_qualtrics_zone(grid) if tool == "qualtrics" else None, zone)
    if tool == "wenfang" and layout.submitted_column not in headers:
        labelled = next((h for h in headers if h.startswith("submitted_at (")), "")
        local = zone_of(labelled[len("submitted_at (") : -1], zone)
        headers = ["submitted_at" if h == labelled else h for h in headers]
    meta_index = {h: i for i, h in enumerate(headers) if _is_meta(layout, h)}
    meta_columns = set(meta_index.values())
    columns = [
        c for c in _columns(layout, grid[:header_rows], headers) if c.index not in meta_columns
    ]
    records = [
        _record(layout, number, row, meta_index, local)
        for number, row in enumerate(grid[header_rows:], start=header_rows + 1)
        if any(row)
    ]
    if not records:
        raise FileRefused(ImportCode.NO_ROWS)
    if len(records) > MAX_ROWS:
        raise FileRefused(ImportCode.TOO_MANY_ROWS, max=MAX_ROWS)
    return SourceTable(tool, columns, list(meta_index), records, layout.conventions)


def _is_meta(layout: Layout, header: str) -> bool:
    named = (layout.id_column, layout.submitted_column, layout.started_column,
             layout.duration_column)  # fmt: skip
    return bool(header) and (
        header in named
        or header in layout.meta
        or any(header.startswith(prefix) for prefix in layout.meta_prefixes)
    )


def _headers(layout: Layout, rows: Grid) -> list[str]:
    """The first header row, padded to the widest header row."""
    width = max(len(r) for r in rows)
    return [*rows[0], *[""] * (width - len(rows[0]))]


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _columns(layout: Layout, rows: Grid, headers: list[str]) -> list[SourceColumn]:
    columns = []
    title = ""
    for index, header in enumerate(headers):
        if layout.tool == "qualtrics":
            label = _cell(rows[1], index)
            title, _, part = label.partition(" - ")
            columns.append(SourceColumn(index, f"{header} / {label}", header, title, part))
        elif layout.tool == "surveymonkey":
            title = header or title  # a question's further columns leave the first row blank
            part = _cell(rows[1], index)
            shown = " / ".join(x for x in (title, part) if x)
            columns.append(SourceColumn(index, shown or f"#{index + 1}", "", title, part))
        elif layout.tool == "wenfang":
            label = _cell(rows[1], index) if len(rows) > 1 else ""
            columns.append(SourceColumn(index, header, header, label))
        elif layout.tool == "kobo":
            columns.append(SourceColumn(index, header, header, header.rsplit("/", 1)[-1]))
        else:
            columns.append(_numbered_column(index, header, layout.part_marks))
    return [c for c in columns if c.header]


def _numbered_column(index: int, header: str, marks: tuple[str, ...] = ()) -> SourceColumn:
    """问卷星 / 腾讯问卷 headers: "3、您用过哪些功能？", "第5题(商品质量)", "5(商品质量)",
    "5、请评价—商品质量", and with *marks* (":") "3.您用过哪些功能？:直播购物"."""
    part_only = _WJX_PART.match(header)
    if part_only:
        return SourceColumn(index, header, "", "", part_only[2].strip(), int(part_only[1]))
    numbered = _NUMBERED.match(header)
    number = int(numbered[1]) if numbered else None
    title = header[numbered.end() :] if numbered else header
    part = ""
    for dash in ("——", "—", "－", " / ", *marks):  # "题目—行"; a Wenfang label "题目 / 选项"
        if dash in title:
            title, _, part = title.partition(dash)
            break
    return SourceColumn(index, header, "", title.strip(), part.strip(), number)


def _qualtrics_zone(grid: Grid) -> str | None:
    for cell in grid[2] if len(grid) > 2 else []:
        if cell.startswith('{"ImportId"'):
            try:
                zone = json.loads(cell).get("timeZone")
            except (ValueError, AttributeError):
                continue
            if isinstance(zone, str):
                return zone
    return None


def _record(
    layout: Layout, number: int, row: list[str], meta: dict[str, int], zone: ZoneInfo
) -> SourceRecord:
    def get(name: str) -> str:
        return _cell(row, meta[name]) if name and name in meta else ""

    problems: list[tuple[str, str, ImportCode]] = []
    source_id = get(layout.id_column)
    if len(source_id) > MAX_SOURCE_ID:
        problems.append((layout.id_column, source_id[:50], ImportCode.SOURCE_ID_TOO_LONG))
    submitted_zone = zone_of(layout.submitted_zone, "UTC") if layout.submitted_zone else zone
    submitted = _time(
        layout.submitted_column, get(layout.submitted_column), submitted_zone, problems
    )
    if submitted is None and layout.tool == "qualtrics":
        submitted = _time("EndDate", get("EndDate"), zone, problems)
    started = _time(layout.started_column, get(layout.started_column), zone, problems)
    duration = None
    if get(layout.duration_column):
        duration = read_duration(get(layout.duration_column))
        if duration is None:
            problems.append(
                (layout.duration_column, get(layout.duration_column), ImportCode.NOT_A_DURATION)
            )
    elif layout.tool == "kobo":
        started = _time("start", get("start"), zone, problems)
        ended = _time("end", get("end"), zone, problems)
        if started and ended and ended >= started:
            duration = (ended - started).total_seconds()
    if duration is None and started and submitted and submitted >= started:
        duration = (submitted - started).total_seconds()
    for index, cell in enumerate(row):
        if len(cell) > MAX_CELL:
            problems.append((f"#{index + 1}", cell[:50], ImportCode.CELL_TOO_LONG))
    # Qualtrics: Finished false, and a Wenfang export with partials: an unfinished response.
    finished = get("Finished").lower() not in ("false", "0") and get("status") != "partial"
    test = layout.tool == "qualtrics" and get("Status") in QUALTRICS_TESTS
    return SourceRecord(
        number, source_id, submitted, duration, tuple(row), finished, test, tuple(problems)
    )


def _time(
    column: str, text: str, zone: ZoneInfo, problems: list[tuple[str, str, ImportCode]]
) -> dt.datetime | None:
    if not column or not text:
        return None
    moment = read_time(text, zone)
    if moment is None:
        problems.append((column, text, ImportCode.NOT_A_TIME))
    return moment
