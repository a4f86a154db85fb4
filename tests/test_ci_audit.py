"""`make audit` (.ci/audit.py): a known vulnerability fails CI, an unreachable or unknowing
vulnerability service only warns, unless the machine must prove it audited."""

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "audit.py"
spec = importlib.util.spec_from_file_location("ci_audit", SCRIPT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

# The shape pip-audit 2.x writes with --format json.
CLEAN = {"name": "flask", "version": "3.1.3", "vulns": []}
VULNERABLE = {
    "name": "jinja2",
    "version": "3.1.2",
    "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": []}],
}
UNKNOWN = {"name": "wenfang-private", "skip_reason": "Dependency not found on PyPI"}


def report(*dependencies) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


@pytest.fixture(autouse=True)
def not_required(monkeypatch):
    monkeypatch.delenv("WENFANG_AUDIT_REQUIRED", raising=False)


def test_a_known_vulnerability_fails_and_names_the_fix():
    status, lines = audit.verdict(report(CLEAN, VULNERABLE, UNKNOWN))
    assert status == 1
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in lines[0]


def test_no_vulnerability_passes_and_names_what_was_not_audited():
    status, lines = audit.verdict(report(CLEAN, UNKNOWN))
    assert status == 0
    assert lines == [
        "audit: 1 packages, no known vulnerability",
        "audit: not audited (unknown to the service): wenfang-private",
    ]


@pytest.mark.parametrize("text", [None, "", "{not json", report(UNKNOWN, UNKNOWN)])
def test_nothing_audited_warns_and_passes_unless_required(monkeypatch, text):
    status, lines = audit.verdict(text)
    assert status == 0 and "WARNING" in lines[0]
    monkeypatch.setenv("WENFANG_AUDIT_REQUIRED", "1")
    assert audit.verdict(text)[0] == 2


def test_accepted_vulnerabilities_are_read_with_their_reasons(tmp_path):
    accepted = tmp_path / "audit-ignore.txt"
    accepted.write_text("# comment\nGHSA-aaaa  no fix released; the path is unused\n\nPYSEC-1\n")
    assert audit.ignored_ids(accepted) == ["GHSA-aaaa", "PYSEC-1"]
    assert audit.ignored_ids(tmp_path / "missing.txt") == []
