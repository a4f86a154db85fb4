"""The study dashboard (发现): what one questionnaire's respondents think, under a `Query`.

Every number comes from `findings_data` (the filtered, typed responses) and `analysis`; this
module assembles them and keeps the last few dashboards in memory, keyed by everything they
depend on (the data version among them), so a warm dashboard is served without a recount.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from analysis.findings.metrics import default_metrics, metric_result
from analysis.findings.overview import PageStep, median_duration, page_funnel, responses_per_day
from analysis.findings.query import Query
from analysis.findings.segments import segment_levels, segment_questions
from analysis.stats.descriptives import describe_question
from analysis.stats.table import iter_questions
from analysis.text.aspects import aspect_table
from app.findings.data import FindingsData, findings_data
from app.models import Questionnaire
from app.responses import counts
from app.results import weighting
from app.results.services import render_atomically
from surveys.types import QUESTION_TYPES

MEMO_SIZE = 32
VOICES_SHOWN = 8  # aspects on the dashboard
_memo: OrderedDict[str, Dashboard] = OrderedDict()
_memo_lock = threading.Lock()


@dataclass(frozen=True)
class Dashboard:
    data: FindingsData
    metrics: list[dict[str, Any]]
    questions: dict[str, dict[str, Any]]  # `describe_question` of each question, filtered
    per_day: list[tuple[str, int]]
    median_duration_s: float | None
    funnel: list[PageStep]  # every partial and complete response, whatever the filters
    page_titles: dict[str, str]
    segments: list[dict[str, Any]]  # {"id", "title", "levels": [{"value", "label", "n"}]}
    aspects: list[dict[str, Any]]  # `aspect_table` of every open answer, most mentioned first
    chart_key: str
    charts: frozenset[str]

    def is_small(self, n: int) -> bool:
        return n < self.data.min_n


def key_metrics(questionnaire: Questionnaire) -> list[dict[str, str]]:
    """The metrics its owner picked, else the defaults (`default_metrics`)."""
    definition = questionnaire.published_version.analysis_definition
    return list(questionnaire.key_metrics or default_metrics(definition))


def dashboard(
    questionnaire: Questionnaire, query: Query, chart_root: Path, tz: tzinfo
) -> Dashboard:
    key = _key(questionnaire, query, tz)
    memo_key = f"{chart_root}:{key}"  # one process may serve several installs (tests do)
    with _memo_lock:
        found = _memo.get(memo_key)
        if found is not None and (chart_root / f"q{questionnaire.id}" / key).exists():
            _memo.move_to_end(memo_key)
            return found
    built = _build(questionnaire, query, chart_root, tz, key)
    with _memo_lock:
        _memo[memo_key] = built
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return built


def _key(questionnaire: Questionnaire, query: Query, tz: tzinfo) -> str:
    state = {
        "questionnaire": questionnaire.id,
        "version": questionnaire.published_version.id,
        "responses": counts.fingerprint(questionnaire),
        "partials": counts.counts(questionnaire),
        "weights": query.weighted and weighting.fingerprint(questionnaire),
        "query": query.to_dict(),
        "metrics": key_metrics(questionnaire),
        "min_n": questionnaire.study.min_n,
        "tz": str(tz),
    }
    text = json.dumps(state, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _build(
    questionnaire: Questionnaire, query: Query, chart_root: Path, tz: tzinfo, key: str
) -> Dashboard:
    data = findings_data(questionnaire, query)
    definition, frame, weights = data.definition, data.frame, data.weights
    metrics = [
        metric_result(definition, frame, spec, weights=weights, min_n=data.min_n)
        for spec in key_metrics(questionnaire)
    ]
    questions = {
        q["id"]: describe_question(frame, q, weights=weights) for q in iter_questions(definition)
    }
    folder = chart_root / f"q{questionnaire.id}" / key
    if not folder.exists():
        render_atomically({"questions": questions}, folder)
    pages = definition.get("pages", [])
    tally = counts.counts(questionnaire)
    return Dashboard(
        data=data,
        metrics=metrics,
        questions=questions,
        per_day=responses_per_day(frame["submitted_at"], tz) if len(frame) else [],
        median_duration_s=median_duration(frame["duration_s"]) if len(frame) else None,
        funnel=page_funnel(
            [p["id"] for p in pages], tally["complete"], counts.partials_by_page(questionnaire)
        ),
        page_titles={p["id"]: p.get("title") or p["id"] for p in pages},
        segments=[
            {
                "id": q["id"],
                "title": q.get("title") or q["id"],
                "levels": segment_levels(definition, frame, q["id"]),
            }
            for q in segment_questions(definition, frame)
        ],
        aspects=aspect_table(_open_answers(definition, frame))[:VOICES_SHOWN],
        chart_key=key,
        charts=frozenset(p.name for p in folder.glob("*.png")),
    )


def _open_answers(definition: dict, frame) -> list[str]:
    """Every answer to a question answered in words, in the filtered rows."""
    columns = [
        q["id"]
        for q in iter_questions(definition)
        if QUESTION_TYPES[q["type"]].answer == "text" and q["id"] in frame.columns
    ]
    return [t for c in columns for t in frame[c].tolist() if isinstance(t, str) and t.strip()]
