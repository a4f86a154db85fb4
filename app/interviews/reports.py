"""What the coding says: quotes per code, frequencies, code × attribute, co-occurrence,
sentiment by code and inter-coder agreement. Plain rows for templates and exports."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from analysis.qda import CodeAgreement, agreement_by_code
from app.extensions import db
from app.interviews.coding import code_tree, descendants
from app.interviews.services import participant_texts
from app.interviews.textmetrics import sentiment_of
from app.models import Code, Highlight, ImportStatus, Interview, Study, Turn, User


@dataclass(frozen=True)
class Quote:
    highlight: Highlight
    turn: Turn
    interview: Interview
    code: Code

    @property
    def text(self) -> str:
        return self.turn.text[self.highlight.start : self.highlight.end]


def matches(interview: Interview, filters: dict[str, str] | None) -> bool:
    """Whether an interview's participant has every attribute value asked for (blank: any)."""
    return all(
        str(interview.attributes.get(key, "")) == value
        for key, value in (filters or {}).items()
        if value
    )


def filters_from(args, values: dict[str, list[str]]) -> dict[str, str]:
    """Attribute filters from query arguments `attr-<name>=<value>`; unknown names ignored."""
    return {key: args.get(f"attr-{key}", "") for key in values}


def _highlight_rows(
    study: Study,
    code_ids: list[int] | None = None,
    coder_id: int | None = None,
    filters: dict[str, str] | None = None,
):
    query = (
        db.select(Highlight, Turn, Interview, Code)
        .join(Turn, Turn.id == Highlight.turn_id)
        .join(Interview, Interview.id == Turn.interview_id)
        .join(Code, Code.id == Highlight.code_id)
        .where(Interview.study_id == study.id, Interview.status == ImportStatus.SAVED)
        .order_by(Interview.id, Turn.seq, Highlight.start, Highlight.id)
    )
    if code_ids is not None:
        query = query.where(Highlight.code_id.in_(code_ids))
    if coder_id is not None:
        query = query.where(Highlight.coder_id == coder_id)
    return [Quote(h, t, i, c) for h, t, i, c in db.session.execute(query) if matches(i, filters)]


def quotes(
    study: Study, code: Code | None = None, *, filters: dict[str, str] | None = None
) -> list[Quote]:
    """Highlights of a code and its sub-codes (all codes when None), filtered by attributes."""
    return _highlight_rows(study, descendants(code) if code is not None else None, filters=filters)


def attribute_values(study: Study) -> dict[str, list[str]]:
    values: dict[str, set[str]] = defaultdict(set)
    interviews = db.session.scalars(
        db.select(Interview).where(
            Interview.study_id == study.id, Interview.status == ImportStatus.SAVED
        )
    )
    for interview in interviews:
        for key, value in interview.attributes.items():
            values[key].add(str(value))
    return {key: sorted(found) for key, found in values.items()}


def frequency_by_interview(study: Study, filters: dict[str, str] | None = None) -> dict[str, Any]:
    """Codes × interviews: number of highlights (each coder's counted)."""
    rows = _highlight_rows(study, filters=filters)
    interviews = list(dict.fromkeys(q.interview for q in rows))
    counts = Counter((q.code.id, q.interview.id) for q in rows)
    return {
        "columns": [i.title for i in interviews],
        "rows": [
            (code, depth, [counts[(code.id, i.id)] for i in interviews])
            for code, depth in code_tree(study)
        ],
    }


def frequency_by_attribute(
    study: Study, attribute: str, filters: dict[str, str] | None = None
) -> dict[str, Any]:
    """Codes × values of a participant attribute: number of highlights."""
    rows = _highlight_rows(study, filters=filters)
    values = sorted({str(q.interview.attributes.get(attribute, "")) for q in rows})
    counts = Counter((q.code.id, str(q.interview.attributes.get(attribute, ""))) for q in rows)
    return {
        "columns": values,
        "rows": [
            (code, depth, [counts[(code.id, v)] for v in values])
            for code, depth in code_tree(study)
        ],
    }


