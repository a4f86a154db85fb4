"""Findings reports (PDF, XLSX) as jobs: the web page and `flask reports export` both submit a
"report" job, whose function builds the content once and writes it in the asked format.

The job's params are plain data ({"questionnaire_id", "format", "query": Query.to_dict(),
"locale"}), so the same function runs inline today and in an RQ worker later.
"""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from analysis.findings.query import Query
from app import jobs
from app.extensions import db
from app.findings.report_content import report_content
from app.models import Job, Questionnaire, User
from app.results.services import chart_root

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KIND = "report"
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def submit_report(
    questionnaire: Questionnaire,
    query: Query,
    fmt: str,
    *,
    actor: User | None,
    locale: str,
    public: bool = False,
    with_text: bool = True,
    inline: bool = False,
) -> Job:
    """*public*: the report a share link gives (small cells suppressed; keywords of the
    answers only *with_text*). *inline*: built here and now, for a caller that answers with
    the file itself (a share link, the command line), whatever the job queue."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    params = {
        "questionnaire_id": questionnaire.id,
        "format": fmt,
        "query": query.to_dict(),
        "locale": locale,
        "public": public,
        "with_text": with_text,
    }
    return jobs.submit(KIND, params, study_id=questionnaire.study_id, actor=actor, inline=inline)


@jobs.job_function(KIND)
def build_report(run: jobs.JobRun) -> Path:
    """Build the report a job asks for, in the language it was asked in."""
    with force_locale(run.params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _build(run)


def _build(run: jobs.JobRun) -> Path:
    """Progress: the content 10 → 60, the file 60 → 100."""
    params = run.params
    questionnaire = db.session.get(Questionnaire, params["questionnaire_id"])
    if questionnaire is None or questionnaire.study_id != run.study_id:
        raise jobs.JobError(_("The questionnaire of this report no longer exists."))
    if questionnaire.latest_version is None:
        raise jobs.JobError(_("This questionnaire has never been published."))
    run.progress(10)
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    charts = chart_root()
    content = report_content(
        questionnaire,
        Query.from_dict(params["query"]),
        charts,
        tz,
        public=bool(params.get("public")),
        with_text=params.get("with_text", True),
    )
    run.progress(60)
    path = run.result_file(f"report.{params['format']}")
    if params["format"] == "pdf":
        from app.findings.report_pdf import write_report_pdf

        write_report_pdf(content, path)
    else:
        from app.findings.report_xlsx import write_report_xlsx

        write_report_xlsx(content, path)
    return path


def download_name(job: Job) -> str:
    """ "<questionnaire title> 报告 <date>.pdf": Chinese kept (Werkzeug sends it RFC 5987-encoded,
    with an ASCII fallback), characters no file system takes replaced."""
    questionnaire = db.session.get(Questionnaire, job.params["questionnaire_id"])
    title = questionnaire.title if questionnaire else _("Report")
    if questionnaire is not None and questionnaire.wave > 1:
        title = f"{title} {_('Wave %(n)d', n=questionnaire.wave)}"
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    day = (job.finished_at or job.created_at).astimezone(zone).strftime("%Y-%m-%d")
    stem = UNSAFE_IN_NAMES.sub("_", f"{title} {_('Report')} {day}").strip(" .") or "report"
    return f"{stem[:150]}.{job.params['format']}"
