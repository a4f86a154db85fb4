"""Load test with failures (issue 29.4): `python tests/benchmarks/bench_load.py [--n 10000]
[--clients 32] [--workers 4] [--only sqlite|postgresql]`.

For each database, a fresh SQLite file and then a PostgreSQL cluster this script creates in a
temporary directory on a free port (`tests/postgres_cluster.py`, never the machine's own), it
starts gunicorn with the settings of `deploy/gunicorn.conf.py` (gthread, 8 threads, its
timeouts and keep-alive) but 4 workers, bound to a free loopback port, serving the app as
production does (`WENFANG_ENV=production`); 32 client threads (keep-alive connections) submit
N complete responses (after 100 untimed ones), each with its own Idempotency-Key, and retry
on a lost connection, a 5xx or a 429 with the same key, as the respondent's page does (but
after 0.1, 0.2 … 2 s instead of its 2 … 30 s). Half-way through, one gunicorn worker is
killed with SIGKILL (its requests in flight are lost mid-way; the master starts a new
worker) and, on PostgreSQL, the
server is restarted with `pg_ctl restart -m immediate` (as a crash: open transactions are
lost, recovery from the WAL). At the end, every acknowledged submission (a 2xx) must be stored
exactly once, counted by Idempotency-Key in the database, and no row may be stored for a key
that was never sent; the script exits 1 when that does not hold.

The same run, same gunicorn settings, same clients and the same failures, against a bare Flask
app that inserts one row per request with a UNIQUE key (and answers 200 with the row's id
when the key is there already, so that its retries are idempotent too), is the baseline: the
script prints throughput (acknowledged submissions per second of wall time, retries and
outages included) and the p50/p99 latency of a submission (first attempt to acknowledgement),
and the ratio.

The respondent rate limits are raised through their environment variables
(`WENFANG_RESPOND_*_LIMIT`): all clients share one loopback address and a few keys, which the
production limits (per address) would refuse. The limiter still counts every request, in
memory as without `REDIS_URL`. Only loopback addresses are used. `--n 1000` for a quick run.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.definitions import checkout, matrix  # noqa: E402 - needs ROOT on sys.path
from tests.postgres_cluster import available, free_port, temporary_cluster  # noqa: E402

DEFINITION = checkout("负载测试", matrix("grid", "评价", [("a", "速度"), ("b", "口味")]))
ANSWERS = {"region": "north", "nps": 9, "grid": {"a": "4", "b": "5"}, "why": "送餐很快，包装完好。"}
UNLIMITED = "1000000 per minute"
# Submissions before the clock starts (not timed, but checked with the others): a worker's first
# submits load what it had not needed yet, some seconds of CPU on this machine.
WARM_UP = 100
# A submission not acknowledged within this many seconds is given up (and reported).
GIVE_UP_AFTER = 180.0
BARE_TABLE = "bare_rows"


# ---- what gunicorn serves ------------------------------------------------------------------


def wenfang_app():
    """wsgi.py's app, with the instance folder of this run (not the checkout's)."""
    from app import create_app

    app = create_app(instance_path=os.environ["BENCH_INSTANCE"])
    gc.freeze()
    _booted()
    return app


def _booted() -> None:
    """Tell the script this worker has loaded its app: the clock starts once all have (a
    worker's first requests would otherwise wait out its imports)."""
    Path(os.environ["BENCH_INSTANCE"], f"booted-{os.getpid()}").touch()


def _bare_table():
    import sqlalchemy as sa

    return sa.Table(
        BARE_TABLE,
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(100), unique=True, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
    )


def bare_app():
    """A bare Flask endpoint: parse JSON, insert one row with a unique key, return its id; a
    key stored already gets that row's id (200), as a retried submit does."""
    import sqlalchemy as sa
    from flask import Flask, jsonify, request

    import app.database  # noqa: F401 - the same SQLite pragmas and pool checkout as the app
    from app.config import Config

    engine = sa.create_engine(os.environ["DATABASE_URL"], **Config.SQLALCHEMY_ENGINE_OPTIONS)
    table = _bare_table()
    bare = Flask("bare")

    @bare.post("/bare/submit")
    def submit():
        body = request.get_json()
        key = request.headers["Idempotency-Key"]
        try:
            with engine.begin() as connection:
                row_id = connection.execute(
                    table.insert().values(key=key, body=body["answers"]).returning(table.c.id)
                ).scalar_one()
        except sa.exc.IntegrityError:
            with engine.connect() as connection:
                found = connection.execute(sa.select(table.c.id).where(table.c.key == key))
                return jsonify(response_id=found.scalar_one()), 200
        return jsonify(response_id=row_id), 201

    gc.freeze()
    _booted()
    return bare


# ---- set-up ----------------------------------------------------------------------------------


def prepare(database_url: str, instance: str) -> str:
    """Create the tables (the app's and the bare one) and one published questionnaire."""
    import sqlalchemy as sa

    from app import create_app
    from app.config import TestingConfig
    from app.extensions import db
    from tests.factories import make_published, make_study, make_user

    config = type("Prepare", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": database_url})
    app = create_app(config, instance_path=instance)
    with app.app_context():
        db.create_all()
        slug = make_published(DEFINITION, study=make_study(make_user("load@example.cn"))).slug
        db.session.remove()
        db.engine.dispose()
    engine = sa.create_engine(database_url)
    _bare_table().metadata.create_all(engine)
    engine.dispose()
    return slug


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_gunicorn(entry: str, database_url: str, instance: str, workers: int) -> Server:
    """gunicorn -c deploy/gunicorn.conf.py serving *entry*, with *workers* workers, on a free
    loopback port; returns once every worker answers."""
    port = free_port()
    env = {
        **os.environ,
        "WENFANG_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "BENCH_INSTANCE": instance,
        "WENFANG_BIND": f"127.0.0.1:{port}",
        "WENFANG_WORKERS": str(workers),
        "WENFANG_BASE_URL": f"http://127.0.0.1:{port}",
        "WENFANG_FORCE_HTTPS": "0",
        "WENFANG_LOG_LEVEL": "warning",  # not one JSON line per request on the shared disk
        "WENFANG_RESPOND_RATE_LIMIT": UNLIMITED,
        "WENFANG_RESPOND_ADDRESS_LIMIT": UNLIMITED,
        "WENFANG_RESPOND_NEW_RESPONDENT_LIMIT": UNLIMITED,
    }
    env.pop("REDIS_URL", None)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    Path(instance).mkdir(parents=True, exist_ok=True)
    log = Path(instance) / "server.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [gunicorn, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), entry],
            cwd=ROOT,
            env=env,
            stderr=stderr,
        )
    server = Server(process, port, log)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}: see {log}")
        with contextlib.suppress(OSError, FileNotFoundError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            pids = server.workers()
            booted = {int(p.name.split("-")[1]) for p in Path(instance).glob("booted-*")}
            if len(pids) == workers and booted.issuperset(pids):
                return server
        time.sleep(0.2)
    server.stop()
    raise SystemExit("gunicorn did not start")


# ---- the clients -----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the clients saw: by key, the acknowledged response id and the latency."""

    acknowledged: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    done_at: list[float] = field(default_factory=list)  # when each was acknowledged
    given_up: list[str] = field(default_factory=list)
    retried: Counter = field(default_factory=Counter)  # by cause: 503, 500, "connection"
    # Acknowledged by a 200 after a failed attempt: the first one had been stored, its reply
    # lost (a killed worker, a dropped connection), and the retry found it by its key.
    replayed: int = 0
    different_ids: list[str] = field(default_factory=list)  # a key acknowledged twice, two ids
    wall: float = 0.0
    events: list[str] = field(default_factory=list)


def drive(port: int, path: str, n: int, clients: int, half_way, alive) -> Outcome:
    """Submit *n* responses from *clients* threads; call *half_way()* once when half of them
    are acknowledged (in a thread of its own, the clients go on). *alive()* is false once the
    server has exited, which ends the run."""
    outcome = Outcome()
    local = threading.local()
    body = json.dumps({"answers": ANSWERS}).encode()
    lock = threading.Lock()
    fired = threading.Event()
    failure_thread: list[threading.Thread] = []

    def send(key: str) -> tuple[int, dict] | str:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Content-Type": "application/json", "Idempotency-Key": key}
        try:
            local.conn.request("POST", path, body=body, headers=headers)
            reply = local.conn.getresponse()
            text = reply.read()
        except (OSError, http.client.HTTPException):
            local.conn.close()
            del local.conn
            return "connection"
        if reply.will_close:
            local.conn.close()
            del local.conn
        try:
            return reply.status, json.loads(text)
        except ValueError:
            return reply.status, {}

    def one(index: int) -> None:
        key = uuid.uuid4().hex
        started = time.perf_counter()
        attempt = 0
        ids = set()
        while True:
            result = send(key)
            if isinstance(result, tuple) and 200 <= result[0] < 300 and "response_id" in result[1]:
                ids.add(result[1]["response_id"])
                replayed = attempt > 0 and result[0] == 200
                break
            cause = result if isinstance(result, str) else result[0]
            if isinstance(cause, int) and cause < 500 and cause != 429:
                raise SystemExit(f"refused with {cause}: {result}")
            with lock:
                outcome.retried[cause] += 1
            if not alive():
                raise SystemExit("the server exited")
            if time.perf_counter() - started > GIVE_UP_AFTER:
                with lock:
                    outcome.given_up.append(key)
                return
            time.sleep(min(2.0, 0.1 * 2**attempt))
            attempt += 1
        elapsed = time.perf_counter() - started
        with lock:
            if key in outcome.acknowledged and outcome.acknowledged[key] not in ids:
                outcome.different_ids.append(key)
            outcome.acknowledged[key] = ids.pop()
            outcome.replayed += replayed
            outcome.latencies.append(elapsed)
            outcome.done_at.append(time.perf_counter())
            done = len(outcome.acknowledged)
        if done >= n // 2 and not fired.is_set():
            fired.set()
            thread = threading.Thread(target=half_way, args=(outcome.events,))
            thread.start()
            failure_thread.append(thread)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(n)))
    outcome.wall = time.perf_counter() - started
    outcome.done_at = [at - started for at in outcome.done_at]
    for thread in failure_thread:
        thread.join()
    return outcome


