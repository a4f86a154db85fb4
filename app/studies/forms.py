from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.accounts.forms import email_field
from app.forms import CheckboxListField, Form
from app.models import Role

METHOD_LABELS = {
    "questionnaire": _l("Questionnaire"),
    "interview": _l("In-depth interview"),
    "focus_group": _l("Focus group"),
    "observation": _l("Observation"),
    "user_test": _l("User test"),
}

ROLE_LABELS = {
    Role.OWNER: _l("Owner"),
    Role.RESEARCHER: _l("Researcher"),
    Role.VIEWER: _l("Viewer"),
    Role.PRODUCT_MANAGER: _l("Product manager"),
}


class StudyForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    goal = TextAreaField(
        _l("Research goal"),
        validators=[Length(max=5000)],
        description=_l("What decision will this study inform?"),
    )
    audience = TextAreaField(
        _l("Audience"),
        validators=[Length(max=5000)],
        description=_l("Who do you want to hear from?"),
    )
    sample_plan = TextAreaField(
        _l("Sample plan"),
        validators=[Length(max=5000)],
        description=_l("How many people, which segments, how you will reach them."),
    )
    methods = CheckboxListField(
        _l("Methods"),
        choices=[SelectChoice(key, label) for key, label in METHOD_LABELS.items()],
        validators=[Optional()],
    )
    starts_on = DateField(_l("Start date"), validators=[Optional()])
    ends_on = DateField(_l("End date"), validators=[Optional()])
    retention_days = IntegerField(
        _l("Keep responses and transcripts for (days)"),
        validators=[Optional(), NumberRange(min=1, max=36500)],
        description=_l(
            "After this many days the daily retention sweep anonymises or deletes them. Empty: "
            "kept until the study is deleted. Say the same in the consent notice."
        ),
    )
    retention_action = SelectField(
        _l("After the retention period"),
        choices=[
            SelectChoice(
                "anonymise",
                _l("Anonymise: remove the free-text answers and who gave them; keep the rest"),
            ),
            SelectChoice("delete", _l("Delete them")),
        ],
        default="anonymise",
    )
    # Choices: none, and the directories the user may use (set by the view with
    # `directory_choices`); a study's current organisation stays a choice.
    organisation_id = SelectField(
        _l("Participant directory"),
        choices=[],
        coerce=lambda value: int(value) if value not in (None, "", "None") else None,
        default=None,
        description=_l(
            "The organisation whose participant directory this study invites from: a response "
            "through a personal link from it is linked to the person's record."
        ),
    )
    submit = SubmitField(_l("Save"))

    def directory_choices(self, organisations: list[tuple[int, str]]) -> None:
        self.organisation_id.choices = [SelectChoice(None, _l("None"))] + [
            SelectChoice(organisation_id, name) for organisation_id, name in organisations
        ]

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class MemberForm(Form):
    email = email_field()
    role = SelectField(_l("Role"), choices=_role_choices)
    submit = SubmitField(_l("Add member"))


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=_role_choices)
    submit = SubmitField(_l("Change role"))
