"""The directory's forms. A contact value is checked by `surveys.contacts` and its problem said
beside the field, in the reader's language (`PROBLEMS`)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.forms import Form
from app.models import FieldPrivacy, OrganisationRole
from surveys import contacts

PROBLEMS = {
    "phone_foreign": _l("Not a Chinese number: only +86 numbers are taken."),
    "phone_not_digits": _l("A phone number holds digits only (no extension, no words)."),
    "phone_mobile_length": _l("A mobile number is 11 digits starting with 13 to 19."),
    "phone_landline_length": _l("A landline is its area code and a 7- or 8-digit number."),
    "phone_no_area_code": _l("Add the area code (for example 010) to this landline."),
    "email_at": _l("An email address needs an @."),
    "email_several_at": _l("An email address has only one @."),
    "email_local": _l("The part before the @ may hold letters, digits and . _ % + - only."),
    "email_domain": _l("The part after the @ is not a domain (for example example.cn)."),
    "wechat_first_letter": _l("A WeChat ID starts with a letter."),
    "wechat_characters": _l("A WeChat ID holds letters, digits, _ and - only."),
    "wechat_too_short": _l("A WeChat ID is at least 6 characters."),
    "wechat_too_long": _l("A WeChat ID is at most 20 characters."),
    "not_an_option": _l("Not one of the options of this attribute."),
    "name_missing": _l("The name is missing."),
    "duplicate_in_file": _l("Shares a contact with row %(row)s of the file."),
}
GENDER_CHOICES = [
    SelectChoice("", _l("Unknown")),
    *(SelectChoice(label, label) for label in contacts.GENDERS),
]
TIER_CHOICES = [
    SelectChoice("", _l("Unknown")),
    *(SelectChoice(label, label) for label in contacts.CITY_TIERS),
]
PRIVACY_LABELS = {
    FieldPrivacy.NONE: _l("Not personal"),
    FieldPrivacy.PERSONAL: _l("Personal (encrypted, masked)"),
    FieldPrivacy.SENSITIVE: _l("Sensitive (PIPL art. 28: encrypted, masked)"),
}
ORGANISATION_ROLE_LABELS = {
    OrganisationRole.ADMIN: _l("Administrator"),
    OrganisationRole.RESEARCHER: _l("Researcher"),
    OrganisationRole.MEMBER: _l("Member (no directory access)"),
}

ROLE_CHOICES = [SelectChoice(k.value, v) for k, v in ORGANISATION_ROLE_LABELS.items()]


def _channel(kind: str):
    def check(form, field) -> None:
        checked = contacts.CHECKS[kind](field.data)
        if checked.problem:
            raise ValidationError(str(PROBLEMS[checked.problem]))

    return check


class ParticipantForm(Form):
    name = StringField(
        _l("Name"), [DataRequired(message=_l("Enter the person's name.")), Length(max=100)]
    )
    phone = StringField(_l("Phone"), [Length(max=40), _channel("phone")])
    email = StringField(_l("Email"), [Length(max=200), _channel("email")])
    wechat_id = StringField(_l("WeChat ID"), [Length(max=40), _channel("wechat")])
    age_band = StringField(_l("Age band"), [Length(max=30)])
    gender = SelectField(_l("Gender"), choices=GENDER_CHOICES, default="")
    income_band = StringField(_l("Income band"), [Length(max=30)])
    occupation = StringField(_l("Occupation"), [Length(max=100)])
    city = StringField(_l("City"), [Length(max=100)])
    city_tier = SelectField(_l("City tier"), choices=TIER_CHOICES, default="")
    tags = StringField(_l("Tags (separated by commas)"), [Length(max=1000)])
    notes = TextAreaField(_l("Notes"), [Length(max=5000)])
    submit = SubmitField(_l("Save"))


def participant_form(fields, **kwargs) -> ParticipantForm:
    """The form with one more text field per custom field (`custom_<key>`)."""

    class WithCustom(ParticipantForm):
        pass

    for definition in fields:
        setattr(
            WithCustom,
            f"custom_{definition.key}",
            StringField(definition.label, [Length(max=1000)]),
        )
    return WithCustom(**kwargs)


class FieldForm(Form):
    label = StringField(_l("Label"), [DataRequired(), Length(max=200)])
    key = StringField(
        _l("Key (letters, digits and _, starting with a letter)"),
        [
            DataRequired(),
            Length(max=64),
            Regexp(
                r"^[a-z][a-z0-9_]*$",
                message=_l("Lower-case letters, digits and _ only, starting with a letter."),
            ),
        ],
    )
    privacy = SelectField(
        _l("Privacy"), choices=[SelectChoice(k.value, v) for k, v in PRIVACY_LABELS.items()]
    )
    retention_days = IntegerField(
        _l("Keep values for (days, empty: as long as the record)"),
        [Optional(), NumberRange(min=1, max=36500)],
    )
    submit = SubmitField(_l("Add the field"))


class MemberForm(Form):
    email = StringField(_l("Email of an existing account"), [DataRequired(), Length(max=255)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    submit = SubmitField(_l("Add"))


class MemberRoleForm(Form):
    member_id = HiddenField(validators=[DataRequired()])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    submit = SubmitField(_l("Change"))


class ImportUploadForm(Form):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload"))


class MergeForm(Form):
    keep = IntegerField(validators=[DataRequired()])
    records = StringField(validators=[DataRequired(), Regexp(r"^\d+(,\d+)*$")])
    submit = SubmitField(_l("Merge into the chosen record"))


CONSENT_PURPOSE_LABELS = {
    "invitation": _l("Invitations to studies"),
    "follow_up": _l("Follow-up calls and visits"),
    "sensitive_information": _l("Processing of sensitive information"),
}


class ConsentForm(Form):
    """A consent given or withdrawn, as the person said it (on the phone, a signed form …)."""

    purpose = SelectField(
        _l("Purpose"),
        choices=[SelectChoice(key, label) for key, label in CONSENT_PURPOSE_LABELS.items()],
    )
    granted = SelectField(
        _l("Consent"),
        choices=[SelectChoice("yes", _l("Given")), SelectChoice("no", _l("Refused or withdrawn"))],
    )
    source = StringField(
        _l("How it was given"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example: 电话确认, 纸质同意书 2026-12-01"),
    )
    submit = SubmitField(_l("Record consent"))


class RevealForm(Form):
    submit = SubmitField(_l("Show personal values (audited)"))


class ImportMappingForm(Form):
    """The mapping itself is one select per column (`col_<n>`, read by the view)."""

    duplicates = SelectField(
        _l("A row matching an existing record by phone, email or WeChat ID"),
        choices=[
            SelectChoice("update", _l("updates that record")),
            SelectChoice("skip", _l("is skipped")),
        ],
        default="update",
    )
    check = SubmitField(_l("Check (dry run)"))
    write = SubmitField(_l("Import"))


TARGET_LABELS = {
    "": _l("(not imported)"),
    "name": _l("Name"),
    "phone": _l("Phone"),
    "email": _l("Email"),
    "wechat": _l("WeChat ID"),
    "age_band": _l("Age band"),
    "gender": _l("Gender"),
    "income_band": _l("Income band"),
    "occupation": _l("Occupation"),
    "city": _l("City"),
    "city_tier": _l("City tier"),
    "tags": _l("Tags"),
    "notes": _l("Notes"),
}
ATTRIBUTE_LABELS = {
    name: TARGET_LABELS[name]
    for name in ("age_band", "gender", "income_band", "occupation", "city", "city_tier")
}
CHANNEL_LABELS = {"phone": _l("Phone"), "email": _l("Email"), "wechat": _l("WeChat ID")}
RECORD_PROBLEM_LABELS = {
    "phone_invalid": _l("invalid phone"),
    "email_invalid": _l("invalid email"),
    "wechat_invalid": _l("invalid WeChat ID"),
}
