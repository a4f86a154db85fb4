"""Configuration classes, read from the environment and `instance/config.py`.

The factory picks one by `WENFANG_ENV` (development | production | testing); secrets are never
given a literal fallback: development reads the key that `make run` writes to
`instance/config.py`, production refuses to start without one.
"""

import os
import secrets
from datetime import timedelta
from typing import ClassVar

# Connections kept open per process: at least the threads of a gunicorn worker (8 in the
# benchmark), or every concurrent request past the fifth opens and closes a connection
# (QueuePool keeps 5 by default and closes an overflow connection when it is returned; on
# PostgreSQL each new connection is a new server process).
DATABASE_POOL_SIZE = int(os.environ.get("WENFANG_DB_POOL_SIZE", "16"))
# Seconds after which a pooled connection is replaced instead of reused: below the idle
# timeouts of common NAT gateways and load balancers (about 350 s), which drop a connection
# without telling either end. A connection the server closed is caught at checkout
# (`app.database`), so there is no ping, a round trip, before every request.
DATABASE_POOL_RECYCLE = int(os.environ.get("WENFANG_DB_POOL_RECYCLE", "300"))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None: SQLite in instance/
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {
        "pool_size": DATABASE_POOL_SIZE,
        "max_overflow": 8,
        "pool_recycle": DATABASE_POOL_RECYCLE,
    }
    # Seconds a client is asked to wait (Retry-After) when the database cannot serve (a 503).
    UNAVAILABLE_RETRY_AFTER = int(os.environ.get("WENFANG_RETRY_AFTER", "30"))
    # The address respondents open (https://survey.example.org): public links, QR codes, resume
    # and invitation links are built on it, never on the request's Host header. Required in
    # production; unset elsewhere, the request's own address is used.
    BASE_URL = os.environ.get("WENFANG_BASE_URL")
    BASE_URL_REQUIRED = False
    REDIS_URL = os.environ.get("REDIS_URL")
    # Keys that encrypt personal information at rest (app/personal_data.py): comma-separated
    # Fernet keys, the newest first. Unset: instance/data_keys, created on first use.
    DATA_KEYS = os.environ.get("WENFANG_DATA_KEYS")
    # Background jobs (app/job_queue.py): with REDIS_URL they go to this RQ queue, run by
    # `flask --app wsgi worker`; without, inline in the request that asks for them.
    JOBS_QUEUE = os.environ.get("WENFANG_JOBS_QUEUE", "wenfang")
    # Seconds a job may run before its worker stops it (failed, with the reason).
    JOB_TIMEOUT = int(os.environ.get("WENFANG_JOB_TIMEOUT", "1800"))
    # Times a job whose worker was killed is run again before it is failed.
    JOB_RETRIES = int(os.environ.get("WENFANG_JOB_RETRIES", "1"))
    # A queued job RQ does not know is lost (Redis restarted) only after this many seconds:
    # the row is committed a moment before the job is enqueued.
    JOB_LOST_GRACE = 60
    # A worker checks on its running job (and sends its heartbeat) this often; a worker
    # killed outright is noticed about a minute after its last heartbeat, by another worker's
    # maintenance pass, run this often.
    JOB_MONITORING_INTERVAL = 10
    JOB_MAINTENANCE_INTERVAL = int(os.environ.get("WENFANG_JOB_MAINTENANCE_INTERVAL", "60"))
    # Days a finished job's files (reports, exports: respondent-level data) are kept for
    # download; the daily retention sweep deletes older ones.
    JOB_FILES_KEPT_DAYS = int(os.environ.get("WENFANG_JOB_FILES_DAYS", "7"))
    # Webhooks (app/webhooks/, docs/webhooks.md): each request's timeout in seconds; an
    # endpoint on a private network (loopback, 10/8, 192.168/16, link-local …) or on plain
    # http is refused unless allowed here, as the requests are made from inside the server.
    WEBHOOKS_TIMEOUT = int(os.environ.get("WENFANG_WEBHOOKS_TIMEOUT", "10"))
    # Days an event and its delivery log are kept after the last attempt to deliver it (once
    # every delivery is delivered or has failed); the daily retention sweep deletes older ones.
    WEBHOOK_EVENTS_KEPT_DAYS = int(os.environ.get("WENFANG_WEBHOOK_EVENTS_DAYS", "30"))
    WEBHOOKS_ALLOW_HTTP = os.environ.get("WENFANG_WEBHOOKS_ALLOW_HTTP") == "1"
    WEBHOOKS_ALLOW_PRIVATE_NETWORKS = (
        os.environ.get("WENFANG_WEBHOOKS_ALLOW_PRIVATE_NETWORKS") == "1"
    )
    # "json": one JSON object per log line with the request id (app/serving.py); "text":
    # Python's default lines. Production defaults to JSON.
    LOG_FORMAT = os.environ.get("WENFANG_LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("WENFANG_LOG_LEVEL", "INFO")
    # Reverse proxies in front of the app (nginx, a load balancer) whose X-Forwarded-For,
    # -Proto, -Host and -Prefix headers are trusted. 0: none, the headers are ignored (a client
    # could forge them). Behind one proxy set 1, or every respondent shares the proxy's address:
    # one rate limit for all, and the proxy's address in the audit log.
    PROXY_HOPS = int(os.environ.get("WENFANG_PROXY_HOPS", "0"))
    # Whole request: a batch of transcripts at most (each file is capped at 20 MiB on its own).
    MAX_CONTENT_LENGTH = 200 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("WENFANG_TIMEZONE", "Asia/Shanghai")
    LANGUAGES = ("zh_CN", "en")

    BOOTSTRAP_SERVE_LOCAL = True  # assets from the Bootstrap-Flask package, never a CDN
    BOOTSTRAP_BOOTSWATCH_THEME = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Keep me signed in" lasts this long (Flask-Login's default is 365 days); the sign-in's
    # row in `login_sessions` expires with it, so a copied cookie stops working too.
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("WENFANG_REMEMBER_DAYS", "14")))
    # A sign-in without "keep me signed in" ends with the browser, and on the server after this.
    LOGIN_SESSION_LIFETIME = timedelta(hours=int(os.environ.get("WENFANG_SESSION_HOURS", "12")))
    # Per account, counted in the database (shared by every process): this many failed sign-ins
    # within the window lock the account for LOGIN_LOCKOUT_DURATION.
    LOGIN_LOCKOUT_ATTEMPTS = int(os.environ.get("WENFANG_LOCKOUT_ATTEMPTS", "10"))
    LOGIN_LOCKOUT_WINDOW = timedelta(minutes=15)
    LOGIN_LOCKOUT_DURATION = timedelta(minutes=int(os.environ.get("WENFANG_LOCKOUT_MINUTES", "15")))
    # How long a set-password link made by an administrator (invite or reset) stays valid.
    PASSWORD_LINK_LIFETIME = timedelta(
        hours=int(os.environ.get("WENFANG_PASSWORD_LINK_HOURS", "72"))
    )
    FORCE_HTTPS = False

    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a researcher may keep a form open for a working day
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: keep limiting, in each process's memory, instead of failing every request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # A Redis that stops answering must not hold a respondent's submit (redis-py waits forever
    # by default): give up after half a second and use the fallback.
    RATELIMIT_STORAGE_OPTIONS: ClassVar[dict] = {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
    }
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    # The public respondent endpoints (/s/<slug>…) refuse a larger body (413) before reading
    # it. One response's answers are a few KB; this holds some 85,000 Chinese characters of
    # open answers in all (UTF-8, three bytes each). MAX_CONTENT_LENGTH is for uploads.
    RESPOND_MAX_BODY = int(os.environ.get("WENFANG_RESPOND_MAX_BODY", str(256 * 1024)))
    # The respondent endpoints (app/respond/ratelimit.py) count per respondent, so that a
    # class or an office behind one address is not made to wait (issue 29):
    # requests by one respondent (their Idempotency-Key or resume token) to one endpoint. A
    # minute only: each respondent is a count of its own, and a count kept an hour would keep
    # one per respondent of the hour in the in-memory storage, which `limits` scans on every
    # hit (docs/benchmarks.md); the address ceiling bounds the hour;
    RESPOND_RATE_LIMIT = os.environ.get("WENFANG_RESPOND_RATE_LIMIT", "120 per minute")
    # requests from one client address to all of them: some 8 a respondent for a class of
    # 300 answering within a minute;
    RESPOND_ADDRESS_LIMIT = os.environ.get(
        "WENFANG_RESPOND_ADDRESS_LIMIT", "2400 per minute;30000 per hour"
    )
    # responses one client address may start in one questionnaire (a partial, or a submit
    # completing none): a class of 300 at once passes, a script's flood of made-up
    # respondents stops. Past it the page keeps the answers on the device and retries.
    # Receipt-code pages (a respondent sees, downloads or deletes their response), per client
    # address: a code is 16 characters of 31 letters, unguessable; this keeps trying cheap.
    RECEIPT_RATE_LIMIT = os.environ.get("WENFANG_RECEIPT_RATE_LIMIT", "20 per minute;100 per hour")
    RESPOND_NEW_RESPONDENT_LIMIT = os.environ.get(
        "WENFANG_RESPOND_NEW_RESPONDENT_LIMIT", "500 per 10 minutes;1500 per hour"
    )
    # The REST API (app/api, docs/api.md): requests per access token; a body's bytes.
    API_RATE_LIMIT = os.environ.get("WENFANG_API_RATE_LIMIT", "600 per minute;20000 per hour")
    API_MAX_BODY = RESPOND_MAX_BODY
    # flask-smorest: the generated OpenAPI document at /api/v1/openapi.json (no browsable
    # page: its scripts would come from a CDN).
    API_TITLE = "Wenfang 问访 REST API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS: ClassVar[dict] = {
        "security": [{"token": []}],
        "info": {"description": "Personal access tokens, problem+json errors: docs/api.md."},
    }


class DevelopmentConfig(Config):
    DEBUG = False  # `flask run --debug` turns on the debugger explicitly


class ProductionConfig(Config):
    BASE_URL_REQUIRED = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = os.environ.get("WENFANG_FORCE_HTTPS", "1") == "1"
    LOG_FORMAT = os.environ.get("WENFANG_LOG_FORMAT", "json")


class TestingConfig(Config):
    """Flags for tests; the fixture subclasses this to set the database URI."""

    TESTING = True
    SECRET_KEY = secrets.token_hex(32)  # per test process, never a literal
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    # An in-memory SQLite database is served by a StaticPool, which takes no pool size (and
    # must not be recycled: the database would go with the connection).
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {}
    BASE_URL = None  # links on the test client's host, whatever the shell exports
    REDIS_URL = None  # jobs inline and no shared Redis, whatever the shell exports
    DATA_KEYS = None  # each test's own instance/data_keys, whatever the shell exports
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    PASSWORD_HASH_FAST = True  # argon2 with minimal cost, so the suite stays quick


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_from_environment() -> type[Config]:
    name = os.environ.get("WENFANG_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"WENFANG_ENV must be one of {', '.join(CONFIGS)}, not {name!r}"
        ) from None
