"""Benchmark of respondent submissions (issue 5): run as `python tests/benchmarks/bench_submit.py`.

Serves, from one gunicorn (2 workers × 8 threads, gthread), both
  - the real `POST /s/<slug>/submit` (idempotency key, answer validation, one response row), and
  - a bare Flask endpoint that inserts one JSON row with a UNIQUE key (the floor any form
    endpoint pays for a durable insert on the same database, through an engine with the same
    pool settings as the app's),
then drives each with 32 concurrent keep-alive clients and prints submissions/s, p50 and p99
latency, and the ratio. The two are measured in alternating rounds (real, bare, bare, real, …)
so that a change of load on a shared machine falls on both alike. SQLite (a file, WAL,
synchronous FULL) by default; pass `--database-url postgresql+psycopg://…` for PostgreSQL.
Falls back to werkzeug's threaded server when gunicorn is not installed. Timings depend on the
machine; the ratio is the figure to watch. `--cpu` (Linux) also prints the CPU time per
submission of the server's processes and of PostgreSQL's, to show which side the time goes to.
`--partial`: each real submit completes a partial response saved beforehand, by its resume
link, as a multi-page form's does (the default is a new respondent's one-page form).
"""

from __future__ import annotations

import argparse
import gc
import http.client
import itertools
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.definitions import checkout, matrix  # noqa: E402 - needs ROOT on sys.path

DEFINITION = checkout("提交性能测试", matrix("grid", "评价", [("a", "速度"), ("b", "口味")]))
# Submissions to each endpoint before the measured rounds (connections, caches).
WARM_UP = 100
ANSWERS = {"region": "north", "nps": 9, "grid": {"a": "4", "b": "5"}, "why": "送餐很快，包装完好。"}


def _config(database_url: str):
    """The testing flags, with the production connection pool (the testing one is in-memory)
    and the production rate limiter (in memory), its limits raised above what one client
    address sends here, so that every submission pays for the checks but none is refused."""
    from app.config import Config, TestingConfig

    return type(
        "BenchConfig",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": Config.SQLALCHEMY_ENGINE_OPTIONS,
            "TESTING": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "RESPOND_RATE_LIMIT": "1000000 per minute",
            "RESPOND_ADDRESS_LIMIT": "1000000 per minute",
            "RESPOND_NEW_RESPONDENT_LIMIT": "1000000 per minute",
        },
    )


def _bare_app(database_url: str):
    """A bare Flask endpoint: parse JSON, insert one row with a unique key, return its id."""
    import sqlalchemy as sa
    from flask import Flask, jsonify, request

    import app.database  # noqa: F401 - the same SQLite pragmas as the real app
    from app.config import Config

    # The app's pool settings (size, recycle; neither pings before a checkout), so that the
    # floor is not raised by opening connections the app would keep.
    options = {} if database_url == "sqlite://" else Config.SQLALCHEMY_ENGINE_OPTIONS
    engine = sa.create_engine(database_url, **options)
    table = sa.Table(
        "bench_rows",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(100), unique=True, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
    )
    bare = Flask("bare")

    @bare.post("/bare/submit")
    def submit():
        body = request.get_json()
        with engine.begin() as connection:
            row_id = connection.execute(
                table.insert()
                .values(key=request.headers["Idempotency-Key"], body=body["answers"])
                .returning(table.c.id)
            ).scalar_one()
        return jsonify(response_id=row_id), 201

    return bare, engine, table


def serve_app():
    """The WSGI app gunicorn serves: the real app, and the bare endpoint under /bare."""
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from app import create_app

    database_url = os.environ["BENCH_DATABASE_URL"]
    real = create_app(_config(database_url), instance_path=os.environ["BENCH_INSTANCE"])
    bare, _, _ = _bare_app(database_url)
    real.wsgi_app = DispatcherMiddleware(real.wsgi_app, {"/bare": _strip(bare)})
    gc.freeze()  # as wsgi.py does; one process serves both endpoints
    return real