def cooccurrence(
    study: Study, filters: dict[str, str] | None = None
) -> list[tuple[Code, Code, int]]:
    """Pairs of codes applied to overlapping spans of the same turn, most frequent first."""
    by_turn: dict[int, list[Quote]] = defaultdict(list)
    for quote in _highlight_rows(study, filters=filters):
        by_turn[quote.turn.id].append(quote)
    pairs: Counter[tuple[int, int]] = Counter()
    codes: dict[int, Code] = {}
    for quotes_in_turn in by_turn.values():
        seen: set[tuple[int, int]] = set()
        for a, b in combinations(quotes_in_turn, 2):
            if a.code.id == b.code.id:
                continue
            ha, hb = a.highlight, b.highlight
            if ha.start < hb.end and hb.start < ha.end:
                key = (a.code.id, b.code.id) if a.code.id < b.code.id else (b.code.id, a.code.id)
                if key not in seen:
                    seen.add(key)
                    pairs[key] += 1
                codes[a.code.id], codes[b.code.id] = a.code, b.code
    return [(codes[x], codes[y], n) for (x, y), n in pairs.most_common()]


def sentiment_by_code(
    study: Study, filters: dict[str, str] | None = None
) -> list[tuple[Code, int, float | None]]:
    """Per code: number of highlights in participants' turns and the mean sentiment of the
    highlighted spans (None when unscored).

    The span, not its whole turn, is scored (by the model adapted to the study's participant
    turns): a complaint inside an otherwise happy answer is a complaint. Interviewers' turns
    are left out (their questions carry no opinion).
    """
    spoken = [q for q in _highlight_rows(study, filters=filters) if not q.turn.is_interviewer]
    texts = list(dict.fromkeys(q.text for q in spoken))
    scored = sentiment_of(texts, domain=participant_texts(study.id))
    score_of = {text: score for text, (score, _) in zip(texts, scored, strict=True)}
    scores: dict[int, list[float | None]] = defaultdict(list)
    for quote in spoken:
        scores[quote.code.id].append(score_of[quote.text])
    result = []
    for code, _ in code_tree(study):
        spans = scores.get(code.id, [])
        known = [s for s in spans if s is not None]
        result.append((code, len(spans), sum(known) / len(known) if known else None))
    return result


def coders(study: Study) -> list[User]:
    return list(
        db.session.scalars(
            db.select(User)
            .join(Highlight, Highlight.coder_id == User.id)
            .join(Turn, Turn.id == Highlight.turn_id)
            .join(Interview, Interview.id == Turn.interview_id)
            .where(Interview.study_id == study.id)
            .distinct()
            .order_by(User.id)
        )
    )


def agreement(
    study: Study, coder_a: int, coder_b: int, filters: dict[str, str] | None = None
) -> list[tuple[Code, CodeAgreement]]:
    """Per code, agreement of two coders over the turns of transcripts both of them coded."""
    rows_a = _highlight_rows(study, coder_id=coder_a, filters=filters)
    rows_b = _highlight_rows(study, coder_id=coder_b, filters=filters)
    shared = {q.interview.id for q in rows_a} & {q.interview.id for q in rows_b}
    if not shared:
        return []
    units = db.session.scalars(
        db.select(Turn.id).where(Turn.interview_id.in_(shared)).order_by(Turn.id)
    ).all()
    coded_a: dict[int, set[int]] = defaultdict(set)
    coded_b: dict[int, set[int]] = defaultdict(set)
    for q in rows_a:
        coded_a[q.code.id].add(q.turn.id)
    for q in rows_b:
        coded_b[q.code.id].add(q.turn.id)
    by_id = {code.id: code for code, _ in code_tree(study)}
    results = agreement_by_code(units, coded_a, coded_b)
    return sorted(((by_id[r.code], r) for r in results), key=lambda pair: pair[0].name)
