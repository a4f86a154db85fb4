from pathlib import Path

import click
from flask.cli import AppGroup

from analysis.qda import QdaError
from app.database import SQL_INT_MAX
from app.extensions import db
from app.interviews import exchange, project_import
from app.models import Study

interviews_cli = AppGroup("interviews", help="Import and export interview projects (REFI-QDA).")


def _study(study_id: int) -> Study:
    study = db.session.get(Study, study_id)
    if study is None:
        raise click.ClickException(f"no study with id {study_id}")
    return study


@interviews_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--study", "study_id", type=click.IntRange(1, SQL_INT_MAX), required=True,
              help="Id of the study.")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="List what would come in; write nothing.")
def import_command(file: Path, study_id: int, dry_run: bool) -> None:
    """Import a REFI-QDA project (.qdpx): sources, codes, codings, memos, cases, attributes.

    Everything that cannot come in is printed as a warning; all of it is written in one
    transaction, as the study's creator, or nothing."""
    study = _study(study_id)
    try:
        if dry_run:
            preview, _plan = project_import.preview_project(study, file.read_bytes())
        else:
            preview = project_import.import_project(study, study.created_by, file.read_bytes())
    except QdaError as error:
        raise click.ClickException(f"{file.name}: {error}") from None
    for warning in preview.warnings:
        detail = f" ({warning.detail})" if warning.detail else ""
        click.echo(
            f"warning: {warning.code.value}: {warning.name}{detail} ×{warning.count}", err=True
        )
    verb = "would import" if dry_run else "imported"
    click.echo(
        f"{verb} {preview.sources} transcripts, {preview.new_codes} new codes "
        f"({preview.matched_codes} already there), {preview.codings} codings, "
        f"{preview.memos} memos, {len(preview.project.notes)} notes"
    )


@interviews_cli.command("export")
@click.option("--study", "study_id", type=click.IntRange(1, SQL_INT_MAX), required=True,
              help="Id of the study.")  # fmt: skip
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output file (.qdpx).")  # fmt: skip
@click.option("--deidentified", is_flag=True, help="Mask phones, ID numbers, emails, names.")
def export_command(study_id: int, out: Path, deidentified: bool) -> None:
    """Export a study's interviews as a REFI-QDA project (.qdpx)."""
    try:
        data = exchange.project_qdpx(_study(study_id), deidentified=deidentified)
    except QdaError as error:
        raise click.ClickException(str(error)) from None
    out.write_bytes(data)
    click.echo(f"wrote {out}")
