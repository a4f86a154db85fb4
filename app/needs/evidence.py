"""Evidence behind a need: link an insight, a question's result, a code on open answers or an
interview highlight, keeping a snapshot of its numbers or text; read today's value beside it.

Numbers come through `app.findings.data.findings_data` under the query stored with the link
(no segment by default), so a snapshot and its live value are read the same way.
"""

from __future__ import annotations

import math
from typing import Any

from analysis.findings.metrics import check_spec, metric_result
from analysis.findings.query import Query
from analysis.stats.descriptives import describe_kano
from analysis.stats.errors import StatsInputError
from analysis.stats.table import question_map
from app import audit
from app.extensions import db
from app.findings.data import findings_data
from app.findings.insight_sentences import insight_sentence
from app.models import (
    AnswerCode,
    Code,
    EvidenceKind,
    Highlight,
    Insight,
    Need,
    NeedEvidence,
    Questionnaire,
    User,
)


def _clean(value: Any) -> Any:
    """JSON-safe: NaN becomes None (JSON has no NaN)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def question_value(questionnaire: Questionnaire, spec: dict[str, Any]) -> dict[str, Any]:
    """A question's result: `metric_result` for a metric spec, the Kano category for
    {"kind": "kano"}. Raises StatsInputError for a spec the questionnaire cannot give."""
    data = findings_data(questionnaire, Query.from_dict(spec.get("query") or {}))
    metric = {"kind": spec["kind"], "question": spec["question"]}
    if spec["kind"] == "kano":
        question = question_map(data.definition).get(spec["question"])
        if question is None or question.get("type") != "kano":
            raise StatsInputError("not a Kano question", "question")
        result = describe_kano(data.frame, question, weights=data.weights)
        return _clean(
            {
                "kind": "kano",
                "question": spec["question"],
                "title": str(question.get("title", "")),
                "category": result["category"],
                "better": result["better"],
                "worse": result["worse"],
                "n": result["n"],
            }
        )
    check_spec(data.definition, metric)
    return _clean(
        metric_result(data.definition, data.frame, metric, weights=data.weights, min_n=data.min_n)
    )


def code_value(questionnaire: Questionnaire, code: Code, spec: dict[str, Any]) -> dict[str, Any]:
    """Frequency: respondents of the (segment's) frame whose answers carry *code*; reach:
    their share of the frame."""
    data = findings_data(questionnaire, Query.from_dict(spec.get("query") or {}))
    coded = set(
        db.session.scalars(
            db.select(AnswerCode.response_id)
            .join(AnswerCode.code)
            .where(AnswerCode.code_id == code.id, Code.study_id == questionnaire.study_id)
        )
    )
    ids = data.frame["response_id"].tolist() if "response_id" in data.frame else []
    frequency = sum(1 for rid in ids if int(rid) in coded)
    base = len(ids)
    return {
        "code": code.name,
        "frequency": frequency,
        "base": base,
        "reach": frequency / base * 100 if base else None,
    }


def highlight_value(highlight: Highlight) -> dict[str, Any]:
    return {
        "text": highlight.snippet,
        "code": highlight.code.name,
        "interview": highlight.turn.interview_id,
    }


def insight_value(insight: Insight) -> dict[str, Any]:
    return {
        "sentence": insight_sentence(insight.claim),
        "claim": insight.claim,
        "data_version": insight.data_version,
    }


def _add(
    need: Need, user: User, kind: EvidenceKind, snapshot: dict[str, Any], label: str, **target: Any
) -> NeedEvidence:
    item = NeedEvidence(need=need, kind=kind, snapshot=snapshot, created_by_id=user.id, **target)
    db.session.add(item)
    audit.record(
        "need.link",
        need,
        study_id=need.study_id,
        detail={"kind": kind.value, "evidence": label[:120]},
    )
    db.session.commit()
    return item


def link_insight(need: Need, user: User, insight: Insight) -> NeedEvidence:
    """Link the insight; the segment it is about joins the need's segments affected."""
    value = insight_value(insight)
    _add_segment(need, insight.claim.get("segment"))
    return _add(
        need,
        user,
        EvidenceKind.INSIGHT,
        value,
        value["sentence"],
        questionnaire_id=insight.questionnaire_id,
        target_id=insight.id,
    )


def _add_segment(need: Need, segment: dict[str, Any] | None) -> None:
    if not segment or not segment.get("question"):
        return
    keep = ("question", "value", "title", "label")
    entry = {k: str(segment.get(k) or "") for k in keep}
    known = need.segments or []
    if any((s["question"], s["value"]) == (entry["question"], entry["value"]) for s in known):
        return
    before = audit.snapshot(need, ("segments",))
    need.segments = [*known, entry]
    audit.record_changes("need.update", need, before, ("segments",), study_id=need.study_id)


def link_question(
    need: Need, user: User, questionnaire: Questionnaire, spec: dict[str, Any]
) -> NeedEvidence:
    value = question_value(questionnaire, spec)
    label = f"{questionnaire.title} · {value['title']}"
    return _add(
        need,
        user,
        EvidenceKind.QUESTION,
        value,
        label,
        questionnaire_id=questionnaire.id,
        spec=dict(spec),
    )


def link_code(
    need: Need, user: User, questionnaire: Questionnaire, code: Code, query: Query | None = None
) -> NeedEvidence:
    spec = {"query": query.to_dict()} if query is not None else {}
    value = code_value(questionnaire, code, spec)
    return _add(
        need,
        user,
        EvidenceKind.ANSWER_CODE,
        value,
        f"{questionnaire.title} · {code.name}",
        questionnaire_id=questionnaire.id,
        target_id=code.id,
        spec=spec,
    )


def link_highlight(need: Need, user: User, highlight: Highlight) -> NeedEvidence:
    value = highlight_value(highlight)
    return _add(need, user, EvidenceKind.HIGHLIGHT, value, value["text"], target_id=highlight.id)


def unlink(item: NeedEvidence) -> None:
    need = item.need
    label = (
        item.snapshot.get("sentence")
        or item.snapshot.get("title")
        or item.snapshot.get("code")
        or item.snapshot.get("text")
        or ""
    )
    audit.record(
        "need.unlink",
        need,
        study_id=need.study_id,
        detail={"kind": item.kind.value, "evidence": str(label)[:120]},
    )
    db.session.delete(item)
    db.session.commit()


def live_value(item: NeedEvidence) -> dict[str, Any] | None:
    """Today's value of the evidence, the snapshot's shape; None once its target is gone."""
    questionnaire = db.session.get(Questionnaire, item.questionnaire_id or 0)
    try:
        if item.kind is EvidenceKind.QUESTION and questionnaire is not None:
            return question_value(questionnaire, item.spec)
        if item.kind is EvidenceKind.ANSWER_CODE and questionnaire is not None:
            code = db.session.get(Code, item.target_id or 0)
            return code_value(questionnaire, code, item.spec) if code is not None else None
    except StatsInputError:
        return None
    if item.kind is EvidenceKind.INSIGHT:
        insight = db.session.get(Insight, item.target_id or 0)
        return insight_value(insight) if insight is not None else None
    if item.kind is EvidenceKind.HIGHLIGHT:
        highlight = db.session.get(Highlight, item.target_id or 0)
        return highlight_value(highlight) if highlight is not None else None
    return None


def computed_kano(rows: list[tuple[NeedEvidence, dict[str, Any] | None]]) -> str | None:
    """The category of the first linked Kano question, today's value before the snapshot."""
    for item, live in rows:
        if item.kind is EvidenceKind.QUESTION and item.spec.get("kind") == "kano":
            category = (live or item.snapshot).get("category")
            if category:
                return str(category)
    return None


def frequency(rows: list[tuple[NeedEvidence, dict[str, Any] | None]]) -> dict[str, Any]:
    """Respondents whose answers carry a linked code (today's), over the frames they were
    counted in, and the interviews with a linked highlight."""
    respondents = base = 0
    for item, live in rows:
        if item.kind is EvidenceKind.ANSWER_CODE:
            value = live or item.snapshot
            respondents += int(value.get("frequency") or 0)
            base += int(value.get("base") or 0)
    interviews = {
        (live or item.snapshot).get("interview")
        for item, live in rows
        if item.kind is EvidenceKind.HIGHLIGHT
    }
    return {
        "respondents": respondents,
        "base": base,
        "reach": respondents / base * 100 if base else None,
        "participants": len(interviews),
    }
