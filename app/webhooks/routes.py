from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.forms import ConfirmForm
from app.permissions import (
    StudyAccess,
    study_required,
    webhook_delivery_in,
    webhook_endpoint_in,
)
from app.webhooks import addresses, bp, delivery, endpoints
from app.webhooks.forms import EVENT_LABELS, EndpointForm

ADDRESS_MESSAGES = {
    "bad_url": _l("Enter a full address starting with https://."),
    "scheme": _l("Use https:// (this install does not send answers over plain http)."),
    "private_network": _l(
        "This address is on a private or local network, to which this install sends no "
        "webhooks (an administrator can allow it)."
    ),
    "unresolved": _l("The receiver's host name was not found."),
}


@bp.route("/", methods=["GET", "POST"])
@study_required("manage_webhooks")
def index(access: StudyAccess):
    form = EndpointForm()
    created = None
    if form.validate_on_submit():
        try:
            created = endpoints.create_endpoint(
                access.study,
                current_user,
                url=form.url.data,
                description=form.description.data or "",
                event_types=form.event_types.data,
                policy=addresses.policy_from(current_app.config),
            )
        except addresses.AddressRefused as refused:
            form.url.errors.append(ADDRESS_MESSAGES[refused.code])
        else:
            form = EndpointForm(formdata=None)
    # The secret is in this answer to the POST only: never in a redirect, a flash or a page.
    return render_template(
        "webhooks/index.html",
        access=access,
        study=access.study,
        form=form,
        created=created,
        endpoints=endpoints.endpoints_of(access.study),
        event_labels=EVENT_LABELS,
    )


@bp.route("/<int:endpoint_id>")
@study_required("manage_webhooks")
def endpoint(access: StudyAccess, endpoint_id: int):
    shown = webhook_endpoint_in(access, endpoint_id)
    return render_template(
        "webhooks/endpoint.html",
        access=access,
        study=access.study,
        endpoint=shown,
        log=endpoints.delivery_log(shown),
        counts=endpoints.counts_by_status(shown),
        event_labels=EVENT_LABELS,
        confirm_form=ConfirmForm(),
        not_sent=delivery.NOT_SENT,
    )


@bp.route("/<int:endpoint_id>/disable", methods=["POST"])
@study_required("manage_webhooks")
def disable(access: StudyAccess, endpoint_id: int):
    return _switch(access, endpoint_id, active=False)


@bp.route("/<int:endpoint_id>/enable", methods=["POST"])
@study_required("manage_webhooks")
def enable(access: StudyAccess, endpoint_id: int):
    return _switch(access, endpoint_id, active=True)


@bp.route("/<int:endpoint_id>/delete", methods=["POST"])
@study_required("manage_webhooks")
def delete(access: StudyAccess, endpoint_id: int):
    shown = webhook_endpoint_in(access, endpoint_id)
    if ConfirmForm().validate_on_submit():
        if request.form.get("confirm") != "1":
            flash(_("Tick the box to confirm the deletion."), "warning")
        else:
            endpoints.delete_endpoint(shown)
            flash(_("Webhook endpoint deleted."), "success")
            return redirect(url_for("webhooks.index", study_id=access.study.id))
    return redirect(url_for("webhooks.endpoint", study_id=access.study.id, endpoint_id=shown.id))


@bp.route("/<int:endpoint_id>/deliveries/<int:delivery_id>/replay", methods=["POST"])
@study_required("manage_webhooks")
def replay(access: StudyAccess, endpoint_id: int, delivery_id: int):
    shown = webhook_endpoint_in(access, endpoint_id)
    replayed = webhook_delivery_in(shown, delivery_id)
    if ConfirmForm().validate_on_submit():
        endpoints.replay_delivery(replayed)
        flash(_("The event will be sent again, with the same event id."), "success")
    return redirect(url_for("webhooks.endpoint", study_id=access.study.id, endpoint_id=shown.id))


def _switch(access: StudyAccess, endpoint_id: int, *, active: bool):
    shown = webhook_endpoint_in(access, endpoint_id)
    if ConfirmForm().validate_on_submit():
        endpoints.set_active(shown, active)
        flash(_("Webhook endpoint enabled.") if active else _("Webhook endpoint disabled."),
              "success")  # fmt: skip
    return redirect(url_for("webhooks.endpoint", study_id=access.study.id, endpoint_id=shown.id))
