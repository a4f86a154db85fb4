"""A participant's rights from the researcher's side (issue 28.6): everything held about one
directory record, its export and its erasure; and each study's record of processing for the
team's impact assessment."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from app.privacy import routes  # noqa: E402, F401 - registers the views on bp
