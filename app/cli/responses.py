from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app.questionnaires import services as questionnaires
from app.responses import importing
from app.results.export_jobs import ExportSpec, write_export
from app.results.export_table import ExportFilterError, ExportFilters, wave_of
from app.results.table import chosen_versions
from surveys.imports import MAX_BYTES, TOOLS

responses_cli = AppGroup("responses", help="Export and import responses.")


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


def _mapping(pairs: tuple[str, ...], preview: importing.ImportPreview) -> dict[int, str]:
    """{column index: target} from COLUMN=TARGET pairs; COLUMN is a header or #N (1-based)."""
    by_header = {c.header: c.index for c in preview.table.columns}
    by_header.update({c.name: c.index for c in preview.table.columns if c.name})
    mapping: dict[int, str] = {}
    for pair in pairs:
        column, sep, target = pair.rpartition("=")
        if not sep or not column or not target:
            raise click.BadParameter(f"{pair!r} is not COLUMN=TARGET", param_hint="--map")
        if column.startswith("#") and column[1:].isdigit():
            index = int(column[1:]) - 1
        elif column in by_header:
            index = by_header[column]
        else:
            raise click.BadParameter(f"no column {column!r} in the file", param_hint="--map")
        mapping[index] = target
    return mapping


@responses_cli.command("import")
@click.argument("key")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True,
              help="Check every row and list what does not fit; store nothing.")  # fmt: skip
@click.option("--tool", type=click.Choice(TOOLS), default=None,
              help="The layout of FILE (default: recognised from its header rows).")  # fmt: skip
@click.option("--map", "pairs", multiple=True, metavar="COLUMN=TARGET",
              help="Match the column headed COLUMN (or #N, its position) to TARGET, a column "
                   "of the response table (q1, q3/opt, q5/row, q1/other_text, submitted_at…); "
                   "repeat. Replaces the automatic matching.")  # fmt: skip
@click.option("--locale", default="zh_CN", show_default=True, help="Language of the messages.")
def import_command(key: str, file: Path, dry_run: bool, tool: str | None,
                   pairs: tuple[str, ...], locale: str) -> None:  # fmt: skip
    """Import responses into a questionnaire (SLUG or numeric id) from a CSV or XLSX export of
    问卷星, 腾讯问卷, Qualtrics, KoboToolbox, SurveyMonkey or Wenfang, all rows or none."""
    questionnaire = questionnaires.find_by_slug_or_id(key)
    if questionnaire is None:
        raise click.ClickException(f"no questionnaire with slug or id {key!r}")
    if questionnaire.latest_version is None:
        raise click.ClickException(f"questionnaire {key} has never been published")
    if file.stat().st_size > MAX_BYTES:
        raise click.ClickException(f"{file} is larger than {MAX_BYTES // 1024 // 1024} MB")
    data = file.read_bytes()
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    options = {"tool": tool, "zone": zone, "locale": locale}
    try:
        checked = importing.preview(questionnaire, file.name, data, **options)
        mapping = _mapping(pairs, checked) if pairs else None
        if mapping is not None:
            checked = importing.preview(questionnaire, file.name, data, mapping=mapping, **options)
    except importing.ImportRefused as refused:
        raise click.ClickException(_refusal(refused, locale)) from None
    _echo_preview(checked, locale)
    if checked.refusal is not None or checked.plan is None or not checked.plan.ok:
        raise click.ClickException("nothing imported: the file does not fit (see above)")
    if dry_run:
        click.echo(f"dry run: {len(checked.new_rows)} responses would be imported")
        return
    try:
        done = importing.import_responses(
            questionnaire, file.name, data, actor=None, mapping=mapping, **options
        )
    except importing.ImportRefused as refused:
        raise click.ClickException(_refusal(refused, locale)) from None
    click.echo(f"imported {done.stored} responses ({done.skipped} imported before, skipped)")


def _refusal(refused: importing.ImportRefused, locale: str) -> str:
    if refused.refusal is not None:
        return f"nothing imported: {refused.refusal.message(locale)}"
    return "nothing imported: the file does not fit"


def _echo_preview(checked: importing.ImportPreview, locale: str) -> None:
    click.echo(f"layout: {checked.tool}")
    headers = {c.index: c.header for c in checked.table.columns}
    for index, header in headers.items():
        click.echo(f"  {header} -> {checked.mapping.get(index, '(ignored)')}")
    if checked.refusal is not None:
        click.echo(checked.refusal.message(locale), err=True)
        return
    if checked.plan is None:  # no refusal means a plan; never seen
        raise click.ClickException("the file was neither refused nor planned")
    for problem in checked.plan.problems:
        where = f"row {problem.row}" + (f", {problem.column}" if problem.column else "")
        click.echo(f"{where}: {problem.message(locale)}", err=True)
    if checked.already_imported:
        click.echo(f"{len(checked.already_imported)} rows were imported before and are skipped")
