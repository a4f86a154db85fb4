"""Transcripts: upload, preview, the coding workspace, highlights and participants."""

from flask import flash, jsonify, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.extensions import db
from app.forms import ConfirmForm
from app.interviews import bp, coding, import_jobs, participants, privacy, reports, services
from app.interviews.common import ERRORS, attribute_filters
from app.interviews.common import page as _page
from app.interviews.forms import (
    CONSENT_LABELS,
    KIND_LABELS,
    FileForm,
    InterviewForm,
    PolicyForm,
    PreviewForm,
    ProjectFileForm,
    TurnForm,
    UploadForm,
    notice_choices,
)
from app.jsonbody import BadJson, json_body, whole_number
from app.models import ImportStatus, InterviewKind
from app.notices import services as notices
from app.permissions import (
    StudyAccess,
    code_in,
    highlight_in,
    interview_in,
    study_required,
    turn_in,
)
from app.problems import translate

# A highlight is a turn, a few code ids, two offsets, a snippet and a memo of 5,000 characters.
HIGHLIGHT_MAX_BYTES = 256 * 1024
# Codes applied to one selection in one request: each is looked up, so the body alone
# (256 KB of ids) would allow tens of thousands of queries.
MAX_CODES_PER_HIGHLIGHT = 50


@bp.app_context_processor
def labels():
    return {"kind_labels": KIND_LABELS, "consent_labels": CONSENT_LABELS}


@bp.route("/")
@study_required("view_respondents")
def index(access: StudyAccess):
    values, filters = attribute_filters(access)
    policy = privacy.policy_of(access.study)
    policy_form = PolicyForm(
        keep_originals=policy.keep_originals, mask_names="\n".join(policy.mask_names)
    )
    return _page(
        "interviews/index.html",
        access,
        interviews=[
            i for i in services.saved_interviews(access.study) if reports.matches(i, filters)
        ],
        attribute_values=values,
        filters=filters,
        previews=services.pending_previews(access.study),
        form=UploadForm(),
        csv_form=FileForm(),
        project_form=ProjectFileForm(),
        policy=policy,
        policy_form=policy_form,
    )


@bp.route("/policy", methods=["POST"])
@study_required("set_interview_privacy")
def policy(access: StudyAccess):
    form = PolicyForm()
    if form.validate_on_submit():
        purged = privacy.update_policy(
            access.study, form.keep_originals.data, services.split_names(form.mask_names.data)
        )
        flash(_("Privacy rules saved."), "success")
        if purged:
            flash(_("%(n)d kept originals were deleted.", n=purged), "info")
    return redirect(url_for(".index", study_id=access.study.id))


@bp.route("/upload", methods=["POST"])
@study_required("import_interviews")
def upload(access: StudyAccess):
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Choose at least one transcript file."), "danger")
        return redirect(url_for(".index", study_id=access.study.id))
    options = services.ImportOptions(
        encoding=form.encoding.data or None,
        kind=InterviewKind(form.kind.data),
        mask=form.mask.data,
        names=services.split_names(form.names.data),
        keep_original=form.keep_original.data,
    )
    if form.keep_original.data and not privacy.policy_of(access.study).keep_originals:
        flash(
            _("This study does not keep original files; only the transcript is saved."), "warning"
        )
    files = [(f.filename or "", f.read()) for f in request.files.getlist(form.files.name)]
    if len(files) == 1:  # read here, and straight on to its preview
        created, failures = services.upload_transcripts(access.study, current_user, files, options)
        for failure in failures:
            flash(f"{failure.filename}: {translate(failure.problem)}", "danger")
        if created:
            return redirect(url_for(".preview", study_id=access.study.id,
                                    interview_id=created[0].id))  # fmt: skip
        return redirect(url_for(".index", study_id=access.study.id))
    job = import_jobs.submit_upload(
        access.study, current_user, files, options, locale=str(get_locale())
    )
    return redirect(url_for(".import_job", study_id=access.study.id, job_id=job.id))


def _speaker_choices(form_data) -> tuple[dict[str, str], set[str]]:
    renames, interviewers = {}, set()
    for key, old in form_data.items():
        if key.startswith("speaker-"):
            index = key.removeprefix("speaker-")
            renames[old] = form_data.get(f"rename-{index}", old)
            if form_data.get(f"interviewer-{index}"):
                interviewers.add(old)
    return renames, interviewers


def _label_uses(form_data) -> services.LabelUses:
    """The preview's "not a speaker" choices (`use-<n>`: text or header) and the labels
    given back to the parser (`restore`)."""
    uses: dict[str, list[str]] = {"text": [], "header": []}
    for key, old in form_data.items():
        if key.startswith("speaker-") and old:
            use = form_data.get(f"use-{key.removeprefix('speaker-')}")
            if use in uses:
                uses[use].append(old)
    restored = tuple(form_data.getlist("restore"))
    return services.LabelUses(tuple(uses["text"]), tuple(uses["header"]), restored)


