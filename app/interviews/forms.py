from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form
from app.models import CODE_COLOURS, ConsentStatus, InterviewKind

KIND_LABELS = {
    InterviewKind.INTERVIEW: _l("In-depth interview"),
    InterviewKind.FOCUS_GROUP: _l("Focus group"),
    InterviewKind.USER_TEST: _l("User test"),
    InterviewKind.OBSERVATION: _l("Observation notes"),
}
CONSENT_LABELS = {
    ConsentStatus.UNKNOWN: _l("Not recorded"),
    ConsentStatus.GIVEN: _l("Consent given"),
    ConsentStatus.WITHDRAWN: _l("Consent withdrawn"),
}
ENCODING_CHOICES = [
    SelectChoice("", _l("Detect automatically")),
    SelectChoice("utf-8", "UTF-8"),
    SelectChoice("gbk", "GBK"),
    SelectChoice("gb18030", "GB18030"),
    SelectChoice("big5", "Big5"),
    SelectChoice("utf-16", "UTF-16"),
]
SEARCH_MODE_LABELS = {
    "keyword": _l("Keywords (any word)"),
    "phrase": _l("Exact phrase"),
    "regex": _l("Regular expression"),
}
COLOUR_LABELS = [
    _l("Red"),
    _l("Orange"),
    _l("Yellow"),
    _l("Green"),
    _l("Teal"),
    _l("Blue"),
    _l("Purple"),
    _l("Pink"),
    _l("Brown"),
    _l("Grey"),
]


def _kind_choices():
    return [SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]


def _consent_choices():
    return [SelectChoice(k.value, label) for k, label in CONSENT_LABELS.items()]


class UploadForm(Form):
    files = MultipleFileField(
        _l("Transcript files"),
        validators=[DataRequired()],
        description=_l("txt, docx, srt, vtt or md; UTF-8, GBK or GB18030. Several at once."),
    )
    kind = SelectField(_l("Kind"), choices=_kind_choices)
    encoding = SelectField(_l("Encoding"), choices=ENCODING_CHOICES, validate_choice=False)
    mask = BooleanField(_l("Mask phone numbers, ID-card numbers and emails"), default=True)
    names = TextAreaField(
        _l("Names to mask"),
        validators=[Length(max=5000)],
        description=_l("One per line or separated by commas; replaced by [姓名1], [姓名2] …"),
    )
    keep_original = BooleanField(_l("Keep the original file"))
    submit = SubmitField(_l("Upload and preview"))


class PolicyForm(Form):
    keep_originals = BooleanField(
        _l("Uploaders may keep the original file"),
        description=_l(
            "Off: only the de-identified turns are stored, and originals already kept are deleted."
        ),
    )
    mask_names = TextAreaField(
        _l("Names always masked in this study"),
        validators=[Length(max=5000)],
        description=_l("Masked in every upload and in de-identified exports."),
    )
    submit = SubmitField(_l("Save privacy rules"))


def _optional_id(value):
    return int(value) if value not in (None, "", "None") else None


def notice_choices(notices) -> list[tuple]:
    """The choices of `InterviewForm.consent_notice_id`: none yet, or a version of the study's
    consent notice (newest first)."""
    versions = [(n.id, _l("Version %(version)d", version=n.version)) for n in notices]
    return [(None, _l("Not recorded")), *versions]


class PreviewForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    participant_label = StringField(_l("Participant code name"), validators=[Length(max=100)])
    kind = SelectField(_l("Kind"), choices=_kind_choices)
    held_on = DateField(_l("Date"), validators=[Optional()])
    consent = SelectField(_l("Consent"), choices=_consent_choices)
    encoding = SelectField(_l("Encoding"), choices=ENCODING_CHOICES, validate_choice=False)


class InterviewForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    participant_label = StringField(_l("Participant code name"), validators=[Length(max=100)])
    kind = SelectField(_l("Kind"), choices=_kind_choices)
    held_on = DateField(_l("Date"), validators=[Optional()])
    consent = SelectField(_l("Consent"), choices=_consent_choices)
    # The study's notice versions (`notice_choices`): which one the interviewee agreed to.
    consent_notice_id = SelectField(
        _l("Consent notice agreed to"), coerce=_optional_id, choices=[], validate_choice=True
    )
    consent_given_on = DateField(_l("Date of the interviewee's consent"), validators=[Optional()])
    attributes = TextAreaField(
        _l("Participant attributes"),
        validators=[Length(max=5000)],
        description=_l("One per line: name=value, e.g. segment=新用户"),
    )
    memo = TextAreaField(_l("Memo"), validators=[Length(max=20000)])
    submit = SubmitField(_l("Save"))


class CodeForm(Form):
    name = StringField(_l("Name of the code"), validators=[DataRequired(), Length(max=100)])
    parent_id = SelectField(_l("Parent code"), coerce=int, choices=[])
    colour = SelectField(
        _l("Colour"),
        coerce=int,
        choices=[
            SelectChoice(i, label) for i, label in enumerate(COLOUR_LABELS[: len(CODE_COLOURS)])
        ],
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    examples = TextAreaField(_l("Examples"), validators=[Length(max=5000)])
    memo = TextAreaField(_l("Memo"), validators=[Length(max=20000)])
    submit = SubmitField(_l("Save code"))


class FileForm(Form):
    file = FileField(_l("File"), validators=[FileRequired()])
    submit = SubmitField(_l("Import"))


class TurnForm(Form):
    text = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=100000)])
    submit = SubmitField(_l("Save turn"))


class AutocodeForm(Form):
    q = StringField(_l("Search"), validators=[DataRequired(), Length(max=200)])
    mode = SelectField(
        _l("Match"), choices=[SelectChoice(k, v) for k, v in SEARCH_MODE_LABELS.items()]
    )
    code_id = SelectField(_l("Code"), coerce=int, choices=[])
    scope = SelectField(
        _l("Code what"),
        choices=[
            SelectChoice("match", _l("The matched words")),
            SelectChoice("turn", _l("The whole turn")),
        ],
    )
    submit = SubmitField(_l("Apply the code to the selected hits"))


class ProjectFileForm(Form):
    file = FileField(_l("REFI-QDA project (.qdpx)"), validators=[FileRequired()])
    submit = SubmitField(_l("Preview the import"))


class ProjectImportForm(Form):
    """The confirmation of a previewed project import: the staged file's token."""

    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("Import everything listed"))
