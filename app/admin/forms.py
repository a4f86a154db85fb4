from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from app.accounts.services import MIN_PASSWORD_LENGTH
from app.forms import Form


class CreateUserForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[Length(max=100)])
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )
    is_admin = BooleanField(_l("Administrator"))
    submit = SubmitField(_l("Create user"))
