"""docs/architecture.md lists every blueprint the app registers, with its URL prefix."""

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def _documented() -> dict[str, str]:
    rows = re.findall(r"^\| `([\w-]+)` \| `([^`]*)` \|", DOC.read_text(encoding="utf-8"), re.M)
    return dict(rows)


def _prefix_shape(prefix: str) -> str:
    """`/studies/<int:study_id>/x` and `/studies/<id>/x` have the same shape."""
    return re.sub(r"<[^>]+>", "<>", prefix or "/")


def test_every_registered_blueprint_is_in_the_architecture_doc(app):
    documented = _documented()
    registered = set(app.blueprints)
    missing = sorted(set(registered) - set(documented))
    assert not missing, f"blueprints missing from docs/architecture.md: {missing}"
    assert not sorted(set(documented) - set(registered)), "documented blueprints that do not exist"
    for name in registered:
        prefixes = {
            _prefix_shape(rule.rule)
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith(name + ".")
        }
        shown = _prefix_shape(documented[name])
        assert any(p.startswith(shown.rstrip("/")) for p in prefixes), (name, shown)
