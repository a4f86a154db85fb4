"""Segments: the questions a dashboard can be filtered and split by.

A segment question gives each respondent one value from a fixed set: single choice and
dropdown questions, and (once participants carry attributes) `attribute:<name>` columns of
the response table. Ratings are metrics, not segments.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.stats.table import iter_questions, option_labels
from surveys.types import QUESTION_TYPES

ATTRIBUTE_PREFIX = "attribute:"


def segment_questions(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Single-answer questions with options, in questionnaire order."""
    return [q for q in iter_questions(definition) if QUESTION_TYPES[q["type"]].answer == "option"]


def segment_levels(
    definition: dict[str, Any], frame: pd.DataFrame, name: str
) -> list[dict[str, Any]]:
    """[{"value", "label", "n"}] of one segment column: the options in their order, then
    values answered that are not options (an older version's), with how many rows have each."""
    answered = frame[name].dropna().astype(str) if name in frame.columns else pd.Series([])
    counts = answered.value_counts()
    question = next((q for q in iter_questions(definition) if q["id"] == name), None)
    labels = option_labels(question) if question else {}
    values = list(labels) + [v for v in counts.index if v not in labels]
    return [{"value": v, "label": labels.get(v, v), "n": int(counts.get(v, 0))} for v in values]
