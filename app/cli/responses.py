from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.questionnaires import services as questionnaires
from app.results.export_jobs import ExportSpec, write_export
from app.results.export_table import ExportFilterError, ExportFilters, wave_of
from app.results.table import chosen_versions

responses_cli = AppGroup("responses", help="Export responses.")


def _segments(pairs: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    segments: dict[str, list[str]] = {}
    for pair in pairs:
        qid, sep, value = pair.partition("=")
        if not sep or not qid or not value:
            raise click.BadParameter(f"{pair!r} is not QUESTION=VALUE", param_hint="--segment")
        segments.setdefault(qid, []).append(value)
    return {qid: tuple(values) for qid, values in segments.items()}


@responses_cli.command("export")
@click.argument("key")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write. With --format sav: a .zip of data.sav, mrsets.sps and "
                   "dictionary.csv, or a .sav with FILE.sps and FILE.dictionary.csv beside "
                   "it.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "sav"]), default="csv",
              show_default=True,
              help="CSV (UTF-8 with BOM), XLSX (with a codebook sheet) or SPSS.")  # fmt: skip
@click.option("--labels", is_flag=True,
              help="Add a second header row with question and option labels "
                   "(CSV, XLSX).")  # fmt: skip
@click.option("--cell-labels", is_flag=True,
              help="Write option labels in the cells instead of option values, for reading in "
                   "Excel (times in WENFANG_TIMEZONE; CSV, XLSX).")  # fmt: skip
@click.option("--locale", default="zh_CN", show_default=True, help="Language of the labels.")
@click.option("--version", "version", type=click.IntRange(min=1), default=None,
              help="Only the responses to this version (a number); default: all versions, "
                   "matched by question id.")  # fmt: skip
@click.option("--wave", type=click.IntRange(min=1), default=None,
              help="That wave of KEY's series instead of KEY itself.")  # fmt: skip
@click.option("--from", "submitted_from", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only responses submitted on or after this day (WENFANG_TIMEZONE).")  # fmt: skip
@click.option("--until", "submitted_until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only responses submitted on or before this day.")  # fmt: skip
@click.option("--segment", "segments", multiple=True, metavar="QUESTION=VALUE",
              help="Only respondents whose answer to QUESTION is VALUE (an option value); "
                   "repeat for several values or questions.")  # fmt: skip
@click.option("--include-partial", is_flag=True,
              help="Add the unfinished responses, with a status column (complete only by "
                   "default).")  # fmt: skip
@click.option("--exclude-flagged", is_flag=True,
              help="Leave out the responses the quality checks flag.")  # fmt: skip
def export_command(key: str, out: Path, fmt: str, labels: bool, cell_labels: bool, locale: str,
                   version: int | None, wave: int | None, submitted_from, submitted_until,
                   segments: tuple[str, ...], include_partial: bool,
                   exclude_flagged: bool) -> None:  # fmt: skip
    """Write the response table of a questionnaire (SLUG or numeric id) as CSV, XLSX or SPSS."""
    questionnaire = questionnaires.find_by_slug_or_id(key)
    if questionnaire is None:
        raise click.ClickException(f"no questionnaire with slug or id {key!r}")
    if questionnaire.latest_version is None:
        raise click.ClickException(f"questionnaire {key} has never been published")
    chosen = wave_of(questionnaire, wave)
    if chosen is None:
        raise click.ClickException(f"questionnaire {key} has no published wave {wave}")
    if version is not None and not chosen_versions(chosen, version):
        raise click.ClickException(f"questionnaire {key} has no version {version}")
    spec = ExportSpec(
        format=fmt,
        label_cells=cell_labels,
        label_row=labels,
        filters=ExportFilters(
            version=version,
            include_partial=include_partial,
            submitted_from=submitted_from.date() if submitted_from else None,
            submitted_until=submitted_until.date() if submitted_until else None,
            segments=_segments(segments),
            exclude_flagged=exclude_flagged,
        ),
    )
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    try:
        with force_locale(locale):  # the labels, and the words of the dictionary
            count, written = write_export(chosen, spec, out, locale=locale, zone=zone)
    except ExportFilterError as error:
        raise click.ClickException(f"questionnaire {key}: {error}") from error
    click.echo(f"wrote {count} responses to {', '.join(map(str, written))}")
