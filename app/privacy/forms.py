from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired

from app.forms import Form


class ExportForm(Form):
    submit = SubmitField(_l("Download everything (JSON)"))


class EraseForm(Form):
    """Erasure cannot be undone: the record's number is typed to confirm it."""

    confirmation = StringField(_l("Type the record's number to confirm"), [DataRequired()])
    submit = SubmitField(_l("Erase everything about this person"))
