"""The needs of a study over time (by status, priority band, type and kind) and on the
importance–performance grid: the numbers of the trends page and its charts, read from today's
needs and their audit trail in two queries (`analysis.needs.timeline`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from analysis.charts import ipa_chart
from analysis.charts.trend import stacked_counts_chart
from analysis.needs.priority import rice
from analysis.needs.timeline import (
    FieldChange,
    NeedNow,
    band,
    band_cuts,
    counts_by,
    period_ends,
    states_at,
)
from app.extensions import db
from app.models import AuditEvent, NeedStatus, Study
from app.models.types import utcnow
from app.needs import services
from app.needs.labels import KIND_LABELS, PRIORITY_BAND_LABELS, STATUS_LABELS, TYPE_LABELS
from app.needs.measures import ipa_of_needs

FOLLOWED = (
    "status",
    "type",
    "kind",
    "reach",
    "impact",
    "confidence",
    "effort",
    "priority_override",
)
CHANGES = ("need.move", "need.update", "need.override")
CLOSED = (NeedStatus.DONE.value, NeedStatus.REJECTED.value)
CHARTS = ("status", "priority", "type", "kind")


@dataclass(frozen=True)
class Series:
    """One chart's numbers: a title and {label: [count per period]}."""

    title: str
    counts: dict[str, list[int]]


@dataclass(frozen=True)
class Trends:
    periods: list[str]
    series: dict[str, Series]  # by CHARTS name


def _value(value: Any) -> Any:
    """A field as the audit trail stores it (an enum by its value)."""
    return getattr(value, "value", value)


def _priority(fields: Mapping[str, Any]) -> float | None:
    if fields.get("priority_override") is not None:
        return float(fields["priority_override"])
    inputs = (fields.get(k) for k in ("reach", "impact", "confidence", "effort"))
    return rice(*inputs)["score"]


def needs_over_time(study: Study, now: datetime | None = None) -> Trends:
    """How many of the study's needs stood in each status, priority band (terciles of today's
    priorities, open needs only), type and kind at the end of each day or week since the first
    need; the periods are local dates (`BABEL_DEFAULT_TIMEZONE`)."""
    needs = services.study_needs(study)
    if not needs:
        return Trends(periods=[], series={})
    today = [
        NeedNow(n.id, n.created_at, {f: _value(getattr(n, f)) for f in FOLLOWED}) for n in needs
    ]
    events = db.session.execute(
        db.select(AuditEvent.object_id, AuditEvent.at, AuditEvent.detail).where(
            AuditEvent.study_id == study.id,
            AuditEvent.object_type == "Need",
            AuditEvent.action.in_(CHANGES),
        )
    )
    changes = [
        FieldChange(int(object_id), at, (detail or {}).get("before") or {})
        for object_id, at, detail in events
        if object_id is not None
    ]
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    ends = period_ends(min(n.created_at for n in needs), now or utcnow(), zone)
    states = states_at(today, changes, [end for _day, end in ends])
    cuts = band_cuts(_priority(n.fields) for n in today if n.fields["status"] not in CLOSED)

    def priority_band(fields: Mapping[str, Any]) -> str | None:
        return None if fields["status"] in CLOSED else band(_priority(fields), cuts)

    def chart(title: str, classify, labels: Mapping[Any, Any]) -> Series:
        counts = counts_by(states, classify, [getattr(k, "value", k) for k in labels])
        names = {getattr(k, "value", k): str(label) for k, label in labels.items()}
        return Series(title, {names[key]: values for key, values in counts.items()})

    series = {
        "status": chart(_("Needs by status"), lambda f: f["status"], STATUS_LABELS),
        "priority": chart(_("Open needs by priority"), priority_band, PRIORITY_BAND_LABELS),
        "type": chart(_("Needs by type"), lambda f: f["type"], TYPE_LABELS),
        "kind": chart(_("Needs by kind"), lambda f: f["kind"], KIND_LABELS),
    }
    return Trends(periods=[day.isoformat() for day, _end in ends], series=series)


def trend_figure(trends: Trends, name: str):
    chosen = trends.series[name]
    return stacked_counts_chart(
        [p[5:] for p in trends.periods], chosen.counts, title=chosen.title, ylabel=_("Needs")
    )


def ipa_figure(study: Study):
    """The needs that name an importance and a satisfaction question on the
    importance–performance grid (labelled "#id statement…"), or None when none does."""
    needs = {n.id: n for n in services.study_needs(study)}
    ipa = ipa_of_needs(study, list(needs.values()))
    if not ipa["attributes"]:
        return None
    labelled = {
        f"#{nid} {needs[nid].statement[:12]}": position
        for nid, position in ipa["attributes"].items()
    }
    return ipa_chart(
        labelled,
        ipa["importance_mean"],
        ipa["performance_mean"],
        title=_("Needs: importance and performance"),
    )
