"""Precision and recall of the quality reasons on simulated respondents (issue 20, build 6):
run as `python tests/benchmarks/bench_quality.py [--seeds 20 21 22 23 24]`.

The respondents are `tests/data/quality/simulate.py` (1,000 careful humans, 100 each of
random clickers, straight-liners and a rotating form-filler per seed). For each reason:
how many responses show it, its precision (share of them that are not humans) and its
recall in each group; then the same for `flagged` (score ≥ 1), whose targets are ≥ 0.9
recall on the three bad groups at ≤ 5 % of the humans flagged. Prints a Markdown table for
docs/benchmarks.md. Timing of `flag_responses` is printed too (one run, warm).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.stats import prepare_frame  # noqa: E402
from analysis.stats.quality import REASONS, flag_responses  # noqa: E402
from tests.data.quality.simulate import GROUPS, simulate  # noqa: E402

BAD = ("random", "straight", "filler")


def measure(seed: int):
    definition, frame, groups = simulate(seed)
    data = prepare_frame(definition, frame)
    flag_responses(definition, data)  # warm (jieba's dictionary)
    started = time.perf_counter()
    flags = flag_responses(definition, data)
    seconds = time.perf_counter() - started
    return flags, np.array(groups), seconds


def rates(found: np.ndarray, groups: np.ndarray) -> dict:
    bad = groups != "human"
    out = {"count": int(found.sum())}
    out["precision"] = float((found & bad).sum() / found.sum()) if found.sum() else float("nan")
    for group in ("human", *BAD):
        out[group] = float(found[groups == group].mean())
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[20, 21, 22, 23, 24])
    args = parser.parse_args(argv)
    runs = [measure(seed) for seed in args.seeds]
    flags = np.concatenate([f.to_numpy() for f, _, _ in runs])
    columns = list(runs[0][0].columns)
    groups = np.concatenate([g for _, g, _ in runs])
    print(f"seeds {args.seeds}; per seed {GROUPS}; python {platform.python_version()}")
    print(f"flag_responses on {len(runs[0][1])} responses: "
          f"{1000 * np.median([s for _, _, s in runs]):.0f} ms (median of the seeds)")  # fmt: skip
    print()
    print("| reason | responses | precision | humans (false positives) | random clickers "
          "| straight-liners | form-filler |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in (*REASONS, "flagged"):
        found = flags[:, columns.index(name)].astype(bool)
        r = rates(found, groups)
        precision = "—" if np.isnan(r["precision"]) else f"{r['precision']:.3f}"
        print(f"| `{name}` | {r['count']} | {precision} | {r['human']:.3f} | {r['random']:.3f} "
              f"| {r['straight']:.3f} | {r['filler']:.3f} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
