"""Command-line groups, by noun: `flask --app wsgi users …`, `… demo …`, `… backup …`…, and
`flask --app wsgi worker`, which runs the background jobs (and sends webhooks; without a
worker, `… webhooks deliver` does).

Every command of these groups that meets personal data the configured keys do not open says
so in one line and exits 1 (a click error), instead of a traceback."""

import functools

import click
from flask import Flask


def init_app(app: Flask) -> None:
    from app.cli.backup import backup_cli
    from app.cli.demo import demo
    from app.cli.interviews import interviews_cli
    from app.cli.privacy import privacy_cli
    from app.cli.reports import reports_cli
    from app.cli.responses import responses_cli
    from app.cli.surveys import surveys_cli
    from app.cli.users import users
    from app.cli.webhooks import webhooks_cli
    from app.cli.worker import worker_command

    for command in (
        users,
        demo,
        surveys_cli,
        interviews_cli,
        responses_cli,
        reports_cli,
        backup_cli,
        privacy_cli,
        worker_command,
        webhooks_cli,
    ):
        _guard_data_keys(command)
        app.cli.add_command(command)


def _guard_data_keys(command: click.Command) -> None:
    """Turn a personal-data key error in *command* (or the commands of a group) into a
    one-line message and exit status 1. Idempotent: the commands are module objects, and
    each app made (in tests, many) passes them here again."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _guard_data_keys(sub)
        return
    callback = command.callback
    if callback is None or getattr(callback, "guards_data_keys", False):
        return
    from app.errors import data_key_error

    @functools.wraps(callback)
    def guarded(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except Exception as error:
            key_error = data_key_error(error)
            if key_error is None:
                raise
            raise click.ClickException(str(key_error)) from error

    guarded.guards_data_keys = True  # type: ignore[attr-defined]
    command.callback = guarded
