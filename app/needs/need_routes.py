"""One need: its page (edit, evidence with snapshot and today's value, priority, comments,
history, before/after), and the POSTs that change it."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from analysis.stats.errors import StatsInputError
from app.extensions import db
from app.needs import bp, evidence, services
from app.needs.choices import segment_key
from app.needs.forms import CommentForm, MoveForm, OverrideForm
from app.needs.labels import ERRORS, EVIDENCE_LABELS
from app.needs.measures import (
    before_after,
    ipa_of_needs,
    need_priority,
    parse_ref,
    ref_value,
    stored_choice,
)
from app.needs.routes import form_values, need_form, page
from app.permissions import (
    StudyAccess,
    code_in,
    highlight_in,
    questionnaire_in,
    study_required,
)


def evidence_choices(access: StudyAccess) -> dict[str, list[tuple[str, str]]]:
    from app.needs.choices import code_choices, highlight_choices, insight_choices
    from app.needs.measures import metric_choices

    return {
        "insight": insight_choices(access.study),
        "question": metric_choices(access.study)[1:],
        "answer_code": code_choices(access.study),
        "highlight": highlight_choices(access.study),
    }


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
    for field, ref, with_kind in (
        (form.importance, need.importance, False),
        (form.satisfaction, need.satisfaction, False),
        (form.outcome, need.outcome, True),
    ):
        kept = stored_choice(access.study, ref, with_kind=with_kind)
        if kept is not None and kept[0] not in {value for value, _label in field.choices}:
            field.choices = [*field.choices, kept]
    form.segments.data = [segment_key(s) for s in need.segments or []]
    rows = [(item, evidence.live_value(item)) for item in need.evidence]
    everyone = services.study_needs(access.study)
    others = [n for n in everyone if n.id != need.id]
    ipa = ipa_of_needs(access.study, everyone)
    position = ipa["attributes"].get(need.id)
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
        ipa={**position, "among": len(ipa["attributes"]), "split": ipa["split"]}
        if position
        else None,
        history=describe(services.history(need)),
        others=others,
        EVIDENCE_LABELS=EVIDENCE_LABELS,
        choices=evidence_choices(access) if access.can("manage_needs") else {},
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


def link_evidence(access: StudyAccess, need, kind: str, ref: str) -> None:
    """Link one piece of evidence named by *kind* and *ref*: insight "questionnaire:insight",
    question "questionnaire:kind:question", answer_code "questionnaire:code", highlight "id".
    404 for a target outside the study; StatsInputError for a metric it cannot give."""
    from app.findings.insights import insight_of

    pair = ref.split(":", 1)
    first = int(pair[0]) if pair[0].isdigit() else 0
    second = int(pair[1]) if len(pair) == 2 and pair[1].isdigit() else 0
    if kind == "insight":
        found = insight_of(questionnaire_in(access, first), second) or abort(404)
        evidence.link_insight(need, current_user, found)
    elif kind == "question":
        spec = parse_ref(ref, with_kind=True) or abort(400)
        questionnaire = questionnaire_in(access, spec.pop("questionnaire"))
        evidence.link_question(need, current_user, questionnaire, spec)
    elif kind == "answer_code":
        questionnaire = questionnaire_in(access, first)
        evidence.link_code(need, current_user, questionnaire, code_in(access, second))
    elif kind == "highlight":
        evidence.link_highlight(need, current_user, highlight_in(access, first))
    else:
        abort(400)


@bp.route("/<int:need_id>/evidence", methods=["POST"])  # CSRF: app-wide CSRFProtect
@study_required("manage_needs")
def link(access: StudyAccess, need_id: int):
    need = _need(access, need_id)
    try:
        link_evidence(access, need, request.form.get("kind", ""), request.form.get("ref", ""))
    except (StatsInputError, KeyError):
        db.session.rollback()
        flash(str(ERRORS["evidence"]), "danger")
    else:
        flash(_("Evidence linked."), "success")
    return redirect(_back(access, need))


@bp.route("/<int:need_id>/evidence/<int:evidence_id>/remove", methods=["POST"])  # CSRF: app-wide
@study_required("manage_needs")
def unlink(access: StudyAccess, need_id: int, evidence_id: int):
    need = _need(access, need_id)
    item = next((e for e in need.evidence if e.id == evidence_id), None) or abort(404)
    evidence.unlink(item)
    return redirect(_back(access, need))
