"""The findings report as PDF: the app's own Jinja template printed by WeasyPrint.

Chinese stays text (selectable, searchable, read back by `pdftotext`): the CJK font the charts
use (`analysis.fonts`, shipped by mplfonts) is embedded, subset to the characters used. The
printer may open only that font and the report's charts: a title or label never makes it
fetch anything else (autoescaping keeps them text, the fetcher refuses other URLs).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import render_template
from flask_babel import gettext as _

from analysis.fonts import cjk_font_path
from app.findings.labels import metric_label, metric_value
from app.findings.report_content import ReportContent
from app.jobs import JobError


def render_report_html(content: ReportContent) -> str:
    return render_template(
        "findings/report_pdf.html",
        content=content,
        font_url=cjk_font_path().resolve().as_uri(),
        metric_label=metric_label,
        metric_value=metric_value,
    )


def write_report_pdf(content: ReportContent, path: Path) -> None:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # WeasyPrint loads Pango when imported
        raise JobError(
            _("PDF reports need the Pango library on the server (make system-deps, as root).")
        ) from error

    allowed = {cjk_font_path().resolve()} | {
        q.chart.resolve() for q in content.questions if q.chart is not None
    }
    HTML(string=render_report_html(content), url_fetcher=_local_files(allowed)).write_pdf(path)


def _local_files(allowed: set[Path]):
    from weasyprint.urls import URLFetcher

    class LocalFiles(URLFetcher):
        """Only the files of this report, by their absolute file: URL."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or Path(url2pathname(parts.path)).resolve() not in allowed:
                raise ValueError(f"not a file of this report: {url}")
            return super().fetch(url, headers)

    return LocalFiles(allowed_protocols=("file",))
