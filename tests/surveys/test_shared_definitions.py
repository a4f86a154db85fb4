"""The questionnaires of tests/definitions.py are ones the definition checks accept, so a test
that publishes one fails on what it tests, not on a builder's typo."""

import pytest

from surveys import validate_definition
from tests import definitions as d

SHARED = {
    "ALL_TYPES": d.ALL_TYPES,
    "WITH_LOGIC": d.WITH_LOGIC,
    "TWO_PAGES": d.TWO_PAGES,
    "DEMO_LIKE": d.DEMO_LIKE,
    "checkout": d.checkout("结账体验", d.matrix("grid")),
}


@pytest.mark.parametrize("name", SHARED)
def test_shared_definition_has_no_problem(name):
    assert validate_definition(SHARED[name]) == []


def test_every_builder_with_its_defaults_makes_a_valid_question():
    questions = [
        d.single_choice("q1"),
        d.multiple_choice("q2"),
        d.dropdown("q3"),
        d.ranking("q4"),
        d.matrix("q5"),
        d.rating(),
        d.nps(),
        d.number("q6"),
        d.short_text("q7"),
        d.long_text(),
        d.date("q8"),
        d.slider("q9"),
        d.kano("q10", "准时达"),
        d.consent(),
        d.text("q11"),
    ]
    built = d.definition(*questions)
    assert [p["id"] for p in built["pages"]] == ["p1"]
    assert validate_definition(built) == []


def test_questions_without_a_page_go_on_page_p1_and_settings_are_kept():
    built = d.definition(d.nps(), title="推荐调查", settings={"end": {"thank_you": "谢谢"}})
    assert built == {
        "schema_version": 1,
        "title": "推荐调查",
        "language": "zh_CN",
        "pages": [{"id": "p1", "questions": [{"id": "nps", "type": "nps", "title": "推荐意愿"}]}],
        "settings": {"end": {"thank_you": "谢谢"}},
    }
