from pathlib import Path

import click
from flask.cli import AppGroup

from app.database import SQL_INT_MAX
from app.extensions import db
from app.models import Study
from app.questionnaires import services

surveys_cli = AppGroup("surveys", help="Import and export questionnaires.")


@surveys_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--study", "study_id", type=click.IntRange(1, SQL_INT_MAX), required=True,
              help="Id of the study.")  # fmt: skip
@click.option("--publish", is_flag=True, help="Publish at once and print the public link.")
def import_command(file: Path, study_id: int, publish: bool) -> None:
    """Import a questionnaire (.json or XLSForm .xlsx / .xls) into a study."""
    study = db.session.get(Study, study_id)
    if study is None:
        raise click.ClickException(f"no study with id {study_id}")
    owner = study.created_by
    try:
        questionnaire, warnings = services.import_questionnaire(
            study, owner, file.name, file.read_bytes()
        )
    except services.ImportRefused as refusal:
        details = "".join(f"\n  {p.where()}: {p.message('en')}" for p in refusal.problems)
        raise click.ClickException(f"{file.name}: {refusal.code}{details}") from None
    for warning in warnings:
        click.echo(f"warning: {warning.where()}: {warning.message('en')}", err=True)
    click.echo(f"imported questionnaire {questionnaire.id}: {questionnaire.title}")
    if publish:
        try:
            services.publish(questionnaire, owner)
        except services.PublishRefused as refusal:
            details = "".join(f"\n  {p.where()}: {p.message('en')}" for p in refusal.problems)
            raise click.ClickException(f"not published:{details}") from None
        click.echo(f"/s/{questionnaire.slug}")


@surveys_cli.command("export")
@click.argument("key")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output file: .json or .xlsx (XLSForm).")  # fmt: skip
@click.option("--version", "number", type=click.IntRange(1, SQL_INT_MAX),
              help="A published version (default: the draft).")  # fmt: skip
def export_command(key: str, out: Path, number: int | None) -> None:
    """Export a questionnaire (SLUG or numeric id) as JSON or XLSForm."""
    questionnaire = services.find_by_slug_or_id(key)
    if questionnaire is None:
        raise click.ClickException(f"no questionnaire with slug or id {key!r}")
    if number is None:
        definition = questionnaire.draft
    else:
        version = services.version_number(questionnaire, number)
        if version is None:
            raise click.ClickException(f"questionnaire {key} has no version {number}")
        definition = version.definition
    if out.suffix.lower() == ".json":
        out.write_text(services.definition_json(definition), encoding="utf-8")
    elif out.suffix.lower() == ".xlsx":
        out.write_bytes(services.export_xlsx(definition))
    else:
        raise click.ClickException("--out must end in .json or .xlsx")
    click.echo(f"wrote {out}")
