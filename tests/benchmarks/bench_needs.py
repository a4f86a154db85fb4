"""Benchmark of the needs board (issue 22): `python tests/benchmarks/bench_needs.py`.

2,000 needs across the six statuses with 20,000 evidence links (ten each, stored insights'
snapshots) in a SQLite file, a signed-in member's GET of the board through the test client,
best of 3, with the number of SQL statements the request ran (no query per card). Baseline in
the same process: the same rows read by two plain ORM selects (needs; evidence counted per
need), no template. Target: the board under 1 s.

Also the trends page (needs by status, priority, type and kind over time, read back from
the audit trail) with 8,000 audited moves over half a year, and one of its charts.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, func

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

NEEDS = 2_000
LINKS_EACH = 10
MOVES_EACH = 4


def main() -> int:
    from app import create_app
    from app.extensions import db
    from app.models import AuditEvent, Need, NeedEvidence
    from app.models.needs import EvidenceKind, NeedStatus
    from tests.benchmarks.bench_table import _config
    from tests.factories import make_study, make_user

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(_config(f"sqlite:///{tmp}/bench.sqlite3"), instance_path=f"{tmp}/i")
        with app.app_context():
            db.create_all()
            owner = make_user("bench@example.cn")
            study = make_study(owner)
            statuses = list(NeedStatus)
            db.session.execute(
                Need.__table__.insert(),
                [
                    {
                        "study_id": study.id,
                        "statement": f"需求 {i}：结账页面减少一步",
                        "type": "explicit",
                        "kind": "functional",
                        "kano": "",
                        "status": statuses[i % len(statuses)],
                        "reject_reason": "",
                        "override_reason": "",
                        "owner_id": owner.id,
                        "reach": 100.0 + i,
                        "impact": 2.0,
                        "confidence": 80.0,
                        "effort": 3.0,
                        "position": i,
                        "created_by_id": owner.id,
                    }
                    for i in range(NEEDS)
                ],
            )
            ids = list(db.session.scalars(db.select(Need.id)))
            db.session.execute(
                NeedEvidence.__table__.insert(),
                [
                    {
                        "need_id": need_id,
                        "kind": EvidenceKind.INSIGHT,
                        "target_id": k,
                        "spec": {},
                        "snapshot": {"sentence": "25–34 岁用户的 NPS 比其他用户低 18 分"},
                        "created_by_id": owner.id,
                    }
                    for need_id in ids
                    for k in range(LINKS_EACH)
                ],
            )
            start = datetime(2026, 6, 1, tzinfo=UTC)
            db.session.execute(
                db.update(Need).values(created_at=start).where(Need.study_id == study.id)
            )
            flow = ["new", "accepted", "scheduled", "in_progress", "done"]
            db.session.execute(
                AuditEvent.__table__.insert(),
                [
                    {
                        "at": start + timedelta(days=(need_id * 7 + step * 30) % 180),
                        "actor_id": owner.id,
                        "action": "need.move",
                        "object_type": "Need",
                        "object_id": need_id,
                        "study_id": study.id,
                        "detail": {"before": {"status": flow[step]}, "after": {}},
                    }
                    for need_id in ids
                    for step in range(MOVES_EACH)
                ],
            )
            db.session.commit()
            study_id = study.id

            def plain() -> int:
                needs = db.session.scalars(db.select(Need).where(Need.study_id == study_id)).all()
                counts = db.session.execute(
                    db.select(NeedEvidence.need_id, func.count()).group_by(NeedEvidence.need_id)
                ).all()
                db.session.expire_all()
                return len(needs) + len(counts)

            baseline = best(plain)
        client = app.test_client()
        reply = client.post(
            "/login", data={"email": "bench@example.cn", "password": "correct horse battery"}
        )
        assert reply.status_code == 302
        statements = []
        with app.app_context():
            engine = db.engine

        def count(*_args) -> None:
            statements.append(1)

        event.listen(engine, "before_cursor_execute", count)

        def board() -> None:
            statements.clear()
            reply = client.get(f"/studies/{study_id}/needs/")
            assert reply.status_code == 200, reply.status_code

        seconds = best(board)
        queries = len(statements)

        def trends_page() -> None:
            statements.clear()
            assert client.get(f"/studies/{study_id}/needs/trends").status_code == 200

        trends_seconds = best(trends_page)
        trends_queries = len(statements)

        def chart() -> None:
            assert client.get(f"/studies/{study_id}/needs/trends/status.png").status_code == 200

        chart_seconds = best(chart)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"{NEEDS:,} needs, {NEEDS * LINKS_EACH:,} evidence links (SQLite)")
    print(f"baseline (two plain ORM selects, no template): {baseline:.3f} s")
    print(
        f"board GET: {seconds:.3f} s, {seconds / baseline:.1f}× the baseline, "
        f"{queries} SQL statements"
    )
    print(f"target < 1 s: {'met' if seconds < 1 else 'NOT met'}")
    print(
        f"trends GET ({NEEDS * MOVES_EACH:,} audited moves): {trends_seconds:.3f} s, "
        f"{trends_queries} SQL statements; one trend chart (PNG): {chart_seconds:.3f} s"
    )
    return 0


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


if __name__ == "__main__":
    raise SystemExit(main())
