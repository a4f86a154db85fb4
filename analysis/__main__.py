"""`python -m analysis`: the command line of the analysis engines (contract in DESIGN.md).

Each subcommand lives beside the code it drives; this module only dispatches, so that
importing one engine never loads the other (jieba and matplotlib are slow to import).
"""

import importlib
import sys

SUBCOMMANDS = {
    "stats": ("analysis.stats.cli", "statistics on a response table"),
    "text": ("analysis.text.cli", "Chinese keywords, sentiment, KWIC, co-occurrence"),
    "transcript": ("analysis.transcripts.cli", "split a transcript file into speaker turns"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in SUBCOMMANDS:
        print("usage: python -m analysis {" + ",".join(SUBCOMMANDS) + "} ...", file=sys.stderr)
        for name, (_, summary) in SUBCOMMANDS.items():
            print(f"  {name:<11} {summary}", file=sys.stderr)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    module_name, _ = SUBCOMMANDS[argv[0]]
    status: int = importlib.import_module(module_name).main(argv[1:])
    return status


if __name__ == "__main__":
    sys.exit(main())
