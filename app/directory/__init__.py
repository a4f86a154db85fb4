"""The participant directory (参与者档案, issue 28.1): an organisation's records of the people
it researches, listed masked, edited, imported from CSV/XLSX with a dry run, and cleaned of
duplicates (found by the blind indexes of normalised phones, emails and WeChat IDs, merged with
their history kept). Authorisation: `app.permissions.directory_required`; the rules of contact
values: `surveys.contacts`."""

from flask import Blueprint
from flask_login import current_user

from app.permissions import organisations_of

bp = Blueprint("directory", __name__)


@bp.app_template_global()
def usable_directories() -> list:
    """The organisations whose directory the signed-in user may open: the navigation's links."""
    return [
        access.organisation
        for access in organisations_of(current_user)
        if access.can("view_directory")
    ]


from app.directory import routes, routes_import  # noqa: E402, F401 - registers the views on bp
