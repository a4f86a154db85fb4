"""A need's numbers: its priority by the formulas with their inputs, the questions it may be
measured by, and the before/after of its outcome metric once a later wave exists."""

from __future__ import annotations

from typing import Any

from analysis.findings.metrics import (
    metric_candidates,
    metric_result,
    metric_title,
    respondent_values,
)
from analysis.findings.query import Query
from analysis.findings.waves import wave_difference
from analysis.needs.priority import ipa_positions, opportunity, priority, rice, top2_to_ten
from analysis.stats.errors import StatsInputError
from analysis.stats.table import iter_questions, kind_of
from app.extensions import db
from app.findings.data import findings_data
from app.findings.services import published_series
from app.findings.wave_compare import published_waves
from app.models import Need, Questionnaire, Study


def _questionnaire(study: Study, ref: dict[str, Any] | None) -> Questionnaire | None:
    if not ref:
        return None
    found = db.session.get(Questionnaire, int(ref.get("questionnaire") or 0))
    ok = found is not None and found.study_id == study.id and found.latest_version is not None
    return found if ok else None


Memo = dict[tuple[int, str], float | None]


def _top2(study: Study, ref: dict[str, Any] | None, memo: Memo | None = None) -> float | None:
    """The top-2-box share of a rating question ÷ 10; *memo* keeps the values of one page
    (many needs name the same few questions)."""
    if memo is not None and ref:
        key = (int(ref.get("questionnaire") or 0), str(ref.get("question")))
        if key not in memo:
            memo[key] = _top2(study, ref)
        return memo[key]
    questionnaire = _questionnaire(study, ref)
    if questionnaire is None or ref is None:
        return None
    data = findings_data(questionnaire, Query.of({}))
    try:
        result = metric_result(
            data.definition,
            data.frame,
            {"kind": "top2", "question": ref["question"]},
            weights=data.weights,
        )
    except (StatsInputError, KeyError):
        return None
    return top2_to_ten(result["value"])


def need_priority(need: Need, study: Study) -> dict[str, Any]:
    """{"rice": rice(...), "opportunity": opportunity(...), "priority": priority(...)}."""
    r = rice(need.reach, need.impact, need.confidence, need.effort)
    o = opportunity(_top2(study, need.importance), _top2(study, need.satisfaction))
    return {"rice": r, "opportunity": o, "priority": priority(r, o, need.priority_override)}


def ipa_of_needs(study: Study, needs: list[Need]) -> dict[str, Any]:
    """The importance–performance quadrant of each need that names both an importance and a
    satisfaction question (`ipa_positions`), labelled for the chart by the need's statement."""
    memo: Memo = {}
    pairs: dict[int, tuple[float, float]] = {}
    for need in needs:
        if need.importance and need.satisfaction:
            imp = _top2(study, need.importance, memo)
            perf = _top2(study, need.satisfaction, memo)
            if imp is not None and perf is not None:
                pairs[need.id] = (imp, perf)
    return ipa_positions(pairs)


def rating_choices(study: Study) -> list[tuple[str, str]]:
    """("questionnaire:question", label) of every rating question of the latest waves."""
    out = [("", "—")]
    for waves in published_series(study):
        latest = waves[-1]
        for q in iter_questions(latest.published_version.analysis_definition):
            if kind_of(q) == "rating":
                out.append(
                    (f"{latest.id}:{q['id']}", f"{latest.title} · {q.get('title', q['id'])}")
                )
    return out


def metric_choices(study: Study) -> list[tuple[str, str]]:
    """("questionnaire:kind:question", label) of every metric of the latest waves."""
    out = [("", "—")]
    for waves in published_series(study):
        latest = waves[-1]
        definition = latest.published_version.analysis_definition
        for spec in metric_candidates(definition):
            label = f"{latest.title} · {metric_title(definition, spec)} ({spec['kind']})"
            out.append((f"{latest.id}:{spec['kind']}:{spec['question']}", label))
    return out


def stored_choice(study: Study, ref: dict[str, Any] | None, *, with_kind: bool = False):
    """(value, label) of a need's stored question reference, for a select whose choices are
    the latest waves' and so may no longer hold it (a done need's outcome names the wave it
    was measured in): without it, saving the form would drop the reference."""
    questionnaire = _questionnaire(study, ref)
    if questionnaire is None or ref is None:
        return None
    definition = questionnaire.published_version.analysis_definition
    question = next((q for q in iter_questions(definition) if q["id"] == ref["question"]), None)
    title = question.get("title", ref["question"]) if question else ref["question"]
    label = f"{questionnaire.title} #{questionnaire.wave} · {title}"
    return ref_value(ref, with_kind=with_kind), f"{label} ({ref['kind']})" if with_kind else label


def parse_ref(value: str, *, with_kind: bool = False) -> dict[str, Any] | None:
    parts = (value or "").split(":", 2 if with_kind else 1)
    if len(parts) != (3 if with_kind else 2) or not parts[0].isdigit():
        return None
    if with_kind:
        return {"questionnaire": int(parts[0]), "kind": parts[1], "question": parts[2]}
    return {"questionnaire": int(parts[0]), "question": parts[1]}


def ref_value(ref: dict[str, Any] | None, *, with_kind: bool = False) -> str:
    if not ref:
        return ""
    if with_kind:
        return f"{ref['questionnaire']}:{ref['kind']}:{ref['question']}"
    return f"{ref['questionnaire']}:{ref['question']}"


def before_after(need: Need, study: Study) -> dict[str, Any] | None:
    """The outcome metric in its named wave and the latest later wave of the series, with the
    difference and its interval (`wave_difference`); None without a later wave."""
    questionnaire = _questionnaire(study, need.outcome)
    if questionnaire is None or need.outcome is None:
        return None
    later = [q for q in published_waves(questionnaire) if q.wave > questionnaire.wave]
    if not later:
        return None
    spec = {"kind": need.outcome["kind"], "question": need.outcome["question"]}
    sides = []
    for q in (questionnaire, later[-1]):
        data = findings_data(q, Query.of({}))
        try:
            result = metric_result(
                data.definition, data.frame, spec, weights=data.weights, min_n=data.min_n
            )
        except (StatsInputError, KeyError):
            return None
        sides.append((q, data, result))
    (q1, d1, r1), (q2, d2, r2) = sides
    diff = wave_difference(
        spec["kind"],
        respondent_values(d1.definition, d1.frame, spec),
        respondent_values(d2.definition, d2.frame, spec),
        weights_earlier=d1.weights,
        weights_later=d2.weights,
    )
    return {
        "before": r1,
        "after": r2,
        "before_wave": q1.wave,
        "after_wave": q2.wave,
        "difference": diff,
    }
