from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import Form

METHOD_LABELS = {
    "keyword": _l("Any of these words"),
    "phrase": _l("This phrase"),
    "regex": _l("Pattern (regular expression)"),
    "similar": _l("Answers like this one (response number)"),
}


class BulkCodeForm(Form):
    """The code for the ticked rows (`response_id`, read by the view from the form)."""

    code_id = SelectField(_l("Code"), coerce=int, choices=[], validators=[InputRequired()])
    apply = SubmitField(_l("Apply to the ticked answers"))
    remove = SubmitField(_l("Remove from the ticked answers"))


class AutocodeForm(Form):
    method = SelectField(
        _l("Pick answers by"),
        choices=[SelectChoice(k, v) for k, v in METHOD_LABELS.items()],
        default="keyword",
    )
    rule = StringField(_l("Rule"), validators=[DataRequired(), Length(max=500)])
    code_id = SelectField(_l("Code"), coerce=int, choices=[], validators=[InputRequired()])
    step = HiddenField(default="preview")
    submit = SubmitField(_l("Preview"))


class ThemeCodeForm(Form):
    """Theme `theme` as a code; with `merge_with` the union of two themes, with `part` one of
    the two themes its split gives."""

    theme = IntegerField(validators=[InputRequired()])
    merge_with = IntegerField(validators=[Optional()])
    part = IntegerField(validators=[Optional()])
    name = StringField(_l("Code name"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Turn into a code"))


class StarForm(Form):
    """Star one quote: an answer (response and question) or a highlight; the text is read
    again from the database, never from the form."""

    source = HiddenField(validators=[DataRequired()])
    response_id = HiddenField()
    question_id = HiddenField(validators=[Length(max=100)])
    highlight_id = HiddenField()
    key = HiddenField(validators=[Length(max=160)])
