"""Segments: the questions a dashboard can be filtered and split by.

A segment question gives each respondent one value from a fixed set: single choice and
dropdown questions, and participant attributes, the `attribute:<name>` columns a response
table carries once respondents are linked to participant records (the participants issue
adds them; `prepare_frame` keeps them as text). Ratings are metrics, not segments.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.stats.table import ATTRIBUTE_PREFIX, iter_questions, option_labels
from surveys.types import QUESTION_TYPES

MAX_ATTRIBUTE_LEVELS = 50  # an attribute with more values (a name, a phone) is no segment


def segment_questions(
    definition: dict[str, Any], frame: pd.DataFrame | None = None
) -> list[dict[str, Any]]:
    """Single-answer questions with options, in questionnaire order, then (given the *frame*)
    each participant attribute column as a question whose options are its values."""
    questions = [
        q for q in iter_questions(definition) if QUESTION_TYPES[q["type"]].answer == "option"
    ]
    if frame is None:
        return questions
    for name in frame.columns:
        if isinstance(name, str) and name.startswith(ATTRIBUTE_PREFIX):
            values = sorted(frame[name].dropna().astype(str).unique())
            if 0 < len(values) <= MAX_ATTRIBUTE_LEVELS:
                options = [{"value": v, "label": v} for v in values]
                title = name[len(ATTRIBUTE_PREFIX) :]
                questions.append(
                    {"id": name, "type": "single_choice", "title": title, "options": options}
                )
    return questions


def segment_levels(
    definition: dict[str, Any], frame: pd.DataFrame, name: str
) -> list[dict[str, Any]]:
    """[{"value", "label", "n"}] of one segment column: the options in their order, then
    values answered that are not options (an older version's), with how many rows have each."""
    answered = frame[name].dropna().astype(str) if name in frame.columns else pd.Series([])
    counts = answered.value_counts()
    question = next((q for q in iter_questions(definition) if q["id"] == name), None)
    labels = option_labels(question) if question else {}  # an attribute: its values
    values = list(labels) + [v for v in counts.index if v not in labels]
    return [{"value": v, "label": labels.get(v, v), "n": int(counts.get(v, 0))} for v in values]
