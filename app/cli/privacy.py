import click
from flask.cli import AppGroup

from app import jobs, retention
from app.webhooks import delivery

privacy_cli = AppGroup("privacy", help="Personal information: the retention sweep.")


@privacy_cli.command("sweep")
@click.option("--dry-run", is_flag=True, help="Say what would be done; change nothing.")
def sweep_command(dry_run: bool) -> None:
    """Anonymise or delete what is past each study's retention period, and delete old job
    files and delivered webhook events (run it daily from cron; job workers also run it daily)."""
    swept = retention.sweep(dry_run=dry_run)
    for done in swept:
        click.echo(("would be: " if dry_run else "") + retention.describe(done))
    if not swept:
        click.echo("no study has a retention period")
    if not dry_run:
        click.echo(f"{jobs.forget_old_files()} old job files deleted (reports and exports)")
        click.echo(f"{delivery.prune_old_events()} old webhook events deleted (and their log)")
