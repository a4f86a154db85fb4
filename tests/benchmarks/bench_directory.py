"""Benchmark of the participant directory (issue 28.1): `python tests/benchmarks/bench_directory.py`
(`--postgres URL` for PostgreSQL too).

Stores 100,000 participants of one organisation (encrypted names and phones, blind indexes,
attributes, one to three tags each; a Core bulk insert), signs in a researcher through the test
client and times, best of --repeat, in the same process:

- **first page**: GET /organisations/<id>/directory/ (count, 50 newest records decrypted and
  masked, the tag suggestions);
- **filtered page**: the same with `attribute=city_tier&value=新一线&tag=宝妈`;
- **baseline**: a bare SELECT of the same 50 rows (and of the filtered 50), no count, no
  decryption, no template.

Prints each time and its ratio to the baseline. Target: each page under 1 s absolute.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_table import _config, timed  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高欧阳司马"
GIVEN = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚桂英华"
CITIES = [
    ("北京", "一线"),
    ("上海", "一线"),
    ("成都", "新一线"),
    ("杭州", "新一线"),
    ("西安", "二线"),
    ("昆明", "二线"),
    ("洛阳", "三线"),
    ("大理", "四线"),
]
TAGS = ["宝妈", "高频用户", "学生", "新客", "数码", "老用户", "下沉市场"]
BATCH = 5_000


def prepare(database_url: str, instance: str, n: int):
    from sqlalchemy import insert

    from app import create_app
    from app.extensions import db
    from app.models import OrganisationRole, Participant
    from app.models.types import utcnow
    from app.personal_data import blind_index
    from tests.factories import make_organisation, make_user

    if database_url.startswith("postgresql"):
        from tests.conftest import reset_postgres

        reset_postgres(database_url)
    app = create_app(_config(database_url), instance_path=instance)
    rng = random.Random(28)
    with app.app_context():
        db.create_all()
        user = make_user("bench@example.cn")
        organisation = make_organisation(make_user(), members={user: OrganisationRole.RESEARCHER})
        now = utcnow()
        for start in range(0, n, BATCH):
            rows = []
            for i in range(start, min(start + BATCH, n)):
                city, tier = rng.choice(CITIES)
                phone = f"1{rng.choice('3456789')}{i:09d}"
                rows.append(
                    {
                        "organisation_id": organisation.id,
                        "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                        "phone": phone,
                        "phone_index": blind_index(phone),
                        "gender": rng.choice("男女"),
                        "age_band": rng.choice(["18-24", "25-34", "35-44", "45+"]),
                        "city": city,
                        "city_tier": tier,
                        "tags": rng.sample(TAGS, rng.randint(1, 3)),
                        "custom": {},
                        "problems": [],
                        "consents": {},
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            db.session.execute(insert(Participant), rows)
            db.session.commit()
        return app, organisation.id


def run(label: str, database_url: str, instance: str, n: int, repeat: int) -> list[str]:
    from app.directory.listing import Filters, query
    from app.extensions import db
    from app.models import Participant, User
    from app.permissions import load_directory_access

    started = time.perf_counter()
    app, organisation_id = prepare(database_url, instance, n)
    print(f"[{label}] {n:,} participants stored in {time.perf_counter() - started:.1f} s")
    client = app.test_client()
    reply = client.post(
        "/login", data={"email": "bench@example.cn", "password": "correct horse battery"}
    )
    assert reply.status_code == 302, reply.status_code
    base = f"/organisations/{organisation_id}/directory/"
    filtered = base + "?attribute=city_tier&value=新一线&tag=宝妈"

    def get(path: str) -> None:
        reply = client.get(path)
        assert reply.status_code == 200, reply.status_code

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "bench@example.cn"))
        access = load_directory_access(organisation_id, user)
        plain = query(access, Filters()).limit(50)
        narrowed = query(access, Filters(attribute="city_tier", value="新一线", tag="宝妈")).limit(
            50
        )
        columns = [Participant.__table__.c.id, Participant.__table__.c.city]

        def bare(statement) -> int:
            with db.engine.connect() as connection:
                rows = connection.execute(statement.with_only_columns(*columns)).all()
            return len(rows)

        bare_first, count = timed(lambda: bare(plain), repeat)
        bare_filtered, count_filtered = timed(lambda: bare(narrowed), repeat)
        total = db.session.scalar(
            db.select(db.func.count()).select_from(
                query(access, Filters(attribute="city_tier", value="新一线", tag="宝妈"))
                .order_by(None)
                .subquery()
            )
        )
    get(base)  # warm-up: templates, the key ring
    first, _ = timed(lambda: get(base), repeat)
    page, _ = timed(lambda: get(filtered), repeat)
    lines = [
        f"[{label}] first page:    {first * 1000:7.1f} ms   bare SELECT of its 50 rows "
        f"{bare_first * 1000:6.1f} ms   ratio {first / bare_first:6.1f}   target < 1 s: "
        f"{'yes' if first < 1 else 'NO'}",
        f"[{label}] filtered page: {page * 1000:7.1f} ms   bare SELECT of its 50 rows "
        f"{bare_filtered * 1000:6.1f} ms   ratio {page / bare_filtered:6.1f}   target < 1 s: "
        f"{'yes' if page < 1 else 'NO'}   ({total:,} records match, {count_filtered} shown)",
    ]
    assert count == 50
    with app.app_context():
        db.engine.dispose()
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        lines += run("SQLite", url, f"{tmp}/instance", args.rows, args.repeat)
    if args.postgres:
        with tempfile.TemporaryDirectory() as tmp:
            lines += run("PostgreSQL", args.postgres, f"{tmp}/instance", args.rows, args.repeat)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
