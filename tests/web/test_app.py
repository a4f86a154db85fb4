import io

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import ProductionConfig, TestingConfig
from app.extensions import db
from tests.conftest import make_app
from tests.factories import make_user


def test_factory_refuses_to_start_without_a_secret_key(tmp_path):
    no_secret = type("NoSecret", (ProductionConfig,), {"SECRET_KEY": None})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(no_secret, instance_path=str(tmp_path))


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    config = type("Default", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": None})
    app = create_app(config, instance_path=str(tmp_path / "inst"))
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"]
        == f"sqlite:///{tmp_path / 'inst' / 'wenfang.sqlite3'}"
    )


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path)
    with app.app_context():
        with db.engine.connect() as connection:
            pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == 5000
        db.engine.dispose()


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}", tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_is_httponly_and_samesite_lax(client, auth, ctx):
    make_user("li.lei@example.cn")
    response = auth.login("li.lei@example.cn")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in development and tests


def test_production_marks_cookies_secure():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True


def test_bootstrap_assets_are_served_from_the_package(client):
    page = client.get("/login").get_data(as_text=True)
    assert "cdn.jsdelivr.net" not in page
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200


def test_unexpected_errors_show_a_friendly_page(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    assert "出错了" in response.get_data(as_text=True)


def test_json_callers_get_json_errors(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]


def test_study_tables_enforce_foreign_keys(ctx):
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.text(
                "INSERT INTO memberships (study_id, user_id, role, created_at) "
                "VALUES (424242, 424242, 'owner', CURRENT_TIMESTAMP)"
            )
        )
        db.session.flush()
    db.session.rollback()


def test_an_oversized_request_gets_a_friendly_413(app, client, auth, ctx):
    from tests.factories import study_with_roles

    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    reply = client.post(
        f"/studies/{study.id}/interviews/upload", data={"files": (io.BytesIO(b"x" * 4096), "a.txt")}
    )
    assert reply.status_code == 413
    assert "上传内容过大" in reply.get_data(as_text=True)
