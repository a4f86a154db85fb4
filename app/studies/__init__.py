from flask import Blueprint

bp = Blueprint("studies", __name__)

from app.studies import routes  # noqa: E402, F401 - registers the views on bp
