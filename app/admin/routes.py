from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, audit_sentences
from app.accounts import services as accounts
from app.accounts.forms import error_message, show_error
from app.admin import bp
from app.admin.forms import CreateUserForm
from app.extensions import db
from app.forms import ConfirmForm
from app.models import User
from app.permissions import admin_required
from app.urls import external_url


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            user, token = accounts.add_user(
                form.email.data,
                form.password.data or None,
                is_admin=form.is_admin.data,
                display_name=form.display_name.data or "",
                actor=current_user,
            )
        except accounts.AccountError as error:
            show_error(form, error)
        else:
            if token is None:
                flash(_("User created."), "success")
                return redirect(url_for("admin.users"))
            return _password_link_page(user, token, invited=True)
    all_users = db.session.scalars(db.select(User).order_by(User.email)).all()
    return render_template("admin/users.html", form=form, users=all_users)


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@admin_required
def reset_password(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.users"))
    token = accounts.reset_password(user, actor=current_user)
    return _password_link_page(user, token, invited=False)


@bp.route("/users/<int:user_id>/<any(deactivate, reactivate):change>", methods=["POST"])
@admin_required
def set_active(user_id: int, change: str):
    user = db.session.get(User, user_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            accounts.set_active(user, change == "reactivate", actor=current_user)
        except accounts.AccountError as error:
            flash(error_message(error), "danger")
        else:
            flash(
                _("%(email)s can sign in again.", email=user.email)
                if change == "reactivate"
                else _("%(email)s is deactivated and signed out.", email=user.email),
                "success",
            )
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@admin_required
def audit_log():
    """Account events of the whole install: sign-ins, failures, lockouts, user changes."""
    return render_template(
        "admin/audit.html", lines=audit_sentences.describe(audit.account_events())
    )


def _password_link_page(user: User, token: str, *, invited: bool):
    link = external_url("accounts.set_password", token=token)
    hours = int(current_app.config["PASSWORD_LINK_LIFETIME"].total_seconds() // 3600)
    response = make_response(
        render_template(
            "admin/password_link.html", user=user, link=link, hours=hours, invited=invited
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the link is a credential until used
    return response
