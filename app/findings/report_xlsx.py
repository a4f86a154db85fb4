"""The findings report as an Excel workbook: 摘要 (summary and key metrics), one sheet per
question, 洞察 (insights) and 数据字典 (data dictionary).

Cells hold the unrounded numbers (percent as 0–100, as the dashboard shows them) with a
display format, so a reader can recompute from them; rounding is only the format's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from analysis.stats.table import iter_questions, option_labels, question_columns
from app.findings.labels import metric_label
from app.findings.report_content import QuestionSection, ReportContent
from app.results.display import without_pipes

SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)
NUMBER = "0.00"
#: the scalar figures of a question's summary, in the order a sheet lists them
SCALARS = {
    "n": _l("Respondents (n)"),
    "missing": _l("No answer"),
    "nps": _l("NPS"),
    "promoters": _l("Promoters"),
    "passives": _l("Passives"),
    "detractors": _l("Detractors"),
    "mean": _l("Mean"),
    "ci": _l("Interval (low, high)"),
    "sd": _l("SD"),
    "median": _l("Median"),
    "q1": _l("First quartile"),
    "q3": _l("Third quartile"),
    "min": _l("Minimum"),
    "max": _l("Maximum"),
    "category": _l("Kano category"),
    "better": "Better",
    "worse": "Worse",
}


def write_report_xlsx(content: ReportContent, path: Path) -> None:
    book = Workbook()
    book.remove(book.worksheets[0])
    summary = book.create_sheet(_("Report summary"))
    _summary(summary, content)
    names = {summary.title}
    keywords = {v.id: v.keywords for v in content.voices}
    for section in content.questions:
        sheet = book.create_sheet(_sheet_name(section, names))
        _question(sheet, section, content.method.min_n)
        if section.id in keywords:  # an open question: its top words, never the answers
            sheet.append([_("Keywords"), "、".join(keywords[section.id]) or "—"])
    insights = book.create_sheet(_("Insights sheet"))
    insights.append([_("Insights sheet")])
    insights["A1"].font = BOLD
    for sentence in content.insights or [_("No significant difference found yet.")]:
        insights.append([sentence])
    _dictionary(book.create_sheet(_("Data dictionary")), content.definition)
    book.save(path)


def _summary(sheet: Worksheet, content: ReportContent) -> None:
    m = content.method
    rows: list[list[Any]] = [
        [_("Study"), content.study_title],
        [_("Questionnaire"), without_pipes(content.questionnaire_title)],
        [_("Wave"), content.wave],
        [_("Date"), content.made_at.strftime("%Y-%m-%d %H:%M")],
        [_("Responses analysed"), m.n],
        [_("Complete responses"), m.n_total],
        [_("Flagged by the quality checks"), m.n_flagged],
        [_("Flagged responses left out"), _("Yes") if m.exclude_flagged else _("No")],
        [_("Weighted"), _("Yes") if m.weighted else _("No")],
        [_("Minimum n"), m.min_n],
        *[[_("Segment"), f"{title}: {'、'.join(labels)}"] for title, labels in m.filters],
        [_("Data version"), m.data_version],
        [],
        [_("Key metrics")],
        [_("Metric"), _("Question"), _("Value"), _("CI low"), _("CI high"), "n",
         _("Below minimum n")],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    header = sheet.max_row
    for r in content.metrics:
        sheet.append([
            metric_label(r), without_pipes(r["title"]), r["value"], r["ci"][0], r["ci"][1],
            r["n"], _("Yes") if r["small"] else _("No"),
        ])  # fmt: skip
        for cell in sheet[sheet.max_row][2:5]:
            cell.number_format = NUMBER
    for cell in (sheet["A1"], sheet.cell(header - 1, 1), *sheet[header]):
        cell.font = BOLD
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 40


def _question(sheet: Worksheet, section: QuestionSection, min_n: int) -> None:
    f = section.figures
    sheet.append([without_pipes(section.title)])
    sheet["A1"].font = BOLD
    sheet.append([_("Question id"), section.id])
    if section.small:
        sheet.append([_("Fewer than %(min_n)d responses: for reference only.", min_n=min_n)])
    for key, label in SCALARS.items():
        value = f.get(key)
        if isinstance(value, list) and len(value) == 2:
            sheet.append([str(label), value[0], value[1]])
        elif isinstance(value, int | float | str):
            sheet.append([str(label), value])
    labels = f.get("labels", {})
    if "counts" in f:
        # shares of a rating sit beside the mean's interval (`ci`) as `percent_ci`; an NPS
        # question's distribution has counts only (its shares are the three groups above)
        percent = f.get("percent") or {}
        ci = f.get("percent_ci") or (f["ci"] if isinstance(f.get("ci"), dict) else {})
        _table(sheet, [_("Option"), _("Value"), _("Count"), "%", _("CI low"), _("CI high")], [
            [labels.get(v, v), v, c, percent.get(v), *ci.get(v, [None, None])]
            for v, c in f["counts"].items()
        ])  # fmt: skip
    if "rows" in f:
        row_labels = f.get("row_labels", {})
        if all("mean" in r for r in f["rows"].values()):
            head = [_("Row"), "n", _("Mean"), _("CI low"), _("CI high"), _("Top 2 box"),
                    _("Bottom 2 box")]  # fmt: skip
            body = [
                [row_labels.get(k, k), r["n"], r["mean"], *r["mean_ci"],
                 (r.get("top2") or {}).get("percent"), (r.get("bottom2") or {}).get("percent")]
                for k, r in f["rows"].items()
            ]  # fmt: skip
        else:
            options = list(labels)
            head = [_("Row"), "n", *[labels[v] for v in options]]
            body = [
                [row_labels.get(k, k), r["n"], *[r["percent"].get(v) for v in options]]
                for k, r in f["rows"].items()
            ]
        _table(sheet, head, body)
    if "options" in f and isinstance(f["options"], dict):
        _table(sheet, [_("Option"), _("Mean rank"), _("Ranked first") + " %"], [
            [labels.get(v, v), o["mean_rank"], o["first_place_percent"]]
            for v, o in f["options"].items()
        ])  # fmt: skip
    sheet.column_dimensions["A"].width = 30


def _table(sheet: Worksheet, head: list[Any], body: list[list[Any]]) -> None:
    sheet.append([])
    sheet.append(head)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for row in body:
        sheet.append(row)
        for cell in sheet[sheet.max_row][1:]:
            if isinstance(cell.value, float):
                cell.number_format = NUMBER


def _dictionary(sheet: Worksheet, definition: dict[str, Any]) -> None:
    sheet.append([_("Question id"), _("Type"), _("Title"), _("Columns"), _("Options")])
    for cell in sheet[1]:
        cell.font = BOLD
    for q in iter_questions(definition):
        options = "; ".join(f"{v}={label}" for v, label in option_labels(q).items())
        sheet.append([
            q["id"], q["type"], without_pipes(q.get("title") or q["id"]),
            ", ".join(question_columns(q)), options,
        ])  # fmt: skip
    for column, width in zip("ABCDE", (16, 16, 40, 30, 50), strict=True):
        sheet.column_dimensions[column].width = width


def _sheet_name(section: QuestionSection, taken: set[str]) -> str:
    """The question id, as Excel takes a sheet name (31 characters, no []:*?/\\, unique)."""
    base = SHEET_UNSAFE.sub("_", section.id)[:31] or "Q"
    name, i = base, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f"~{i}"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(name)
    return name
