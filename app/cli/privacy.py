import click
from flask.cli import AppGroup

from app import jobs, key_rotation, retention, retention_answers
from app.extensions import db
from app.models import Participant
from app.privacy import services
from app.webhooks import delivery

privacy_cli = AppGroup(
    "privacy",
    help="Personal information: the retention sweep, a participant's erasure, key rotation.",
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
    for answers_done in retention_answers.sweep_answers(dry_run=dry_run):
        prefix = "would be: " if dry_run else ""
        click.echo(prefix + retention_answers.describe_answers(answers_done))
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


@privacy_cli.command("rotate-key")
@click.option(
    "--finish",
    is_flag=True,
    help="Re-encrypt everything under the first key of the ring and drop the others (the "
    "second step with WENFANG_DATA_KEYS; with instance/data_keys, completes a rotation that "
    "was interrupted).",
)
@click.option("--dry-run", is_flag=True, help="Count the values per column; change nothing.")
@click.option(
    "--batch-size",
    type=click.IntRange(1),
    default=key_rotation.BATCH_SIZE,
    show_default=True,
    help="Rows re-encrypted per transaction.",
)
def rotate_key_command(finish: bool, dry_run: bool, batch_size: int) -> None:
    """Re-encrypt all personal information under a new data key, then drop the old keys.

    Every column of type EncryptedText, in every table, is re-encrypted, a batch of rows
    per transaction. Afterwards old ciphertext (a copy of a row, an old backup) no longer
    opens with the ring: keep the old key as long as you keep backups made before.

    Keys in instance/data_keys (WENFANG_DATA_KEYS unset): one run does it all. The new key
    is written first in the file, before the old ones; every value is re-encrypted; then the
    file is rewritten with the new key only. Interrupted, the file still holds both keys and
    every value opens: run the command again, or with --finish.

    Keys in WENFANG_DATA_KEYS: two steps. 1) rotate-key prints a new ring (a new key, then
    the old ones) and changes nothing: set it as WENFANG_DATA_KEYS for every process (web,
    job workers, cron) and restart them. 2) rotate-key --finish re-encrypts every value under
    the first key and prints the one-key value: set that and restart, and the old key no
    longer opens anything. Until then, both keys stay in force.

    Blind indexes (the keyed hashes of phone numbers, e-mail addresses and WeChat IDs that
    find duplicates) are keyed from SECRET_KEY, not from the data key: a rotation leaves them
    unchanged and they stay valid.

    Back up the key separately from the database: with WENFANG_DATA_KEYS the backup archive
    does not hold it, and without the key a restored database cannot be read.
    """
    source = key_rotation.key_source()
    where = "WENFANG_DATA_KEYS" if source == key_rotation.ENVIRONMENT else "instance/data_keys"
    try:
        if dry_run:
            counts = key_rotation.count_values()
            for name, count in counts.items():
                click.echo(f"{name}: {count} values")
            step = "re-encrypt" if finish or source == key_rotation.FILE else "later re-encrypt"
            click.echo(
                f"keys from {where}; would {step} {sum(counts.values())} values "
                f"in {len(counts)} columns"
            )
            return
        if source == key_rotation.ENVIRONMENT and not finish:
            ring = key_rotation.begin_environment_rotation()
            click.echo("Nothing was changed yet. Set, for every process, and restart them:")
            click.echo(f"WENFANG_DATA_KEYS={','.join(ring)}")
            click.echo("then run: flask --app wsgi privacy rotate-key --finish")
            return
        if finish:
            rotation = key_rotation.finish(batch_size=batch_size)
        else:
            rotation = key_rotation.rotate_file_keys(batch_size=batch_size)
    except key_rotation.RotationError as error:
        raise click.ClickException(str(error)) from error
    for name, count in rotation.reencrypted.items():
        click.echo(f"{name}: {count} values re-encrypted")
    click.echo(f"{rotation.total} values re-encrypted under the new key")
    if source == key_rotation.FILE:
        click.echo("instance/data_keys now holds the new key only")
    else:
        click.echo("Now set, for every process, and restart them (the old key is then dropped):")
        click.echo(f"WENFANG_DATA_KEYS={','.join(rotation.keys)}")


@privacy_cli.command("protect-answers")
def protect_answers_command() -> None:
    """Encrypt the answers to questions flagged personal or sensitive that are still stored
    in plain text (responses from before the flag or the upgrade); run once after upgrading."""
    from app.responses.protection import protect_stored

    click.echo(f"{protect_stored()} responses re-stored with their personal answers encrypted")
