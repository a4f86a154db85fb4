import click
from flask.cli import AppGroup

from app import jobs, retention

privacy_cli = AppGroup("privacy", help="Personal information: the retention sweep.")


@privacy_cli.command("sweep")
@click.option("--dry-run", is_flag=True, help="Say what would be done; change nothing.")
def sweep_command(dry_run: bool) -> None:
    """Anonymise or delete what is past each study's retention period (run it daily from
    cron; job workers also run it daily)."""
    swept = retention.sweep(dry_run=dry_run)
    for done in swept:
        click.echo(("would be: " if dry_run else "") + retention.describe(done))
    if not swept:
        click.echo("no study has a retention period")
    if not dry_run:
        click.echo(f"{jobs.forget_old_files()} old job files deleted (reports and exports)")
