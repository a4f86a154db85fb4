import re
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.forms import Form


class NewQuestionnaireForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    template = SelectField(_l("Start from"), choices=[])
    submit = SubmitField(_l("Create questionnaire"))

    def __init__(self, templates, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.template.choices = [SelectChoice("", _l("A blank questionnaire"))] + [
            SelectChoice(t.id, t.title) for t in templates
        ]


class ImportForm(Form):
    file = FileField(
        _l("Questionnaire file (.json or XLSForm .xlsx / .xls)"),
        validators=[
            FileRequired(),
            FileAllowed(["json", "xlsx", "xls"], _l("Choose a .json, .xlsx or .xls file.")),
        ],
    )
    submit = SubmitField(_l("Import"))


# Where surveys' problems under $.settings belong on the settings form.
SETTINGS_PROBLEM_FIELDS = {
    "$.settings.quota.question": "quota_question",
    "$.settings.quota.limits": "quota_limits",
    "$.settings.quota.total": "quota_total",
    "$.settings.opens_at": "opens_at",
    "$.settings.closes_at": "closes_at",
    "$.settings.end.redirect_url": "redirect_url",
}
QUOTA_LINE = re.compile(r"^\s*([^=\s][^=]*?)\s*=\s*(\d+)\s*$")


class RespondentSettingsForm(Form):
    """The `settings` of a questionnaire definition (docs/questionnaire-format.md), as a form.

    Dates are typed in the install's time zone and stored as ISO 8601 with the offset.
    """

    consent_required = BooleanField(_l("Ask for consent before the first question"))
    notice_version = StringField(
        _l("Notice version"),
        validators=[Optional(), Length(max=50)],
        description=_l("Stored with each consent; change it when the notice changes."),
    )
    study_notice = BooleanField(
        _l("Show the study's consent notice (versioned on the study's Consent notice page)"),
        description=_l("Then the texts below are not shown."),
    )
    minors = BooleanField(
        _l("Respondents may be under 14"),
        description=_l(
            "The form first asks whether the respondent is under 14; under 14 needs a parent's"
            " or guardian's consent, kept with the response (PIPL art. 31)."
        ),
    )
    purpose = TextAreaField(_l("Purpose of the study"), validators=[Length(max=5000)])
    data_collected = TextAreaField(_l("What is collected"), validators=[Length(max=5000)])
    retention = TextAreaField(_l("How long it is kept"), validators=[Length(max=5000)])
    who_sees = TextAreaField(_l("Who sees the answers"), validators=[Length(max=5000)])

    access_mode = SelectField(
        _l("Who can answer"),
        choices=[
            SelectChoice("open", _l("Anyone with the public link")),
            SelectChoice("invitation", _l("Only people with a single-use invitation link")),
        ],
    )
    one_per_browser = BooleanField(_l("One response per browser"))
    anonymous = BooleanField(
        _l("Anonymous: never link answers to the participant directory, even by invitation")
    )
    opens_at = DateTimeLocalField(_l("Opens at"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    closes_at = DateTimeLocalField(
        _l("Closes at"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )

    quota_total = IntegerField(
        _l("Stop after this many complete responses"),
        validators=[Optional(), NumberRange(min=1, max=10_000_000)],
    )
    quota_question = SelectField(_l("Quota per answer of"), choices=[])
    quota_limits = TextAreaField(
        _l("Limits per answer"),
        description=_l("One per line: option value = number of responses, e.g. north = 50"),
    )
    quota_message = TextAreaField(
        _l("Message when the quota is full"), validators=[Length(max=5000)]
    )

    thank_you = TextAreaField(_l("Thank-you text"), validators=[Length(max=5000)])
    redirect_url = URLField(
        _l("Then go to this address"),
        validators=[Optional(), Length(max=2000), URL(require_tld=False)],
        description=_l("Optional; http or https only."),
    )
    submit = SubmitField(_l("Save settings"))

    def __init__(self, quota_questions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quota_question.choices = [SelectChoice("", _l("No quota per answer"))] + [
            SelectChoice(q["id"], f"{q.get('title') or q['id']} ({q['id']})")
            for q in quota_questions
        ]

    def validate_redirect_url(self, field):
        if field.data and not field.data.lower().startswith(("http://", "https://")):
            raise ValidationError(_l("Only http and https addresses are allowed."))

    def validate_quota_limits(self, field):
        for line in (field.data or "").splitlines():
            if line.strip() and not QUOTA_LINE.match(line):
                raise ValidationError(
                    _l("Write one “value = number” per line; this line is not: %(line)s",
                       line=line.strip())
                )  # fmt: skip
        if field.data and field.data.strip() and not self.quota_question.data:
            raise ValidationError(_l("Choose the question whose answers the limits count."))

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The closing time must be after the opening time."))

    def attach_problems(self, problems, locale: str) -> None:
        """Show surveys' problems beside the fields they are about (the rest on the first)."""
        for problem in problems:
            name = next(
                (f for path, f in SETTINGS_PROBLEM_FIELDS.items() if problem.path.startswith(path)),
                "consent_required",
            )
            getattr(self, name).errors = [*getattr(self, name).errors, problem.message(locale)]

    def load(self, settings: dict, timezone) -> None:
        """Fill the fields from a definition's settings (on GET)."""
        consent = settings.get("consent", {})
        access = settings.get("access", {})
        quota = settings.get("quota", {})
        end = settings.get("end", {})
        self.consent_required.data = consent.get("required", False)
        self.notice_version.data = consent.get("notice_version", "")
        self.study_notice.data = consent.get("study_notice", False)
        self.minors.data = consent.get("minors", False)
        for name in ("purpose", "data_collected", "retention", "who_sees"):
            getattr(self, name).data = consent.get(name, "")
        self.access_mode.data = access.get("mode", "open")
        self.one_per_browser.data = access.get("one_per_browser", False)
        self.anonymous.data = access.get("anonymous", False)
        self.opens_at.data = _local(settings.get("opens_at"), timezone)
        self.closes_at.data = _local(settings.get("closes_at"), timezone)
        self.quota_total.data = quota.get("total")
        self.quota_question.data = quota.get("question") or ""
        self.quota_limits.data = "\n".join(
            f"{value} = {count}" for value, count in (quota.get("limits") or {}).items()
        )
        self.quota_message.data = quota.get("message", "")
        self.thank_you.data = end.get("thank_you", "")
        self.redirect_url.data = end.get("redirect_url", "")

    def settings(self, timezone) -> dict:
        """The settings object the fields describe (on a valid POST)."""
        limits = {}
        for line in (self.quota_limits.data or "").splitlines():
            match = QUOTA_LINE.match(line)
            if match:
                limits[match.group(1)] = int(match.group(2))
        return {
            "consent": {
                "required": bool(self.consent_required.data),
                "notice_version": (self.notice_version.data or "").strip() or "1",
                "purpose": self.purpose.data or "",
                "data_collected": self.data_collected.data or "",
                "retention": self.retention.data or "",
                "who_sees": self.who_sees.data or "",
                "study_notice": bool(self.study_notice.data),
                "minors": bool(self.minors.data),
            },
            "access": {
                "mode": self.access_mode.data,
                "one_per_browser": bool(self.one_per_browser.data),
                "anonymous": bool(self.anonymous.data),
            },
            "opens_at": _iso(self.opens_at.data, timezone),
            "closes_at": _iso(self.closes_at.data, timezone),
            "quota": {
                "total": self.quota_total.data,
                "question": self.quota_question.data or None,
                "limits": limits,
                "message": self.quota_message.data or "",
            },
            "end": {
                "thank_you": self.thank_you.data or "",
                "redirect_url": (self.redirect_url.data or "").strip(),
            },
        }


def _local(text: str | None, timezone) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(timezone).replace(tzinfo=None)


def _iso(moment: datetime | None, timezone) -> str | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone).isoformat()
