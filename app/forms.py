"""The base of every form in the app: no text field takes a control character (the same set
an answer may not hold, `surveys.answer_rules.CONTROL_RE`: invisible, never typed on purpose,
and PostgreSQL refuses NUL in text, which was a 500)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectMultipleField, StringField, SubmitField, widgets
from wtforms.validators import ValidationError

from surveys.answer_rules import CONTROL_RE


def refuse_control_characters(form, field) -> None:
    found = CONTROL_RE.search(field.data or "")
    if found:
        raise ValidationError(
            _(
                "Remove the invisible control character %(code)s (character %(position)d of "
                "this field).",
                code=f"U+{ord(found.group()):04X}",
                position=found.start() + 1,
            )
        )


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (`_form.html` renders it)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class Form(FlaskForm):
    """Every text field (StringField and its kinds: text areas, email, search, hidden) refuses
    control characters, with the message beside it. Passwords are exempt: never stored as
    text, only their hash, and one that was accepted before must still sign in."""

    def validate(self, extra_validators=None) -> bool:
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                extra.setdefault(name, []).append(refuse_control_characters)
        return super().validate(extra)


class ConfirmForm(Form):
    """An empty form: a button that carries the CSRF token."""

    submit = SubmitField(_l("Confirm"))
