from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from app.forms import Form


class InvitationsForm(Form):
    count = IntegerField(
        _l("Number of invitation links"),
        default=50,
        validators=[InputRequired(), NumberRange(min=1, max=5000)],
    )
