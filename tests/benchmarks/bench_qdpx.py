"""Speed of reading a REFI-QDA project (.qdpx) against unzipping and parsing its XML, in one run.

    python tests/benchmarks/bench_qdpx.py [--sources 20] [--lines 1000]

A large NVivo-sized project: --sources text sources of --lines `访谈员：…` / `受访者：…`
lines, one selection with two codes per line and a memo on every tenth, a two-level
codebook of 120 codes, written by Wenfang's own writer. Baseline: opening the zip, reading
every member and parsing project.qde with defusedxml (what any reader must do). Read:
`read_qdpx` (bounded unpacking, paragraphs, NFC maps, codings placed in turns, memos,
warnings). Best of 5; the ratio is the figure to watch.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import zipfile
from pathlib import Path

# Date and machine of the run recorded in docs/benchmarks.md (edit when re-measuring).
MEASURED = "2026-12-03 on 2 cores, Python 3.11.7, Debian 12"
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from defusedxml.ElementTree import fromstring  # noqa: E402

from analysis.qda import (  # noqa: E402
    QdaCode,
    QdaProject,
    QdaSelection,
    QdaSource,
    stable_guid,
    write_qdpx,
)
from analysis.qda.project_import import read_qdpx  # noqa: E402


def project(sources: int, lines: int) -> bytes:
    codes = [
        QdaCode(
            stable_guid("code", i),
            f"主题{i}",
            children=[QdaCode(stable_guid("code", i, j), f"编码{i}-{j}") for j in range(5)],
        )
        for i in range(20)
    ]
    leaves = [child.guid for code in codes for child in code.children]
    written = []
    for s in range(sources):
        speakers = ("访谈员", "受访者")
        rows = [
            f"{speakers[k % 2]}：第{k}段，配送经常迟到，价格天天变，楼下菜市场。"
            for k in range(lines)
        ]
        selections, position = [], 0
        for k, row in enumerate(rows):
            start = position + row.index("配送")
            pair = (leaves[k % len(leaves)], leaves[(k + 7) % len(leaves)])
            memo = "和上一位受访者一样" if k % 10 == 0 else ""
            selections.append(
                QdaSelection(stable_guid("sel", s, k), start, start + 6, pair, memo=memo)
            )
            position += len(row) + 1
        written.append(
            QdaSource(
                stable_guid("src", s), f"访谈{s}", "\n".join(rows) + "\n", selections=selections
            )
        )
    return write_qdpx(QdaProject(name="大项目", codes=codes, sources=written))


def best(run, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--lines", type=int, default=1000)
    args = parser.parse_args()
    data = project(args.sources, args.lines)

    def baseline() -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        fromstring(members["project.qde"], forbid_dtd=True)

    read = read_qdpx(data)
    assert read.coding_count == 2 * args.sources * args.lines
    base, full = best(baseline), best(lambda: read_qdpx(data))
    print(
        f"{args.sources} sources × {args.lines} lines, {read.coding_count:,} codings, "
        f"{len(data):,} bytes ({MEASURED})"
    )
    print(f"unzip + parse: {base:.3f} s; read_qdpx: {full:.3f} s; ratio {full / base:.2f}×")


if __name__ == "__main__":
    main()
