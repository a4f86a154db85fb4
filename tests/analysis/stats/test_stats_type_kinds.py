"""Every registered question type reaches a describer: its answers, written to a response
table as the export writes them and read back, are described by the engine."""

import pandas as pd
import pytest

from analysis.stats.descriptives import DESCRIBERS, describe_question
from analysis.stats.table import kind_of, read_responses
from surveys.response_table import flatten_answers
from surveys.types import ANALYSIS_KINDS, QUESTION_TYPES
from tests.question_samples import SAMPLE_ANSWERS, sample_definition

ANALYSED = [name for name, t in QUESTION_TYPES.items() if t.analysis is not None]


def test_every_analysis_kind_has_a_describer():
    assert set(ANALYSIS_KINDS) | {"matrix_multiple"} == set(DESCRIBERS)


@pytest.fixture(scope="module")
def described(tmp_path_factory):
    definition = sample_definition()
    answers = {f"q_{name}": SAMPLE_ANSWERS[name] for name in ANALYSED}
    rows = [
        {"response_id": i, "submitted_at": "2026-12-01T08:00:00Z", "duration_s": 60 + i,
         **flatten_answers(definition, answers)}
        for i in range(1, 4)
    ]  # fmt: skip
    path = tmp_path_factory.mktemp("types") / "responses.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    frame = read_responses(path, definition)
    questions = {q["id"]: q for q in definition["pages"][0]["questions"]}
    return {name: describe_question(frame, questions[f"q_{name}"]) for name in ANALYSED}


@pytest.mark.parametrize("name", ANALYSED)
def test_every_type_is_described_with_its_answers_counted(described, name):
    out = described[name]
    assert out["type"] == name
    # three identical responses: every describer counts three answers (or three respondents)
    assert out["n"] == 3 or all(r["n"] == 3 for r in out.get("rows", {}).values()), out


def test_the_kind_of_a_multiple_matrix_is_its_own():
    matrix = {"id": "m", "type": "matrix", "multiple": True, "rows": [], "options": []}
    assert kind_of(matrix) == "matrix_multiple"
