"""Benchmark of the respondent rate limits (issue 29.5):
`python tests/benchmarks/bench_respond_limits.py [--redis redis://127.0.0.1:6379/7]`.

What the counts cost one new respondent's submit, in the worker, one call after another:
the per-address ceiling and the per-respondent count (`per_respondent`), then the new
respondent's test and count (`NewRespondents`), against the one count per address and
endpoint the limit was before. In memory (`memory://`) and, with `--redis URL` (loopback
only), in Redis, where each count is a round trip. Distinct addresses and keys per call, as
new respondents bring. Each round adds its calls' keys to the storage: `limits`' in-memory
storage scans every key on each hit (in a timer thread, every 10 ms), so the figure grows with
the keys alive, which `--calls` sets (the respondents of the counts' window).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

CALLS = 1000


# The limit per client address and endpoint that `RESPOND_RATE_LIMIT` was before issue 29.
BEFORE = "120 per minute;2000 per hour"


def _app(storage: str, instance: str):
    from app import create_app
    from app.config import Config, TestingConfig

    config = type(
        "BenchConfig",
        (TestingConfig,),
        {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": storage,
            "RESPOND_RATE_LIMIT": Config.RESPOND_RATE_LIMIT,
            "RESPOND_ADDRESS_LIMIT": Config.RESPOND_ADDRESS_LIMIT,
            "RESPOND_NEW_RESPONDENT_LIMIT": Config.RESPOND_NEW_RESPONDENT_LIMIT,
        },
    )
    return create_app(config, instance_path=instance)


def _per_call(app, check, calls: int) -> float:
    """Median over 5 rounds of the µs per call of *check(address, key)*."""
    rounds = []
    for _ in range(5):
        run = uuid.uuid4().hex[:8]
        started = time.perf_counter()
        for i in range(calls):
            address = f"10.{i % 250}.{i // 250 % 250}.{i % 7}"
            with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
                check(address, f"{run}-{i:08d}")
        rounds.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis", help="a Redis URL on loopback, e.g. redis://127.0.0.1:6379/7")
    parser.add_argument("--calls", type=int, default=1000, help="calls (respondents) a round")
    args = parser.parse_args()
    from app.respond import ratelimit

    storages = ["memory://"] + ([args.redis] if args.redis else [])
    print(f"Python {platform.python_version()}, {platform.platform()}; {args.calls} a round")
    for storage in storages:
        app = _app(storage, tempfile.mkdtemp())
        with app.app_context():

            def before(address, key, limit=BEFORE):
                ratelimit._count(limit, ("respond", "submit", address), hit=True)

            def now(address, key):
                assert ratelimit._within_limits("submit", "slug", key)
                assert ratelimit.new_respondents.allowed(1)
                ratelimit.new_respondents.started(1)

            floor = _per_call(app, lambda a, k: None, args.calls)
            old = _per_call(app, before, args.calls) - floor
            new = _per_call(app, now, args.calls) - floor
        kind = storage.split(":")[0]
        print(f"{kind:7} before (address × endpoint): {old:6.1f} µs   now: {new:6.1f} µs a submit")


if __name__ == "__main__":
    main()
