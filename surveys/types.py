"""Question types as data: one read-only registry, and spelling variants kept apart.

Every place that treats types differently reads a facet here instead of naming types: the
answer's shape (`surveys.answer_rules`, the response table, the web's answer texts), the
statistics engine's analysis kind, the respondent widget (the partial
`templates/respond/widgets/<widget>.html`), the builder's editor and defaults, and the XLSForm
mapping. The builder receives `registry_json()`; `tests/surveys/test_type_facets.py` fails when
a type lacks a facet anywhere.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from . import answer_rules as rules

#: how the statistics engine analyses an answer (`analysis.stats.descriptives.DESCRIBERS`)
ANALYSIS_KINDS = (
    "choice", "multiple", "matrix", "rating", "nps", "numeric", "text", "date", "ranking",
    "kano", "consent",
)  # fmt: skip


@dataclass(frozen=True)
class Scale:
    """A row of numbered buttons: low..high, high read from the question's `high_key`."""

    low: int
    high: int
    high_key: str | None = None
    highest: int | None = None  # the largest `high_key` value (None: the scale is fixed)


@dataclass(frozen=True)
class Builder:
    """What the builder edits: the keys kept when the type changes, the editor that shows
    them, the flags an option may carry, the condition operators, and a new question's keys.
    Option / row lists in `defaults` without labels get "Option n" / "Row n" in the builder."""

    editor: str
    keys: tuple[str, ...] = ()
    defaults: Any = field(default_factory=dict)
    option_flags: tuple[str, ...] = ()
    condition: str | None = None  # operators group: single, multi, numeric, date, text
    condition_default: str | None = None


@dataclass(frozen=True)
class XLSForm:
    """XLSForm type names read as this type (`selects` take a choice list after them; types
    with none are read from another's row by its appearance), the one written, and what an
    approximate export becomes (warned about), and which limits travel as its `constraint`
    (`surveys.xlsform.constraints`: value, date, text or selection). A type XLSForm has no
    name for is written as `writes` with its `appearance` and read back from a `read_from`
    row by one of its `marks`; `parameters` says what its `parameters` column holds."""

    writes: str
    reads: tuple[str, ...] = ()
    selects: tuple[str, ...] = ()
    approximated: str | None = None
    constraint: str | None = None
    appearance: str | None = None  # written in the `appearance` column
    read_from: str | None = None  # a row read as that type becomes this one when it has…
    marks: tuple[str, ...] = ()  # …one of these appearances
    parameters: str | None = None  # "scale" (start/end from `scale`) or "range" (min/max/step)
    hint: str = "description"  # the definition key the `hint` column holds
    integer: tuple[str, ...] = ()  # names of an integer-only answer (`integer: true`), 1st written


@dataclass(frozen=True)
class QuestionType:
    name: str
    label_zh: str
    label_en: str
    answer: str  # shape of the answer: option, options, matrix, number, text, date, ...
    check: Callable[..., Any] | None
    analysis: str | None  # None: nothing to analyse (a text block)
    widget: str  # respondent partial: templates/respond/widgets/<widget>.html
    builder: Builder
    xlsform: XLSForm
    has_options: bool = False
    has_rows: bool = False
    multi_valued: bool = False  # list or map answer: conditions test it with selected()
    allows_other: bool = False
    scale: Scale | None = None

    @property
    def limits(self) -> str | None:
        """What the question's limit keys bound: value (min/max numbers), date (min/max
        dates), text (lengths, pattern) or selection (min/max_selected); the same limits
        travel as its XLSForm constraint."""
        return self.xlsform.constraint

    def as_json(self) -> dict[str, Any]:
        """The facets the pages' scripts need (no check function: the server is the judge)."""
        return {
            "name": self.name,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "answer": self.answer,
            "widget": self.widget,
            "has_options": self.has_options,
            "has_rows": self.has_rows,
            "multi_valued": self.multi_valued,
            "allows_other": self.allows_other,
            "scale": None if self.scale is None else vars(self.scale).copy(),
            "builder": {
                "editor": self.builder.editor,
                "keys": list(self.builder.keys),
                "defaults": copy.deepcopy(self.builder.defaults),
                "option_flags": list(self.builder.option_flags),
                "condition": self.builder.condition,
                "condition_default": self.builder.condition_default,
            },
        }


