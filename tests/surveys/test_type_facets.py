"""Every registered question type has every facet, and each facet works for it."""

import json

import pytest

import surveys
from surveys.types import ANALYSIS_KINDS, QUESTION_TYPES, marked_type, registry_json
from tests.question_samples import SAMPLE_ANSWERS, one_page, sample_definition, sample_question

TYPES = list(QUESTION_TYPES)
ANSWERABLE = [name for name, t in QUESTION_TYPES.items() if t.answer != "none"]


@pytest.mark.parametrize("name", TYPES)
def test_every_type_has_every_facet(name):
    spec = QUESTION_TYPES[name]
    assert spec.label_zh and spec.label_en
    assert (spec.analysis is None) == (spec.answer == "none")
    assert spec.analysis is None or spec.analysis in ANALYSIS_KINDS
    assert spec.widget and spec.builder.editor and spec.xlsform.writes
    assert spec.builder.condition in (None, "single", "multi", "numeric", "date", "text")
    assert spec.xlsform.constraint in (None, "value", "date", "text", "selection")
    assert set(spec.builder.option_flags) <= {"other", "exclusive", "scored"}
    assert not spec.builder.option_flags or spec.has_options
    assert ("other" in spec.builder.option_flags) == spec.allows_other


@pytest.mark.parametrize("name", TYPES)
def test_the_builders_new_question_is_a_valid_definition(name):
    definition = one_page(sample_question(name))
    errors = [p for p in surveys.validate_definition(definition) if p.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("name", ANSWERABLE)
def test_the_sample_answer_passes_the_types_check(name):
    definition = one_page(sample_question(name))
    check = surveys.validate_answers(definition, {f"q_{name}": SAMPLE_ANSWERS[name]})
    assert check.errors == {}


def test_builder_keys_are_the_ones_the_type_takes():
    """A key the builder keeps on a type change is one the definition's schema knows."""
    schema = json.dumps(surveys.definition_schema())
    for spec in QUESTION_TYPES.values():
        for key in spec.builder.keys:
            assert f'"{key}"' in schema, (spec.name, key)


def test_each_xlsform_type_name_is_read_as_one_type():
    read = [n for t in QUESTION_TYPES.values() for n in (*t.xlsform.reads, *t.xlsform.selects)]
    assert len(read) == len(set(read))


def test_xlsform_round_trip_keeps_each_exactly_mapped_type(tmp_path):
    """Written and read back, a type comes back as itself unless its facet says the export
    approximates it (then the writer warns, naming what it became)."""
    definition = sample_definition()
    path = tmp_path / "题型.xlsx"
    warnings = surveys.write_xlsform(definition, path)
    approximated = {w.params["type"]: w.params["as_type"] for w in warnings}
    back = surveys.read_xlsform(path).definition
    types_back = {q["id"]: q["type"] for p in back["pages"] for q in p["questions"]}
    for name, spec in QUESTION_TYPES.items():
        if spec.xlsform.approximated:
            assert approximated[name] == spec.xlsform.approximated
        else:
            assert types_back[f"q_{name}"] == name


def test_registry_json_is_plain_json_and_a_copy():
    sent = registry_json()
    assert json.loads(json.dumps(sent)) == sent
    assert set(sent) == set(QUESTION_TYPES)
    sent["matrix"]["builder"]["defaults"]["rows"].clear()
    assert registry_json()["matrix"]["builder"]["defaults"]["rows"]


@pytest.mark.parametrize("name", TYPES)
def test_every_type_has_its_xlsform_details_as_facets(name):
    """A type XLSForm has no name for is written as another's row with an appearance and read
    back by it; a range's parameters come from the type's scale or its min/max/step."""
    facet = QUESTION_TYPES[name].xlsform
    assert facet.parameters in (None, "scale", "range")
    assert facet.parameters != "scale" or QUESTION_TYPES[name].scale is not None
    assert bool(facet.read_from) == bool(facet.marks)
    if facet.read_from:
        base = QUESTION_TYPES[facet.read_from]
        assert base.xlsform.writes == facet.writes and not base.xlsform.read_from
        assert facet.appearance in facet.marks  # what is written is read back
    assert QUESTION_TYPES[name].limits == facet.constraint
    assert f'"{facet.hint}"' in json.dumps(surveys.definition_schema())  # the hint's key
    assert set(facet.integer) <= set(facet.reads)  # an integer-only name is read as this type


def test_a_marked_appearance_reads_a_row_as_the_type_it_marks():
    assert marked_type("single_choice", "search('cities')") == "dropdown"
    assert marked_type("single_choice", "likert") == "single_choice"
    assert marked_type("short_text", "multiline") == "long_text"
    assert marked_type("slider", "rating vertical") == "rating"
    assert marked_type("number", "rating") == "number"
