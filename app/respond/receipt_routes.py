"""A respondent's own response, found by its receipt code: see it, download it, delete it
(`app.respond.receipts`). Public like the form; the code is asked for in a form and sent back
in the body of each action, never put in a URL, and the POSTs are rate-limited by address."""

import json

from flask import Response, abort, render_template
from flask_babel import gettext as _

from app.extensions import db
from app.models import Questionnaire, QuestionnaireStatus
from app.respond import bp, receipts
from app.respond.ratelimit import per_address
from app.respond.receipt_forms import EraseForm, OwnResponseForm, ReceiptForm


def _published(slug: str) -> Questionnaire:
    """The questionnaire behind the link, open or closed since: rights outlive collection."""
    questionnaire = db.session.scalar(db.select(Questionnaire).where(Questionnaire.slug == slug))
    if questionnaire is None or questionnaire.status is QuestionnaireStatus.DRAFT:
        abort(404)
    return questionnaire


@bp.route("/s/<slug>/receipt", methods=["GET", "POST"])
@per_address("RECEIPT_RATE_LIMIT")
def receipt(slug: str):
    questionnaire = _published(slug)
    form = ReceiptForm()
    if form.validate_on_submit():
        own = receipts.own_response(slug, form.code.data)
        if own is not None:
            return _own_page(own, form.code.data)
        form.code.errors = [_("No response has this receipt code. Check it against the end page.")]
    return render_template("respond/receipt.html", questionnaire=questionnaire, form=form)


@bp.route("/s/<slug>/receipt/download", methods=["POST"])
@per_address("RECEIPT_RATE_LIMIT")
def receipt_download(slug: str):
    own = _own(slug, OwnResponseForm())
    body = json.dumps(receipts.portable_copy(own), ensure_ascii=False, indent=2)
    reply = Response(body, mimetype="application/json")
    reply.headers["Content-Disposition"] = f'attachment; filename="my-response-{slug}.json"'
    return reply


@bp.route("/s/<slug>/receipt/erase", methods=["POST"])
@per_address("RECEIPT_RATE_LIMIT")
def receipt_erase(slug: str):
    form = EraseForm()
    if not form.validate_on_submit():
        if not form.code.data:
            abort(400)
        own = receipts.own_response(slug, form.code.data) or abort(404)
        return _own_page(own, form.code.data, erase_form=form)
    own = receipts.own_response(slug, form.code.data) or abort(404)
    receipts.erase(own)
    return render_template("respond/receipt_erased.html", questionnaire=own.questionnaire)


def _own(slug: str, form: OwnResponseForm) -> receipts.OwnResponse:
    if not form.validate_on_submit():
        abort(400)
    return receipts.own_response(slug, form.code.data) or abort(404)


def _own_page(own: receipts.OwnResponse, code: str, erase_form: EraseForm | None = None):
    erase_form = erase_form or EraseForm(formdata=None, code=code)
    return render_template(
        "respond/receipt_view.html",
        own=own,
        questionnaire=own.questionnaire,
        download_form=OwnResponseForm(formdata=None, code=code),
        erase_form=erase_form,
    )
