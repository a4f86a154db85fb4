from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import services as accounts
from app.admin import bp
from app.admin.forms import CreateUserForm
from app.extensions import db
from app.models import User
from app.permissions import admin_required


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            accounts.create_user(
                form.email.data,
                form.password.data,
                is_admin=form.is_admin.data,
                display_name=form.display_name.data or "",
                actor=current_user,
            )
        except accounts.AccountError:
            form.email.errors.append(_("An account with this email already exists."))
        else:
            flash(_("User created."), "success")
            return redirect(url_for("admin.users"))
    all_users = db.session.scalars(db.select(User).order_by(User.email)).all()
    return render_template("admin/users.html", form=form, users=all_users)