def _reread(interview, encoding: str | None, uses: services.LabelUses) -> bool:
    try:
        services.reread(interview, encoding, uses)
    except services.TranscriptError as error:
        flash(translate(error), "danger")
    except services.InterviewError as error:
        flash(ERRORS[error.code], "danger")
    else:
        return True
    return False


@bp.route("/<int:interview_id>/preview", methods=["GET", "POST"])
@study_required("import_interviews")
def preview(access: StudyAccess, interview_id: int):
    interview = interview_in(access, interview_id)
    if interview.status is not ImportStatus.PREVIEW:
        return redirect(url_for(".show", study_id=access.study.id, interview_id=interview.id))
    form = PreviewForm(obj=interview)
    if request.method == "GET":
        form.encoding.data = interview.import_options.get("encoding") or ""
    action = request.form.get("action")
    if action == "discard" and form.validate_on_submit():
        services.discard_preview(interview)
        flash(_("The upload was discarded."), "info")
        return redirect(url_for(".index", study_id=access.study.id))
    back = url_for(".preview", study_id=access.study.id, interview_id=interview.id)
    if action == "reread" and form.validate_on_submit():
        _reread(interview, form.encoding.data or None, _label_uses(request.form))
        return redirect(back)
    if action == "save" and form.validate_on_submit():
        uses = _label_uses(request.form)
        if uses and not _reread(interview, interview.import_options.get("encoding"), uses):
            return redirect(back)
        renames, interviewers = _speaker_choices(request.form)
        services.save_preview(interview, form.data, renames, interviewers)
        flash(_("Transcript saved."), "success")
        return redirect(url_for(".show", study_id=access.study.id, interview_id=interview.id))
    return _page(
        "interviews/preview.html",
        access,
        interview=interview,
        form=form,
        speakers=services.speaker_counts(interview),
        not_speakers=services.not_speakers(interview),
        can_relabel=services.can_reread(interview),
    )


@bp.route("/<int:interview_id>")
@study_required("view_respondents")
def show(access: StudyAccess, interview_id: int):
    interview = interview_in(access, interview_id)
    if interview.status is ImportStatus.PREVIEW:
        return redirect(url_for(".preview", study_id=access.study.id, interview_id=interview.id))
    tree = coding.code_tree(access.study)
    return _page(
        "interviews/show.html",
        access,
        interview=interview,
        tree=tree,
        coding_data=_coding_data(access, interview, tree),
        turn_form=TurnForm(),
        confirm_form=ConfirmForm(),
    )


def _coding_data(access: StudyAccess, interview, tree) -> dict:
    """What coding.js needs, passed as JSON in the page (no inline script)."""
    study_id = access.study.id
    return {
        "texts": {str(t.id): t.text for t in interview.turns},
        "highlights": [coding.highlight_payload(h) for t in interview.turns for h in t.highlights],
        "codes": {str(c.id): {"name": c.name, "colour": c.colour} for c, _depth in tree},
        "addUrl": url_for(".add_highlight", study_id=study_id, interview_id=interview.id),
        "deleteUrl": url_for(".delete_highlight", study_id=study_id, highlight_id=0),
        "quotesUrl": url_for(".quotes", study_id=study_id, code_id=0),
        "canCode": access.can("code_interviews"),
        "csrfToken": generate_csrf(),
        "messages": {
            "selectInOneTurn": _("Select text within one turn."),
            "selected": _("Selected:"),
            "saved": _("Saved."),
            "failed": _("Could not save:"),
            "remove": _("Remove"),
            "needsReview": _("check: the text changed"),
            "chooseCode": _("Tick at least one code."),
        },
    }


@bp.route("/<int:interview_id>/edit", methods=["GET", "POST"])
@study_required("import_interviews")
def edit(access: StudyAccess, interview_id: int):
    interview = interview_in(access, interview_id)
    form = InterviewForm(obj=interview)
    form.consent_notice_id.choices = notice_choices(notices.history(access.study))
    if request.method == "GET":
        form.attributes.data = services.format_attributes(interview.attributes)
    if form.validate_on_submit():
        try:
            fields = {**form.data, "attributes": services.parse_attributes(form.attributes.data)}
        except services.InterviewError as error:
            form.attributes.errors.append(ERRORS[error.code])
        else:
            if services.update_interview(interview, fields):
                flash(_("Interview saved."), "success")
            return redirect(url_for(".show", study_id=access.study.id, interview_id=interview.id))
    return _page(
        "interviews/edit.html",
        access,
        interview=interview,
        form=form,
        speakers=services.speaker_counts(interview),
        confirm_form=ConfirmForm(),
    )


