from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SubmitField,
)
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


FORMAT_CHOICES = [
    SelectChoice("xlsx", _l("Excel workbook (.xlsx) with a codebook sheet")),
    SelectChoice("sav", _l("SPSS (.sav, multiple-response syntax and dictionary, in a .zip)")),
    SelectChoice("csv", _l("CSV (UTF-8)")),
]
CELL_CHOICES = [
    SelectChoice("values", _l("Option values (for analysis)")),
    SelectChoice("labels", _l("Option text (for reading)")),
]


class ExportForm(Form):
    """The export page: a format and which responses. Segment values come as `seg.<id>`
    checkboxes beside it (`app.findings.query_args`)."""

    format = SelectField(_l("Format"), choices=FORMAT_CHOICES, default="xlsx")
    cells = SelectField(
        _l("Cells"),
        choices=CELL_CHOICES,
        default="values",
        description=_l("SPSS files always hold numeric codes with the option text as labels."),
    )
    label_row = BooleanField(_l("A second header row with the question text"))
    wave = SelectField(_l("Wave"), choices=[], validate_choice=True)
    version = IntegerField(
        _l("Version"),
        validators=[Optional(), NumberRange(min=1, max=SQL_INT_MAX)],
        description=_l("Empty: every version, matched by question id."),
    )
    submitted_from = DateField(_l("Submitted from"), validators=[Optional()])
    submitted_until = DateField(_l("Submitted until"), validators=[Optional()])
    include_partial = BooleanField(
        _l("Include unfinished responses"),
        description=_l("They have no submission time, so a date range leaves them out."),
    )
    exclude_flagged = BooleanField(_l("Leave out the responses the quality checks flag"))
    reveal_personal = BooleanField(
        _l("Show personal information (recorded in the audit log; otherwise masked)")
    )
    # Choices: "" and the segments of the study's directory the user may use (set by the view).
    participant_segment = SelectField(
        _l("Only the responses of a directory segment"),
        choices=[],
        default="",
        validate_choice=True,
    )
    submit = SubmitField(_l("Export"))
