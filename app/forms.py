"""The base of every form in the app: no text field takes a control character."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import ValidationError

# The C0 controls but tab, newline and carriage return, DEL, and the C1 controls: invisible,
# never typed on purpose (they come with pasted text), and PostgreSQL refuses NUL in text,
# which was a 500.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def refuse_control_characters(form, field) -> None:
    found = CONTROL_CHARACTER.search(field.data or "")
    if found:
        raise ValidationError(
            _(
                "Remove the invisible control character %(code)s (character %(position)d of "
                "this field).",
                code=f"U+{ord(found.group()):04X}",
                position=found.start() + 1,
            )
        )


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
