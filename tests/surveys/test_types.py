"""The question type registry is data, read-only, with spellings kept apart."""

import pytest

from surveys import ALIASES, QUESTION_TYPES, canonical_type

FORMAT_DOC_TYPES = {
    "single_choice", "dropdown", "multiple_choice", "matrix", "rating", "nps", "number",
    "short_text", "long_text", "date", "ranking", "slider", "kano", "consent", "text",
}  # fmt: skip


def test_registry_holds_exactly_the_documented_types():
    assert set(QUESTION_TYPES) == FORMAT_DOC_TYPES


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        QUESTION_TYPES["new"] = QUESTION_TYPES["nps"]  # type: ignore[index]
    with pytest.raises(TypeError):
        ALIASES["x"] = "nps"  # type: ignore[index]


def test_every_alias_points_to_a_registered_type():
    assert set(ALIASES.values()) <= set(QUESTION_TYPES)
    assert not set(ALIASES) & set(QUESTION_TYPES)


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [("radio", "single_choice"), ("Select One", "single_choice"), ("checkbox", "multiple_choice"),
     ("textarea", "long_text"), ("nps", "nps"), ("likert", "matrix"), ("bogus", None)],
)  # fmt: skip
def test_canonical_type(spelling, canonical):
    assert canonical_type(spelling) == canonical


def test_only_answerless_type_is_the_text_block():
    assert [name for name, t in QUESTION_TYPES.items() if t.check is None] == ["text"]
