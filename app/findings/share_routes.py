"""Members' side of share links: make one for the dashboard as filtered now, list, revoke."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.findings import bp, shares
from app.findings.forms import ShareForm
from app.findings.query_args import query_args, query_from_args
from app.forms import ConfirmForm
from app.models.types import utcnow
from app.permissions import StudyAccess, published_questionnaire_in, study_required
from app.urls import external_url

SESSION_KEY = "new_share_link"  # the token, shown once on the page the POST redirects to


@bp.route("/<int:questionnaire_id>/shares", methods=["GET", "POST"])
@study_required("share_findings")
def share_links(access: StudyAccess, questionnaire_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    query = query_from_args(request.args)
    form = ShareForm()
    here = url_for(
        "findings.share_links",
        study_id=access.study.id,
        questionnaire_id=questionnaire.id,
        **query_args(query),
    )
    if form.validate_on_submit():
        link, token = shares.create_share(
            questionnaire,
            current_user,
            query,
            expires=form.expires.data,
            include_quotes=form.include_quotes.data,
            label=form.label.data or "",
        )
        session[SESSION_KEY] = {"id": link.id, "token": token}
        flash(_("Share link made. Copy it now: it is shown only once."), "success")
        return redirect(here)
    new = session.pop(SESSION_KEY, None)
    return render_template(
        "findings/shares.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        form=form,
        query=query,
        action=here,
        links=shares.shares_of(questionnaire),
        new_url=external_url("shared.view_dashboard", token=new["token"]) if new else None,
        revoke_form=ConfirmForm(),
        now=utcnow(),
    )


@bp.route("/<int:questionnaire_id>/shares/<int:share_id>/revoke", methods=["POST"])
@study_required("share_findings")
def revoke_share_link(access: StudyAccess, questionnaire_id: int, share_id: int):
    questionnaire = published_questionnaire_in(access, questionnaire_id)
    link = shares.share_in(questionnaire, share_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        shares.revoke_share(link, current_user)
        flash(_("Share link revoked: it now opens nothing."), "success")
    return redirect(
        url_for("findings.share_links", study_id=access.study.id, questionnaire_id=questionnaire.id)
    )
