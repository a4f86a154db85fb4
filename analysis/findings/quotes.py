"""Quotes a share link may show: open answers with personal information masked."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.transcripts.deidentify import deidentify

QUOTES_PER_QUESTION = 5


def deidentified_quotes(
    frame: pd.DataFrame, question_ids: Iterable[str], limit: int = QUOTES_PER_QUESTION
) -> dict[str, list[str]]:
    """{question id: up to *limit* answers, newest first, phone numbers, ID-card numbers,
    emails and surname-with-title forms masked (`deidentify`)}; questions nobody answered
    are left out."""
    out: dict[str, list[str]] = {}
    order = frame.sort_values(["submitted_at", "response_id"], ascending=False)
    for qid in question_ids:
        if qid not in order.columns:
            continue
        texts = [t.strip() for t in order[qid] if isinstance(t, str) and t.strip()]
        if texts:
            out[qid] = [deidentify(t).text for t in texts[:limit]]
    return out
