"""``python -m surveys validate DEF.json`` and ``python -m surveys convert IN OUT``.

validate: exit 0 when the definition is usable (warnings are printed), 1 with one line per
problem naming its JSON path (or sheet / row / column for an .xlsx).
convert: .json ↔ .xlsx by extension (.xls read too); warnings go to stderr; exit 1 when the
input is invalid or the output cannot be written (a folder that does not exist, …).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .definition import validate_definition
from .errors import Code, ImportFailed, Problem
from .xlsform import read_xlsform, write_xlsform


def _print(problems: list[Problem], locale: str, stream: Any) -> None:
    for p in problems:
        print(f"{p.severity}: {p.where()}: [{p.code}] {p.message(locale)}", file=stream)


def _load(path: Path, locale: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A definition and its problems from .json, .xlsx or .xls; None when unreadable."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xls"):
            result = read_xlsform(path)
            return result.definition, result.warnings + result.errors
        if suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8-sig"))
            return data, validate_definition(data)
    except ImportFailed as error:
        return None, [error.problem]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        return None, [Problem(Code.INVALID_JSON, "$", params={"detail": str(error)[:200]})]
    return None, [Problem(Code.UNSUPPORTED_FILE, "$", params={"suffix": suffix or "(none)"})]


def validate(args: argparse.Namespace) -> int:
    definition, problems = _load(Path(args.definition), args.lang)
    errors = [p for p in problems if p.is_error]
    _print(problems, args.lang, sys.stdout if errors else sys.stderr)
    if definition is None or errors:
        return 1
    questions = sum(len(p.get("questions", [])) for p in definition["pages"])
    ok = "有效" if not args.lang.startswith("en") else "valid"
    print(f"{args.definition}: {ok} ({len(definition['pages'])} pages, {questions} questions)")
    return 0


def convert(args: argparse.Namespace) -> int:
    source, target = Path(args.input), Path(args.output)
    if target.suffix.lower() not in (".json", ".xlsx"):
        problem = Problem(Code.UNSUPPORTED_FILE, "$", params={"suffix": target.suffix or "(none)"})
        _print([problem], args.lang, sys.stderr)
        return 1
    definition, problems = _load(source, args.lang)
    errors = [p for p in problems if p.is_error]
    _print(problems, args.lang, sys.stderr)
    if definition is None or errors:
        return 1
    try:
        if target.suffix.lower() == ".xlsx":
            _print(write_xlsform(definition, target), args.lang, sys.stderr)
        else:
            text = json.dumps(definition, ensure_ascii=False, indent=2)
            target.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        detail = error.strerror or type(error).__name__
        params = {"path": str(target), "detail": detail}
        problem = Problem(Code.OUTPUT_UNWRITABLE, "$", params=params)
        _print([problem], args.lang, sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m surveys", description=__doc__.split("\n")[0])
    parser.add_argument("--lang", default="zh_CN", help="message language: zh_CN (default), en")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check a definition (.json, .xlsx or .xls)")
    check.add_argument("definition")
    check.set_defaults(run=validate)
    change = commands.add_parser("convert", help="convert between .json and .xlsx (XLSForm)")
    change.add_argument("input")
    change.add_argument("output")
    change.set_defaults(run=convert)
    args = parser.parse_args(argv)
    status: int = args.run(args)
    return status
