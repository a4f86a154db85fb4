"""Benchmark of webhooks (issue 24.4): run as `python tests/benchmarks/bench_webhooks.py`.

1. What the outbox costs a submit: `submission.submit` (the store's way in, called directly,
   no HTTP) to a questionnaire of a study without webhook endpoints, and to one of a study
   with one endpoint (the response, its event and its delivery in one transaction), in
   alternating rounds in one process so that a change of load falls on both alike; prints
   ms per submit and the ratio.
2. How fast the dispatcher empties the outbox: `deliver_due` to a receiver on loopback
   (http.server, one thread per request) answering 200; prints deliveries/s.

SQLite (a file) by default; `--database-url postgresql+psycopg://…` for PostgreSQL. Jobs run
inline (no Redis): the dispatch job is not queued, so part 1 is the outbox write alone.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.definitions import checkout  # noqa: E402 - needs ROOT on sys.path

DEFINITION = checkout("外卖满意度")
ANSWERS = {"region": "north", "nps": 9, "why": "送餐很快，包装完好。"}
ROUNDS, PER_ROUND = 6, 200


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from app.extensions import db
    from app.models import WebhookEvent
    from app.responses import submission
    from app.webhooks import addresses, delivery, endpoints
    from tests.conftest import make_app, reset_postgres
    from tests.factories import make_published, make_study, make_user
    from tests.web.webhook_receiver import Receiver

    folder = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    if url.startswith("postgresql"):
        reset_postgres(url)
    app = make_app(
        url, folder / "instance", WEBHOOKS_ALLOW_HTTP=True, WEBHOOKS_ALLOW_PRIVATE_NETWORKS=True
    )
    receiver = Receiver()
    with app.app_context():
        db.create_all()
        owner = make_user("bench@example.cn")
        plain = make_published(DEFINITION, study=make_study(owner))
        hooked = make_published(DEFINITION, study=make_study(owner))
        endpoints.create_endpoint(
            hooked.study, owner, url=receiver.url, description="", policy=addresses.AddressPolicy(
                allow_http=True, allow_private_networks=True), event_types=["response.completed"],
        )  # fmt: skip
        keys = iter(range(10**9))

        def submit_round(questionnaire) -> float:
            version = questionnaire.latest_version
            start = time.perf_counter()
            for _ in range(PER_ROUND):
                submission.submit(version, f"bench-key-{next(keys)}", ANSWERS, secret="bench")
            return (time.perf_counter() - start) / PER_ROUND * 1000

        submit_round(plain), submit_round(hooked)  # warm up
        timings: dict[str, list[float]] = {"plain": [], "hooked": []}
        for i in range(ROUNDS):
            order = ("plain", "hooked") if i % 2 == 0 else ("hooked", "plain")
            for name in order:
                timings[name].append(submit_round(plain if name == "plain" else hooked))
        plain_ms = statistics.median(timings["plain"])
        hooked_ms = statistics.median(timings["hooked"])

        events = db.session.scalar(db.select(db.func.count()).select_from(WebhookEvent))
        receiver.open("up")
        start = time.perf_counter()
        sent = 0
        while (done := delivery.deliver_due()).attempted:
            sent += done.delivered
        seconds = time.perf_counter() - start
        receiver.close()
        db.session.remove()
        db.engine.dispose()

    print(f"machine: {platform.node()} {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, {url.split(':')[0]}")  # fmt: skip
    print(f"submit without endpoint: {plain_ms:.2f} ms (median of {ROUNDS} rounds of {PER_ROUND})")
    print(f"submit with one endpoint: {hooked_ms:.2f} ms")
    print(f"ratio with / without: {hooked_ms / plain_ms:.2f}")
    print(f"dispatch: {sent} of {events} events delivered in {seconds:.2f} s, "
          f"{sent / seconds:.0f} deliveries/s")  # fmt: skip


if __name__ == "__main__":
    main()
