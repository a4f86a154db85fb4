"""The Wenfang web layer: `create_app()` wires extensions, blueprints, error pages and CLI."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config, config_from_environment
from app.urls import checked_base_url


def create_app(config: type[Config] | None = None, instance_path: str | None = None) -> Flask:
    """Build the web app; `config` defaults to the class named by WENFANG_ENV."""
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_object(config or config_from_environment())
    if not app.config.get("TESTING"):
        app.config.from_pyfile("config.py", silent=True)
    _check_config(app)
    hops = app.config["PROXY_HOPS"]
    if hops:
        proxied = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)
        app.wsgi_app = proxied  # type: ignore[method-assign]  # Flask's documented way

    from app import database, i18n, security, serving  # noqa: F401 - database: SQLite pragmas
    from app.extensions import bootstrap, csrf, db, limiter, login_manager, migrate
    from app.models.types import render_migration_item

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path).parent / "migrations"),
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    serving.init_app(app)

    from app.urls import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before the blueprints' rules
    _register_blueprints(app)
    # The question partials pick their widget and facets from the type registry.
    from surveys.types import QUESTION_TYPES

    app.jinja_env.globals["question_type"] = QUESTION_TYPES.__getitem__

    from app import cli, errors

    errors.init_app(app)
    cli.init_app(app)
    return app


def _check_config(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set: export SECRET_KEY or put it in instance/config.py "
            "(`make run` creates one)."
        )
    app.config["BASE_URL"] = checked_base_url(app.config.get("BASE_URL"))
    if app.config["BASE_URL"] is None and app.config.get("BASE_URL_REQUIRED"):
        raise RuntimeError(
            "WENFANG_BASE_URL is not set: in production the public links, QR codes and resume "
            "links are built on it, never on the Host header a client sends. Export it (or put "
            "BASE_URL in instance/config.py) as the address respondents open, such as "
            "https://survey.example.org."
        )
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        db_path = Path(app.instance_path) / "wenfang.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"


def _register_blueprints(app: Flask) -> None:
    from app import api
    from app.accounts import bp as accounts_bp
    from app.admin import bp as admin_bp
    from app.directory import bp as directory_bp
    from app.findings import bp as findings_bp
    from app.interviews import bp as interviews_bp
    from app.main import bp as main_bp
    from app.needs import bp as needs_bp
    from app.notices import bp as notices_bp
    from app.outreach import bp as outreach_bp
    from app.privacy import bp as privacy_bp
    from app.questionnaires import bp as questionnaires_bp
    from app.respond import bp as respond_bp
    from app.responses import bp as responses_bp
    from app.results import bp as results_bp
    from app.shared import bp as shared_bp
    from app.studies import bp as studies_bp
    from app.tokens import bp as tokens_bp
    from app.voices import bp as voices_bp
    from app.webhooks import bp as webhooks_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(respond_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(tokens_bp, url_prefix="/account/tokens")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(studies_bp, url_prefix="/studies")
    app.register_blueprint(questionnaires_bp, url_prefix="/studies/<int:study_id>/questionnaires")
    app.register_blueprint(interviews_bp, url_prefix="/studies/<int:study_id>/interviews")
    app.register_blueprint(findings_bp, url_prefix="/studies/<int:study_id>/findings")
    app.register_blueprint(shared_bp, url_prefix="/shared")
    app.register_blueprint(voices_bp, url_prefix="/studies/<int:study_id>/voices")
    app.register_blueprint(needs_bp, url_prefix="/studies/<int:study_id>/needs")
    app.register_blueprint(webhooks_bp, url_prefix="/studies/<int:study_id>/webhooks")
    app.register_blueprint(notices_bp, url_prefix="/studies/<int:study_id>/consent")
    app.register_blueprint(privacy_bp)  # its routes name their organisation or study
    app.register_blueprint(directory_bp, url_prefix="/organisations/<int:organisation_id>")
    app.register_blueprint(outreach_bp)  # its routes name their organisation or study
    app.register_blueprint(
        responses_bp,
        url_prefix="/studies/<int:study_id>/questionnaires/<int:questionnaire_id>/responses",
    )
    app.register_blueprint(
        results_bp,
        url_prefix="/studies/<int:study_id>/questionnaires/<int:questionnaire_id>/results",
    )
    api.init_app(app)  # before errors.init_app (see there)
