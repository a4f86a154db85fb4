"""Insights of a questionnaire: scan under a query, store the claims, reopen them unchanged.

A scan reads its responses through `findings_data` (so the query's filters, weights and
exclusions are those of every findings page), runs `analysis.findings.scan.scan`, and stores
what survived as `Insight` rows beside an `InsightScan` (replacing the previous scan of the
same questionnaire and query). Opening an insight later shows its stored numbers;
`is_stale` says when the responses have changed since, and `recompute` rescans its query.
"""

from __future__ import annotations

from typing import Any

from analysis.findings.claims import cell_key
from analysis.findings.metrics import check_spec
from analysis.findings.query import Query
from analysis.findings.scan import scan
from analysis.stats.errors import StatsInputError
from app.extensions import db
from app.findings.data import findings_data
from app.models import Insight, InsightScan, Questionnaire, User
from app.responses import counts


def key_metrics(questionnaire: Questionnaire, definition: dict[str, Any]) -> list[dict[str, str]]:
    """The owner's key metrics that still fit the definition (empty: the defaults)."""
    specs = []
    for spec in questionnaire.key_metrics or []:
        try:
            specs.append(check_spec(definition, spec))
        except StatsInputError:
            continue  # a question removed or retyped since the metric was picked
    return specs


def run_scan(questionnaire: Questionnaire, query: Query, user: User | None) -> InsightScan:
    """Scan *questionnaire* under *query* and store the result, replacing the last one."""
    data = findings_data(questionnaire, query)
    result = scan(
        data.definition,
        data.frame,
        weights=data.weights,
        key_metrics=key_metrics(questionnaire, data.definition),
        min_n=data.min_n,
    )
    previous = current_scan(questionnaire, query)
    if previous is not None:
        db.session.delete(previous)
        db.session.flush()
    stored = InsightScan(
        questionnaire_id=questionnaire.id,
        query_key=query.fingerprint(),
        query=query.to_dict(),
        data_version=data.data_version,
        tested=result["tested"],
        weighted=result["weighted"],
        small=result["small"],
        created_by_id=user.id if user is not None else None,
    )
    for rank, claim in enumerate(result["claims"], start=1):
        stored.insights.append(
            Insight(
                questionnaire_id=questionnaire.id,
                rank=rank,
                query=query.to_dict(),
                data_version=data.data_version,
                claim=claim,
                created_by_id=stored.created_by_id,
            )
        )
    db.session.add(stored)
    db.session.commit()
    return stored


def current_scan(questionnaire: Questionnaire, query: Query) -> InsightScan | None:
    """The stored scan of *questionnaire* under *query*, or None before the first scan."""
    return db.session.scalar(
        db.select(InsightScan).where(
            InsightScan.questionnaire_id == questionnaire.id,
            InsightScan.query_key == query.fingerprint(),
        )
    )


def stored_insights(questionnaire: Questionnaire, query: Query) -> list[Insight]:
    """The insights of the stored scan under *query*, largest effect first."""
    found = current_scan(questionnaire, query)
    return list(found.insights) if found is not None else []


def insight_of(questionnaire: Questionnaire, insight_id: int) -> Insight | None:
    return db.session.scalar(
        db.select(Insight).where(
            Insight.id == insight_id, Insight.questionnaire_id == questionnaire.id
        )
    )


def is_stale(questionnaire: Questionnaire, data_version: str) -> bool:
    """Whether complete responses were added or deleted since *data_version* was read."""
    return data_version != counts.fingerprint(questionnaire)


def recompute(questionnaire: Questionnaire, insight: Insight, user: User | None) -> Insight | None:
    """Rescan the insight's query on today's responses (the correction is over the whole
    scan, so one cell cannot be redone alone); the new insight of the same cell, or None
    when it no longer holds."""
    key = cell_key(insight.claim)
    fresh = run_scan(questionnaire, Query.from_dict(insight.query), user)
    return next((i for i in fresh.insights if cell_key(i.claim) == key), None)
