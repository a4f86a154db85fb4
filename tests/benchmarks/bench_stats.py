"""Benchmark of the statistics engine (issue 6): run as `python tests/benchmarks/bench_stats.py`.

A full per-question report (`summarise`: quality flags, every question, Wilson intervals,
histograms, Kano, ranking…) plus 10 crosstabs on 100,000 responses × 30 questions, against a
plain pandas pass over the same frame in the same run (`value_counts` of every option column,
`describe` of every numeric one), once without weights and once with survey weights (a
`weight` column, uniform 0.3–3: linearised SEs, Rao–Scott crosstabs). Prints the times,
their ratios and the peak memory. Targets: both ratios within 3×, peak under 2 GB.
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis.stats import summarise

SCALE = [{"value": str(k), "label": f"{k}分"} for k in range(1, 6)]
OPTIONS = [{"value": f"o{k}", "label": f"选项{k}"} for k in range(1, 6)]
ROWS = [{"value": f"r{k}", "label": f"方面{k}"} for k in range(1, 5)]
KANO = ["like", "must_be", "neutral", "live_with", "dislike"]


def build_definition() -> dict:
    """30 questions: 10 single choice, 5 ratings, 3 NPS, 4 numbers, 2 multiple choice,
    3 Likert matrices, 1 ranking, 1 Kano pair, 1 short text."""
    qs = [
        {"id": f"c{i}", "type": "single_choice", "title": f"单选{i}", "options": OPTIONS}
        for i in range(10)
    ]
    qs += [{"id": f"r{i}", "type": "rating", "title": f"评分{i}", "max": 5} for i in range(5)]
    qs += [{"id": f"n{i}", "type": "nps", "title": f"推荐{i}"} for i in range(3)]
    qs += [{"id": f"x{i}", "type": "number", "title": f"数值{i}"} for i in range(4)]
    qs += [
        {"id": f"m{i}", "type": "multiple_choice", "title": f"多选{i}", "options": OPTIONS}
        for i in range(2)
    ]
    qs += [
        {"id": f"g{i}", "type": "matrix", "title": f"矩阵{i}", "rows": ROWS, "options": SCALE}
        for i in range(3)
    ]
    qs += [{"id": "rank", "type": "ranking", "title": "排序", "options": OPTIONS[:4]}]
    qs += [{"id": "kano", "type": "kano", "title": "功能"}]
    qs += [{"id": "t0", "type": "short_text", "title": "文本"}]
    return {"schema_version": 1, "title": "基准", "pages": [{"id": "p", "questions": qs}]}


def build_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """The response table as `read_responses` yields it: option values as strings (pandas'
    string dtype), numbers as floats, about 5 % blanks."""
    rng = np.random.default_rng(seed)
    cols: dict[str, object] = {
        "response_id": pd.array([f"r{i}" for i in range(n)], dtype="str"),
        "submitted_at": "2026-11-01T10:00:00",
        "duration_s": rng.gamma(6, 40, n).round(),
    }

    def blanks(values: np.ndarray) -> np.ndarray:
        out = values.astype(object)
        out[rng.random(n) < 0.05] = None
        return out

    option_values = np.array([o["value"] for o in OPTIONS])
    for i in range(10):
        cols[f"c{i}"] = pd.array(blanks(rng.choice(option_values, n)), dtype="str")
    for i in range(5):
        cols[f"r{i}"] = np.where(rng.random(n) < 0.05, np.nan, rng.integers(1, 6, n))
    for i in range(3):
        cols[f"n{i}"] = np.where(rng.random(n) < 0.05, np.nan, rng.integers(0, 11, n))
    for i in range(4):
        cols[f"x{i}"] = np.where(rng.random(n) < 0.05, np.nan, rng.normal(40, 12, n))
    for i in range(2):
        skipped = rng.random(n) < 0.05
        for v in option_values:
            cols[f"m{i}/{v}"] = np.where(skipped, np.nan, (rng.random(n) < 0.3).astype(float))
    scale = np.array([o["value"] for o in SCALE])
    for i in range(3):
        for r in ROWS:
            cols[f"g{i}/{r['value']}"] = pd.array(blanks(rng.choice(scale, n)), dtype="str")
    ranks = np.argsort(rng.random((n, 4)), axis=1) + 1.0
    for j, o in enumerate(OPTIONS[:4]):
        cols[f"rank/{o['value']}"] = ranks[:, j]
    cols["kano/functional"] = pd.array(blanks(rng.choice(KANO, n)), dtype="str")
    cols["kano/dysfunctional"] = pd.array(blanks(rng.choice(KANO, n)), dtype="str")
    cols["t0"] = pd.array(blanks(rng.choice(["好", "一般", "还行，价格偏高"], n)), dtype="str")
    return pd.DataFrame(cols)


CROSSTABS = [(f"c{i}", f"c{(i + 1) % 10}") for i in range(6)] + [
    ("r0", "c0"),
    ("n0", "c1"),
    ("g0/r1", "c2"),
    ("r1", "r2"),
]


def plain_pass(frame: pd.DataFrame) -> int:
    """The baseline: what a plain pandas user would run, one call per column."""
    touched = 0
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_numeric_dtype(s.dtype):
            touched += len(s.describe())
        else:
            touched += len(s.value_counts())
    return touched


def timed(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args()
    definition = build_definition()
    frame = build_frame(args.rows)

    weights = np.random.default_rng(1).uniform(0.3, 3.0, len(frame))

    def report():
        return summarise(definition, frame, crosstabs=CROSSTABS)

    def weighted_report():
        return summarise(definition, frame, crosstabs=CROSSTABS, weights=weights)

    summary = report()  # warm-up, and a check of what is computed
    assert len(summary["questions"]) == 30 and len(summary["crosstabs"]) == 10
    weighted = weighted_report()
    assert all(t["test"] == "rao_scott" for t in weighted["crosstabs"])
    baseline = timed(lambda: plain_pass(frame), args.repeat)
    engine = timed(report, args.repeat)
    engine_weighted = timed(weighted_report, args.repeat)
    tracemalloc.start()
    weighted_report()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"machine:  {platform.machine()}, {platform.processor() or platform.system()}, "
        f"python {platform.python_version()}, pandas {pd.__version__}"
    )
    print(
        f"frame:    {len(frame):,} responses × 30 questions ({frame.shape[1]} columns), "
        f"{frame.memory_usage(deep=True).sum() / 2**20:.0f} MiB"
    )
    print(f"baseline: {baseline:.3f} s  (value_counts / describe of every column)")
    print(f"engine:   {engine:.3f} s  (summarise: every question + quality flags + 10 crosstabs)")
    print(f"ratio:    {engine / baseline:.2f}×  (target ≤ 3×)")
    print(
        f"weighted: {engine_weighted:.3f} s  (the same report with survey weights: "
        f"linearised SEs, Rao–Scott)"
    )
    print(f"ratio:    {engine_weighted / baseline:.2f}×  (target ≤ 3×)")
    print(
        f"memory:   {traced_peak / 2**20:.0f} MiB allocated at peak during one report "
        f"(tracemalloc); process peak RSS {rss_peak:.0f} MiB (target < 2 GB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
