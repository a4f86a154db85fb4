"""`make audit`: pip-audit of every pinned package (constraints.txt), read so that a network
outage is a warning and a known vulnerability a failure (SECURITY.md, "Dependencies").

pip-audit asks PyPI's JSON API about each `name==version`. Its own exit status mixes two
things CI must keep apart: 1 for a vulnerability and 1 for a traceback when the service is
unreachable; and a package the service does not answer for is only "skipped", which prints
"No known vulnerabilities found". So this reads pip-audit's JSON report instead:

- a vulnerability not listed in `.ci/audit-ignore.txt` (id, then the reason): exit 1;
- no report at all (no network, a timeout), or not one package audited: a warning, exit 0,
  unless WENFANG_AUDIT_REQUIRED=1 (then exit 2), for a machine that must prove it audited;
- otherwise exit 0, naming the packages that could not be audited.
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404 # pip-audit with an argument list, no shell
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORED = ROOT / ".ci" / "audit-ignore.txt"
TIMEOUT_S = 600


def ignored_ids(path: Path = IGNORED) -> list[str]:
    """Vulnerability ids accepted with a reason: `ID  reason` per line, # for comments."""
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return [line.split()[0] for line in lines if line]


def run_pip_audit(report: Path) -> str:
    """Run pip-audit, writing its JSON report to *report*; its last lines of diagnostics (its
    own summary says "No known vulnerabilities found" even when it audited nothing)."""
    command = [sys.executable, "-m", "pip_audit", "--requirement", str(ROOT / "constraints.txt")]
    command += ["--no-deps", "--disable-pip", "--progress-spinner", "off", "--timeout", "30"]
    command += ["--format", "json", "--output", str(report)]
    for vulnerability in ignored_ids():
        command += ["--ignore-vuln", vulnerability]
    try:
        done = subprocess.run(  # noqa: S603 # nosec B603 # our own argument list
            command, timeout=TIMEOUT_S, check=False, capture_output=True, text=True
        )
    except subprocess.TimeoutExpired:
        return f"pip-audit did not finish in {TIMEOUT_S} s"
    return "\n".join(done.stderr.strip().splitlines()[-3:])


def verdict(report_text: str | None) -> tuple[int, list[str]]:
    """The exit status for a pip-audit JSON report (None: no report) and the lines to print."""
    unaudited = 2 if os.environ.get("WENFANG_AUDIT_REQUIRED") == "1" else 0
    if not report_text:
        return unaudited, ["audit: WARNING no report (is the vulnerability service reachable?)"]
    try:
        dependencies = json.loads(report_text)["dependencies"]
    except (ValueError, KeyError, TypeError):
        return unaudited, ["audit: WARNING unreadable pip-audit report: nothing was audited"]
    found = [
        f"audit: {d['name']} {d['version']}: {v['id']} "
        f"(fixed in {', '.join(v.get('fix_versions') or ['no release yet'])})"
        for d in dependencies
        for v in d.get("vulns", [])
    ]
    skipped = sorted(d["name"] for d in dependencies if d.get("skip_reason"))
    if found:
        advice = "bump it in setup.cfg and constraints.txt, or accept it in .ci/audit-ignore.txt"
        return 1, [*found, f"audit: FAILED: {advice} and SECURITY.md"]
    if len(skipped) == len(dependencies):
        count = len(dependencies)
        return unaudited, [f"audit: WARNING none of the {count} packages could be audited"]
    lines = [f"audit: {len(dependencies) - len(skipped)} packages, no known vulnerability"]
    if skipped:
        lines.append(f"audit: not audited (unknown to the service): {', '.join(skipped)}")
    return 0, lines


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        diagnostics = run_pip_audit(report)
        text = report.read_text("utf-8") if report.exists() else None
    status, lines = verdict(text)
    if text is None and diagnostics:
        lines.append(f"audit: pip-audit said: {diagnostics}")
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
