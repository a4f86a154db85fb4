from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional

from app.database import SQL_INT_MAX
from app.forms import Form

STATUS_CHOICES = [
    SelectChoice("complete", _l("Complete")),
    SelectChoice("partial", _l("In progress")),
    SelectChoice("flagged", _l("Flagged by quality checks")),
    SelectChoice("all", _l("All")),
]


class ResponseFilterForm(Form):
    """Filters of the responses page; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="complete")
    version = IntegerField(
        _l("Version"), validators=[Optional(), NumberRange(min=1, max=SQL_INT_MAX)]
    )
    submitted_from = DateField(_l("Submitted from"), validators=[Optional()])
    submitted_until = DateField(_l("Submitted until"), validators=[Optional()])
