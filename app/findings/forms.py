from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import CheckboxListField, Form


class DashboardSettingsForm(Form):
    """The key metrics of one questionnaire's dashboard and the study's minimum n. Metric
    choices are "kind:question" strings the view fills in from `metric_candidates`."""

    metrics = CheckboxListField(_l("Key metrics"), choices=[])
    min_n = IntegerField(
        _l("Minimum n"),
        validators=[DataRequired(), NumberRange(min=1, max=100000)],
        description=_l("A figure resting on fewer responses is shown greyed, with the reason."),
    )
    submit = SubmitField(_l("Save"))


class ShareForm(Form):
    label = StringField(
        _l("Name (for you)"),
        validators=[Optional(), Length(max=200)],
        description=_l("Who the link is for, e.g. 产品周会."),
    )
    expires = SelectField(
        _l("Expires after"),
        choices=[
            SelectChoice("7", _l("7 days")),
            SelectChoice("30", _l("30 days")),
            SelectChoice("90", _l("90 days")),
            SelectChoice("never", _l("Never")),
        ],
        default="30",
    )
    include_quotes = BooleanField(_l("Include de-identified quotes from the open answers"))
    submit = SubmitField(_l("Make a share link"))


class ReportForm(Form):
    """The format of a findings report; its query travels in the form's action URL."""

    format = SelectField(
        _l("Format"),
        choices=[SelectChoice("pdf", "PDF"), SelectChoice("xlsx", "Excel (XLSX)")],
        validators=[DataRequired()],
    )