_TWO_OPTIONS = {"options": [{"value": "1"}, {"value": "2"}]}
_CHOICE_KEYS = ("options", "randomize")

QUESTION_TYPES: MappingProxyType[str, QuestionType] = MappingProxyType(
    {
        t.name: t
        for t in (
            QuestionType(
                "single_choice", "单选题", "Single choice", "option", rules.check_single,
                "choice", "radio",
                Builder("options", _CHOICE_KEYS, _TWO_OPTIONS, ("other", "scored"), "single"),
                XLSForm("select_one", selects=("select_one", "select one")),
                has_options=True, allows_other=True,
            ),
            QuestionType(
                "multiple_choice", "多选题", "Multiple choice", "options", rules.check_multiple,
                "multiple", "checkboxes",
                Builder("counted_options", (*_CHOICE_KEYS, "min_selected", "max_selected"),
                        _TWO_OPTIONS, ("other", "exclusive"), "multi"),
                XLSForm("select_multiple",
                        selects=("select_multiple", "select multiple", "select all that apply"),
                        constraint="selection"),
                has_options=True, multi_valued=True, allows_other=True,
            ),
            QuestionType(
                "dropdown", "下拉题", "Dropdown", "option", rules.check_single, "choice", "select",
                Builder("options", _CHOICE_KEYS, _TWO_OPTIONS, ("other", "scored"), "single"),
                XLSForm("select_one", appearance="minimal", read_from="single_choice",
                        marks=("minimal", "autocomplete", "search")),
                has_options=True, allows_other=True,
            ),
            QuestionType(
                "matrix", "矩阵题", "Matrix", "matrix", rules.check_matrix, "matrix", "grid",
                Builder("grid", ("options", "rows", "multiple", "randomize"), {
                    "rows": [{"value": "r1"}, {"value": "r2"}],
                    "options": [{"value": v, "label": v} for v in "12345"],
                }, ("scored",)),
                XLSForm("select_one", approximated="select_one per row"),
                has_options=True, has_rows=True, multi_valued=True,
            ),
            QuestionType(
                "rating", "评分题", "Rating", "number", rules.check_rating, "rating", "scale",
                Builder("rating_scale", ("max", "style", "min_label", "max_label"),
                        {"max": 5, "style": "stars"}, condition="numeric"),
                XLSForm("range", appearance="rating", read_from="slider", marks=("rating",),
                        parameters="scale"),
                scale=Scale(1, 5, "max", highest=10),
            ),
            QuestionType(
                "nps", "NPS 净推荐值", "Net Promoter Score", "number", rules.check_nps, "nps",
                "likelihood", Builder("none", condition="numeric", condition_default="9"),
                XLSForm("range", approximated="range", parameters="scale"),
                scale=Scale(0, 10),
            ),
            QuestionType(
                "number", "数字题", "Number", "number", rules.check_number, "numeric",
                "number_input", Builder("number_range", ("min", "max", "integer"),
                                        condition="numeric"),
                XLSForm("decimal", reads=("integer", "int", "decimal"), constraint="value",
                        integer=("integer", "int")),
            ),
            QuestionType(
                "short_text", "单行文本", "Short text", "text", rules.check_text, "text", "line",
                Builder("text_line", ("min_length", "max_length", "pattern"), condition="text"),
                XLSForm("text", reads=("text", "string", "phone number", "phone_number"),
                        constraint="text"),
            ),
            QuestionType(
                "long_text", "多行文本", "Long text", "text", rules.check_text, "text",
                "textarea", Builder("text_area", ("min_length", "max_length"), condition="text"),
                XLSForm("text", constraint="text", appearance="multiline", read_from="short_text",
                        marks=("multiline",)),
            ),
            QuestionType(
                "date", "日期", "Date", "date", rules.check_date, "date", "date_input",
                Builder("date_range", ("min", "max"), condition="date"),
                XLSForm("date", reads=("date",), constraint="date"),
            ),
            QuestionType(
                "ranking", "排序题", "Ranking", "ranking", rules.check_ranking, "ranking",
                "ranks", Builder("options", _CHOICE_KEYS, _TWO_OPTIONS, condition="multi"),
                XLSForm("rank", selects=("rank",)),
                has_options=True, multi_valued=True,
            ),
            QuestionType(
                "slider", "滑块", "Slider", "number", rules.check_slider, "numeric", "range",
                Builder("slider_range", ("min", "max", "step"), {"min": 0, "max": 100, "step": 1},
                        condition="numeric"),
                XLSForm("range", reads=("range",), constraint="value", parameters="range"),
            ),
            QuestionType(
                "kano", "KANO 题", "Kano pair", "kano", rules.check_kano, "kano", "kano_pair",
                Builder("kano_prompts", ("functional_title", "dysfunctional_title")),
                XLSForm("select_one", approximated="two select_one"),
                multi_valued=True,
            ),
            QuestionType(
                "consent", "知情同意", "Consent", "consent", rules.check_consent, "consent",
                "agreement", Builder("consent_text", ("text",), {"text": ""}),
                XLSForm("acknowledge", reads=("acknowledge", "trigger"), hint="text"),
            ),
            QuestionType(
                "text", "说明文字", "Text / section", "none", None, None, "note",
                Builder("note_body", ("body",), {"body": ""}),
                XLSForm("note", reads=("note",), hint="body"),
            ),
        )
    }
)  # fmt: skip

