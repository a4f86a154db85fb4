"""Personal access tokens of the REST API: made, listed and revoked in the account's pages."""

from flask import Blueprint

bp = Blueprint("tokens", __name__)

from app.tokens import routes  # noqa: E402, F401 - registers the views on bp
