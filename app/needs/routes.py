"""The board, the table and creating a need. The need page is in `need_routes`."""

import io

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models import Membership, NeedStatus, NeedType, User
from app.needs import bp, exports, services
from app.needs.choices import segment_choices, segment_key, segments_from
from app.needs.forms import MoveForm, NeedForm
from app.needs.labels import (
    ERRORS,
    KANO_LABELS,
    KIND_LABELS,
    QUADRANT_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
)
from app.needs.measures import metric_choices, parse_ref, rating_choices
from app.needs.services import board_priority
from app.permissions import StudyAccess, study_required

SORTS = {
    "priority": lambda n: -(board_priority(n) or 0),
    "due": lambda n: (n.due_on is None, n.due_on),
    "status": lambda n: list(NeedStatus).index(n.status),
    "created": lambda n: -n.id,
}


def members(access: StudyAccess) -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.study_id == access.study.id)
            .order_by(User.email)
        )
    )


def page(template: str, access: StudyAccess, **context):
    return render_template(
        template,
        access=access,
        study=access.study,
        STATUS_LABELS=STATUS_LABELS,
        TYPE_LABELS=TYPE_LABELS,
        KIND_LABELS=KIND_LABELS,
        KANO_LABELS=KANO_LABELS,
        QUADRANT_LABELS=QUADRANT_LABELS,
        board_priority=board_priority,
        **context,
    )


def need_form(access: StudyAccess, **kwargs) -> NeedForm:
    form = NeedForm(**kwargs)
    form.owner_id.choices = [(0, "—")] + [(u.id, u.name) for u in members(access)]
    form.importance.choices = form.satisfaction.choices = rating_choices(access.study)
    form.outcome.choices = metric_choices(access.study)
    form.segments.choices = segment_choices(access.study)
    return form


def form_values(access: StudyAccess, form: NeedForm) -> dict:
    owner = None
    if form.owner_id.data:
        owner = next((u for u in members(access) if u.id == form.owner_id.data), None)
    return {
        "statement": form.statement.data,
        "type": NeedType(form.type.data),
        "kind": form.kind.data,
        "kano": form.kano.data or "",
        "owner": owner,
        "due_on": form.due_on.data,
        "reach": form.reach.data,
        "impact": form.impact.data,
        "confidence": form.confidence.data,
        "effort": form.effort.data,
        "importance": parse_ref(form.importance.data),
        "satisfaction": parse_ref(form.satisfaction.data),
        "outcome": parse_ref(form.outcome.data, with_kind=True),
        "segments": segments_from(form.segments.data or [], form.segments.choices),
    }


@bp.route("/")
@study_required("view")
def board(access: StudyAccess):
    needs = services.study_needs(access.study)
    columns = {status: [n for n in needs if n.status is status] for status in NeedStatus}
    return page(
        "needs/board.html",
        access,
        columns=columns,
        counts=services.evidence_counts(access.study),
        move_form=MoveForm(),
    )


@bp.route("/table")
@study_required("view")
def table(access: StudyAccess):
    needs = needs_all = services.study_needs(access.study)
    status, kind, owner, segment = (
        request.args.get(k, "") for k in ("status", "type", "owner", "segment")
    )
    if status:
        needs = [n for n in needs if n.status.value == status]
    if kind:
        needs = [n for n in needs if n.type.value == kind]
    if owner.isdigit():
        needs = [n for n in needs if n.owner_id == int(owner)]
    if segment:
        needs = [n for n in needs if segment in {segment_key(s) for s in n.segments or []}]
    sort = request.args.get("sort", "priority")
    needs.sort(key=SORTS.get(sort, SORTS["priority"]))
    return page(
        "needs/table.html",
        access,
        needs=needs,
        sort=sort,
        status=status,
        kind=kind,
        owner=owner,
        segment=segment,
        segments=board_segments(needs_all),
        members=members(access),
        move_form=MoveForm(),
        counts=services.evidence_counts(access.study),
    )