# Spellings met in other tools and in hand-written files, mapped to the canonical name.
ALIASES: MappingProxyType[str, str] = MappingProxyType(
    {
        "single": "single_choice",
        "radio": "single_choice",
        "select_one": "single_choice",
        "singlechoice": "single_choice",
        "multiple": "multiple_choice",
        "checkbox": "multiple_choice",
        "checkboxes": "multiple_choice",
        "select_multiple": "multiple_choice",
        "multi_choice": "multiple_choice",
        "select": "dropdown",
        "likert": "matrix",
        "grid": "matrix",
        "matrix_single": "matrix",
        "stars": "rating",
        "rate": "rating",
        "net_promoter_score": "nps",
        "integer": "number",
        "decimal": "number",
        "numeric": "number",
        "text_input": "short_text",
        "input": "short_text",
        "textarea": "long_text",
        "comment": "long_text",
        "rank": "ranking",
        "range": "slider",
        "acknowledge": "consent",
        "note": "text",
        "section": "text",
        "html": "text",
    }
)


def marked_type(name: str, appearances: str) -> str:
    """The type an XLSForm row of type *name* is read as, given its *appearances* (words)."""
    words = set(re.findall(r"\w+", appearances))  # "minimal search('x')": minimal, search, x
    for spec in QUESTION_TYPES.values():
        if spec.xlsform.read_from == name and words & set(spec.xlsform.marks):
            return spec.name
    return name


def canonical_type(name: str) -> str | None:
    """The registry name for *name* or one of its spellings, else None."""
    if name in QUESTION_TYPES:
        return name
    return ALIASES.get(str(name).strip().lower().replace("-", "_").replace(" ", "_"))


def answer_shape(name: str) -> str:
    """The shape of a *name* question's answer; "unknown" for a type not registered (kept as
    one plain value where it is shown or exported)."""
    qtype = QUESTION_TYPES.get(name)
    return qtype.answer if qtype else "unknown"


def registry_json() -> dict[str, dict[str, Any]]:
    """The registry as plain JSON for the builder and the respondent page's scripts."""
    return {name: t.as_json() for name, t in QUESTION_TYPES.items()}
