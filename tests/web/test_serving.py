"""Serving in production: a request id carried from the proxy to the response and the JSON log
line, static files cached for a year under URLs that change with their content, /readyz
checking Redis beside the database, and the gunicorn config actually serving the app."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.serving import RequestIdFilter, _json_logs
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[2]


def test_a_request_id_is_taken_from_the_proxy_or_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "nginx-4f9a2c71"})
    assert given.headers["X-Request-ID"] == "nginx-4f9a2c71"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id; <script>"})
    assert len(made.headers["X-Request-ID"]) == 32 and made.headers["X-Request-ID"].isalnum()
    assert client.get("/healthz").headers["X-Request-ID"] != made.headers["X-Request-ID"]


def test_json_logs_carry_the_request_id(database_url, tmp_path, capsys):
    app = make_app(database_url, tmp_path / "instance", LOG_FORMAT="json")
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        with app.app_context():
            _json_logs(app)
            app.test_client().get("/healthz", headers={"X-Request-ID": "trace-000042"})
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    finally:
        root.handlers, root.level = saved
    [line] = [entry for entry in lines if entry.get("message") == "request"]
    assert line["request_id"] == "trace-000042"
    assert line["path"] == "/healthz" and line["status"] in (200, 503)
    assert line["level"] == "INFO" and "duration_ms" in line


def test_the_log_level_is_taken_in_either_case(database_url, tmp_path):
    """deploy/gunicorn.conf.py lower-cases WENFANG_LOG_LEVEL for gunicorn; the app, reading the
    same variable, once failed to start on "warning"."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        make_app(database_url, tmp_path / "instance", LOG_FORMAT="json", LOG_LEVEL="warning")
        assert root.level == logging.WARNING
    finally:
        root.handlers, root.level = saved


def test_a_record_outside_a_request_has_a_dash_for_its_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "msg", None, None)
    assert RequestIdFilter().filter(record) and record.request_id == "-"


def test_static_files_are_versioned_by_content_and_cached_for_a_year(app, client):
    with app.test_request_context():
        from flask import url_for

        url = url_for("static", filename="js/needs_board.js")
    assert "?v=" in url and len(url.split("v=")[1]) == 12
    reply = client.get(url)
    assert reply.status_code == 200
    cache = reply.headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
    unversioned = client.get("/static/js/needs_board.js")
    assert "max-age=31536000" not in unversioned.headers.get("Cache-Control", "")
    page = client.get("/login").headers["Cache-Control"]
    assert page == "no-store"  # pages are never cached


def test_readyz_reports_redis_beside_the_database(database_url, tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    app = make_app(database_url, tmp_path / "i", REDIS_URL=f"redis://127.0.0.1:{closed}/0")
    with app.app_context():
        from app.extensions import db

        db.create_all()
    reply = app.test_client().get("/readyz")
    assert reply.status_code == 503
    assert reply.json == {"status": "unavailable", "database": "ok", "redis": "unreachable"}
    redis_url = os.environ.get("TEST_REDIS_URL")
    if redis_url:
        app.config["REDIS_URL"] = redis_url
        reply = app.test_client().get("/readyz")
        assert reply.status_code == 200 and reply.json["redis"] == "ok"


@pytest.mark.skipif(sys.platform != "linux", reason="gunicorn runs on POSIX")
def test_the_gunicorn_config_serves_the_app(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(
        os.environ,
        WENFANG_BIND=f"127.0.0.1:{port}",
        WENFANG_WORKERS="2",
        WENFANG_ENV="development",
        WENFANG_LOG_FORMAT="json",
        SECRET_KEY="x" * 64,
        DATABASE_URL=f"sqlite:///{tmp_path / 'served.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        body = None
        for _ in range(100):  # up to 20 s for the workers to boot
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body, request_id = json.load(r), r.headers["X-Request-ID"]
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "gunicorn did not answer"
        assert body["status"] == "ok"
    finally:
        server.terminate()
        _out, errors = server.communicate(timeout=30)
    logged = [json.loads(line) for line in errors.splitlines() if line.startswith("{")]
    assert any(entry.get("request_id") == request_id for entry in logged)
    assert "Booting worker" in errors and errors.count("Booting worker") == 2
