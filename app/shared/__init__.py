"""Share links opened by people without an account (`/shared/<token>`): a read-only
dashboard, cells under the minimum n suppressed, no respondent-level data, open answers only
as de-identified quotes when the owner included them. An unknown, expired or revoked token is
a 404."""

from flask import Blueprint

bp = Blueprint("shared", __name__)


from app.shared import routes  # noqa: E402, F401 - registers the views on bp
