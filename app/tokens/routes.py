from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.forms import ConfirmForm
from app.models import TokenScope
from app.models.types import utcnow
from app.permissions import load_study_access
from app.tokens import bp, services
from app.tokens.forms import ERROR_MESSAGES, SCOPE_LABELS, TokenForm


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    return render_template(
        "tokens/index.html",
        form=form,
        tokens=services.tokens_of(current_user),
        secret=secret,
        now=utcnow(),
        scope_labels=SCOPE_LABELS,
        revoke_form=ConfirmForm(),
    ), status


def _form(*, blank: bool = False) -> TokenForm:
    """The form of the user's studies; *blank*: empty again, after a token was made."""
    form = TokenForm(formdata=None) if blank else TokenForm()
    memberships = sorted(current_user.memberships, key=lambda m: m.study_id)
    form.study.choices = [(m.study_id, m.study.title) for m in memberships]
    return form


@bp.route("/")
@login_required
def index():
    return _page(_form())


@bp.route("/", methods=["POST"])
@login_required
def create():
    """Make a token; its secret is on this page only, never stored or shown again."""
    form = _form()
    if not form.validate_on_submit():
        return _page(form, status=422)
    access = load_study_access(form.study.data, current_user)
    try:
        _token, secret = services.create_token(
            current_user,
            access,
            name=form.name.data,
            scope=TokenScope(form.scope.data),
            days=form.days.data,
        )
    except services.TokenError as refused:
        field = form.scope if str(refused) == "write_not_allowed" else form.days
        field.errors = [str(ERROR_MESSAGES[str(refused)])]
        return _page(form, status=422)
    return _page(_form(blank=True), secret=secret)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    token = services.token_of(current_user, token_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        services.revoke_token(token, current_user)
        flash(_("The token “%(name)s” has been revoked.", name=token.name), "success")
    return redirect(url_for("tokens.index"))
