from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.notices import bp, services
from app.notices.forms import NoticeForm
from app.permissions import StudyAccess, consent_notice_in, study_required


@bp.route("/", methods=["GET", "POST"])
@study_required()
def index(access: StudyAccess):
    """The study's current notice, a form for the next version, and every version so far."""
    if request.method == "POST" and not access.can("edit_study"):
        abort(403)
    current = services.latest(access.study)
    form = NoticeForm(obj=current)
    if form.validate_on_submit():
        notice, added = services.save_notice(access.study, form.data, current_user)
        if added:
            flash(_("Saved as version %(version)d.", version=notice.version), "success")
        else:
            flash(_("The text is unchanged: still version %(version)d.", version=notice.version))
        return redirect(url_for(".index", study_id=access.study.id))
    return render_template(
        "notices/index.html",
        access=access,
        study=access.study,
        form=form,
        current=current,
        versions=services.history(access.study),
        retention=services.retention_in_words(
            access.study.retention_days, access.study.retention_action
        ),
    )


@bp.route("/v<int:version>")
@study_required()
def show(access: StudyAccess, version: int):
    """One version's text exactly as respondents agreed to it."""
    notice = consent_notice_in(access, version)
    return render_template("notices/show.html", access=access, study=access.study, notice=notice)
