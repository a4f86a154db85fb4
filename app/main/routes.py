from flask import current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.accounts import services as accounts
from app.database import readiness
from app.extensions import db, limiter
from app.main import bp
from app.serving import redis_reason
from app.urls import safe_next_url


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("studies.index"))
    return redirect(url_for("accounts.login"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    """Switch the interface language; saved on the account when signed in. A POST (with the
    CSRF token every form carries): it changes what is stored, so a link or an image on
    another site must not be able to do it."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            accounts.set_locale(current_user, code)
    return redirect(safe_next_url(request.args.get("next")))


@bp.route("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/readyz")
@limiter.exempt
def readyz():
    """Whether this process can serve submits now: the database answers a read and takes a
    write (rolled back), and Redis (when `REDIS_URL` is set) answers a ping. 503 with the
    reasons otherwise. /healthz stays the cheap check (the process answers, the database
    answers a read) that does not take SQLite's write lock."""
    database = readiness(db.session)
    checks = {"database": database or "ok"}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = redis_reason(current_app.config["REDIS_URL"]) or "ok"
    if any(value != "ok" for value in checks.values()):
        return jsonify(status="unavailable", **checks), 503
    return jsonify(status="ready", **checks)
