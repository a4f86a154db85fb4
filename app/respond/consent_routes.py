"""The steps before the first question (`app.respond.consent`): one page per step, one POST
that records the answer to it in the respondent's session and goes back to the form."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models import Questionnaire
from app.notices.services import retention_in_words
from app.respond import bp
from app.respond import consent as steps
from app.respond.published import Survey, find_published, load_survey
from app.responses.records import Consent


def step_page(survey: Survey, notice: steps.Notice, step: str, resume_token: str, errors=None):
    """The page of *step*, with the study's purpose and retention period in words above it
    (PIPL art. 17: before anything is collected)."""
    study = db.session.get_one(Questionnaire, survey.questionnaire.id).study
    return render_template(
        "respond/consent.html",
        survey=survey,
        notice=notice,
        step=step,
        purpose=notice.purpose or study.goal,
        retention=retention_in_words(study.retention_days, study.retention_action),
        asks_notice=survey.settings.consent.required,
        resume_token=resume_token,
        errors=errors or {},
        relationships=_relationships(),
    )


def _relationships() -> list[tuple[str, str]]:
    return [("parent", _("Parent")), ("guardian", _("Other legal guardian"))]


def for_page(given: Consent | None) -> dict[str, Any] | None:
    """The consent as the page's script sends it back with the answers, should the session
    be gone by then (`consent.from_body` reads it)."""
    if given is None:
        return None
    guardian = given.guardian
    return {
        "notice_version": given.notice_version,
        "given_at": given.given_at.isoformat(),
        "sensitive": given.sensitive,
        "under_14": given.under_14,
        "guardian": {"name": guardian.name, "relationship": guardian.relationship, "agreed": True}
        if guardian
        else None,
    }


def _declined(survey: Survey, slug: str, minor: bool = False):
    """Nothing is kept: not the answers to the earlier steps either."""
    session.get("consent", {}).pop(slug, None)
    session.modified = True
    return render_template("respond/declined.html", survey=survey, minor=minor)


@bp.route("/s/<slug>/consent", methods=["POST"])
def consent(slug: str):
    survey = load_survey(find_published(slug) or abort(404))
    notice = steps.current_notice(survey)
    given = steps.from_session((session.get("consent") or {}).get(slug))
    step, decision = request.form.get("step", steps.NOTICE), request.form.get("decision")
    resume_token = request.form.get("r") or ""
    if step == steps.NOTICE:
        if decision != "agree":
            return _declined(survey, slug)
        given = steps.started(given, notice)
    elif step == steps.AGE:
        if decision not in ("under_14", "14_or_over"):
            errors = {"age": _("Please answer this question.")}
            return step_page(survey, notice, step, resume_token, errors), 422
        given = steps.age_stated(given, decision == "under_14")
    elif step == steps.GUARDIAN:
        if decision != "agree":
            return _declined(survey, slug, minor=True)
        name, relationship = request.form.get("guardian_name", ""), request.form.get("relationship")
        errors = _guardian_errors(name, relationship, request.form.get("guardian_agrees"))
        if errors:
            return step_page(survey, notice, step, resume_token, errors), 422
        given = steps.guardian_agreed(given, name, relationship or "")
    elif step == steps.SENSITIVE:
        given = steps.sensitive_decided(given, decision == "agree")
    else:
        abort(400)
    session.setdefault("consent", {})[slug] = steps.to_session(given)
    session.modified = True
    # Back to the form with the resume link's token, if it was opened with one: the answers
    # saved on another device are behind it.
    return redirect(url_for("respond.form", slug=slug, r=resume_token or None))


def _guardian_errors(name: str, relationship: str | None, agrees: str | None) -> dict[str, str]:
    errors = {}
    if not name.strip() or len(name.strip()) > 100:
        errors["guardian_name"] = _("Please write the guardian's name (at most 100 characters).")
    if relationship not in steps.GUARDIAN_RELATIONSHIPS:
        errors["relationship"] = _("Please choose how you are related to the respondent.")
    if agrees != "yes":
        errors["guardian_agrees"] = _("The guardian's consent is needed to go on.")
    return errors
