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


def segment_choices(study) -> list[tuple[str, str]]:
    """("question=value", "question title: option") of every segment (single-answer question
    or participant attribute) of the latest waves, for the need's "segments affected"."""
    from analysis.findings.segments import segment_levels, segment_questions
    from app.findings.data import findings_data

    out: dict[str, str] = {}
    for waves in published_series(study):
        data = findings_data(waves[-1], Query.of({}))
        for question in segment_questions(data.definition, data.frame):
            title = _shorten(str(question.get("title") or question["id"]), 40)
            for level in segment_levels(data.definition, data.frame, question["id"]):
                out.setdefault(f"{question['id']}={level['value']}", f"{title}: {level['label']}")
    return list(out.items())[:MAX_CHOICES]


def segments_from(chosen: list[str], choices: list[tuple[str, str]]) -> list[dict[str, str]]:
    """The stored form of the chosen "question=value" keys: {question, value, title, label},
    the title and label as the choice showed them (they stay readable if the option goes)."""
    labels = dict(choices)
    out = []
    for key in chosen:
        if key not in labels:
            continue
        question, value = key.split("=", 1)
        title, _sep, label = labels[key].partition(": ")
        out.append({"question": question, "value": value, "title": title, "label": label})
    return out


def segment_key(segment: dict[str, str]) -> str:
    return f"{segment['question']}={segment['value']}"
