from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.questionnaires import services as questionnaires
from app.results.exports import response_csv
from app.results.table import chosen_versions

responses_cli = AppGroup("responses", help="Export responses.")


@responses_cli.command("export")
@click.argument("key")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The CSV file to write (UTF-8 with BOM).")  # fmt: skip
@click.option("--labels", is_flag=True,
              help="Add a second header row with question and option labels.")  # fmt: skip
@click.option("--cell-labels", is_flag=True,
              help="Write option labels in the cells instead of option values, for reading in "
                   "Excel (times in WENFANG_TIMEZONE).")  # fmt: skip
@click.option("--locale", default="zh_CN", show_default=True, help="Language of the labels.")
@click.option("--version", "version", type=click.IntRange(min=1), default=None,
              help="Only the responses to this version (a number); default: all versions, "
                   "matched by question id.")  # fmt: skip
def export_command(
    key: str, out: Path, labels: bool, cell_labels: bool, locale: str, version: int | None
) -> None:
    """Write the response table of a questionnaire (SLUG or numeric id) as CSV."""
    questionnaire = questionnaires.find_by_slug_or_id(key)
    if questionnaire is None:
        raise click.ClickException(f"no questionnaire with slug or id {key!r}")
    if questionnaire.latest_version is None:
        raise click.ClickException(f"questionnaire {key} has never been published")
    if version is not None and not chosen_versions(questionnaire, version):
        raise click.ClickException(f"questionnaire {key} has no version {version}")
    body, count = response_csv(
        questionnaire,
        version,
        label_row=labels,
        label_cells=cell_labels,
        locale=locale,
        zone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
    )
    out.write_bytes(body)
    click.echo(f"wrote {count} responses to {out}")