def _strip(bare):
    """DispatcherMiddleware removes the /bare prefix; put it back for the bare app's route."""

    def wsgi(environ, start_response):
        environ["PATH_INFO"] = "/bare" + environ.get("PATH_INFO", "")
        return bare(environ, start_response)

    return wsgi


def prepare(database_url: str, instance: str, partials: int = 0) -> tuple[str, list[str]]:
    """Create the tables and one published questionnaire, with *partials* partial responses
    to it; return its slug and the partials' resume tokens."""
    from app import create_app
    from app.extensions import db
    from app.responses import drafts
    from tests.factories import make_published, make_user

    if database_url.startswith("postgresql"):
        from tests.conftest import reset_postgres

        reset_postgres(database_url)
    real = create_app(_config(database_url), instance_path=instance)
    with real.app_context():
        db.create_all()
        from tests.factories import make_study

        study = make_study(make_user("bench@example.cn"))
        questionnaire = make_published(DEFINITION, study=study)
        slug, version = questionnaire.slug, questionnaire.latest_version
        tokens = [
            drafts.save_partial(
                version, None, {"region": "north"}, page_id="p1", invitation_hash=None, consent=None
            )[0]
            for _ in range(partials)
        ]
        db.engine.dispose()
    _, engine, table = _bare_app(database_url)
    table.metadata.create_all(engine)
    engine.dispose()
    return slug, tokens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url: str, instance: str, workers: int = 2, threads: int = 8):
    """Start the server; (port, its description, a function that stops it, the gunicorn
    master's pid or None)."""
    port = free_port()
    env = {**os.environ, "BENCH_DATABASE_URL": database_url, "BENCH_INSTANCE": instance}
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which(
        "gunicorn"
    )
    if gunicorn:
        process = subprocess.Popen(
            [
                gunicorn,
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(threads),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "tests.benchmarks.bench_submit:serve_app()",
            ],
            cwd=ROOT,
            env=env,
        )
        server = f"gunicorn {workers} workers × {threads} threads (pid {process.pid})"
        stop = process.terminate
        pid = process.pid
    else:
        from werkzeug.serving import make_server

        os.environ.update(env)
        httpd = make_server("127.0.0.1", port, serve_app(), threaded=True)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        server = "werkzeug threaded (gunicorn not installed)"
        stop = httpd.shutdown
        pid = None  # the server shares this process with the clients
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return port, server, stop, pid
        except OSError:
            time.sleep(0.1)
    stop()
    raise SystemExit("the server did not start")


