"""What a findings report says, assembled once for both its forms (PDF and XLSX).

The numbers are the dashboard's (`app.findings.dashboard`, which reads `findings_data`): the
key metrics with interval and n, each question's summary and chart, under the same `Query`.
Added here: the insights' sentences, the voices (how many wrote an open answer and its top
keywords; never the answers themselves) and the method (n, exclusions, weights, minimum n).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from analysis.findings.query import Query
from analysis.stats.table import QUESTION_KINDS, iter_questions
from app.findings.dashboard import Dashboard, dashboard
from app.findings.insight_sentences import insight_summaries
from app.interviews.textmetrics import keywords_of
from app.models import Questionnaire
from app.models.types import utcnow
from app.needs.labels import STATUS_LABELS
from app.needs.services import board_priority, top_needs
from app.results.texts import open_questions

VOICE_KEYWORDS = 10


@dataclass(frozen=True)
class QuestionSection:
    id: str
    title: str
    kind: str | None  # the analysis kind of its type (`analysis.stats.table.QUESTION_KINDS`)
    figures: dict[str, Any]  # `describe_question` under the query
    n: int
    small: bool
    chart: Path | None  # the dashboard's PNG, when the question has one


@dataclass(frozen=True)
class Voice:
    id: str
    title: str
    answered: int  # respondents under the query who wrote something
    keywords: list[str]


@dataclass(frozen=True)
class Method:
    n: int  # responses the report rests on (after filters and exclusions)
    n_total: int  # complete responses
    n_flagged: int  # of those, flagged by the quality checks
    exclude_flagged: bool
    weighted: bool
    weighting_problem: str | None
    min_n: int
    filters: list[tuple[str, list[str]]]  # (segment question's title, the labels kept)
    data_version: str


@dataclass(frozen=True)
class ReportContent:
    study_title: str
    questionnaire_id: int
    questionnaire_title: str
    wave: int
    made_at: datetime  # in the install's time zone
    definition: dict[str, Any]
    query: Query
    metrics: list[dict[str, Any]]  # `metric_result` of each key metric
    insights: list[str]
    insights_stale: bool  # the scan predates the latest responses
    questions: list[QuestionSection]
    voices: list[Voice]
    method: Method
    # read through a share link: figures under the minimum n suppressed (not greyed), and
    # words from the answers (keywords) only when the owner included quotes
    public: bool = False
    # the team's open needs of highest priority: (statement, status, priority or None);
    # left out of a share link's report
    needs: list[tuple[str, str, float | None]] = field(default_factory=list)


def report_content(
    questionnaire: Questionnaire,
    query: Query,
    chart_root: Path,
    tz: tzinfo,
    *,
    public: bool = False,
    with_text: bool = True,
) -> ReportContent:
    board = dashboard(questionnaire, query, chart_root, tz)
    data = board.data
    # the stored insights under this query, largest effect first: with none stored nothing
    # is claimed and the report says no significant difference was found
    stored = insight_summaries(questionnaire, query)
    folder = chart_root / f"q{questionnaire.id}" / board.chart_key
    return ReportContent(
        study_title=questionnaire.study.title,
        questionnaire_id=questionnaire.id,
        questionnaire_title=questionnaire.title,
        wave=questionnaire.wave,
        made_at=utcnow().astimezone(tz),
        definition=data.definition,
        query=query,
        metrics=board.metrics,
        insights=[s["sentence"] for s in stored],
        insights_stale=any(s["stale"] for s in stored),  # responses came in after the scan
        questions=[_section(board, q, folder) for q in iter_questions(data.definition)],
        voices=voices(board, with_keywords=with_text),
        method=Method(
            n=data.n,
            n_total=data.n_total,
            n_flagged=data.n_flagged,
            exclude_flagged=query.exclude_flagged,
            weighted=data.weights is not None,
            weighting_problem=data.weighting_problem,
            min_n=data.min_n,
            filters=_filters(board, query),
            data_version=data.data_version,
        ),
        public=public,
        needs=[] if public else _top_needs(questionnaire),
    )


def _top_needs(questionnaire: Questionnaire) -> list[tuple[str, str, float | None]]:
    return [
        (n.statement, str(STATUS_LABELS[n.status]), board_priority(n))
        for n in top_needs(questionnaire.study)
    ]


def voices(board: Dashboard, *, with_keywords: bool = True) -> list[Voice]:
    """Each open question: how many answered it under the query, and its top keywords."""
    frame = board.data.frame
    out = []
    for qid, question in open_questions(board.data.definition).items():
        cells = frame[qid].tolist() if qid in frame.columns else []
        texts = [c.strip() for c in cells if isinstance(c, str) and c.strip()]
        keywords = keywords_of(texts, limit=VOICE_KEYWORDS) if texts and with_keywords else []
        out.append(Voice(qid, question.get("title") or qid, len(texts), keywords))
    return out


def _section(board: Dashboard, question: dict[str, Any], folder: Path) -> QuestionSection:
    qid = question["id"]
    figures = board.questions[qid]
    n = int(figures.get("n") or 0)
    name = f"question_{qid}.png"
    return QuestionSection(
        id=qid,
        title=question.get("title") or qid,
        kind=QUESTION_KINDS.get(question["type"]),
        figures=figures,
        n=n,
        small=board.is_small(n),
        chart=folder / name if name in board.charts else None,
    )


def _filters(board: Dashboard, query: Query) -> list[tuple[str, list[str]]]:
    titles = {s["id"]: s for s in board.segments}
    out = []
    for qid, values in query.segments.items():
        segment = titles.get(qid)
        labels = {lv["value"]: lv["label"] for lv in segment["levels"]} if segment else {}
        out.append((segment["title"] if segment else qid, [labels.get(v, v) for v in values]))
    return out
