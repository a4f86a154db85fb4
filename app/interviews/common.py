"""What the interview views share: error messages by code, attribute filters, the renderer."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from app.interviews import reports
from app.permissions import StudyAccess

ERRORS = {
    "code_name_required": _l("A code needs a name."),
    "code_name_taken": _l("A code with this name already exists here."),
    "unknown_parent": _l("Unknown parent code."),
    "parent_cycle": _l("A code cannot be placed under itself."),
    "bad_offsets": _l("The selection is outside the turn."),
    "snippet_mismatch": _l("The turn has changed since the page was loaded; reload it."),
    "no_codes": _l("Choose at least one code."),
    "too_many_codes": _l("At most %(max)d codes can be applied to one selection at once."),
    "unknown_code": _l("Unknown code."),
    "empty_turn": _l("A turn cannot be empty."),
    "empty_query": _l("Enter something to search for."),
    "bad_regex": _l("This regular expression is not valid."),
    "unsupported_regex": _l(
        "Back-references (such as \\1) and look-around (such as (?=…)) are not supported in a "
        "search."
    ),
    "regex_too_long": _l("The regular expression is too long."),
    "bad_mode": _l("Unknown search mode."),
    "not_in_preview": _l("This transcript has already been saved."),
    "original_gone": _l(
        "The uploaded file is no longer kept (an unsaved preview keeps it for a day): upload "
        "it again to read it differently."
    ),
    "bad_attribute_line": _l("Write each attribute as name=value."),
    "csv_undecodable": _l("The CSV file is neither UTF-8 nor GB18030."),
    "csv_empty": _l("The CSV file has no rows."),
    "csv_unreadable": _l("The CSV file cannot be read: a field is longer than 128 KB."),
    "csv_no_participant_column": _l("The CSV file needs a column named participant."),
}


def page(template: str, access: StudyAccess, **context):
    return render_template(template, access=access, study=access.study, **context)


def attribute_filters(access: StudyAccess) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The study's participant attributes with their values, and the filters asked for in the
    query string (`attr-<name>=<value>`), for `_filters.html` and the services."""
    values = reports.attribute_values(access.study)
    return values, reports.filters_from(request.values, values)
