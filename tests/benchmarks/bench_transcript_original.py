"""Placing a transcript's turns in the file's own text, against parsing it, in one run.

    python tests/benchmarks/bench_transcript_original.py [--turns 12000]

A long interview as a .txt with CRLF line ends: --turns lines of `采访者：…` / `受访者：…`
(Chinese with a Latin name and a word with accents in every line), twice: NFC, and with the
accents decomposed (e + U+0301, as macOS tools write them). Baseline: `parse_transcript`.
Measured: the parse plus `locate_turns` (issue 25: every turn placed in the file's text).
Best of 3 in CPU time of this process (the machine is shared: wall time moves with the
others' jobs); the ratio is the figure to watch.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from pathlib import Path

# Date and machine of the run recorded in docs/benchmarks.md (edit when re-measuring).
MEASURED = "2026-12-03 on 2 cores, Python 3.11.7, Debian 12"
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis.transcripts import parse_transcript  # noqa: E402
from analysis.transcripts.original import locate_turns  # noqa: E402


def interview(turns: int, form: str) -> str:
    lines = []
    for i in range(turns // 2):
        lines.append(f"采访者：José，第{i}次去café买菜是什么时候？能具体说说吗？")
        lines.append(f"受访者：上周末和Zoë一起去的，résumé上写着第{i}家店，菜也新鲜。")
    return unicodedata.normalize(form, "\r\n".join(lines) + "\r\n")


def best(run, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=12_000)
    args = parser.parse_args()
    print(f"{args.turns} turns ({MEASURED})")
    for form, label in (("NFC", "NFC"), ("NFD", "decomposed accents")):
        data = interview(args.turns, form).encode("utf-8")

        def parse(data: bytes = data):
            return parse_transcript(data, "访谈.txt")

        def parse_and_locate(data: bytes = data) -> None:
            transcript = parse(data)
            places = locate_turns(transcript.source_text, [t.text for t in transcript.turns])
            assert places is not None and len(places) == args.turns

        assert len(parse().turns) == args.turns
        base, full = best(parse), best(parse_and_locate)
        print(
            f"{label}: parse {base:.3f} s; parse + locate {full:.3f} s "
            f"(locate {full - base:.3f} s); ratio {full / base:.2f}×"
        )


if __name__ == "__main__":
    main()
