"""Benchmark of raking (issue 20): run as `python tests/benchmarks/bench_raking.py`.

`analysis.stats.raking.rake` of 100,000 responses to 3 margins (city tier 4 × gender 2 × age
band 5, sampled far from the targets), untrimmed and trimmed to [0.25, 5] × the mean
(`anesrake` caps at 5), against a plain pandas pass over the same frame in the same run: a
weighted `groupby().sum()` of each margin, what one raking pass must at least compute. Prints
the best of K runs of each, the passes raking needed and the ratio. Target: under 1 s.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis.stats.raking import rake

TARGETS = {
    "tier": {"一线": 0.2, "二线": 0.3, "三线": 0.3, "四线及以下": 0.2},
    "gender": {"男": 0.49, "女": 0.51},
    "age": {"18-24": 0.12, "25-34": 0.22, "35-44": 0.22, "45-59": 0.26, "60+": 0.18},
}
SAMPLED = {  # a web panel: big cities, men and the young over-represented
    "tier": [0.45, 0.3, 0.15, 0.1],
    "gender": [0.6, 0.4],
    "age": [0.3, 0.35, 0.2, 0.1, 0.05],
}


def build_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {c: pd.array(rng.choice(list(TARGETS[c]), n, p=SAMPLED[c]), dtype="str") for c in TARGETS}
    )


def best_of(k: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(k):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    frame = build_frame(args.rows)
    weights = pd.Series(np.ones(len(frame)))

    def baseline():
        return [weights.groupby(frame[c]).sum() for c in TARGETS]

    base, _ = best_of(args.repeat, baseline)
    plain, untrimmed = best_of(args.repeat, lambda: rake(frame, TARGETS))
    trimmed_s, trimmed = best_of(args.repeat, lambda: rake(frame, TARGETS, trim=(0.25, 5.0)))
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"{args.rows} responses, 3 margins ({' × '.join(str(len(t)) for t in TARGETS.values())})")
    print(f"baseline (weighted groupby of each margin): {base:.3f} s")
    for name, seconds, result in (
        ("rake", plain, untrimmed),
        ("rake, trimmed", trimmed_s, trimmed),
    ):
        print(
            f"{name}: {seconds:.3f} s, {result.iterations} passes, ratio {seconds / base:.1f}×, "
            f"deff {result.design_effect:.3f}, weights {result.min_weight:.3f}–"
            f"{result.max_weight:.3f}, {result.trimmed} trimmed"
        )


if __name__ == "__main__":
    main()
