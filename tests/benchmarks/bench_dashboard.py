"""Benchmark of the findings dashboard (issue 21): `python tests/benchmarks/bench_dashboard.py`.

Stores 100,000 complete responses to the 30 questions of `bench_table` (a SQLite file; the
same bulk insert), signs in a member through the test client and times GET of the dashboard:

- **cold**: the first request after a new response (the filtered table read, key metrics,
  30 question descriptions and their charts drawn);
- **warm**: the same page again (what a product manager reloading or a colleague opening the
  same view gets): served from the memo, checked against the data version;
- **filtered cold / warm**: with a segment filter (`seg.c0=o1`);
- **baseline**: a plain pandas pass over the same cells in memory — `value_counts()` of every
  option column, `mean()` of every numeric one — on the frame `response_frame` returns.

Prints each time and its ratio to the baseline. Target: warm under 1 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_table import build_definition, prepare, timed  # noqa: E402


def plain_pass(frame: pd.DataFrame, definition: dict) -> int:
    cells = 0
    for q in definition["pages"][0]["questions"]:
        columns = [c for c in frame.columns if c == q["id"] or c.startswith(q["id"] + "/")]
        for c in columns:
            column = frame[c]
            if q["type"] in ("rating", "nps", "number"):
                cells += int(pd.to_numeric(column, errors="coerce").mean() > 0)
            else:
                cells += len(column.value_counts())
    return cells


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, pandas {pd.__version__}")
    from app.extensions import db
    from app.models import Questionnaire
    from app.results.table import response_frame

    with tempfile.TemporaryDirectory() as tmp:
        app, qid = prepare(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", f"{tmp}/instance", args.rows)
        client = app.test_client()
        with app.app_context():
            questionnaire = db.session.get(Questionnaire, qid)
            study_id = questionnaire.study_id
            frame = response_frame(questionnaire)
            baseline_s, _ = timed(lambda: plain_pass(frame, build_definition()), args.repeat)
        reply = client.post(
            "/login", data={"email": "bench@example.cn", "password": "correct horse battery"}
        )
        assert reply.status_code == 302, reply.status_code
        url = f"/studies/{study_id}/findings/{qid}/"

        def get(path: str) -> None:
            reply = client.get(path)
            assert reply.status_code == 200, reply.status_code

        results = {}
        for name, path in (("all", url), ("filtered", url + "?seg.c0=o1")):
            start = time.perf_counter()
            get(path)
            results[name + " cold"] = time.perf_counter() - start
            results[name + " warm"], _ = timed(lambda path=path: get(path), args.repeat)
    print(f"-- sqlite: {args.rows:,} complete responses × 30 questions")
    print(f"baseline (plain pandas pass over the same cells): {baseline_s:.3f} s")
    for name, seconds in results.items():
        print(f"dashboard {name:13s} {seconds:7.3f} s  {seconds / baseline_s:6.1f}× the plain pass")
    warm = max(results["all warm"], results["filtered warm"])
    print(f"warm: {warm:.3f} s (target < 1 s): {'met' if warm < 1 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
