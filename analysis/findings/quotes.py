"""Quotes a share link may show: open answers with personal information masked."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from analysis.transcripts.deidentify import deidentify
from analysis.transcripts.labels import COMPOUND_SURNAMES, SURNAMES, TITLES

QUOTES_PER_QUESTION = 5
# A surname with a title (王女士, 欧阳老师): a respondent names a person without the study
# having a list of names to mask, so the form itself is masked.
_TITLED_NAME = re.compile(rf"(?:{'|'.join(COMPOUND_SURNAMES)}|[{SURNAMES}])(?:{'|'.join(TITLES)})")


def mask_personal(text: str) -> str:
    """*text* with phone and ID-card numbers, emails (`deidentify`) and surname-with-title
    forms masked."""
    return _TITLED_NAME.sub("[姓名]", deidentify(text).text)


def deidentified_quotes(
    frame: pd.DataFrame, question_ids: Iterable[str], limit: int = QUOTES_PER_QUESTION
) -> dict[str, list[str]]:
    """{question id: up to *limit* answers, newest first, masked (`mask_personal`)};
    questions nobody answered are left out."""
    out: dict[str, list[str]] = {}
    order = frame.sort_values(["submitted_at", "response_id"], ascending=False)
    for qid in question_ids:
        if qid not in order.columns:
            continue
        texts = [t.strip() for t in order[qid] if isinstance(t, str) and t.strip()]
        if texts:
            out[qid] = [mask_personal(t) for t in texts[:limit]]
    return out
