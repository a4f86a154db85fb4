"""A module over 400 lines says why on its first line (issue 26: readable hot paths)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 400


def test_every_long_module_says_why_on_its_first_line():
    unexplained = []
    for package in ("app", "surveys", "analysis"):
        for path in sorted((ROOT / package).rglob("*.py")):
            lines = path.read_text(encoding="utf-8").splitlines()
            if len(lines) > LIMIT and not lines[0].startswith(f"# Over {LIMIT} lines: "):
                unexplained.append(f"{path.relative_to(ROOT)} ({len(lines)} lines)")
    assert not unexplained, "split these modules or say why on line 1: " + ", ".join(unexplained)
