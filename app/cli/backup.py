from pathlib import Path

import click
from flask.cli import AppGroup

from app import backup

backup_cli = AppGroup("backup", help="Back up and restore the database and instance files.")


@backup_cli.command("create")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def create_command(out: Path) -> None:
    """Write a consistent online backup to OUT (a tar archive with a checksum manifest)."""
    try:
        summary = backup.create(out)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(summary.counts.values())
    click.echo(
        f"wrote {out}: {summary.dialect} database ({rows} rows in {len(summary.counts)} tables) "
        f"and {summary.files} instance files"
    )


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(archive: Path, yes: bool) -> None:
    """Verify ARCHIVE whole, then replace the database and instance files by its contents."""
    if not yes:
        click.confirm("Replace this installation's database and files by the backup's?", abort=True)
    try:
        summary = backup.restore(archive)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(summary.counts.values())
    click.echo(f"restored {archive}: {rows} rows, {summary.files} files; row counts match")
