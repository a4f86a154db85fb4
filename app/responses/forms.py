from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from app.forms import Form


class InvitationsForm(Form):
    count = IntegerField(
        _l("Number of invitation links"),
        default=50,
        validators=[InputRequired(), NumberRange(min=1, max=5000)],
    )


TOOL_NAMES = {
    "wjx": _l("Wenjuanxing (wjx.cn)"),
    "tencent": _l("Tencent Questionnaire (wj.qq.com)"),
    "qualtrics": _l("Qualtrics"),
    "kobo": _l("KoboToolbox"),
    "surveymonkey": _l("SurveyMonkey"),
    "wenfang": _l("Wenfang export"),
    "csv": _l("Other table (columns chosen by hand)"),
}


def _tool_choices(first):
    return [("", first), *TOOL_NAMES.items()]


class ResponseImportForm(Form):
    file = FileField(
        _l("Export file (.csv or .xlsx)"),
        validators=[
            FileRequired(),
            FileAllowed(["csv", "xlsx"], _l("Choose a .csv or .xlsx file.")),
        ],
    )
    tool = SelectField(_l("Exported from"), choices=[], default="")
    submit = SubmitField(_l("Upload and check"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tool.choices = _tool_choices(_l("Recognise from the file"))


class ImportMappingForm(Form):
    """The dry run's form: the layout and, per column, its target (`map-<index>` fields,
    read by `mapping_from`); *check* runs the dry run again, *confirm* imports."""

    tool = SelectField(_l("Exported from"), choices=[], default="")
    check = SubmitField(_l("Check again"))
    confirm = SubmitField(_l("Import these responses"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tool.choices = _tool_choices(_l("Recognise from the file"))


def mapping_from(form_data, column_indexes) -> dict[int, str]:
    """{column index: target} from the `map-<index>` fields ("" leaves a column out)."""
    mapping = {}
    for index in column_indexes:
        target = (form_data.get(f"map-{index}") or "").strip()
        if target:
            mapping[index] = target[:200]
    return mapping
