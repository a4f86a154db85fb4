from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.forms import Form
from app.models import TokenScope
from app.tokens.services import EXPIRY_DAYS

SCOPE_LABELS = {
    TokenScope.READ: _l("Read: studies, questionnaires, responses, interviews"),
    TokenScope.WRITE: _l("Read and write: also submit responses"),
}
ERROR_MESSAGES = {
    "write_not_allowed": _l("Your role in this study does not allow submitting responses."),
    "expiry": _l("Choose one of the expiry periods."),
}


class TokenForm(Form):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(), Length(max=100)],
        description=_l("What the token is for, such as 每晚同步到数据仓库."),
    )
    study = SelectField(_l("Study"), coerce=int, validate_choice=True)
    scope = RadioField(
        _l("Scope"),
        choices=[(scope.value, label) for scope, label in SCOPE_LABELS.items()],
        default=TokenScope.READ.value,
    )
    days = SelectField(
        _l("Expires after"),
        coerce=int,
        choices=[(days, _l("%(n)d days", n=days)) for days in EXPIRY_DAYS],
        default=90,
    )
    submit = SubmitField(_l("Create token"))
