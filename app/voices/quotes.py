"""Quotes as evidence (issue 23.5): the open answers of a study's published questionnaires
and the highlighted spans of its interviews, each beside the respondent's segment answers or
the interviewee's attributes, de-identified for display, and starred as evidence.

A star keeps a snapshot (the de-identified text, the attributes, where it came from) in
`EvidenceQuote`, so insights and needs cite what the researcher saw: `starred_quotes`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from analysis.findings.query import Query
from analysis.findings.quotes import mask_personal
from analysis.transcripts.deidentify import deidentify
from app import audit
from app.extensions import db
from app.findings.services import published_series
from app.interviews.privacy import policy_of
from app.models import (
    ConsentStatus,
    EvidenceQuote,
    Highlight,
    ImportStatus,
    Interview,
    Questionnaire,
    Study,
    Turn,
    User,
)
from app.results.display import without_pipes
from app.voices import services

ANSWER, HIGHLIGHT = "answer", "highlight"


@dataclass
class Quote:
    source: str  # ANSWER or HIGHLIGHT
    key: str  # EvidenceQuote.key
    text: str  # de-identified
    original: str
    attributes: dict[str, str]
    origin: str  # the questionnaire and question, or the interview
    codes: list[tuple[int, str]] = field(default_factory=list)  # (code id, name)
    response_id: int | None = None
    question_id: str | None = None
    highlight_id: int | None = None
    questionnaire_id: int | None = None
    interview_id: int | None = None
    starred: bool = False


def answer_key(response_id: int, question_id: str) -> str:
    return f"{ANSWER}:{response_id}:{question_id}"


def highlight_key(highlight_id: int) -> str:
    return f"{HIGHLIGHT}:{highlight_id}"


def _questionnaire_origin(
    questionnaire: Questionnaire, question: dict[str, Any], show_wave: bool
) -> str:
    wave = f" · W{questionnaire.wave}" if show_wave else ""
    return f"{questionnaire.title}{wave} · {without_pipes(question.get('title', ''))}"


def answer_quotes(questionnaire: Questionnaire, *, show_wave: bool = False) -> list[Quote]:
    """Every answer to the open questions of *questionnaire*, newest first per question; its
    wave number in `origin` when *show_wave* (a series of several waves)."""
    out = []
    for question in services.open_questions(questionnaire):
        board = services.grid(questionnaire, question, Query.of({}))
        titles = {s["id"]: without_pipes(s.get("title", s["id"])) for s in board.segments}
        origin = _questionnaire_origin(questionnaire, question, show_wave)
        for row in board.rows:
            out.append(
                Quote(
                    source=ANSWER,
                    key=answer_key(row.response_id, question["id"]),
                    text=mask_personal(row.text),
                    original=row.text,
                    attributes={titles[k]: v for k, v in row.segments.items() if v},
                    origin=origin,
                    codes=[(c.id, c.name) for c in row.codes],
                    response_id=row.response_id,
                    question_id=question["id"],
                    questionnaire_id=questionnaire.id,
                )
            )
    return out


def _interview_text(text: str, names: list[str]) -> str:
    """A span masked with the study's list of names (`deidentify`), then `mask_personal`."""
    return mask_personal(deidentify(text, names=names).text) if names else mask_personal(text)


def _highlight_quote(highlight: Highlight, names: list[str]) -> Quote:
    turn = highlight.turn
    interview = turn.interview
    span = turn.text[highlight.start : highlight.end] or highlight.snippet
    label = f" · {interview.participant_label}" if interview.participant_label else ""
    return Quote(
        source=HIGHLIGHT,
        key=highlight_key(highlight.id),
        text=_interview_text(span, names),
        original=span,
        attributes={str(k): str(v) for k, v in (interview.attributes or {}).items() if v},
        origin=_interview_text(f"{interview.title}{label}", names),  # a title may name someone
        codes=[(highlight.code_id, highlight.code.name)],
        highlight_id=highlight.id,
        interview_id=interview.id,
    )


def _highlights(study: Study, highlight_ids: Iterable[int] | None = None) -> list[Highlight]:
    """The highlights of the study's saved interviews, except those whose interviewee withdrew
    consent: their words are not quoted."""
    select = (
        db.select(Highlight)
        .join(Turn, Turn.id == Highlight.turn_id)
        .join(Interview, Interview.id == Turn.interview_id)
        .where(
            Interview.study_id == study.id,
            Interview.status == ImportStatus.SAVED,
            Interview.consent != ConsentStatus.WITHDRAWN,
        )
        .order_by(Interview.id, Turn.seq, Highlight.start, Highlight.id)
    )
    if highlight_ids is not None:
        select = select.where(Highlight.id.in_(list(highlight_ids)))
    return list(db.session.scalars(select))


