"""What a need's evidence may be picked from: the stored insights, codes on open answers and
interview highlights of the study, as (value, label) pairs for the need page's selects."""

from __future__ import annotations

from analysis.findings.query import Query
from app.extensions import db
from app.findings.insight_sentences import insight_summaries
from app.findings.services import published_series
from app.interviews.coding import codes_of
from app.models import Code, Highlight, Interview, Turn

MAX_CHOICES = 200


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def insight_choices(study) -> list[tuple[str, str]]:
    """("questionnaire:insight", sentence) of the stored insights without a filter."""
    out = []
    for waves in published_series(study):
        latest = waves[-1]
        for row in insight_summaries(latest, Query.of({}), limit=20):
            out.append(
                (f"{latest.id}:{row['id']}", _shorten(f"{latest.title} · {row['sentence']}"))
            )
    return out


def code_choices(study) -> list[tuple[str, str]]:
    """("questionnaire:code", label) of the codes of the study over its latest waves."""
    codes: list[Code] = codes_of(study)
    return [
        (f"{waves[-1].id}:{code.id}", f"{waves[-1].title} · {code.name}")
        for waves in published_series(study)
        for code in codes
    ][:MAX_CHOICES]


def highlight_choices(study) -> list[tuple[str, str]]:
    """(highlight id, quote · code) of the study's newest highlights."""
    rows = db.session.execute(
        db.select(Highlight.id, Highlight.snippet, Code.name)
        .join(Turn, Turn.id == Highlight.turn_id)
        .join(Interview, Interview.id == Turn.interview_id)
        .join(Code, Code.id == Highlight.code_id)
        .where(Interview.study_id == study.id)
        .order_by(Highlight.id.desc())
        .limit(MAX_CHOICES)
    )
    return [(str(hid), f"“{_shorten(snippet, 60)}” · {name}") for hid, snippet, name in rows]