def process_cpu(server_pid: int, postgresql: bool) -> dict[str, float]:
    """CPU seconds used so far by the gunicorn server (master and workers) and, with
    *postgresql*, by every PostgreSQL process (backends, WAL writer…), read from Linux's /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"server": 0.0, "postgresql": 0.0} if postgresql else {"server": 0.0}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                name, fields = stat.read().rsplit(")", 1)
        except OSError:  # the process ended meanwhile
            continue
        fields = fields.split()
        pid, parent = int(entry.name), int(fields[1])
        seconds = (int(fields[11]) + int(fields[12])) / tick  # user + system time
        if server_pid in (pid, parent):
            used["server"] += seconds
        elif postgresql and name.endswith("(postgres"):
            used["postgresql"] += seconds
    return used


def run(
    port: int,
    paths: dict[str, str],
    total: int,
    clients: int,
    rounds: int,
    cpu=None,
    resume_tokens: dict[str, list[str]] | None = None,
) -> dict:
    """Submit *total* times to each of *paths* ({name: path}) in *rounds* alternating rounds.

    *cpu*: a function returning CPU seconds used so far by part ({part: seconds}); the
    results then add each part's CPU milliseconds per submission. *resume_tokens*: by name,
    one resume token per submission (warm-up included), sent as the resume link's `r`."""
    local = threading.local()
    resume_tokens = resume_tokens or {}
    taken = {name: itertools.count() for name in resume_tokens}  # next() is atomic
    body = json.dumps({"answers": ANSWERS}).encode()
    errors = {name: [] for name in paths}  # list.append is atomic under threads

    def one(name):
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
        path = paths[name]
        if name in resume_tokens:
            path += "?r=" + resume_tokens[name][next(taken[name])]
        started = time.perf_counter()
        try:
            local.conn.request("POST", path, body=body, headers=headers)
            reply = local.conn.getresponse()
            reply.read()
            status = reply.status
        except (OSError, http.client.HTTPException):
            local.conn.close()
            del local.conn
            status = 0
        elapsed = time.perf_counter() - started
        if status != 201:
            errors[name].append(status)
        return elapsed

    latencies = {name: [] for name in paths}
    wall = dict.fromkeys(paths, 0.0)
    cpu_used = {name: {} for name in paths}
    names = list(paths)
    with ThreadPoolExecutor(clients) as pool:
        for name in names:  # warm up connections and caches
            list(pool.map(one, [name] * min(WARM_UP, total)))
        for index in range(rounds):
            # real, bare, bare, real, …: a drift of the machine's load falls on both alike.
            for name in names if index % 2 == 0 else reversed(names):
                size = total // rounds + (1 if index < total % rounds else 0)
                before = cpu() if cpu else {}
                started = time.perf_counter()
                latencies[name] += pool.map(one, [name] * size)
                wall[name] += time.perf_counter() - started
                for part, seconds in (cpu() if cpu else {}).items():
                    used = cpu_used[name].get(part, 0.0) + seconds - before[part]
                    cpu_used[name][part] = used
    results = {}
    for name in names:
        ordered = sorted(latencies[name])
        results[name] = {
            "per_s": total / wall[name],
            "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
            "errors": len(errors[name]),
            "cpu_ms": {part: used * 1000 / total for part, used in cpu_used[name].items()},
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: a SQLite file in a temp dir")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--rounds", type=int, default=4, help="alternating rounds per endpoint (default 4)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    parser.add_argument(
        "--partial",
        action="store_true",
        help="each real submit completes a partial saved beforehand (a multi-page form)",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="also print CPU time per submission of the server and of PostgreSQL (Linux)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        instance = str(Path(tmp) / "instance")
        warm_up = min(WARM_UP, args.requests)  # as run() sends before measuring
        slug, tokens = prepare(
            database_url, instance, args.requests + warm_up if args.partial else 0
        )
        port, server, stop, pid = start_server(database_url, instance, args.workers, args.threads)
        on_postgresql = database_url.startswith("postgresql")
        cpu = (lambda: process_cpu(pid, on_postgresql)) if args.cpu and pid else None
        load_before = os.getloadavg()[0]
        try:
            paths = {"real": f"/s/{slug}/submit", "bare": "/bare/submit"}
            results = run(
                port,
                paths,
                args.requests,
                args.clients,
                max(args.rounds, 1),
                cpu,
                {"real": tokens} if tokens else None,
            )
        finally:
            stop()
        load_after = os.getloadavg()[0]
    real, bare = results["real"], results["bare"]
    backend = database_url.split(":", 1)[0].split("+")[0]
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {backend}, {server}")
    print(
        f"{args.requests} submissions each, {args.clients} concurrent clients (keep-alive), "
        f"{max(args.rounds, 1)} alternating rounds; "
        f"{'each completes a saved partial; ' if args.partial else ''}"
        f"load average {load_before:.1f} before, {load_after:.1f} after"
    )
    for name, result in (("POST /s/<slug>/submit", real), ("bare Flask insert", bare)):
        print(
            f"{name:24s} {result['per_s']:8.1f}/s  p50 {result['p50_ms']:7.1f} ms  "
            f"p99 {result['p99_ms']:7.1f} ms  non-201: {result['errors']}"
        )
        if result["cpu_ms"]:
            parts = ", ".join(f"{part} {ms:.2f} ms" for part, ms in result["cpu_ms"].items())
            print(f"{'':24s} CPU per submission: {parts}")
    print(f"ratio (bare / real throughput): {bare['per_s'] / real['per_s']:.2f}×")


if __name__ == "__main__":
    main()