@bp.route("/<int:interview_id>/speakers", methods=["POST"])
@study_required("import_interviews")
def speakers(access: StudyAccess, interview_id: int):
    interview = interview_in(access, interview_id)
    if ConfirmForm().validate_on_submit():
        renames, interviewers = _speaker_choices(request.form)
        services.apply_speakers(interview, renames, interviewers)
        db.session.commit()
        flash(_("Speakers saved."), "success")
    return redirect(url_for(".show", study_id=access.study.id, interview_id=interview.id))


@bp.route("/<int:interview_id>/delete", methods=["POST"])
@study_required("import_interviews")
def delete(access: StudyAccess, interview_id: int):
    interview = interview_in(access, interview_id)
    if ConfirmForm().validate_on_submit():
        services.delete_interview(interview)
        flash(_("Interview deleted."), "success")
    return redirect(url_for(".index", study_id=access.study.id))


@bp.route("/<int:interview_id>/turns/<int:turn_id>", methods=["POST"])
@study_required("code_interviews")
def edit_turn(access: StudyAccess, interview_id: int, turn_id: int):
    interview = interview_in(access, interview_id)
    turn = turn_in(access, interview, turn_id)
    form = TurnForm()
    if form.validate_on_submit():
        try:
            result = coding.edit_turn(access.study, turn, form.text.data)
        except coding.CodingError as error:
            flash(ERRORS[error.code], "danger")
        else:
            if result["flagged"]:
                flash(
                    _(
                        "%(n)d highlights could not be found again: check them.",
                        n=result["flagged"],
                    ),
                    "warning",
                )
            else:
                flash(_("Turn saved."), "success")
    url = url_for(".show", study_id=access.study.id, interview_id=interview.id)
    return redirect(f"{url}#turn-{turn.id}")


@bp.route("/<int:interview_id>/highlights", methods=["POST"])
@study_required("code_interviews")
def add_highlight(access: StudyAccess, interview_id: int):
    interview = interview_in(access, interview_id)
    try:
        body = json_body(max_bytes=HIGHLIGHT_MAX_BYTES)
    except BadJson as error:
        return jsonify({"error": error.code, "message": error.message}), 400
    body = body if isinstance(body, dict) else {}
    try:
        turn = turn_in(access, interview, whole_number(body.get("turn", 0)))
        code_ids = body.get("codes", [])
        if not isinstance(code_ids, list) or len(code_ids) > MAX_CODES_PER_HIGHLIGHT:
            message = str(ERRORS["too_many_codes"]) % {"max": MAX_CODES_PER_HIGHLIGHT}
            return jsonify({"error": "too_many_codes", "message": message}), 422
        codes = [code_in(access, whole_number(c)) for c in code_ids]
        created = coding.add_highlights(
            access.study,
            turn,
            current_user,
            whole_number(body.get("start", -1)),
            whole_number(body.get("end", -1)),
            codes,
            snippet=body.get("snippet"),
            memo=str(body.get("memo", ""))[:5000],
        )
    except (TypeError, ValueError) as error:
        code = getattr(error, "code", "bad_offsets")
        return jsonify({"error": code, "message": str(ERRORS.get(code, code))}), 422
    return jsonify({"highlights": [coding.highlight_payload(h) for h in created]}), 201


@bp.route("/highlights/<int:highlight_id>/delete", methods=["POST"])
@study_required("code_interviews")
def delete_highlight(access: StudyAccess, highlight_id: int):
    highlight = highlight_in(access, highlight_id)
    coding.delete_highlight(access.study, highlight)
    if request.is_json:
        return jsonify({"deleted": highlight_id})
    return redirect(request.referrer or url_for(".index", study_id=access.study.id))


@bp.route("/highlights/<int:highlight_id>/memo", methods=["POST"])
@study_required("code_interviews")
def highlight_memo(access: StudyAccess, highlight_id: int):
    highlight = highlight_in(access, highlight_id)
    if ConfirmForm().validate_on_submit():
        coding.set_highlight_memo(access.study, highlight, request.form.get("memo", "")[:5000])
        flash(_("Memo saved."), "success")
    return redirect(request.referrer or url_for(".index", study_id=access.study.id))


@bp.route("/attributes/import", methods=["POST"])
@study_required("import_interviews")
def import_attributes(access: StudyAccess):
    form = FileForm()
    if form.validate_on_submit():
        try:
            result = participants.import_attributes_csv(access.study, form.file.data.read())
        except services.InterviewError as error:
            flash(ERRORS[error.code], "danger")
        else:
            flash(_("Attributes updated for %(n)d participants.", n=len(result.updated)), "success")
            if result.unknown:
                flash(
                    _("No interview for: %(labels)s", labels="、".join(result.unknown)), "warning"
                )
    return redirect(url_for(".index", study_id=access.study.id))
