"""Benchmark of aspect extraction (issue 23): `python tests/benchmarks/bench_aspects.py`.

20,000 open answers composed like the demo's (`app.demo_texts`: praise, complaints and
suggestions, one or two points each), then, best of 3 in the same process:

- **baseline**: raw `jieba.lcut(text)` of every answer (jieba's default dictionary, HMM on);
- **aspects**: `analysis.text.aspects.aspect_table` over the same answers (normalising,
  clause splitting, segmentation with tags, the patterns, the counts).

Prints both and the throughput ratio (jieba time ÷ aspects time). Target: ≥ 0.5.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def answers(n: int) -> list[str]:
    from app.demo_texts import nps_reason, suggestion

    rng = random.Random(23)
    out = []
    while len(out) < n:
        text = nps_reason(rng, rng.randint(0, 10)) if rng.random() < 0.6 else suggestion(rng)
        if text:
            out.append(text)
    return out


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    import jieba

    from analysis.text.aspects import aspect_table
    from analysis.text.tokenize import get_tokenizer

    texts = answers(20_000)
    jieba.setLogLevel(60)
    jieba.initialize()
    get_tokenizer().words("预热")
    aspect_table(texts[:100])  # warm-up: dictionary, tag table, opinion list
    raw = best(lambda: [jieba.lcut(t) for t in texts])
    ours = best(lambda: aspect_table(texts))
    table = aspect_table(texts)
    chars = sum(map(len, texts))
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, jieba {jieba.__version__}")
    print(f"{len(texts):,} answers, {chars:,} characters; {len(table)} aspects found")
    print(f"jieba.lcut:   {raw:.2f} s  ({chars / raw / 1000:.0f} k chars/s)")
    print(f"aspect_table: {ours:.2f} s  ({chars / ours / 1000:.0f} k chars/s)")
    print(f"throughput ratio {raw / ours:.2f} of raw jieba (target ≥ 0.5)")
    for row in table[:5]:
        print(f"  {row['aspect']}: 负面 {row['negative']} / 正面 {row['positive']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
