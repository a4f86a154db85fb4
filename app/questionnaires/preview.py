"""The researcher's preview: the respondent's own page (templates/respond/form.html and
respond.js) rendered from the draft or a published version, with its pages and logic.

The page talks to two JSON endpoints that answer like the public ones (`/s/<slug>/progress`
and `/submit`) but check the answers against the previewed definition and store nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import surveys
from app.models import Questionnaire
from app.questionnaires import services
from app.respond import answers as respond
from app.respond.settings import RespondSettings, definition_without_settings, read_settings


@dataclass(frozen=True)
class Previewed:
    """What the respondent's page needs of the definition being previewed.

    `number` stands in for the version number (the draft's revision for a draft), so the
    answers the browser keeps for one revision are not offered to the next.
    """

    typed: surveys.Questionnaire
    definition: dict[str, Any]  # without settings and notes, as a respondent's browser gets it
    settings: RespondSettings
    number: int


def definition_to_preview(questionnaire: Questionnaire, version: int | None) -> tuple[dict, int]:
    """The draft (version None) or published version *version*'s definition, with its number;
    `LookupError` for a version that does not exist."""
    if version is None:
        return questionnaire.draft, questionnaire.draft_revision
    found = services.version_number(questionnaire, version)
    if found is None:
        raise LookupError(version)
    return found.definition, found.number


def load(definition: Mapping[str, Any], number: int) -> Previewed:
    """The definition parsed for the page; `surveys.DefinitionError` while it has errors."""
    shown = definition_without_settings(definition)
    return Previewed(surveys.load_definition(shown), shown, read_settings(definition), number)


def check_page(previewed: Previewed, body: Any, locale: str) -> tuple[int, dict]:
    """The preview's `progress`: the errors of the page being left, nothing saved."""
    if not isinstance(body, Mapping):
        return 400, {"error": "bad_request"}
    page_id = body.get("page") if isinstance(body.get("page"), str) else ""
    errors = {}
    shaped = surveys.partial_answers(previewed.typed, body.get("answers"), locale=locale)
    if not shaped.ok:
        return 422, {"errors": shaped.errors}
    if body.get("check_page") and page_id:
        checked = surveys.validate_answers(previewed.typed, shaped.cleaned, locale=locale)
        errors = respond.page_errors(previewed.typed, page_id, checked.errors)
    return 200, {"saved": False, "errors": errors}


def check_submit(previewed: Previewed, body: Any, locale: str) -> tuple[int, dict]:
    """The preview's `submit`: 422 with the errors a respondent would get, else the end page's
    content; no response is stored."""
    if not isinstance(body, Mapping) or not isinstance(body.get("answers"), Mapping):
        return 400, {"error": "bad_request"}
    checked = surveys.validate_answers(previewed.typed, body["answers"], locale=locale)
    if not checked.ok:
        return 422, {"errors": checked.errors}
    end = {"thank_you": previewed.settings.thank_you, "redirect_url": ""}
    return 200, {"status": "complete", "response_id": None, "preview": True, "end": end}
