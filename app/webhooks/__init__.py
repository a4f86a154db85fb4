"""Webhooks (issue 24.4): a study's endpoints and their delivery logs (the pages here), the
outbox written by the response store (`outbox`), signing (`signing`), the address rules
(`addresses`) and the dispatcher that sends and retries (`delivery`)."""

from flask import Blueprint

bp = Blueprint("webhooks", __name__)

from app.webhooks import routes  # noqa: E402, F401 - registers the views on bp
