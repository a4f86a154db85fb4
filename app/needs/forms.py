from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FloatField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import Form
from app.needs.labels import KANO_LABELS, KIND_LABELS, STATUS_LABELS, TYPE_LABELS


def _choices(labels):
    return [
        SelectChoice(key.value if hasattr(key, "value") else key, v) for key, v in labels.items()
    ]


class NeedForm(Form):
    statement = TextAreaField(_l("Need"), validators=[DataRequired(), Length(max=2000)])
    type = SelectField(_l("Type"), choices=_choices(TYPE_LABELS))
    kind = SelectField(_l("Kind of need"), choices=_choices(KIND_LABELS))
    kano = SelectField(
        _l("Kano category (when no Kano question is linked)"), choices=_choices(KANO_LABELS)
    )
    owner_id = SelectField(_l("Owner"), coerce=int, choices=[])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    reach = FloatField(
        _l("Reach (people per quarter)"), validators=[Optional(), NumberRange(min=0)]
    )
    impact = FloatField(
        _l("Impact (0.25 minimal – 3 massive)"), validators=[Optional(), NumberRange(min=0, max=3)]
    )
    confidence = FloatField(
        _l("Confidence (%)"), validators=[Optional(), NumberRange(min=0, max=100)]
    )
    effort = FloatField(
        _l("Effort (person-months)"), validators=[Optional(), NumberRange(min=0.01)]
    )
    importance = SelectField(_l("Importance question (rating)"), choices=[], validate_choice=False)
    satisfaction = SelectField(
        _l("Satisfaction question (rating)"), choices=[], validate_choice=False
    )
    outcome = SelectField(
        _l("Metric that should move once done"), choices=[], validate_choice=False
    )
    segments = SelectMultipleField(_l("Segments affected"), choices=[])
    submit = SubmitField(_l("Save the need"))


class OverrideForm(Form):
    value = FloatField(_l("Priority set by the owner"), validators=[Optional()])
    reason = StringField(_l("Reason"), validators=[Length(max=500)])
    submit = SubmitField(_l("Override the priority"))


class CommentForm(Form):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Add the comment"))


class MoveForm(Form):
    status = SelectField(_l("Status"), choices=_choices(STATUS_LABELS))
    reason = StringField(_l("Reason (for a rejection)"), validators=[Length(max=500)])
    submit = SubmitField(_l("Move"))