def board_segments(needs) -> list[tuple[str, str]]:
    """The segments the needs name, for the table's filter: (key, "title: label")."""
    found = {segment_key(s): f"{s['title']}: {s['label']}" for n in needs for s in n.segments or []}
    return sorted(found.items(), key=lambda pair: pair[1])


@bp.route("/needs.<fmt>")
@study_required("view")
def export(access: StudyAccess, fmt: str):
    """The needs as CSV or XLSX, named after the study."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    body = exports.needs_csv(access.study) if fmt == "csv" else exports.needs_xlsx(access.study)
    mimetype = (
        "text/csv"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"{access.study.title} {_('Needs')}.{fmt}"
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.route("/table/bulk", methods=["POST"])  # CSRF: app-wide CSRFProtect
@study_required("manage_needs")
def bulk(access: StudyAccess):
    form = MoveForm()
    ids = {int(i) for i in request.form.getlist("need_id") if i.isdigit()}
    if not form.validate_on_submit() or not ids:
        flash(_("Tick the needs to move and pick a status."), "warning")
        return redirect(url_for("needs.table", study_id=access.study.id))
    chosen = [n for n in services.study_needs(access.study) if n.id in ids]
    try:
        moved = services.bulk_move(chosen, NeedStatus(form.status.data), form.reason.data or "")
    except services.NeedError as error:
        db.session.rollback()
        flash(str(ERRORS[error.code]), "danger")
    else:
        flash(_("%(count)d needs moved.", count=moved), "success")
    return redirect(url_for("needs.table", study_id=access.study.id))


@bp.route("/new", methods=["GET", "POST"])
@study_required("manage_needs")
def new(access: StudyAccess):
    """A new need; `?kind=insight&ref=…` (or highlight, answer_code, question) starts it from
    that evidence, linked once the need is saved."""
    from app.needs.need_routes import link_evidence

    kind, ref = request.args.get("kind", ""), request.args.get("ref", "")
    form = need_form(access)
    if form.validate_on_submit():
        need = services.create_need(access.study, current_user, form_values(access, form))
        if kind:
            link_evidence(access, need, kind, ref)
        flash(_("Need created."), "success")
        return redirect(url_for("needs.show", study_id=access.study.id, need_id=need.id))
    if request.method == "GET" and kind:
        form.statement.data = source_text(access, kind, ref)
    return page("needs/new.html", access, form=form, kind=kind, ref=ref)


def source_text(access: StudyAccess, kind: str, ref: str) -> str:
    """The sentence or quote a need started from, as its first draft."""
    from app.findings.insight_sentences import insight_sentence
    from app.findings.insights import insight_of
    from app.permissions import highlight_in, questionnaire_in

    parts = [int(p) if p.isdigit() else 0 for p in ref.split(":")]
    if kind == "insight" and len(parts) == 2:
        found = insight_of(questionnaire_in(access, parts[0]), parts[1]) or abort(404)
        return insight_sentence(found.claim)
    if kind == "highlight" and parts:
        return highlight_in(access, parts[0]).snippet
    return ""


@bp.route("/<int:need_id>/move", methods=["POST"])  # CSRF: app-wide CSRFProtect
@study_required("manage_needs")
def move(access: StudyAccess, need_id: int):
    """A card's move form, or the board's drag-and-drop (which asks for JSON back)."""
    need = services.need_in(access.study, need_id) or abort(404)
    form = MoveForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate_on_submit():
        return (jsonify(error="status"), 400) if wants_json else abort(400)
    try:
        services.move(need, NeedStatus(form.status.data), form.reason.data or "")
    except services.NeedError as error:
        db.session.rollback()
        if wants_json:
            return jsonify(error=str(ERRORS[error.code])), 400
        flash(str(ERRORS[error.code]), "danger")
    if wants_json:
        return jsonify(status=need.status.value)
    return redirect(
        (
            request.form.get("next") == "need"
            and url_for("needs.show", study_id=access.study.id, need_id=need.id)
        )
        or url_for("needs.board", study_id=access.study.id)
    )


from app.needs import need_routes, trend_routes  # noqa: E402, F401 - the need page's and trends' views
