"""Benchmark of the insight scan (issue 21.2): `python tests/benchmarks/bench_insights.py`.

The scan of 100,000 responses × 30 questions (an NPS, 19 ratings, 10 single-choice questions)
× 10 segment questions (the single-choice ones, 3–6 levels each), against a plain pandas
pass over the same cells: for every item × segment question one `groupby` giving each level's
count, mean and variance (a `size` of level × option for a choice question), with no test,
no correction and no claim. Target: the scan within 5× of that pass. The scan's plain
cell-by-cell path (`method="plain"`, the reference the tests hold the fast one to) is timed
on the same data for comparison.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis.findings.scan import scan, scan_items
from analysis.stats.table import prepare_frame

N = 100_000
SEGMENTS = 10
RATINGS = 19


def definition() -> dict:
    questions = [{"id": "nps", "type": "nps", "title": "推荐意愿"}]
    questions += [
        {"id": f"r{i}", "type": "rating", "title": f"评分 {i}", "max": 5} for i in range(RATINGS)
    ]
    for s in range(SEGMENTS):
        levels = 3 + s % 4
        options = [{"value": f"v{j}", "label": f"选项 {j}"} for j in range(levels)]
        questions.append(
            {"id": f"s{s}", "type": "single_choice", "title": f"分组 {s}", "options": options}
        )
    return {"schema_version": 1, "title": "基准", "pages": [{"id": "p1", "questions": questions}]}


def responses(defn: dict, rng: np.random.Generator) -> pd.DataFrame:
    data: dict[str, np.ndarray] = {"nps": rng.integers(0, 11, N)}
    for i in range(RATINGS):
        data[f"r{i}"] = rng.integers(1, 6, N)
    for q in defn["pages"][0]["questions"][1 + RATINGS :]:
        data[q["id"]] = rng.choice([o["value"] for o in q["options"]], N)
    # one planted gap, so the scan has claims to build: s0 = v1 recommends less
    gap = (data["s0"] == "v1") & (rng.random(N) < 0.3)
    data["nps"] = np.where(gap, rng.integers(0, 7, N), data["nps"])
    frame = pd.DataFrame(data)
    frame.loc[rng.random(N) < 0.05, "r0"] = np.nan  # some blanks
    return prepare_frame(defn, frame)


def plain_pass(defn: dict, frame: pd.DataFrame, key: list[dict]) -> int:
    """Per item × segment question: each level's count, mean and variance (or level × option
    counts), with pandas' groupby. Returns the number of cells it summarised."""
    cells = 0
    segments = [f"s{s}" for s in range(SEGMENTS)]
    for item in scan_items(defn, key):
        for seg in segments:
            if seg == item.question:
                continue
            if item.kind == "choice":
                table = frame.groupby([seg, item.question], observed=True).size()
            else:
                table = frame.groupby(seg, observed=True)[item.question].agg(
                    ["count", "mean", "var"]
                )
            cells += len(table)
    return cells


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rng = np.random.default_rng(2026)
    defn = definition()
    frame = responses(defn, rng)
    key = [{"kind": "nps", "question": "nps"}, {"kind": "csat", "question": "r0"}]
    weights = rng.uniform(0.3, 3.0, N)
    result = scan(defn, frame, key_metrics=key)
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"# {python}, {os.cpu_count()} cores")
    print(f"# n = {N}, items = {len(scan_items(defn, key))}, segments = {SEGMENTS}")
    print(f"# cells {result['cells']}, tested {result['tested']}, claims {len(result['claims'])}")
    base = timed(lambda: plain_pass(defn, frame, key))
    fast = timed(lambda: scan(defn, frame, key_metrics=key))
    weighted = timed(lambda: scan(defn, frame, key_metrics=key, weights=weights))
    reference = timed(lambda: scan(defn, frame, key_metrics=key, method="plain"), repeat=1)
    print("| pandas groupby pass | scan | ratio | scan, weighted | ratio | plain path | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {base:.2f} s | {fast:.2f} s | {fast / base:.2f} | {weighted:.2f} s | "
        f"{weighted / base:.2f} | {reference:.2f} s | {reference / base:.2f} |"
    )


if __name__ == "__main__":
    main()
