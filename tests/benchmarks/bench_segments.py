"""Benchmark of segment counts (issue 28): `python tests/benchmarks/bench_segments.py`
(PostgreSQL too when TEST_DATABASE_URL is set; that database is emptied).

100,000 participants of one organisation (city tiers, genders, age bands, one or two tags
each), then, best of 5 in the same process:

- **baseline**: a bare COUNT(*) with the same WHERE written by hand (city tier IN, gender =,
  the tag by the dialect's JSON operator, merged records out);
- **segment**: `app.outreach.segments.count` of the 3-rule segment compiled from its rules.

Prints both, the ratio (segment ÷ baseline) and checks the counts agree. Target: < 1 s.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

N = 100_000
RULES = {
    "match": "all",
    "rules": [
        {"kind": "attribute", "field": "city_tier", "op": "in", "values": ["一线", "新一线"]},
        {"kind": "attribute", "field": "gender", "op": "equals", "values": ["女"]},
        {"kind": "tag", "op": "has", "values": ["老客户"]},
    ],
}
BASELINE = {
    "sqlite": "SELECT count(*) FROM participants WHERE organisation_id = :org "
    "AND merged_into_id IS NULL AND city_tier IN ('一线', '新一线') AND gender = '女' "
    "AND EXISTS (SELECT 1 FROM json_each(participants.tags) WHERE value = '老客户')",
    "postgresql": "SELECT count(*) FROM participants WHERE organisation_id = :org "
    "AND merged_into_id IS NULL AND city_tier IN ('一线', '新一线') AND gender = '女' "
    "AND tags @> '[\"老客户\"]'::jsonb",
}


def best(fn, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def run(url: str, instance: str) -> None:
    from app import create_app
    from app.extensions import db
    from app.models import Participant
    from app.outreach import segments
    from surveys.segment_rules import parse_rules
    from tests.benchmarks.bench_table import _config
    from tests.factories import make_organisation

    app = create_app(_config(url), instance_path=instance)
    with app.app_context():
        db.drop_all()
        db.create_all()
        organisation = make_organisation()
        rng = random.Random(28)
        tiers = ["一线", "新一线", "二线", "三线", "四线"]
        tags = ["老客户", "会员", "新客", "高价值"]
        rows = [
            {
                "organisation_id": organisation.id,
                "city_tier": rng.choice(tiers),
                "gender": rng.choice(["男", "女"]),
                "age_band": rng.choice(["18-24", "25-34", "35-44", "45-54"]),
                "tags": rng.sample(tags, rng.randint(1, 2)),
                "custom": {},
                "problems": [],
                "consents": {},
            }
            for _ in range(N)
        ]
        for start in range(0, N, 10_000):
            db.session.execute(Participant.__table__.insert(), rows[start : start + 10_000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE participants"))
        else:
            db.session.execute(text("ANALYZE"))
        db.session.commit()
        rules = parse_rules(RULES)
        sql = text(BASELINE[db.engine.dialect.name])
        base_time, base_count = best(
            lambda: db.session.execute(sql, {"org": organisation.id}).scalar()
        )
        seg_time, seg_count = best(lambda: segments.count(organisation.id, rules))
        assert base_count == seg_count, (base_count, seg_count)
        print(
            f"{db.engine.dialect.name}: {N:,} participants, {seg_count:,} in the segment; "
            f"baseline COUNT {base_time * 1000:.1f} ms, segment count {seg_time * 1000:.1f} ms, "
            f"ratio {seg_time / base_time:.2f}, target < 1 s: {'met' if seg_time < 1 else 'MISSED'}"
        )
        db.session.remove()
        db.drop_all()


def main() -> int:
    print(f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.sqlite3", f"{tmp}/i")
        url = os.environ.get("TEST_DATABASE_URL")
        if url:
            run(url, f"{tmp}/j")
    return 0


if __name__ == "__main__":
    sys.exit(main())
