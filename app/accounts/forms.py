from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app.accounts import services
from app.accounts.services import MIN_PASSWORD_LENGTH
from app.forms import Form

ERROR_MESSAGES = {
    "invalid_email": _l("Enter a valid email address, such as wang.fang@example.cn."),
    "email_taken": _l("An account with this email already exists."),
    "password_too_short": _l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
    "password_too_weak": _l(
        "This password is too easy to guess. Avoid repeated characters, sequences such as "
        "abc or 123, common passwords and your email; a few unrelated words work well."
    ),
    "wrong_password": _l("The current password is not correct."),
    "cannot_deactivate_self": _l("You cannot deactivate your own account."),
}


def error_message(error: services.AccountError) -> str:
    """The message in the user's language for an account rule that was broken."""
    if str(error) == "account_locked":
        return _(
            "Too many failed sign-ins for this account. Try again in %(minutes)d minutes.",
            minutes=services.lockout_minutes(),
        )
    return str(ERROR_MESSAGES[str(error)])


def show_error(form: Form, error: services.AccountError, field: str | None = None) -> None:
    """Put the message of *error* beside *field* (default: the field the error names)."""
    form[field or error.field].errors.append(error_message(error))


class AccountEmail:
    """The one email rule of accounts (`services.check_email`) as a form validator."""

    def __call__(self, form, field):
        try:
            services.check_email(field.data or "")
        except services.AccountError as error:
            raise ValidationError(error_message(error)) from None


def email_field() -> EmailField:
    return EmailField(_l("Email"), validators=[DataRequired(), Length(max=254), AccountEmail()])


def new_password_fields(label) -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField(label, validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]),
        PasswordField(
            _l("Repeat the new password"),
            validators=[
                DataRequired(),
                EqualTo("new_password", message=_l("Passwords do not match.")),
            ],
        ),
    )


class LoginForm(Form):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password, confirm = new_password_fields(_l("New password"))
    submit = SubmitField(_l("Change password"))


class SetPasswordForm(Form):
    new_password, confirm = new_password_fields(_l("Choose a password"))
    submit = SubmitField(_l("Set password"))