def highlight_quotes(study: Study) -> list[Quote]:
    names = list(policy_of(study).mask_names)
    return [_highlight_quote(h, names) for h in _highlights(study)]


def study_quotes(study: Study) -> list[Quote]:
    """Answers (each published questionnaire, series by series) then highlights, starred ones
    marked."""
    quotes = [
        quote
        for waves in published_series(study)
        for questionnaire in waves
        for quote in answer_quotes(questionnaire, show_wave=len(waves) > 1)
    ]
    quotes += highlight_quotes(study)
    starred = starred_keys(study)
    for quote in quotes:
        quote.starred = quote.key in starred
    return quotes


def filter_quotes(
    quotes: list[Quote],
    *,
    source: str = "",
    code: str = "",
    search: str = "",
    starred: bool = False,
) -> list[Quote]:
    """Quotes of a *source*, carrying the code id *code*, whose shown (de-identified) text holds
    *search*, starred only when *starred*."""
    needle = search.strip().casefold()
    out = [q for q in quotes if not source or q.source == source]
    if code.isdigit():
        out = [q for q in out if any(c == int(code) for c, _ in q.codes)]
    if needle:
        out = [q for q in out if needle in q.text.casefold()]
    return [q for q in out if q.starred] if starred else out


def starred_keys(study: Study) -> set[str]:
    return set(
        db.session.scalars(db.select(EvidenceQuote.key).where(EvidenceQuote.study_id == study.id))
    )


def starred_quotes(study: Study) -> list[EvidenceQuote]:
    """The study's evidence, newest star first: what insights and needs cite."""
    return list(
        db.session.scalars(
            db.select(EvidenceQuote)
            .where(EvidenceQuote.study_id == study.id)
            .order_by(EvidenceQuote.created_at.desc(), EvidenceQuote.id.desc())
        )
    )


def find_quote(
    study: Study,
    *,
    response_id: int | None = None,
    question_id: str | None = None,
    highlight_id: int | None = None,
) -> Quote | None:
    """The quote of one answer or one highlight of *study*, read again from the database
    (never from the form); None when it is not the study's."""
    if highlight_id is not None:
        found = _highlights(study, [highlight_id])
        return _highlight_quote(found[0], list(policy_of(study).mask_names)) if found else None
    if response_id is None or not question_id:
        return None
    for waves in published_series(study):
        for questionnaire in waves:
            if not any(q["id"] == question_id for q in services.open_questions(questionnaire)):
                continue
            key = answer_key(response_id, question_id)
            quotes = answer_quotes(questionnaire, show_wave=len(waves) > 1)
            match = next((q for q in quotes if q.key == key), None)
            if match is not None:
                return match
    return None


def star(study: Study, quote: Quote, actor: User) -> EvidenceQuote:
    """Star *quote* (once: starring it again returns the row there is)."""
    existing = db.session.scalar(
        db.select(EvidenceQuote).where(
            EvidenceQuote.study_id == study.id, EvidenceQuote.key == quote.key
        )
    )
    if existing is not None:
        return existing
    evidence = EvidenceQuote(
        study_id=study.id,
        source=quote.source,
        key=quote.key,
        response_id=quote.response_id,
        question_id=quote.question_id,
        highlight_id=quote.highlight_id,
        text=quote.text,
        attributes=quote.attributes,
        origin=quote.origin[:300],
        starred_by_id=actor.id,
    )
    db.session.add(evidence)
    db.session.flush()
    audit.record(
        "evidence.star",
        evidence,
        study_id=study.id,
        detail={"source": quote.source, "text": quote.text[:80]},
        actor=actor,
    )
    db.session.commit()
    return evidence


def unstar(study: Study, key: str, actor: User) -> bool:
    evidence = db.session.scalar(
        db.select(EvidenceQuote).where(EvidenceQuote.study_id == study.id, EvidenceQuote.key == key)
    )
    if evidence is None:
        return False
    audit.record(
        "evidence.unstar",
        evidence,
        study_id=study.id,
        detail={"source": evidence.source, "text": evidence.text[:80]},
        actor=actor,
    )
    db.session.delete(evidence)
    db.session.commit()
    return True