# ---- the check -------------------------------------------------------------------------------


def stored_keys(database_url: str, table: str, key_column: str) -> tuple[Counter, dict]:
    """Rows stored by key, and the id of (the last) row of each key."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(f"SELECT {key_column}, id FROM {table}")  # noqa: S608 - our own names
        ).all()
    engine.dispose()
    return Counter(key for key, _ in rows), dict(rows)


def check(outcome: Outcome, database_url: str, table: str, key_column: str) -> list[str]:
    """What breaks "every acknowledged submission stored exactly once"; empty when it holds."""
    counts, ids = stored_keys(database_url, table, key_column)
    problems = []
    missing = [key for key in outcome.acknowledged if counts[key] == 0]
    twice = [key for key, count in counts.items() if count > 1]
    unknown = set(counts) - set(outcome.acknowledged) - set(outcome.given_up)
    wrong_id = [key for key, row_id in outcome.acknowledged.items() if ids.get(key) != row_id]
    for label, keys in (
        ("acknowledged but not stored", missing),
        ("stored more than once", twice),
        ("stored but never sent", unknown),
        ("acknowledged with another id than the stored row's", wrong_id),
        ("acknowledged twice with different ids", outcome.different_ids),
    ):
        if keys:
            problems.append(f"{len(keys)} {label}, e.g. {sorted(keys)[:3]}")
    return problems


# ---- one run ---------------------------------------------------------------------------------


def run_one(name: str, entry: str, path: str, database_url: str, instance: str, args, cluster):
    server = start_gunicorn(entry, database_url, instance, args.workers)

    def half_way(events: list[str]) -> None:
        victim = server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        events.append(f"SIGKILL worker {victim}")
        if cluster is not None:
            started = time.perf_counter()
            cluster.restart("immediate")
            events.append(f"pg_ctl restart -m immediate ({time.perf_counter() - started:.1f} s)")

    def alive() -> bool:
        return server.process.poll() is None

    try:
        warm = drive(server.port, path, WARM_UP, args.clients, lambda events: None, alive)
        outcome = drive(server.port, path, args.n, args.clients, half_way, alive)
        workers_after = len(server.workers())
    finally:
        server.stop()
    log = server.log.read_text(errors="replace")
    table, key_column = ("responses", "idempotency_key") if name == "real" else (BARE_TABLE, "key")
    problems = check(
        Outcome(
            acknowledged={**warm.acknowledged, **outcome.acknowledged},
            given_up=warm.given_up + outcome.given_up,
            different_ids=warm.different_ids + outcome.different_ids,
        ),
        database_url,
        table,
        key_column,
    )
    ordered = sorted(outcome.latencies)
    done_at, half = sorted(outcome.done_at), len(outcome.done_at) // 2
    return {
        # before and after the failures: the first half's rate, the second half's
        "halves_per_s": (
            (half / done_at[half - 1], (len(done_at) - half) / (outcome.wall - done_at[half - 1]))
            if half
            else (0.0, 0.0)
        ),
        "per_s": len(outcome.acknowledged) / outcome.wall,
        "p50_ms": statistics.median(ordered) * 1000 if ordered else float("nan"),
        "p99_ms": ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000 if ordered else 0.0,
        "acknowledged": len(outcome.acknowledged),
        "given_up": len(outcome.given_up),
        "replayed": outcome.replayed,
        "retried": dict(outcome.retried),
        "events": outcome.events,
        "workers_after": workers_after,
        "tracebacks": log.count("Traceback (most recent call last)"),
        "unavailable_logged": log.count("database unavailable"),
        "problems": problems,
    }


def run_database(backend: str, args) -> dict[str, dict]:
    results = {}
    with contextlib.ExitStack() as stack:
        cluster = None
        if backend == "postgresql":
            cluster = stack.enter_context(temporary_cluster("max_connections=300"))
        for name, entry in (
            ("real", "tests.benchmarks.bench_load:wenfang_app()"),
            ("bare", "tests.benchmarks.bench_load:bare_app()"),
        ):
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="wenfang-load-"))
            instance = str(Path(tmp) / "instance")
            if cluster is None:
                database_url = f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
            else:  # a database of its own for each app, in the same cluster
                database_url = create_database(cluster.url, f"load_{name}")
            slug = prepare(database_url, instance)
            path = f"/s/{slug}/submit" if name == "real" else "/bare/submit"
            results[name] = run_one(name, entry, path, database_url, instance, args, cluster)
    return results


def create_database(server_url: str, name: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("BENCH_LOAD_N", "10000")))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    if args.n < 2:
        parser.error("--n must be at least 2 (the failures come half-way)")
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}; {args.n} submissions after {WARM_UP} untimed ones, "
        f"{args.clients} clients (keep-alive), "
        f"gunicorn -c deploy/gunicorn.conf.py with {args.workers} workers"
    )
    failed = False
    for backend in backends:
        if backend == "postgresql" and available():
            print(f"== postgresql skipped: {available()}")
            continue
        results = run_database(backend, args)
        print(f"== {backend}")
        for name, label in (("real", "POST /s/<slug>/submit"), ("bare", "bare Flask insert")):
            result = results[name]
            print(
                f"{label:24s} {result['per_s']:8.1f}/s  p50 {result['p50_ms']:7.1f} ms  "
                f"p99 {result['p99_ms']:8.1f} ms  acknowledged {result['acknowledged']}, "
                f"given up {result['given_up']}, retries {result['retried']}, "
                f"{result['replayed']} found stored on a retry"
            )
            first, second = result["halves_per_s"]
            print(
                f"{'':24s} half-way: {'; '.join(result['events']) or 'nothing'} (first half "
                f"{first:.1f}/s, second {second:.1f}/s); workers at the "
                f"end {result['workers_after']}; server log: {result['tracebacks']} tracebacks, "
                f"{result['unavailable_logged']} 'database unavailable' warnings"
            )
            for problem in result["problems"]:
                print(f"{'':24s} NOT EXACTLY ONCE: {problem}")
                failed = True
            if not result["problems"]:
                print(f"{'':24s} every acknowledged submission stored exactly once")
        ratio = results["bare"]["per_s"] / results["real"]["per_s"]
        print(f"ratio (bare / real throughput): {ratio:.2f}×")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
