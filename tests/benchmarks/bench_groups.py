"""Benchmark of group comparisons (issue 20, build 3): `python tests/benchmarks/bench_groups.py`.

`compare_groups` on 100,000 answers split into k = 3, 6 and 10 groups, in each mode (Welch
ANOVA + Games–Howell, Fisher ANOVA + Tukey, Kruskal–Wallis, and the weighted design-based
mean and rank tests), against a plain scipy pass over the same groups (`f_oneway`). The
Games–Howell pairs need one studentised-range quantile and p each; the last column times the
k(k−1)/2 quantiles with scipy's `studentized_range.ppf` alone, which is what they cost before
`analysis.stats.studentized_range`.
"""

from __future__ import annotations

import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analysis.stats import compare_groups

MODES = {
    "welch_anova": {},
    "anova_tukey": {"equal_var": True},
    "kruskal": {"ordinal": True},
    "weighted": {"weights": True},
    "weighted_rank": {"weights": True, "ordinal": True},
}


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    rng = np.random.default_rng(2026)
    n = 100_000
    print(f"# {platform.python_implementation()} {platform.python_version()}, n = {n}")
    print("| k | " + " | ".join(MODES) + " | scipy f_oneway | scipy ppf per pair |")
    print("|---:|" + "---:|" * (len(MODES) + 2))
    for k in (3, 6, 10):
        frame = pd.DataFrame(
            {"y": rng.normal(0, 1, n).round(1) + rng.integers(0, 3, n), "g": rng.integers(0, k, n)}
        )
        w = rng.uniform(0.2, 3.0, n)
        cells = []
        for options in MODES.values():
            kwargs = {key: (w if key == "weights" else v) for key, v in options.items()}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cells.append(timed(lambda f=frame, kw=kwargs: compare_groups(f, "y", "g", **kw)))
        groups = [frame.loc[frame["g"] == j, "y"].to_numpy() for j in range(k)]
        cells.append(timed(lambda groups=groups: stats.f_oneway(*groups)))
        df = n / k * 2 - 2
        pairs = k * (k - 1) // 2
        one = timed(lambda k=k, df=df: stats.studentized_range.ppf(0.95, k, df))
        cells.append(one * pairs)
        print(f"| {k} | " + " | ".join(f"{c:.2f} s" for c in cells) + " |")


if __name__ == "__main__":
    main()
