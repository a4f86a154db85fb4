"""Needs over time: how many needs stood in each status, priority band and type at the end of
each day or week, read back from today's needs and the changes their audit trail records.

The state of a need at a moment is today's values with every later change undone (each audit
event keeps the values before it), so no history table is needed and an edit of any followed
field (status, type, RICE inputs, an override) shows in the past as it happened. Needs merged
away are gone from today's list and so from the past too.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import numpy as np

DAILY_UP_TO_DAYS = 31  # a longer span is shown by week (ending on Sunday)
MAX_PERIODS = 52  # the most recent periods shown


@dataclass(frozen=True)
class NeedNow:
    """A need as it is today: when it was created and the values of the followed fields."""

    id: int
    created_at: datetime
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class FieldChange:
    """One audited change of a need: when, and the values of its fields before it."""

    need_id: int
    at: datetime
    before: Mapping[str, Any] = field(default_factory=dict)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def period_ends(first: datetime, last: datetime, zone: tzinfo) -> list[tuple[date, datetime]]:
    """(local date, the end of that day or week in UTC) from *first* to *last*: one per day
    over a span of up to `DAILY_UP_TO_DAYS`, else one per week (Sundays, the last one *last*'s
    day), at most the latest `MAX_PERIODS`."""
    start = _utc(first).astimezone(zone).date()
    end = _utc(last).astimezone(zone).date()
    if (end - start).days <= DAILY_UP_TO_DAYS:
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    else:
        sunday = start + timedelta(days=6 - start.weekday())
        days = []
        while sunday < end:
            days.append(sunday)
            sunday += timedelta(days=7)
        days.append(end)
    days = days[-MAX_PERIODS:]
    return [
        (day, datetime.combine(day + timedelta(days=1), time.min, zone).astimezone(UTC))
        for day in days
    ]


def states_at(
    needs: Iterable[NeedNow], changes: Iterable[FieldChange], ends: Sequence[datetime]
) -> list[dict[int, dict[str, Any]]]:
    """For each of *ends* (ascending): {need id: its followed fields then} of the needs that
    existed by then (created before the end)."""
    state = {n.id: dict(n.fields) for n in needs}
    created = {n.id: _utc(n.created_at) for n in needs}
    newest_first = sorted(changes, key=lambda c: _utc(c.at), reverse=True)
    out: list[dict[int, dict[str, Any]]] = []
    i = 0
    for end in sorted((_utc(e) for e in ends), reverse=True):
        while i < len(newest_first) and _utc(newest_first[i].at) >= end:
            change = newest_first[i]
            fields = state.get(change.need_id)
            if fields is not None:
                fields.update({k: v for k, v in change.before.items() if k in fields})
            i += 1
        out.append({nid: dict(f) for nid, f in state.items() if created[nid] < end})
    return out[::-1]


def counts_by(
    states: Sequence[Mapping[int, Mapping[str, Any]]],
    classify: Callable[[Mapping[str, Any]], Hashable | None],
    levels: Sequence[Hashable],
) -> dict[Hashable, list[int]]:
    """{level: [count per period]}: the needs whose `classify(fields)` is the level (a need
    classified None is left out, for example a closed need in the priority chart)."""
    out: dict[Hashable, list[int]] = {level: [0] * len(states) for level in levels}
    for i, state in enumerate(states):
        for fields in state.values():
            level = classify(fields)
            if level in out:
                out[level][i] += 1
    return out


def band_cuts(values: Iterable[float | None]) -> tuple[float, float] | None:
    """The terciles of today's priorities: a need at or above the upper is "high", at or above
    the lower "medium", else "low"; None when no need has a priority."""
    known = [float(v) for v in values if v is not None]
    if not known:
        return None
    low, high = np.quantile(known, [1 / 3, 2 / 3])
    return float(low), float(high)


def band(value: float | None, cuts: tuple[float, float] | None) -> str:
    """ "high", "medium", "low" by *cuts* (`band_cuts`), or "none" for a need without one."""
    if value is None or cuts is None:
        return "none"
    if value >= cuts[1]:
        return "high"
    return "medium" if value >= cuts[0] else "low"
