"""/studies/<id>/questionnaires/<id>/responses: progress counts and invitation links."""

import csv
import io

from flask import Response, render_template

from app.permissions import StudyAccess, questionnaire_in, study_required
from app.responses import bp, counts
from app.responses.forms import InvitationsForm
from app.responses.invitations import create_invitations, invitation_counts
from app.urls import external_url


def _page(access: StudyAccess, questionnaire, form, status: int = 200):
    return render_template(
        "responses/collection.html",
        access=access,
        study=access.study,
        questionnaire=questionnaire,
        counts=counts.counts(questionnaire),
        invitations=invitation_counts(questionnaire),
        form=form,
    ), status


@bp.route("/")
@study_required("view_respondents")
def index(access: StudyAccess, questionnaire_id: int):
    return _page(access, questionnaire_in(access, questionnaire_id), InvitationsForm())


@bp.route("/invitations.csv", methods=["POST"])
@study_required("edit_questionnaire")
def invitations(access: StudyAccess, questionnaire_id: int):
    """Create N single-use links and download them once: only their hashes are kept."""
    questionnaire = questionnaire_in(access, questionnaire_id)
    form = InvitationsForm()
    if not form.validate_on_submit():
        return _page(access, questionnaire, form, 422)
    tokens = create_invitations(questionnaire, form.count.data)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["n", "link"])
    for n, token in enumerate(tokens, 1):
        writer.writerow([n, external_url("respond.form", slug=questionnaire.slug, t=token)])
    return Response(
        "\ufeff" + buffer.getvalue(),  # BOM: Excel opens UTF-8 CSV correctly
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="invitations-{questionnaire.slug}.csv"'
        },
    )
