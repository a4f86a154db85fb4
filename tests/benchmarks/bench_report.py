"""Benchmark of the findings report (issue 21): `python tests/benchmarks/bench_report.py`.

Seeds the demo study (`flask demo seed`: 300 complete responses of the demo questionnaire)
into a SQLite file, optionally tops it up with more respondents drawn the same way
(`--responses 300,1000`), and times the report job as a user's click runs it:

- **pdf cold**: the first PDF after new data (the filtered table read, key metrics, every
  question's summary and chart drawn, the HTML printed by WeasyPrint with the font subset);
- **pdf warm**: the same report again (the dashboard's memo and chart cache hit; printing only);
- **xlsx warm**: the workbook of the same content;
- **content**: `report_content` alone, cold (memo and chart cache emptied): the numbers and
  charts, which the dashboard computes too;
- **baseline**: the same HTML page rendered by Flask's Jinja only (`render_report_html`), in
  the same process: what any server-rendered page of this size costs.

Prints each time and its ratio to the baseline. Target (issue 21): the demo study's PDF in
under 10 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def top_up(questionnaire, total: int) -> None:
    """Add demo-like complete responses until the questionnaire has *total*."""
    from app.demo_answers import demo_answers
    from app.responses import counts, submission

    rng = random.Random(2026)
    have = counts.counts(questionnaire)["complete"]
    for i in range(have, total):
        answers, _ = demo_answers(rng, 1)
        submission.submit(questionnaire.latest_version, f"bench-{i}", answers, secret="bench")


def measure(app, total: int, repeat: int) -> dict[str, float]:
    from zoneinfo import ZoneInfo

    from analysis.findings.query import Query
    from app.extensions import db
    from app.findings import dashboard
    from app.findings.report_content import report_content
    from app.findings.report_pdf import render_report_html
    from app.findings.reports import submit_report
    from app.models import JobStatus, Questionnaire

    with app.app_context():
        questionnaire = db.session.scalar(db.select(Questionnaire).order_by(Questionnaire.id))
        top_up(questionnaire, total)

        def pdf():
            job = submit_report(questionnaire, Query.of(), "pdf", actor=None, locale="zh_CN")
            if job.status is not JobStatus.DONE:
                raise SystemExit(f"the report failed: {job.error}")

        start = time.perf_counter()
        pdf()
        cold = time.perf_counter() - start
        warm = best_of(pdf, repeat)
        xlsx = best_of(
            lambda: submit_report(questionnaire, Query.of(), "xlsx", actor=None, locale="zh_CN"),
            repeat,
        )
        charts = Path(app.instance_path) / "cache" / "charts"
        dashboard._memo.clear()
        shutil.rmtree(charts, ignore_errors=True)
        start = time.perf_counter()
        content = report_content(questionnaire, Query.of(), charts, ZoneInfo("Asia/Shanghai"))
        content_cold = time.perf_counter() - start
        with app.test_request_context():
            render_report_html(content)  # templates compiled once, as on a running server
            baseline = best_of(lambda: render_report_html(content), repeat)
        dashboard._memo.clear()
    return {
        "pdf cold": cold,
        "pdf warm": warm,
        "xlsx warm": xlsx,
        "content": content_cold,
        "baseline": baseline,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", default="300,1000", help="comma-separated totals")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import weasyprint

    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"WeasyPrint {weasyprint.__version__}")  # fmt: skip
    from app import create_app
    from app.config import TestingConfig
    from app.demo import seed_demo
    from app.extensions import db

    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        config = type("BenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url})
        app = create_app(config, instance_path=f"{tmp}/instance")
        with app.app_context():
            db.create_all()
            seed_demo(app.instance_path, "bench-secret")
        for total in sorted(int(n) for n in args.responses.split(",")):
            times = measure(app, total, args.repeat)
            base = times["baseline"]
            print(f"\n{total} complete responses of the demo questionnaire")
            for name, seconds in times.items():
                print(f"  {name:<10} {seconds:7.3f} s   {seconds / base:7.1f}x baseline")
            failed |= times["pdf cold"] >= 10
    print("\ntarget: the PDF in under 10 s —", "MISSED" if failed else "met")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
