from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.forms import CheckboxListField, Form
from app.models import WebhookEventType

EVENT_LABELS = {
    WebhookEventType.RESPONSE_COMPLETED: _l("A response is completed"),
    WebhookEventType.RESPONSE_UPDATED: _l("A response is edited"),
    WebhookEventType.RESPONSE_DELETED: _l("A response is deleted"),
}


class EndpointForm(Form):
    url = StringField(_l("Receiver URL"), validators=[DataRequired(), Length(max=2000)])
    description = StringField(_l("Description"), validators=[Length(max=200)])
    event_types = CheckboxListField(
        _l("Events"),
        choices=[(t.value, label) for t, label in EVENT_LABELS.items()],
        default=[t.value for t in EVENT_LABELS],
        validators=[DataRequired(message=_l("Choose at least one event."))],
    )
    submit = SubmitField(_l("Add endpoint"))
