"""Command-line groups, by noun: `flask --app wsgi users …`, `… demo …`, `… backup …`…, and
`flask --app wsgi worker`, which runs the background jobs (and sends webhooks; without a
worker, `… webhooks deliver` does)."""

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

    app.cli.add_command(users)
    app.cli.add_command(demo)
    app.cli.add_command(surveys_cli)
    app.cli.add_command(interviews_cli)
    app.cli.add_command(responses_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(webhooks_cli)
