from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SubmitField
from wtforms.validators import DataRequired, NumberRange

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
