"""What a production deployment needs of every request besides the view: a request id, one
JSON log line per request, and static files cached for a year under URLs that change with
their content.

- Request id: the proxy's `X-Request-ID` when it is a plausible id, else a new one; echoed in
  the response and carried by every log record of the request (`request_id`), so a line in
  nginx's log, the app's and a user's error report can be matched.
- Logs: `WENFANG_LOG_FORMAT=json` (the default in production) writes one JSON object per line
  to stderr (python-json-logger), which gunicorn, systemd and docker collect as they are.
- Static files: `url_for("static", …)` adds `v=` (the first 12 hex digits of the file's
  SHA-256), and a request with it gets `Cache-Control: public, max-age=31536000, immutable`:
  a new release changes the URL, so no browser keeps an old script.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
import time
import uuid
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

log = logging.getLogger("wenfang.requests")

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
STATIC_MAX_AGE = 365 * 24 * 3600
LOG_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    app.url_defaults(_static_version)
    if app.config.get("LOG_FORMAT") == "json":
        _json_logs(app)


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request it was logged in ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _json_logs(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(LOG_FIELDS, rename_fields={"levelname": "level"}))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    # Either case: deploy/gunicorn.conf.py reads WENFANG_LOG_LEVEL too, lower-cased for gunicorn,
    # and `logging` knows only "WARNING".
    root.setLevel(str(app.config.get("LOG_LEVEL", "INFO")).upper())
    app.logger.handlers = []  # records go up to the root's JSON handler
    app.logger.propagate = True


def _start() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers["X-Request-ID"] = request_id
    if request.endpoint == "static" and request.args.get("v"):
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    if current_app.config.get("LOG_FORMAT") == "json" and request.endpoint != "static":
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - g.get("request_started", 0)) * 1000, 1),
                "remote_addr": request.remote_addr,
            },
        )
    return response


def _static_version(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = _digest(Path(current_app.static_folder or "") / values["filename"])
        if version:
            values["v"] = version


@lru_cache(maxsize=512)
def _digest_of(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _digest(path: Path) -> str:
    """The file's short content hash, recomputed when the file changes (by its mtime)."""
    try:
        return _digest_of(path, path.stat().st_mtime_ns)
    except OSError:  # no such file: url_for still builds the URL, the request will 404
        return ""


def redis_reason(url: str | None) -> str | None:
    """None when Redis at *url* answers a PING within a second (or no Redis is configured),
    else why not: the readiness check of a deployment whose workers and limits need it."""
    if not url:
        return None
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except RedisError:
        return "unreachable"
    finally:
        client.close()
    return None
