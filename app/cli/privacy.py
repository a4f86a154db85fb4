import click
from flask.cli import AppGroup

from app import jobs, retention
from app.extensions import db
from app.models import Participant
from app.privacy import services
from app.webhooks import delivery

privacy_cli = AppGroup(
    "privacy", help="Personal information: the retention sweep, a participant's erasure."
)


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
    for field_done in retention.sweep_fields(dry_run=dry_run):
        click.echo(("would be: " if dry_run else "") + retention.describe_field(field_done))
    if not dry_run:
        click.echo(f"{jobs.forget_old_files()} old job files deleted (reports and exports)")
        click.echo(f"{delivery.prune_old_events()} old webhook events deleted (and their log)")


@privacy_cli.command("erase-participant")
@click.argument("participant_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_participant_command(participant_id: int, yes: bool) -> None:
    """Erase everything held about one directory record and the records merged into it
    (responses, interviews, invitations, cached tables, job files); audited without any of
    their data. Exit 1 when there is no such record."""
    participant = db.session.get(Participant, participant_id)
    if participant is None:
        raise click.ClickException(f"no participant {participant_id}")
    data = services.inventory(participant)
    summary = ", ".join(f"{count} {name}" for name, count in data.counts().items() if count)
    click.echo(f"participant {participant_id}: {summary}")
    if not yes:
        click.confirm("Erase all of it for good?", abort=True)
    services.erase(data, actor=None)
    click.echo(f"participant {participant_id} erased")


@privacy_cli.command("protect-answers")
def protect_answers_command() -> None:
    """Encrypt the answers to questions flagged personal or sensitive that are still stored
    in plain text (responses from before the flag or the upgrade); run once after upgrading."""
    from app.responses.protection import protect_stored

    click.echo(f"{protect_stored()} responses re-stored with their personal answers encrypted")
