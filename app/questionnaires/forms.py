from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class NewQuestionnaireForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    template = SelectField(_l("Start from"), choices=[])
    submit = SubmitField(_l("Create questionnaire"))

    def __init__(self, templates, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.template.choices = [SelectChoice("", _l("A blank questionnaire"))] + [
            SelectChoice(t.id, t.title) for t in templates
        ]


class ImportForm(FlaskForm):
    file = FileField(
        _l("Questionnaire file (.json or XLSForm .xlsx)"),
        validators=[
            FileRequired(),
            FileAllowed(["json", "xlsx"], _l("Choose a .json or .xlsx file.")),
        ],
    )
    submit = SubmitField(_l("Import"))
