from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import bp, services
from app.accounts.forms import ChangePasswordForm, LoginForm, SetPasswordForm, show_error
from app.extensions import limiter
from app.forms import ConfirmForm
from app.urls import safe_next_url


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("studies.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountError as error:
            show_error(form, error)
        else:
            if user is not None:
                _sign_in(user, remember=form.remember.data)
                return redirect(safe_next_url(request.args.get("next")))
            form.password.errors.append(_("Wrong email or password."))
    return render_template("accounts/login.html", form=form)


def _sign_in(user, *, remember: bool) -> None:
    services.start_session(user, remember=remember)
    login_user(user, remember=remember)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.end_session(current_user)
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    if ConfirmForm().validate_on_submit():
        services.sign_out_everywhere(current_user)
        logout_user()
        flash(_("You have signed out on every device."), "info")
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.change_password"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except services.AccountError as error:
            show_error(form, error, "new_password" if error.field == "password" else None)
        else:
            _sign_in(current_user._get_current_object(), remember=False)
            flash(_("Your password has been changed; other devices are signed out."), "success")
            return redirect(url_for("studies.index"))
    return render_template("accounts/change_password.html", form=form, sign_out_form=ConfirmForm())


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """The one-time link an administrator gave: choose a password, then sign in."""
    user = services.user_for_password_link(token) or abort(404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password_from_link(user, form.new_password.data)
        except services.AccountError as error:
            show_error(form, error, "new_password")
        else:
            logout_user()
            flash(_("Your password is set. Sign in with it."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/set_password.html", form=form, user=user)
