from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import Length, Optional

from app.accounts.forms import email_field
from app.accounts.services import MIN_PASSWORD_LENGTH
from app.forms import Form


class CreateUserForm(Form):
    email = email_field()
    display_name = StringField(_l("Name"), validators=[Length(max=100)])
    password = PasswordField(
        _l("Initial password"),
        description=_l("Leave empty to get a one-time link with which they choose their own."),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )
    is_admin = BooleanField(_l("Administrator"))
    submit = SubmitField(_l("Create user"))
