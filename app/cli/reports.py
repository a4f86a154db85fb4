import shutil
from pathlib import Path

import click
from flask.cli import AppGroup

from analysis.findings.query import Query
from app.extensions import db
from app.findings.reports import FORMATS, submit_report
from app.findings.services import published_series
from app.jobs import result_file
from app.models import JobStatus, Study

reports_cli = AppGroup("reports", help="Findings reports (PDF, XLSX).")


@reports_cli.command("export")
@click.option("--study", "study_id", type=int, required=True, help="The study's numeric id.")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write.")  # fmt: skip
@click.option("--wave", type=click.IntRange(min=1), default=None,
              help="Which wave of the questionnaire; default: its latest.")  # fmt: skip
@click.option("--questionnaire", "questionnaire_id", type=int, default=None,
              help="Which questionnaire (any wave of its series) when the study has several; "
                   "default: the first.")  # fmt: skip
@click.option("--exclude-flagged", is_flag=True,
              help="Leave out the responses the quality checks flag.")  # fmt: skip
@click.option("--weighted", is_flag=True, help="Apply the saved weighting scheme.")
@click.option("--locale", default="zh_CN", show_default=True, help="Language of the report.")
def export_command(study_id: int, fmt: str, out: Path, wave: int | None,
                   questionnaire_id: int | None, exclude_flagged: bool, weighted: bool,
                   locale: str) -> None:  # fmt: skip
    """Write a questionnaire's findings report (all complete responses) as PDF or XLSX,
    through the same job as the web page's button."""
    study = db.session.get(Study, study_id)
    if study is None:
        raise click.ClickException(f"no study with id {study_id}")
    series = published_series(study)
    if questionnaire_id is not None:
        series = [s for s in series if any(q.id == questionnaire_id for q in s)]
    if not series:
        raise click.ClickException(f"study {study_id} has no such published questionnaire")
    waves = series[0]
    chosen = waves[-1] if wave is None else next((q for q in waves if q.wave == wave), None)
    if chosen is None:
        raise click.ClickException(f"{waves[0].title!r} has no wave {wave}")
    query = Query.of(exclude_flagged=exclude_flagged, weighted=weighted)
    job = submit_report(chosen, query, fmt, actor=None, locale=locale, inline=True)
    path = result_file(job)
    if job.status is not JobStatus.DONE or path is None:
        raise click.ClickException(f"the report could not be built: {job.error}")
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, out)
    click.echo(f"wrote the {fmt} report of {chosen.title!r} (wave {chosen.wave}) to {out}")
