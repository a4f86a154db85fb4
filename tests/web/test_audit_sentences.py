"""Every action the services audit has a sentence in `app.audit_sentences` (STYLE 8, issue 27.8)."""

import ast
from pathlib import Path

from app.audit_sentences import SENTENCES

APP = Path(__file__).resolve().parents[2] / "app"


def _recorded_actions() -> set[str]:
    """Action keys given to `audit.record` / `record_changes`, as literals, `a if c else b`,
    or the values of a dict assigned to a variable named `action`."""
    actions = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("record", "record_changes")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and node.args
            ):
                argument = node.args[0]
                branches = (
                    [argument.body, argument.orelse]
                    if isinstance(argument, ast.IfExp)
                    else [argument]
                )
                actions |= {b.value for b in branches if isinstance(b, ast.Constant)}
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "action" for t in node.targets)
                and isinstance(node.value, ast.Subscript)
                and isinstance(node.value.value, ast.Dict)
            ):
                actions |= {v.value for v in node.value.value.values if isinstance(v, ast.Constant)}
    return actions


def test_every_audited_action_reads_as_a_sentence():
    actions = _recorded_actions()
    assert {"study.update", "questionnaire.publish", "questionnaire.close", "auth.login"} <= actions
    assert sorted(actions - SENTENCES.keys()) == []
