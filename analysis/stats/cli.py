"""`python -m analysis stats`: the statistics report of a response table (DESIGN.md contract).

    python -m analysis stats --definition DEF.json --responses R.csv|R.xlsx
        [--crosstab ROW COL]... [--compare METRIC GROUP]... [--scale NAME=q1,q2,...]...
        [--exclude-flagged] [--charts DIR] [--json]
        [--correlate X Y]... [--weights COLUMN] [--where COLUMN=v1,v2]...
        [--drivers OUTCOME=q1,q2,...]
        [--sus QID] [--ipa IMPORTANCE PERFORMANCE]
        [--banner ROW=COL1,COL2,...]... [--correlation-matrix q1,q2,...]
        [--equal-var] [--paired FIRST SECOND]... [--one-sample COLUMN=VALUE]...
    python -m analysis stats --definition DEF.json --responses R.csv --analysis SPEC.json
        [--weights COLUMN]

In `--scale`, an item written with a leading minus (`NAME=q1,-q2`) is reverse-keyed.
With `--analysis`, one analysis of the web's analysis builder is run from its JSON spec
(`analysis.stats.analyses`, docs/analysis-builder.md) and its result printed as JSON: the
same dict the page's JSON endpoint returns.

Exit 0 on success, 1 with a message naming the place of the problem in the data, 2 on a usage
error (a bad option, or a name given on the command line that is not a column of the table).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from analysis.stats.analyses import DATA_PROBLEMS, SpecError, run_analysis
from analysis.stats.errors import StatsInputError, UnknownColumnError


def _name_list(text: str, flag: str) -> tuple[str, list[str]]:
    name, sep, items = text.partition("=")
    values = [v.strip() for v in items.split(",") if v.strip()]
    if not sep or not name.strip() or not values:
        raise argparse.ArgumentTypeError(f"{flag} takes NAME=a,b,c, got {text!r}")
    return name.strip(), values


def _scale(text: str) -> tuple[str, dict[str, Any]]:
    name, items = _name_list(text, "--scale")
    return name, {
        "items": [i.removeprefix("-") for i in items],
        "reverse": [i[1:] for i in items if i.startswith("-")],
    }


def _columns(text: str) -> list[str]:
    values = [v.strip() for v in text.split(",") if v.strip()]
    if len(values) < 2:
        raise argparse.ArgumentTypeError(f"--correlation-matrix takes q1,q2,..., got {text!r}")
    return values


def _column_value(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not sep or not name.strip() or not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"--one-sample takes COLUMN=NUMBER, got {text!r}")
    return name.strip(), number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis stats",
        description="问卷答案的统计报告 (statistics on a response table)",
    )
    parser.add_argument("--definition", required=True, help="questionnaire definition JSON")
    parser.add_argument("--responses", required=True, help="response table, .csv or .xlsx")
    parser.add_argument("--crosstab", nargs=2, action="append", default=[], metavar=("ROW", "COL"))
    parser.add_argument(
        "--compare", nargs=2, action="append", default=[], metavar=("METRIC", "GROUP")
    )
    parser.add_argument(
        "--equal-var",
        action="store_true",
        help="compare means assuming equal variances (Student's t, ANOVA + Tukey) "
        "instead of Welch's tests",
    )
    parser.add_argument(
        "--paired",
        nargs=2,
        action="append",
        default=[],
        metavar=("FIRST", "SECOND"),
        help="paired test of two answers of the same respondents (FIRST − SECOND)",
    )
    parser.add_argument(
        "--one-sample",
        action="append",
        default=[],
        type=_column_value,
        metavar="COLUMN=VALUE",
        help="test the answers of COLUMN against VALUE",
    )
    parser.add_argument("--correlate", nargs=2, action="append", default=[], metavar=("X", "Y"))
    parser.add_argument(
        "--scale",
        action="append",
        default=[],
        type=_scale,
        metavar="NAME=q1,-q2,...",
        help="Cronbach's alpha of these items (a matrix id stands for all its rows; "
        "-q2 is reverse-keyed)",
    )
    parser.add_argument("--exclude-flagged", action="store_true", help="drop flagged responses")
    parser.add_argument("--charts", metavar="DIR", help="write PNG and SVG charts into DIR")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--weights", metavar="COLUMN", help="column of survey weights")
    parser.add_argument(
        "--where",
        action="append",
        default=[],
        type=lambda t: _name_list(t, "--where"),
        metavar="COLUMN=v1,v2",
        help="keep only responses whose COLUMN is one of the values",
    )
    parser.add_argument(
        "--drivers", type=lambda t: _name_list(t, "--drivers"), metavar="OUTCOME=q1,q2,..."
    )
    parser.add_argument("--sus", metavar="QID", help="a 10-row matrix scored as the SUS")
    parser.add_argument("--ipa", nargs=2, metavar=("IMPORTANCE", "PERFORMANCE"))
    parser.add_argument(
        "--banner",
        action="append",
        default=[],
        type=lambda t: _name_list(t, "--banner"),
        metavar="ROW=COL1,COL2,...",
        help="banner table of ROW against the column questions, with significance letters",
    )
    parser.add_argument(
        "--correlation-matrix", type=_columns, metavar="q1,q2,...", help="correlation matrix"
    )
    parser.add_argument(
        "--analysis", metavar="SPEC.json", help="run one analysis spec, print its JSON"
    )
    return parser


def _read_spec(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            spec: dict[str, Any] = json.load(handle)
            return spec
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpecError("unreadable", f"cannot read the analysis spec: {exc}", path) from exc


def _run_spec(args: argparse.Namespace) -> dict[str, Any]:
    from analysis.stats.table import read_definition, read_responses

    spec = _read_spec(args.analysis)
    definition = read_definition(args.definition)
    return run_analysis(definition, read_responses(args.responses), spec, weights=args.weights)


def _usage_error(exc: StatsInputError) -> bool:
    """A name or spec given on the command line that does not fit the table (exit 2), as
    against a problem found in the data (exit 1)."""
    if isinstance(exc, SpecError):
        return exc.code not in DATA_PROBLEMS
    return isinstance(exc, UnknownColumnError)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from analysis.stats.narrative import format_report
    from analysis.stats.report import summarise
    from analysis.stats.table import read_definition, read_responses

    try:
        if args.analysis:
            json.dump(_run_spec(args), sys.stdout, ensure_ascii=False, allow_nan=False, indent=1)
            sys.stdout.write("\n")
            return 0
        definition = read_definition(args.definition)
        frame = read_responses(args.responses)
        summary = summarise(
            definition,
            frame,
            exclude_flagged=args.exclude_flagged,
            weights=args.weights,
            where=dict(args.where) or None,
            crosstabs=[tuple(pair) for pair in args.crosstab],
            comparisons=[tuple(pair) for pair in args.compare],
            correlations=[tuple(pair) for pair in args.correlate],
            scales=dict(args.scale),
            drivers=args.drivers,
            sus_question=args.sus,
            ipa=tuple(args.ipa) if args.ipa else None,
            banners=args.banner,
            correlation_matrix=args.correlation_matrix,
            equal_var=args.equal_var,
            paired=[tuple(pair) for pair in args.paired],
            one_sample=args.one_sample,
        )
        if args.charts:
            from analysis.charts import render_summary_charts

            summary["charts"] = [str(p) for p in render_summary_charts(summary, args.charts)]
    except StatsInputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2 if _usage_error(exc) else 1
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, allow_nan=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_report(summary))
        for path in summary.get("charts", []):
            print(f"图表：{path}")
    return 0
