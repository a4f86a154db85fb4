import click
from flask import current_app
from flask.cli import AppGroup

from app.demo import seed_demo

demo = AppGroup("demo", help="The demo account and study.")


@demo.command("seed")
def seed() -> None:
    """Create the demo account and study once; print the demo login every time."""
    login = seed_demo(current_app.instance_path, current_app.config["SECRET_KEY"])
    click.echo("")
    click.echo("  问访 Wenfang demo — 演示账号")
    click.echo(f"  email / 邮箱:    {login.email}")
    if login.password:
        click.echo(f"  password / 密码: {login.password}")
    else:
        click.echo(
            "  password / 密码: (instance/demo-login.txt was removed; set a new one with "
            "`flask --app wsgi users create` for another account)"
        )
    click.echo("")
