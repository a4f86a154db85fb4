"""Benchmark of themes (issue 23): `python tests/benchmarks/bench_themes.py`.

20,000 demo-style open answers (`bench_aspects.answers`), best of 3 in the same process:

- **baseline**: the same answers normalised and segmented with their content terms
  (`analysis.text.corpus.prepare` + `document_terms`), the pass every keyword table makes;
- **themes**: `analysis.text.themes.find_themes` (that pass, TF-IDF, NMF with 12 themes,
  assignment, names and quotes).

Prints both, their ratio, and the themes. Target: themes under 30 s on two cores.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_aspects import answers, best  # noqa: E402


def main() -> int:
    import sklearn

    from analysis.text.corpus import document_terms, prepare
    from analysis.text.themes import find_themes

    texts = answers(20_000)
    find_themes(texts[:200])  # warm-up: dictionary, tag table
    base = best(lambda: [document_terms(d) for d in prepare(texts)])
    start = time.perf_counter()
    themes = find_themes(texts)
    once = time.perf_counter() - start
    ours = min(once, best(lambda: find_themes(texts), repeat=2))
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"scikit-learn {sklearn.__version__}"
    )
    print(f"{len(texts):,} answers")
    print(f"segmentation + content terms: {base:.2f} s")
    print(f"find_themes ({len(themes)} themes): {ours:.2f} s, {ours / base:.1f}× the segmentation")
    print(f"target < 30 s: {'met' if ours < 30 else 'NOT met'}")
    for theme in themes:
        print(f"  {theme.label}: {theme.count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
