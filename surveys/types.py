"""Question types as data: one read-only registry, and spelling variants kept apart.

Each entry says what a type's answer looks like, whether it has options or rows, which extra
keys it takes, and which check validates its answers (see `surveys.answer_rules`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from . import answer_rules as rules


@dataclass(frozen=True)
class QuestionType:
    name: str
    label_zh: str
    label_en: str
    answer: str  # shape of the answer: option, options, matrix, number, text, date, ...
    check: Callable[..., Any] | None
    has_options: bool = False
    has_rows: bool = False
    keys: frozenset[str] = frozenset()
    multi_valued: bool = False  # list or map answer: conditions test it with selected()
    allows_other: bool = False


def _t(name, zh, en, answer, check, keys=(), **flags) -> QuestionType:
    return QuestionType(name, zh, en, answer, check, keys=frozenset(keys), **flags)


QUESTION_TYPES: MappingProxyType[str, QuestionType] = MappingProxyType(
    {
        t.name: t
        for t in (
            _t("single_choice", "单选题", "Single choice", "option", rules.check_single,
               has_options=True, allows_other=True),
            _t("multiple_choice", "多选题", "Multiple choice", "options", rules.check_multiple,
               ("min_selected", "max_selected"), has_options=True, multi_valued=True,
               allows_other=True),
            _t("dropdown", "下拉题", "Dropdown", "option", rules.check_single,
               has_options=True, allows_other=True),
            _t("matrix", "矩阵题", "Matrix", "matrix", rules.check_matrix, ("multiple",),
               has_options=True, has_rows=True, multi_valued=True),
            _t("rating", "评分题", "Rating", "number", rules.check_rating,
               ("max", "style", "min_label", "max_label")),
            _t("nps", "NPS 净推荐值", "Net Promoter Score", "number", rules.check_nps),
            _t("number", "数字题", "Number", "number", rules.check_number,
               ("min", "max", "integer")),
            _t("short_text", "单行文本", "Short text", "text", rules.check_text,
               ("min_length", "max_length", "pattern")),
            _t("long_text", "多行文本", "Long text", "text", rules.check_text,
               ("min_length", "max_length")),
            _t("date", "日期", "Date", "date", rules.check_date, ("min", "max")),
            _t("ranking", "排序题", "Ranking", "ranking", rules.check_ranking,
               has_options=True, multi_valued=True),
            _t("slider", "滑块", "Slider", "number", rules.check_slider, ("min", "max", "step")),
            _t("kano", "KANO 题", "Kano pair", "kano", rules.check_kano,
               ("functional_title", "dysfunctional_title"), multi_valued=True),
            _t("consent", "知情同意", "Consent", "consent", rules.check_consent, ("text",)),
            _t("text", "说明文字", "Text / section", "none", None, ("body",)),
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


def canonical_type(name: str) -> str | None:
    """The registry name for *name* or one of its spellings, else None."""
    if name in QUESTION_TYPES:
        return name
    return ALIASES.get(str(name).strip().lower().replace("-", "_").replace(" ", "_"))
