from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from app.forms import Form


class ReceiptForm(Form):
    code = StringField(
        _l("Receipt code"),
        validators=[DataRequired(_l("Enter the receipt code of the end page.")), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                   "placeholder": "XXXX-XXXX-XXXX-XXXX"},
    )  # fmt: skip


class OwnResponseForm(Form):
    """A download or the deletion: the code travels again, in the body (never in a URL)."""

    code = HiddenField(validators=[DataRequired(), Length(max=40)])


class EraseForm(OwnResponseForm):
    confirm = BooleanField(
        _l("Yes, delete my answers for good"),
        validators=[InputRequired(_l("Tick the box to confirm the deletion."))],
    )
