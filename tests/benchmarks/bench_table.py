"""Benchmark of the response table (issue 14): run as `python tests/benchmarks/bench_table.py`.

Stores 100,000 complete responses to 30 questions of mixed types in a real database (a SQLite
file; PostgreSQL too when TEST_DATABASE_URL is set or `--database-url` is given), then times
`app.results.table.response_frame` (chunked keyset reads through `app.responses.cache`,
flattened by `surveys.response_table`) against `pandas.read_csv` of the same table, written to
a CSV file in the same run. Prints both times, their ratio, and the peak memory of each
(tracemalloc), plus the peak of streaming the chunks without keeping them, over a quarter of
the responses and over all of them: equal peaks mean memory is flat in the chunks.
Target: within 3× of the CSV read.

The responses are stored with one bulk INSERT per 5,000 rows (SQLAlchemy core) rather than
through `submission.submit`: setup speed is not what is measured; a sample of the generated
answers is checked by `surveys.validate_answers`, so the rows are what a submit would store.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

OPTIONS = [{"value": f"o{k}", "label": f"选项{k}"} for k in range(1, 6)]
SCALE = [{"value": str(k), "label": f"{k}分"} for k in range(1, 6)]
ROWS = [{"value": f"r{k}", "label": f"方面{k}"} for k in range(1, 5)]
KANO = ["like", "must_be", "neutral", "live_with", "dislike"]
TEXTS = ["好", "一般", "还行，价格偏高", "配送太慢了", "客服态度好"]
INSERT_BATCH = 5000


def build_definition() -> dict:
    """30 questions: 9 single choice, 1 dropdown, 5 ratings, 3 NPS, 4 numbers, 2 multiple
    choice (one with an "other" box), 3 Likert matrices of 4 rows, 1 ranking, 1 Kano pair,
    1 short text."""
    qs: list[dict] = [
        {"id": f"c{i}", "type": "single_choice", "title": f"单选{i}", "options": OPTIONS}
        for i in range(9)
    ]
    qs += [{"id": "d0", "type": "dropdown", "title": "下拉", "options": OPTIONS}]
    qs += [{"id": f"r{i}", "type": "rating", "title": f"评分{i}", "max": 5} for i in range(5)]
    qs += [{"id": f"n{i}", "type": "nps", "title": f"推荐{i}"} for i in range(3)]
    qs += [{"id": f"x{i}", "type": "number", "title": f"数值{i}"} for i in range(4)]
    qs += [
        {"id": "m0", "type": "multiple_choice", "title": "多选0", "options": OPTIONS},
        {
            "id": "m1",
            "type": "multiple_choice",
            "title": "多选1",
            "options": [*OPTIONS, {"value": "other", "label": "其他", "other": True}],
        },
    ]
    qs += [
        {"id": f"g{i}", "type": "matrix", "title": f"矩阵{i}", "rows": ROWS, "options": SCALE}
        for i in range(3)
    ]
    qs += [{"id": "rank", "type": "ranking", "title": "排序", "options": OPTIONS[:4]}]
    qs += [{"id": "kano", "type": "kano", "title": "功能"}]
    qs += [{"id": "t0", "type": "short_text", "title": "文本"}]
    for q in qs:
        q["required"] = False
    assert len(qs) == 30
    return {
        "schema_version": 1,
        "title": "响应表基准",
        "language": "zh_CN",
        "pages": [{"id": "p1", "questions": qs}],
    }


def generate_answers(n: int, seed: int = 0) -> list[dict]:
    """n answer documents as the store keeps them; each question skipped about 5 % of the time."""
    rng = np.random.default_rng(seed)
    option_values = [o["value"] for o in OPTIONS]
    scale = [o["value"] for o in SCALE]
    rows = [r["value"] for r in ROWS]
    choice = rng.integers(0, 5, (n, 10))
    ratings = rng.integers(1, 6, (n, 5))
    nps = rng.integers(0, 11, (n, 3))
    numbers = rng.normal(40, 12, (n, 4)).round(1)
    picks = rng.random((n, 2, 6)) < 0.3
    matrix = rng.integers(0, 5, (n, 3, 4))
    ranks = np.argsort(rng.random((n, 4)), axis=1)
    kano = rng.integers(0, 5, (n, 2))
    texts = rng.integers(0, len(TEXTS), n)
    qids = [q["id"] for q in build_definition()["pages"][0]["questions"]]
    skipped = rng.random((n, len(qids))) < 0.05
    documents = []
    for i in range(n):
        a: dict = {}
        for j in range(9):
            a[f"c{j}"] = option_values[choice[i, j]]
        a["d0"] = option_values[choice[i, 9]]
        for j in range(5):
            a[f"r{j}"] = int(ratings[i, j])
        for j in range(3):
            a[f"n{j}"] = int(nps[i, j])
        for j in range(4):
            a[f"x{j}"] = float(numbers[i, j])
        a["m0"] = [v for v, on in zip(option_values, picks[i, 0], strict=False) if on] or ["o1"]
        m1 = [v for v, on in zip([*option_values, "other"], picks[i, 1], strict=True) if on]
        a["m1"] = m1 or ["o2"]
        if "other" in a["m1"]:
            a["m1/other_text"] = "扫码比价"
        for j in range(3):
            a[f"g{j}"] = {r: scale[matrix[i, j, k]] for k, r in enumerate(rows)}
        a["rank"] = [option_values[k] for k in ranks[i]]
        a["kano"] = {"functional": KANO[kano[i, 0]], "dysfunctional": KANO[kano[i, 1]]}
        a["t0"] = TEXTS[texts[i]]
        for qid, skip in zip(qids, skipped[i], strict=True):
            if skip:
                a.pop(qid, None)
        if "m1" not in a:
            a.pop("m1/other_text", None)
        documents.append(a)
    return documents


def check_answers(definition: dict, documents: list[dict]) -> None:
    """The generated documents are exactly what answer validation would accept and store."""
    from surveys import validate_answers

    for answers in documents:
        check = validate_answers(definition, answers)
        assert check.ok and check.cleaned == answers, (answers, check.errors, check.cleaned)


def _config(database_url: str):
    from app.config import TestingConfig

    return type("BenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": database_url})


def prepare(database_url: str, instance: str, n: int):
    """An app with one published questionnaire holding *n* complete responses."""
    from app import create_app
    from app.extensions import db
    from app.models import Response, ResponseStatus
    from tests.factories import make_published, make_study, make_user

    if database_url.startswith("postgresql"):
        from tests.conftest import reset_postgres

        reset_postgres(database_url)
    app = create_app(_config(database_url), instance_path=instance)
    definition = build_definition()
    documents = generate_answers(n)
    check_answers(definition, documents[:200])
    with app.app_context():
        db.create_all()
        study = make_study(make_user("bench@example.cn"))
        questionnaire = make_published(definition, study=study)
        version_id = questionnaire.latest_version.id
        started = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
        durations = np.random.default_rng(1).gamma(6, 40, n).round()
        table = Response.__table__
        for start in range(0, n, INSERT_BATCH):
            rows = []
            for i in range(start, min(start + INSERT_BATCH, n)):
                began = started + timedelta(seconds=30 * i)
                done = began + timedelta(seconds=float(durations[i]))
                rows.append(
                    {
                        "questionnaire_id": questionnaire.id,
                        "version_id": version_id,
                        "status": ResponseStatus.COMPLETE,
                        "answers": documents[i],
                        "page_id": "",
                        "started_at": began,
                        "updated_at": done,
                        "submitted_at": done,
                        "idempotency_key": f"bench-{i}",
                        "resume_token_hash": f"{i:064x}",
                        "receipt_hash": f"r{i:063x}",
                    }
                )
            db.session.execute(table.insert(), rows)
        db.session.commit()
        questionnaire_id = questionnaire.id
    del documents
    return app, questionnaire_id


def timed(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        result = None
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def traced_peak(fn) -> int:
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


def stream_blocks(questionnaire, limit: int | None) -> int:
    """Read the blocks as `response_frame` does, keeping none of them."""
    from app.responses import cache
    from app.results.table import definitions_newest_first, flatten_rows

    definitions = definitions_newest_first(questionnaire)
    seen = 0
    for block in cache.table_blocks(questionnaire, lambda rows: flatten_rows(definitions, rows)):
        seen += block.length
        if limit is not None and seen >= limit:
            break
    return seen


def forget_blocks() -> None:
    from app.extensions import db
    from app.models import ResponseTableBlock

    db.session.execute(db.delete(ResponseTableBlock))
    db.session.commit()


def measure(database_url: str, n: int, repeat: int, tmp: Path) -> dict:
    from app.extensions import db
    from app.models import Questionnaire
    from app.responses import cache
    from app.results.table import definitions_newest_first, flatten_rows, response_frame

    started = time.perf_counter()
    app, questionnaire_id = prepare(database_url, str(tmp / "instance"), n)
    setup_s = time.perf_counter() - started
    csv_path = tmp / "responses.csv"
    with app.app_context():
        questionnaire = db.session.get(Questionnaire, questionnaire_id)
        frame = response_frame(questionnaire)  # warm-up (and the table written to the CSV)
        assert len(frame) == n, len(frame)
        frame.to_csv(csv_path, index=False)
        from_csv = pd.read_csv(csv_path)
        assert from_csv.shape == frame.shape and list(from_csv.columns) == list(frame.columns)
        frame_mib = frame.memory_usage(deep=True).sum() / 2**20
        columns = frame.shape[1]
        del frame, from_csv

        csv_s, _ = timed(lambda: pd.read_csv(csv_path), repeat)
        db.session.expire_all()
        table_s, _ = timed(lambda: response_frame(questionnaire), repeat)
        store_s, _ = timed(lambda: stream_blocks(questionnaire, None), repeat)

        def cold():
            forget_blocks()
            return response_frame(questionnaire)

        cold_s, _ = timed(cold, max(1, repeat - 1))
        definitions = definitions_newest_first(questionnaire)
        live_block_s, _ = timed(
            lambda: flatten_rows(
                definitions, cache._table_rows(questionnaire_id, 0, None, cache.TABLE_BLOCK_SIZE)
            ),
            repeat,
        )
        csv_peak = traced_peak(lambda: pd.read_csv(csv_path))
        table_peak = traced_peak(lambda: response_frame(questionnaire))
        quarter_peak = traced_peak(lambda: stream_blocks(questionnaire, n // 4))
        stream_peak = traced_peak(lambda: stream_blocks(questionnaire, None))
        db.session.remove()
        db.engine.dispose()
    return {
        "backend": database_url.split(":", 1)[0].split("+")[0],
        "setup_s": setup_s,
        "columns": columns,
        "frame_mib": frame_mib,
        "csv_mib": csv_path.stat().st_size / 2**20,
        "csv_s": csv_s,
        "table_s": table_s,
        "store_s": store_s,
        "cold_s": cold_s,
        "live_block_s": live_block_s,
        "csv_peak": csv_peak / 2**20,
        "table_peak": table_peak / 2**20,
        "quarter_peak": quarter_peak / 2**20,
        "stream_peak": stream_peak / 2**20,
    }


def report(r: dict, n: int) -> None:
    from app.responses.cache import TABLE_BLOCK_SIZE

    print(f"-- {r['backend']}: {n:,} complete responses × 30 questions ({r['columns']} columns)")
    print(f"setup:    {r['setup_s']:.1f} s (generate, check a sample, bulk insert; not timed)")
    print(f"table:    {r['frame_mib']:.0f} MiB in pandas, {r['csv_mib']:.0f} MiB as CSV")
    print(f"read_csv:        {r['csv_s']:.2f} s  peak {r['csv_peak']:.0f} MiB (tracemalloc)")
    print(f"response_frame:  {r['table_s']:.2f} s  peak {r['table_peak']:.0f} MiB (tracemalloc)")
    print(f"  of which reading the stored blocks (cache.table_blocks alone): {r['store_s']:.2f} s")
    print(f"ratio:    {r['table_s'] / r['csv_s']:.2f}×  (target ≤ 3×)")
    print(
        f"first read, no block stored yet (flattens every answer document and stores "
        f"the blocks): {r['cold_s']:.2f} s, {r['cold_s'] / r['csv_s']:.1f}× read_csv"
    )
    print(
        f"newest responses not yet in a block (< {TABLE_BLOCK_SIZE:,}) are flattened on "
        f"every read: {r['live_block_s'] * 1000:.0f} ms for {TABLE_BLOCK_SIZE:,} at most"
    )
    print(
        f"blocks:   streaming without keeping them peaks at {r['quarter_peak']:.1f} MiB over "
        f"{n // 4:,} responses and {r['stream_peak']:.1f} MiB over {n:,} (flat if equal)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL", ""),
        help="also run on this PostgreSQL database (emptied first); default TEST_DATABASE_URL",
    )
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, pandas {pd.__version__}, "
        f"best of {args.repeat}"
    )
    urls = ["sqlite"] + ([args.database_url] if args.database_url else [])
    for url in urls:
        with tempfile.TemporaryDirectory() as tmp:
            if url == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            report(measure(url, args.rows, args.repeat, Path(tmp)), args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
