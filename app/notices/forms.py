from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.forms import Form


class NoticeForm(Form):
    """The texts of a study's consent notice; saving changed texts adds a version."""

    purpose = TextAreaField(
        _l("Purpose of the study"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("Shown to respondents before they start, with the retention period."),
    )
    data_collected = TextAreaField(_l("What is collected"), validators=[Length(max=5000)])
    who_sees = TextAreaField(_l("Who sees the answers"), validators=[Length(max=5000)])
    sensitive_use = TextAreaField(
        _l("Why sensitive questions are asked"),
        validators=[Length(max=5000)],
        description=_l(
            "Shown in the separate consent to questions marked sensitive (identity numbers,"
            " finance, health, precise location)."
        ),
    )
    submit = SubmitField(_l("Save as a new version"))
