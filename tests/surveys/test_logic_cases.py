"""The shared case table of the condition language, run by both evaluators (STYLE 22)."""

import json
import os
import random
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from surveys.errors import ExpressionError
from surveys.logic import evaluate, pipe

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "tests" / "surveys" / "js" / "run_cases.cjs"
CONDITIONS_JS = ROOT / "app" / "static" / "js" / "conditions.js"
TABLE = json.loads(resources.files("surveys").joinpath("logic/cases.json").read_text("utf-8"))


def _case_id(case):
    return case["expr"][:40] or "<empty>"


def _same(got, expected):
    if isinstance(expected, bool) or expected is None:
        return got is expected
    if isinstance(expected, int | float):
        return not isinstance(got, bool) and isinstance(got, int | float) and got == expected
    return got == expected


@pytest.mark.parametrize("case", TABLE["cases"], ids=_case_id)
def test_python_evaluator_matches_case(case):
    if "error_code" in case:
        with pytest.raises(ExpressionError) as caught:
            evaluate(case["expr"], case["answers"])
        assert caught.value.code == case["error_code"]
    else:
        assert _same(evaluate(case["expr"], case["answers"]), case["expected"])


@pytest.mark.parametrize("case", TABLE["pipe_cases"], ids=lambda c: c["text"][:20])
def test_python_piping_matches_case(case):
    assert pipe(case["text"], case["answers"], TABLE["definition"]) == case["expected"]


def _node():
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is required in CI to test app/static/js/conditions.js")
        pytest.skip("node is not installed")
    return node


def test_javascript_evaluator_matches_case_table():
    result = subprocess.run(
        [_node(), str(RUNNER), str(CONDITIONS_JS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(TABLE['cases']) + len(TABLE['pipe_cases'])} cases, 0 mismatches" in result.stdout


def test_runner_fails_on_a_wrong_expectation(tmp_path):
    broken = dict(TABLE, cases=[{"expr": "1 + 1", "answers": {}, "expected": 3}], pipe_cases=[])
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    result = subprocess.run(
        [_node(), str(RUNNER), str(CONDITIONS_JS), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "MISMATCH" in result.stdout


PIECES = [
    "q1", "q2", "q3.r1", "'a'", "'2'", '"北京"', "1", "2.5", "0", "-", "+", "*", "/", "%",
    "=", "!=", "<", "<=", ">", ">=", "and", "or", "not", "in", "(", ")", "[", "]", ",",
    "true", "false", "null", "selected(", "count(", "answered(", "length(", "'", "==", "x(",
]  # fmt: skip
ANSWERS = [
    {},
    {"q1": "2", "q2": ["a", "b"], "q3": {"r1": "1"}},
    {"q1": 7, "q2": "a", "q3": {"r1": 3}},
    {"q1": "", "q2": [], "q3": {}},
    {"q1": -0.5, "q2": ["北京", "2"], "q3": {"r1": "北京"}},
]


def _random_expression(rng, depth=0):
    """A random, mostly well-formed expression; a third of them get one token corrupted."""
    atoms = ["q1", "q2", "q3.r1", "'a'", "'2'", '"北京"', "1", "2.5", "0", "null", "true"]
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(atoms)
    form = rng.randrange(7)
    sub = lambda: _random_expression(rng, depth + 1)  # noqa: E731
    if form == 0:
        return f"{sub()} {rng.choice(['=', '!=', '<', '<=', '>', '>='])} {sub()}"
    if form == 1:
        return f"{sub()} {rng.choice(['and', 'or'])} {sub()}"
    if form == 2:
        return f"not {sub()}"
    if form == 3:
        return f"({sub()} {rng.choice(['+', '-', '*', '/', '%'])} {sub()})"
    if form == 4:
        return f"{sub()} in [{rng.choice(atoms[3:9])}, {rng.choice(atoms[3:9])}]"
    if form == 5:
        return rng.choice(["selected(q2, 'a')", "count(q2)", "answered(q1)", f"length({sub()})"])
    return f"-{sub()}"


def test_both_evaluators_agree_on_random_expressions(tmp_path):
    """Differential check: random expressions give the same value or error code in both."""
    rng = random.Random(20261123)
    cases = []
    for _ in range(800):
        expr = _random_expression(rng)
        if rng.random() < 0.33:
            tokens = expr.split(" ")
            tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(PIECES))
            expr = " ".join(tokens)
        answers = rng.choice(ANSWERS)
        try:
            cases.append({"expr": expr, "answers": answers, "expected": evaluate(expr, answers)})
        except ExpressionError as error:
            cases.append({"expr": expr, "answers": answers, "error_code": str(error.code)})
    assert sum("expected" in c for c in cases) > 300
    assert sum("error_code" in c for c in cases) > 50
    path = tmp_path / "random_cases.json"
    path.write_text(json.dumps({"cases": cases, "pipe_cases": []}), encoding="utf-8")
    result = subprocess.run(
        [_node(), str(RUNNER), str(CONDITIONS_JS), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout[:3000]


def test_conditions_js_loads_as_a_plain_browser_script():
    """Without CommonJS, the file defines window.WenfangConditions (here a vm sandbox)."""
    script = (
        "const vm = require('vm'); const fs = require('fs');"
        "const sandbox = {self: {}}; vm.createContext(sandbox);"
        f"vm.runInContext(fs.readFileSync({json.dumps(str(CONDITIONS_JS))}, 'utf8'), sandbox);"
        "const c = sandbox.self.WenfangConditions;"
        "const ok = c.conditionHolds(\"selected(q1, '微信') and q2 >= 18\","
        " {q1: ['微信'], q2: 20}) && !c.conditionHolds('q2 < 18', {q2: 20});"
        "process.exit(ok ? 0 : 1);"
    )
    result = subprocess.run(
        [_node(), "-e", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
