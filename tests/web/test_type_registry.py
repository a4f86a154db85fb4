"""The pages read question types from the registry (surveys/types.py) and nowhere else:
every type's respondent partial renders its answer back, the builder gets the registry as
JSON, and no script or template switches on a type's name."""

import html
import json
import re
from pathlib import Path

import pytest
from flask import render_template_string

import surveys
from surveys.types import ANALYSIS_KINDS, QUESTION_TYPES, registry_json
from tests.factories import make_questionnaire, study_with_roles
from tests.question_samples import SAMPLE_ANSWERS, one_page, sample_definition, sample_question

APP = Path(__file__).resolve().parents[2] / "app"
BLOCK = (
    '{% from "respond/_questions.html" import question_block %}{{ question_block(q, 1, answers) }}'
)


def _render(question: dict, answers: dict) -> str:
    typed = surveys.load_definition(one_page(question))
    return render_template_string(BLOCK, q=typed.pages[0].questions[0], answers=answers)


@pytest.mark.parametrize("name", list(QUESTION_TYPES))
def test_every_type_has_a_respondent_partial_that_renders(app, name):
    spec = QUESTION_TYPES[name]
    assert (APP / "templates" / "respond" / "widgets" / f"{spec.widget}.html").is_file()
    question = sample_question(name)
    with app.test_request_context():
        empty = _render(question, {})
        assert f'data-widget="{spec.widget}"' in empty
        if spec.answer == "none":
            assert question["body"] in empty
            return
        assert f'name="{question["id"]}' in empty
        # the partial puts a saved answer back (resume, a page without JavaScript)
        assert _render(question, {question["id"]: SAMPLE_ANSWERS[name]}) != empty


def test_the_builder_receives_the_registry_as_json(client, auth, ctx):
    study, _ = study_with_roles()
    questionnaire = make_questionnaire(sample_definition(), study=study)
    auth.login("researcher@example.cn")
    page = client.get(f"/studies/{study.id}/questionnaires/{questionnaire.id}/edit")
    assert page.status_code == 200
    raw = re.search(r"data-question-types='([^']*)'", page.get_data(as_text=True)).group(1)
    sent = json.loads(html.unescape(raw))
    assert [t["name"] for t in sent] == list(QUESTION_TYPES)
    registry = registry_json()
    for entry in sent:
        assert entry.pop("label") == registry[entry["name"]]["label_zh"]
        assert entry == registry[entry["name"]]


def _cases(path: Path, function: str) -> set[str]:
    """The `case "…":` labels of one JavaScript function's switch."""
    source = path.read_text(encoding="utf-8")
    body = source[source.index(f"function {function}(") :]
    body = body[: body.index("\n}\n")]
    return set(re.findall(r'case "([a-z_]+)":', body))


def test_every_widget_is_read_by_the_respondent_script():
    widgets = {t.widget for t in QUESTION_TYPES.values() if t.answer != "none"}
    assert widgets <= _cases(APP / "static/js/respond/answers.js", "readQuestion")


def test_every_builder_editor_is_drawn():
    editors = {t.builder.editor for t in QUESTION_TYPES.values()} - {"none"}
    assert editors <= _cases(APP / "static/js/builder/fields.js", "typeFields")


_NAME = "|".join(map(re.escape, QUESTION_TYPES))
_LITERAL = rf"""["']({_NAME})["']"""
#: names that are type names only (several are also analysis kinds, which pages may name)
_ONLY_TYPES = "|".join(n for n in QUESTION_TYPES if n not in ANALYSIS_KINDS)
#: ways of branching on a type's name: a comparison with `type`, a `case`, `type in (…)`,
#: a table keyed by type names, a list of them, or reading the page's `data-type`
_SWITCHES = [
    re.compile(rf"\btype\s*(?:===?|!==?)\s*{_LITERAL}"),
    re.compile(rf"{_LITERAL}\s*(?:===?|!==?)\s*[\w.]*\btype\b"),
    re.compile(rf"\bcase\s+{_LITERAL}\s*:"),
    re.compile(rf"\btype\s+(?:not\s+)?in\s*[(\[][^)\]]*{_LITERAL}"),
    re.compile(rf"^\s*(?:{_NAME})\s*:[^\n]*\n\s*(?:{_NAME})\s*:", re.M),
    re.compile(rf"""[\[(]\s*(?:{_LITERAL}\s*,\s*)*["']({_ONLY_TYPES})["']"""),
    re.compile(r"dataset\.type\b"),
]


def test_no_script_or_template_switches_on_a_type_name():
    """The type names live in surveys/types.py, sent to the pages as JSON; scripts and
    templates branch on a facet (widget, editor, analysis kind, answer shape)."""
    found = []
    files = [*(APP / "static" / "js").rglob("*.js"), *(APP / "templates").rglob("*.html")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in _SWITCHES:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(APP)}:{line}: {match.group(0).strip()}")
    assert found == []


def test_the_switch_patterns_catch_the_old_spellings():
    """The patterns above find the kinds of branch the pages used to hold."""
    old = [
        'if (q.type === "matrix") {',
        'case "single_choice":',
        '{% elif q.type in ("rating", "nps") %}',
        '{% if f.type == "nps" %}',
        'const OPTION_TYPES = ["single_choice", "multiple_choice"];',
        '  single_choice: ["options"],\n  multiple_choice: ["options", "randomize"],',
        '{% if f.type in ("short_text", "long_text") %}',
        'const NUMERIC = ["rating", "nps", "number", "slider"];',
        "const type = block.dataset.type;",
    ]
    for line in old:
        assert any(p.search(line) for p in _SWITCHES), line
