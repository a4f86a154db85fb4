"""Speed of a Word transcript's import against python-docx reading its paragraphs, in one run.

    python tests/benchmarks/bench_transcripts.py [--turns 2000]

A three-hour interview: --turns paragraphs of `[hh:mm:ss] 采访者：…` / `受访者：…`, half of
them opening with a bold label run (`访谈者` in bold, no colon; issue 25), after a header
block. Baseline: `docx.Document` and every paragraph's `.text`. Import: `parse_transcript`
(the zip checks, the paragraphs with their bold starts, labels, header, turns). Best of 5;
the ratio is the figure to watch.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

# Date and machine of the run recorded in docs/benchmarks.md (edit when re-measuring).
MEASURED = "2026-12-03 on 2 cores, Python 3.11.7, Debian 12"
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402

from analysis.transcripts import parse_transcript  # noqa: E402


def interview(turns: int) -> bytes:
    document = docx.Document()
    for line in ("关键词：国企改制；下岗再就业", "访谈时间：2023年10月14日", "访谈人：周敏"):
        document.add_paragraph(line)
    for i in range(turns // 2):
        stamp = f"[{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}]"
        document.add_paragraph(f"{stamp} 采访者：您当时为什么选择这份工作？能具体说说吗？")
        paragraph = document.add_paragraph()
        paragraph.add_run("关先生").bold = True
        paragraph.add_run(f"主要是离家近，工资也还行。第{i}次改制以后很多人都出来了。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def best(run, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=2000)
    args = parser.parse_args()
    data = interview(args.turns)

    def baseline() -> None:
        for paragraph in docx.Document(io.BytesIO(data)).paragraphs:
            _ = paragraph.text

    transcript = parse_transcript(data, "a.docx")
    assert len(transcript.turns) == args.turns and len(transcript.header) == 3
    base, full = best(baseline), best(lambda: parse_transcript(data, "a.docx"))
    print(f"{args.turns} turns, {len(data):,} bytes ({MEASURED})")
    print(f"python-docx paragraphs: {base:.3f} s; import: {full:.3f} s; ratio {full / base:.2f}×")


if __name__ == "__main__":
    main()
