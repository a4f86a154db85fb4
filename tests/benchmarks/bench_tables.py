"""Benchmark of the tables of issue 20: run as `python tests/benchmarks/bench_tables.py`.

On the response table of `bench_stats.py` (100,000 × 30, option columns prepared once), times
best of N: a banner of a rating against 4 column questions (22 columns, 15 category and
mean rows, 90 pairwise tests), the same weighted (design-based SEs), a multiple-choice set
against one column, a 12 × 12 correlation matrix (Spearman, 66 pairs), key drivers with 12
drivers (LMG over 4,096 subsets) weighted and not, and α of 12 items weighted. Prints seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_stats import build_definition, build_frame

from analysis.stats import banner_table, correlation_matrix, cronbach_alpha, key_drivers
from analysis.stats.report import scored_block
from analysis.stats.table import prepare_frame

ITEMS = [f"g{i}/r{k}" for i in range(3) for k in range(1, 5)]


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    definition = build_definition()
    frame = prepare_frame(definition, build_frame(args.rows))
    w = np.random.default_rng(1).gamma(2.0, 1.0, len(frame))
    block = scored_block(definition, frame, ["r0", *ITEMS])
    cases = {
        "banner r0 × c0–c3": lambda: banner_table(
            frame, definition, "r0", ["c0", "c1", "c2", "c3"]
        ),
        "banner r0 × c0–c3, weighted": lambda: banner_table(
            frame, definition, "r0", ["c0", "c1", "c2", "c3"], weights=w
        ),
        "multiple-choice set m0 × c0": lambda: banner_table(frame, definition, "m0", ["c0"]),
        "correlation matrix 12 × 12 (Spearman)": lambda: correlation_matrix(
            block, ITEMS, method="spearman"
        ),
        "key drivers, 12 (LMG + relative weights)": lambda: key_drivers(block, "r0", ITEMS),
        "key drivers, 12, weighted": lambda: key_drivers(block, "r0", ITEMS, weights=w),
        "Cronbach's α, 12 items, weighted": lambda: cronbach_alpha(block, ITEMS, weights=w),
    }
    print(f"{args.rows} responses, best of {args.repeat}")
    for name, fn in cases.items():
        print(f"{name}: {best(fn, args.repeat):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
