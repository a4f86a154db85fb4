"""gunicorn settings for Wenfang: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Threads rather than processes carry the concurrency (respondents mostly wait on the
database), as measured in docs/benchmarks.md: one process per CPU, 8 threads each; keep
WENFANG_DB_POOL_SIZE at least the threads. Every value can be set from the environment.
`kill -HUP <master pid>` reloads gracefully: new workers start, old ones finish their
requests (up to `graceful_timeout`) and exit.
"""

import multiprocessing
import os

bind = os.environ.get("WENFANG_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WENFANG_WORKERS", max(2, multiprocessing.cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("WENFANG_THREADS", "8"))
# a request taking longer than this is killed: exports and reports run as jobs, not requests
timeout = int(os.environ.get("WENFANG_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("WENFANG_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# a worker is replaced after this many requests (± jitter), so no slow leak builds up
max_requests = int(os.environ.get("WENFANG_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# the app logs one JSON line per request itself (app/serving.py); gunicorn's own errors go
# to stderr beside them
accesslog = None
errorlog = "-"
loglevel = os.environ.get("WENFANG_LOG_LEVEL", "info").lower()
# the reverse proxy sets X-Forwarded-*; WENFANG_PROXY_HOPS tells the app how many to trust
forwarded_allow_ips = os.environ.get("WENFANG_FORWARDED_ALLOW_IPS", "127.0.0.1")
