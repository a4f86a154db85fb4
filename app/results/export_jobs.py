"""Response exports (CSV, XLSX, SPSS) as files: `write_export` for the command line, and the
"response_export" job the web page submits, followed and downloaded like a findings report.

A job's params are plain data ({"questionnaire_id", "spec": ExportSpec.to_dict()}), so the same
function runs inline today and in a worker later. Its file is respondent-level data: the
routes that show and download it ask `view_respondents`, not the report's `export_findings`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from analysis.exports.codebook import Codebook, codebook
from app import jobs
from app.extensions import db
from app.models import Job, Questionnaire, User
from app.results.export_sav import sav_frame, write_sav_data, write_sav_export
from app.results.export_stream import read_table
from app.results.export_stream_files import (
    shape_of,
    write_streamed_csv,
    write_streamed_sav,
    write_streamed_xlsx,
)
from app.results.export_table import (
    ExportFilterError,
    ExportFilters,
    column_words,
    filtered_frame,
    for_people,
    table_definitions,
)
from app.results.export_xlsx import write_response_xlsx
from app.results.exports import csv_bytes

KIND = "response_export"
#: format → (file suffix of a download, media type)
FORMATS = {
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "sav": ("zip", "application/zip"),
}


@dataclass(frozen=True)
class ExportSpec:
    """What to write: the format, option labels or values in the cells, a second header row
    of labels (CSV, XLSX), and which responses."""

    format: str = "csv"
    label_cells: bool = False
    label_row: bool = False
    filters: ExportFilters = field(default_factory=ExportFilters)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "label_cells": self.label_cells,
            "label_row": self.label_row,
            "filters": self.filters.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExportSpec:
        return cls(
            format=str(data.get("format") or "csv"),
            label_cells=bool(data.get("label_cells")),
            label_row=bool(data.get("label_row")),
            filters=ExportFilters.from_dict(data.get("filters") or {}),
        )


def write_export(
    questionnaire: Questionnaire,
    spec: ExportSpec,
    path: Path,
    *,
    locale: str,
    zone: str,
    progress: Callable[[float], None] | None = None,
) -> tuple[int, list[Path]]:
    """Write the export to *path*; the number of responses and the files written (a `.sav`
    given as *path* gets its `.sps` and dictionary beside it; any other name for the SPSS
    format gets the zip of the three). `ExportFilterError` for a filter that does not fit.

    The rows are read once and written a block at a time (`export_stream`), the `.sav` in
    batches (`export_sav_batches`): the memory it takes does not grow with the responses.
    *progress* is told the share of the rows written so far (0–1)."""
    if spec.format not in FORMATS:
        raise ValueError(f"unknown export format {spec.format!r}")
    table = read_table(questionnaire, spec.filters, zone)
    try:
        return _write_streamed(table, spec, path, locale, progress)
    finally:
        table.close()


def _write_streamed(table, spec, path, locale, progress) -> tuple[int, list[Path]]:
    def told(rows: int) -> None:
        if progress is not None:
            progress(min(1.0, rows / max(table.rows_read, 1)))

    questionnaire, version = table.questionnaire, spec.filters.version
    if spec.format == "sav":
        words = column_words(questionnaire, version, locale)
        words["submitted_at"] = f"{words['submitted_at']} (UTC)"
        return write_sav_export(lambda at: write_streamed_sav(table, words, locale, at, told), path)
    shape = shape_of(table, label_row=spec.label_row, label_cells=spec.label_cells, locale=locale)
    if spec.format == "csv":
        return write_streamed_csv(table, shape, path, told), [path]
    return write_streamed_xlsx(table, shape, path, told), [path]


def write_whole_export(
    questionnaire: Questionnaire, spec: ExportSpec, path: Path, *, locale: str, zone: str
) -> tuple[int, list[Path]]:
    """`write_export` from the whole table in memory: the plain reference the streamed path
    is held equal to (tests/web/test_export_stream.py, tests/benchmarks/bench_exports.py)."""
    if spec.format not in FORMATS:
        raise ValueError(f"unknown export format {spec.format!r}")
    frame = filtered_frame(questionnaire, spec.filters, zone)
    version = spec.filters.version
    if spec.format == "sav":
        words = column_words(questionnaire, version, locale)
        words["submitted_at"] = f"{words['submitted_at']} (UTC)"
        book = codebook(table_definitions(questionnaire, version), frame, words, locale)

        def write(at: Path) -> tuple[int, Codebook]:
            write_sav_data(sav_frame(frame, book), book, at, title=questionnaire.title)
            return len(frame), book

        return write_sav_export(write, path)
    shown, labels = for_people(
        questionnaire,
        frame,
        version,
        label_row=spec.label_row,
        label_cells=spec.label_cells,
        locale=locale,
        zone=zone,
    )
    if spec.format == "csv":
        path.write_bytes(csv_bytes(shown, labels))
        return len(frame), [path]
    book = codebook(
        table_definitions(questionnaire, version),
        frame,
        column_words(questionnaire, version, locale),
        locale,
    )
    write_response_xlsx(shown, path, labels=labels, book=book)
    return len(frame), [path]


def submit_export(
    questionnaire: Questionnaire, spec: ExportSpec, *, actor: User | None, locale: str
) -> Job:
    if spec.format not in FORMATS:
        raise ValueError(f"unknown export format {spec.format!r}")
    params = {"questionnaire_id": questionnaire.id, "spec": spec.to_dict(), "locale": locale}
    return jobs.submit(KIND, params, study_id=questionnaire.study_id, actor=actor)


@jobs.job_function(KIND)
def build_export(run: jobs.JobRun) -> Path:
    """Write the export a job asks for, in the language it was asked in."""
    locale = run.params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        questionnaire = db.session.get(Questionnaire, run.params["questionnaire_id"])
        if questionnaire is None or questionnaire.study_id != run.study_id:
            raise jobs.JobError(_("The questionnaire of this export no longer exists."))
        spec = ExportSpec.from_dict(run.params["spec"])
        run.progress(10)
        path = run.result_file(f"responses.{FORMATS[spec.format][0]}")
        try:
            write_export(
                questionnaire,
                spec,
                path,
                locale=locale,
                zone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
                progress=lambda share: run.progress(10 + int(85 * share)),
            )
        except ExportFilterError as error:
            raise jobs.JobError(str(error)) from error
        return path


def download_name(job: Job) -> str:
    """responses-<slug>[-v<n>].<suffix>"""
    questionnaire = db.session.get(Questionnaire, job.params["questionnaire_id"])
    spec = ExportSpec.from_dict(job.params["spec"])
    slug = questionnaire.slug if questionnaire else "questionnaire"
    version = spec.filters.version
    return f"responses-{slug}" + (f"-v{version}" if version else "") + f".{FORMATS[spec.format][0]}"
