"""One need: its page (edit, evidence with snapshot and today's value, priority, comments,
history, before/after), and the POSTs that change it."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from analysis.stats.errors import StatsInputError
from app.extensions import db
from app.models import Code
from app.needs import bp, evidence, services
from app.needs.forms import CommentForm, MoveForm, OverrideForm
from app.needs.labels import ERRORS, EVIDENCE_LABELS
from app.needs.measures import before_after, need_priority, parse_ref, ref_value
from app.needs.routes import form_values, need_form, page
from app.permissions import StudyAccess, highlight_in, questionnaire_in, study_required


def _need(access: StudyAccess, need_id: int):
    return services.need_in(access.study, need_id) or abort(404)


def _back(access: StudyAccess, need) -> str:
    return url_for("needs.show", study_id=access.study.id, need_id=need.id)


@bp.route("/<int:need_id>")
@study_required("view")
def show(access: StudyAccess, need_id: int):
    from app.audit_sentences import describe  # it reads this package's labels

    need = _need(access, need_id)
    form = need_form(access, obj=need)
    form.owner_id.data = need.owner_id or 0
    form.importance.data = ref_value(need.importance)
    form.satisfaction.data = ref_value(need.satisfaction)
    form.outcome.data = ref_value(need.outcome, with_kind=True)
    rows = [(item, evidence.live_value(item)) for item in need.evidence]
    others = [n for n in services.study_needs(access.study) if n.id != need.id]
    return page(
        "needs/need.html",
        access,
        need=need,
        form=form,
        rows=rows,
        kano=evidence.computed_kano(rows),
        frequency=evidence.frequency(rows),
        numbers=need_priority(need, access.study),
        loop=before_after(need, access.study),
        history=describe(services.history(need)),
        others=others,
        EVIDENCE_LABELS=EVIDENCE_LABELS,
        move_form=MoveForm(status=need.status.value),
        override_form=OverrideForm(value=need.priority_override, reason=need.override_reason),
        comment_form=CommentForm(),
    )


@bp.route("/<int:need_id>/edit", methods=["POST"])  # CSRF: app-wide CSRFProtect
@study_required("manage_needs")
def edit(access: StudyAccess, need_id: int):
    need = _need(access, need_id)
    form = need_form(access)
    if form.validate_on_submit():
        if services.update_need(need, form_values(access, form)):
            flash(_("Need saved."), "success")
    else:
        flash(_("Check the fields of the need."), "danger")
    return redirect(_back(access, need))


@bp.route("/<int:need_id>/override", methods=["POST"])  # CSRF: app-wide CSRFProtect
@study_required("manage_needs")
def override(access: StudyAccess, need_id: int):
    need = _need(access, need_id)
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            services.override_priority(need, form.value.data, form.reason.data or "")
        except services.NeedError as error:
            db.session.rollback()
            flash(str(ERRORS[error.code]), "danger")
    return redirect(_back(access, need))


@bp.route("/<int:need_id>/comments", methods=["POST"])  # CSRF: app-wide CSRFProtect
@study_required("manage_needs")
def comment(access: StudyAccess, need_id: int):
    need = _need(access, need_id)
    form = CommentForm()
    if form.validate_on_submit():
        services.add_comment(need, current_user, form.body.data)
    return redirect(_back(access, need))


@bp.route("/<int:need_id>/merge", methods=["POST"])  # CSRF: app-wide CSRFProtect
@study_required("manage_needs")
def merge(access: StudyAccess, need_id: int):
    need = _need(access, need_id)
    other_id = request.form.get("other", "")
    other = services.need_in(access.study, int(other_id)) if other_id.isdigit() else None
    try:
        services.merge(need, other) if other is not None else abort(400)
    except services.NeedError as error:
        db.session.rollback()
        flash(str(ERRORS[error.code]), "danger")
    else:
        flash(_("Needs merged: the evidence and comments are all here."), "success")
    return redirect(_back(access, need))


@bp.route("/<int:need_id>/evidence", methods=["POST"])  # CSRF: app-wide CSRFProtect
@study_required("manage_needs")
def link(access: StudyAccess, need_id: int):
    """Link evidence: kind=insight (questionnaire, insight), question (ref "q:kind:question"),
    answer_code (questionnaire, code) or highlight (highlight)."""
    from app.findings.insights import insight_of

    need = _need(access, need_id)
    form, kind = request.form, request.form.get("kind", "")
    number = lambda name: int(form.get(name, "")) if form.get(name, "").isdigit() else 0  # noqa: E731
    try:
        if kind == "insight":
            questionnaire = questionnaire_in(access, number("questionnaire"))
            found = insight_of(questionnaire, number("insight")) or abort(404)
            evidence.link_insight(need, current_user, found)
        elif kind == "question":
            ref = parse_ref(form.get("metric", ""), with_kind=True) or abort(400)
            questionnaire = questionnaire_in(access, ref.pop("questionnaire"))
            evidence.link_question(need, current_user, questionnaire, ref)
        elif kind == "answer_code":
            questionnaire = questionnaire_in(access, number("questionnaire"))
            code = db.session.scalar(
                db.select(Code).where(Code.id == number("code"), Code.study_id == access.study.id)
            ) or abort(404)
            evidence.link_code(need, current_user, questionnaire, code)
        elif kind == "highlight":
            evidence.link_highlight(need, current_user, highlight_in(access, number("highlight")))
        else:
            abort(400)
    except (StatsInputError, KeyError):
        db.session.rollback()
        flash(str(ERRORS["evidence"]), "danger")
    else:
        flash(_("Evidence linked."), "success")
    if form.get("next") == "source" and request.referrer:
        return redirect(request.referrer)
    return redirect(_back(access, need))


@bp.route("/<int:need_id>/evidence/<int:evidence_id>/remove", methods=["POST"])  # CSRF: app-wide
@study_required("manage_needs")
def unlink(access: StudyAccess, need_id: int, evidence_id: int):
    need = _need(access, need_id)
    item = next((e for e in need.evidence if e.id == evidence_id), None) or abort(404)
    evidence.unlink(item)
    return redirect(_back(access, need))
