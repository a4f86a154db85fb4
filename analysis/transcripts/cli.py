"""`python -m analysis transcript`: split a transcript file into speaker turns (DESIGN.md).

    python -m analysis transcript FILE [--json] [--encoding ENC]
        [--format txt|docx|srt|vtt|md] [--merge] [--max-bytes N]
        [--deidentify] [--name NAME]...

Exit 0 on success; 1 with a message in Chinese and English when the file cannot be imported
(never a traceback); 2 on a usage error.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import unicodedata
from typing import Any

from analysis.transcripts.errors import TranscriptError
from analysis.transcripts.formats import FORMATS
from analysis.transcripts.limits import DEFAULT_MAX_BYTES


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis transcript",
        description="把访谈记录拆分为发言 (split a transcript file into speaker turns)",
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--encoding", help="decode with this encoding instead of detecting")
    parser.add_argument("--format", choices=FORMATS, help="instead of the file extension")
    parser.add_argument("--merge", action="store_true", help="join consecutive same-speaker turns")
    parser.add_argument(
        "--max-bytes", type=_positive, default=DEFAULT_MAX_BYTES, help="file size limit"
    )
    parser.add_argument(
        "--deidentify", action="store_true", help="mask phone, ID-card numbers, emails, names"
    )
    parser.add_argument(
        "--name", action="append", default=[], help="a name to mask (implies --deidentify)"
    )
    return parser


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole, millis = divmod(round(seconds * 1000), 1000)
    clock = f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    return f"{clock}.{millis:03d}" if millis else clock


def format_table(result: dict[str, Any]) -> str:
    """The readable view: a summary line, warnings, header lines, then one row per turn."""
    speakers = "、".join(result["speakers"]) or "—"
    lines = [
        f"格式 format: {result['format']}   编码 encoding: {result['encoding'] or '—'}   "
        f"发言 turns: {len(result['turns'])}",
        f"说话人 speakers: {speakers}   "
        f"建议的访谈者 suggested interviewer: {result['suggested_interviewer'] or '—'}",
    ]
    lines += [f"! {w['message_zh']} / {w['message_en']}" for w in result["warnings"]]
    lines += [f"  {line['key']}：{line['value']}" for line in result["header"]]
    speaker_width = max([_width(t["speaker"]) for t in result["turns"]] + [6])
    lines.append("")
    lines.append(
        f"{'#':>4}  {_pad('开始', 13)}{_pad('结束', 13)}{_pad('说话人', speaker_width)}  内容"
    )
    for number, turn in enumerate(result["turns"], start=1):
        text = turn["text"].replace("\n", " ⏎ ")
        lines.append(
            f"{number:>4}  {_clock(turn['start']):<13}{_clock(turn['end']):<13}"
            f"{_pad(turn['speaker'] or '—', speaker_width)}  {text}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from analysis.transcripts.deidentify import deidentify_header, deidentify_turns
    from analysis.transcripts.parse import read_transcript

    try:
        transcript = read_transcript(
            args.file,
            encoding=args.encoding,
            fmt=args.format,
            max_bytes=args.max_bytes,
            merge=args.merge,
        )
        result = transcript.to_dict()
        if args.deidentify or args.name:
            masked = deidentify_turns(transcript.turns, names=args.name)
            header, _count = deidentify_header(transcript.header, names=args.name)
            masked_transcript = dataclasses.replace(
                transcript, turns=tuple(masked.turns), header=tuple(header)
            )
            result = masked_transcript.to_dict()
            result["redactions"] = [r.to_dict() for r in masked.redactions]
    except TranscriptError as exc:
        where = f" [{exc.location}]" if exc.location else ""
        print(f"错误 ({exc.code.slug}){where}: {exc.message_zh}", file=sys.stderr)
        print(f"error ({exc.code.slug}){where}: {exc.message_en}", file=sys.stderr)
        return 1
    except Exception as exc:  # the command line promises a message, never a traceback
        print(f"内部错误 / internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    output = json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_table(result)
    try:
        print(output)
        sys.stdout.flush()
    except BrokenPipeError:  # `… | head`: the reader left; say nothing more (Python docs' recipe)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
