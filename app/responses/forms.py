from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange


class InvitationsForm(FlaskForm):
    count = IntegerField(
        _l("Number of invitation links"),
        default=50,
        validators=[InputRequired(), NumberRange(min=1, max=5000)],
    )
