"""Public respondent views: thin. The rules are in app.respond.rules, the flow in services."""

import dataclasses
import uuid

from flask import (
    abort,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import LazyString, get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

import surveys
from app.extensions import csrf
from app.jsonbody import BadJson, parse_json
from app.respond import bp, consent_routes, services, test_mode
from app.respond import consent as consent_steps
from app.respond.published import Published, find_published, load_survey
from app.respond.ratelimit import new_respondents, per_respondent
from app.respond.rules import Refusal, Respondent, may_answer
from app.urls import external_url
from surveys.errors import message as surveys_message

RESUME_DAYS = 30


def _resume_cookie(slug: str) -> str:
    return f"wf_r_{slug}"


def _done_cookie(slug: str) -> str:
    return f"wf_done_{slug}"


def _resume_token(slug: str) -> str | None:
    return request.args.get("r") or request.cookies.get(_resume_cookie(slug))


# Who a request is by, for its rate limit (`per_respondent`): a progress save by its resume
# token, a submit by the key its retries repeat.
def _key_sent(slug: str) -> str | None:
    return request.headers.get("Idempotency-Key")


def _form_key_sent(slug: str) -> str | None:
    return request.form.get("_key")


def _respondent(slug: str) -> Respondent:
    return Respondent(
        resume_token=_resume_token(slug),
        consent=consent_steps.from_session((session.get("consent") or {}).get(slug)),
        invitation_token=(session.get("invitation") or {}).get(slug),
        is_test=bool((session.get("test_mode") or {}).get(slug)),
        # Read only when a message is written: a good submit never needs it (Flask-Login and
        # Accept-Language parsing, about 5 % of a submit).
        locale=LazyString(_locale_name),
        finished=bool(request.cookies.get(_done_cookie(slug))),
    )


def _locale_name() -> str:
    return str(get_locale() or "zh_CN")


def _remember(response, slug: str, resume_token: str | None):
    if resume_token:
        response.set_cookie(
            _resume_cookie(slug),
            resume_token,
            max_age=RESUME_DAYS * 86400,
            path=f"/s/{slug}",
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def _finished(response, slug: str):
    if _resume_cookie(slug) in request.cookies:
        response.delete_cookie(_resume_cookie(slug), path=f"/s/{slug}")
    response.set_cookie(
        _done_cookie(slug),
        "1",
        max_age=365 * 86400,
        path=f"/s/{slug}",
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def _json(outcome: services.Outcome, slug: str):
    response = make_response(jsonify(outcome.body), outcome.status)
    if outcome.status in (200, 201) and outcome.body.get("status") == "complete":
        return _finished(response, slug)
    return _remember(response, slug, outcome.resume_token)


def _published(slug: str, respondent: Respondent | None = None) -> Published:
    resume_token = respondent.resume_token if respondent else None
    return find_published(slug, resume_token=resume_token) or abort(404)


@bp.before_request
def _small_body():
    """Refuse a body over `RESPOND_MAX_BODY` before any of it is read: by its Content-Length
    here, and while reading one sent without (chunked) through `max_content_length`."""
    limit = current_app.config["RESPOND_MAX_BODY"]
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    kib = current_app.config["RESPOND_MAX_BODY"] // 1024
    message = _(
        "Your answers are too long to be sent (at most %(kib)d KB in all). Please shorten the"
        " longest answers.",
        kib=kib,
    )
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(error="too_large", message=message), 413
    return render_template(
        "errors/error.html", code=413, title=_("Answers too long"), message=message
    ), 413


def _json_body():
    """The request's JSON body (None when it is not JSON); 415 when it is not sent as JSON,
    400 when it nests too deeply or holds a number past any column (`app.jsonbody`)."""
    if not request.is_json:
        abort(415)
    try:
        return parse_json(
            request.get_data(cache=True), max_bytes=current_app.config["RESPOND_MAX_BODY"]
        )
    except BadJson as refused:
        if refused.code == "invalid":
            return None  # the services answer 400 bad_request, as for any body that is no object
        abort(make_response(jsonify(error="bad_json", message=refused.message), 400))


def _message_page(survey, refused: Refusal, status: int):
    return render_template(
        "respond/closed.html",
        questionnaire=survey.questionnaire,
        survey=survey,
        refusal=refused,
    ), status


@bp.route("/s/<slug>")
def form(slug: str):
    if request.args.get("t"):
        session.setdefault("invitation", {})[slug] = request.args["t"]
        session.modified = True
    respondent = _respondent(slug)
    published = _published(slug, respondent)
    questionnaire = published.questionnaire
    partial = published.partial
    survey = load_survey(published, partial.version_id if partial else None)
    if request.args.get("test"):
        respondent = _enter_test_mode(slug, questionnaire.id, request.args["test"], respondent)
    refused = may_answer(survey, respondent, partial, opening=True)
    if refused is not None:
        return _message_page(survey, refused, refused.page_status)
    if consent_steps.asks_consent(survey):
        notice = consent_steps.current_notice(survey)
        step = consent_steps.next_step(survey, respondent.consent, notice)
        if step is not None:
            return consent_routes.step_page(survey, notice, step, request.args.get("r", ""))
    response = make_response(_render_form(survey, respondent, partial))
    return _remember(response, slug, request.args.get("r"))


def _enter_test_mode(slug: str, questionnaire_id: int, token: str, respondent):
    """A researcher's test link: this browser's responses to *slug* are test responses from
    now on (kept in the session, so the submit needs no look-up). A bad or old link: 403."""
    if not test_mode.valid(token, questionnaire_id, current_app.config["SECRET_KEY"]):
        abort(403)
    session.setdefault("test_mode", {})[slug] = True
    session.modified = True
    return dataclasses.replace(respondent, is_test=True)


def _render_form(survey, respondent, partial, answers=None, errors=None, key=None, notice=None):
    survey = consent_steps.for_respondent(survey, respondent.consent)
    slug = survey.questionnaire.slug
    resume_token = partial and respondent.resume_token
    config = {
        "slug": slug,
        "version": survey.version.number,
        "definition": survey.definition,
        "answers": answers if answers is not None else (partial.answers if partial else {}),
        "page": partial.page_id if partial else "",
        "resumeUrl": external_url("respond.form", slug=slug, r=resume_token)
        if resume_token
        else "",
        "resumeBase": external_url("respond.form", slug=slug),
        "submitUrl": url_for("respond.submit", slug=slug),
        "progressUrl": url_for("respond.progress", slug=slug),
        "invitation": respondent.invitation_token or "",
        "consent": consent_routes.for_page(respondent.consent),
        "end": {
            "thank_you": survey.settings.thank_you,
            "redirect_url": survey.settings.redirect_url,
        },
    }
    return render_template(
        "respond/form.html",
        survey=survey,
        questionnaire=survey.questionnaire,
        version=survey.version,
        typed=survey.typed,
        config=config,
        answers=config["answers"],
        errors=errors or {},
        key=key or uuid.uuid4().hex,
        notice=notice,
        required_message=surveys_message(surveys.Code.ANSWER_REQUIRED, respondent.locale),
        test_mode=respondent.is_test,
    )


@bp.route("/s/<slug>/progress", methods=["POST", "PUT"])
@csrf.exempt  # JSON only: a cross-site form cannot send it without a CORS preflight
@per_respondent(_resume_token)
def progress(slug: str):
    body = _json_body()
    respondent = _respondent(slug)
    published = _published(slug, respondent)
    outcome = services.save_progress(published, body, respondent, new_respondents)
    if outcome.resume_token:
        outcome.body["resume_url"] = external_url("respond.form", slug=slug, r=outcome.resume_token)
    return _json(outcome, slug)


@bp.route("/s/<slug>/submit", methods=["POST"])
@csrf.exempt  # JSON with an Idempotency-Key header: cross-site forms cannot send it
@per_respondent(_key_sent)
def submit(slug: str):
    body = _json_body()
    key = request.headers.get("Idempotency-Key")
    secret, address = current_app.config["SECRET_KEY"], request.remote_addr
    done = services.submit(
        slug,
        body,
        key,
        _respondent(slug),
        secret,
        address=address,
        new_respondents=new_respondents,
    )
    return _json((done or abort(404)).outcome, slug)


@bp.route("/s/<slug>", methods=["POST"])
@per_respondent(_form_key_sent)
def submit_form(slug: str):
    """The same submit for a browser without JavaScript: a whole-form post."""
    key = request.form.get("_key", "")
    respondent = _respondent(slug)
    secret = current_app.config["SECRET_KEY"]
    done = services.submit(
        slug,
        None,
        key,
        respondent,
        secret,
        form=request.form,
        address=request.remote_addr,
        new_respondents=new_respondents,
    ) or abort(404)
    outcome, survey = done.outcome, done.survey
    partial = done.published.partial if done.published else None
    if outcome.status == 422:
        page = _render_form(survey, respondent, partial, done.answers, outcome.body["errors"], key)
        return page, 422
    if outcome.body.get("error") == "idempotency_key":
        # The page's hidden key was changed or lost: the answers come back with a new one.
        notice = _(
            "This page was changed or has expired. Your answers are still here: please"
            " submit them again."
        )
        return _render_form(survey, respondent, partial, done.answers, notice=notice), 400
    if done.refusal is not None and done.refusal.code == "too_many_respondents":
        # The answers come back with the same key: sending them again later stores them once.
        notice = _(
            "Many people on your network are answering at the moment. Please submit again in"
            " a minute."
        )
        page = _render_form(survey, respondent, partial, done.answers, key=key, notice=notice)
        return page, 429
    if done.refusal is not None:
        return _message_page(survey, done.refusal, done.refusal.status)
    response = make_response(
        render_template("respond/done.html", survey=survey, outcome=outcome.body)
    )
    return _finished(response, slug)
