"""Needs over time, read back from today's needs and their audited changes: the state at
the end of each period, the periods themselves (days, then weeks) and the priority bands."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from analysis.needs.timeline import (
    MAX_PERIODS,
    FieldChange,
    NeedNow,
    band,
    band_cuts,
    counts_by,
    period_ends,
    states_at,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour=12):
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def test_a_past_state_is_today_with_every_later_change_undone():
    # need 1: created on the 1st, accepted on the 3rd, done on the 5th;
    # need 2: created on the 2nd, rejected on the 4th; need 3: created on the 6th
    needs = [
        NeedNow(1, at(1), {"status": "done", "type": "explicit"}),
        NeedNow(2, at(2), {"status": "rejected", "type": "implicit"}),
        NeedNow(3, at(6), {"status": "new", "type": "explicit"}),
    ]
    changes = [
        FieldChange(1, at(3), {"status": "new"}),
        FieldChange(1, at(5), {"status": "accepted"}),
        FieldChange(2, at(4), {"status": "new", "reject_reason": ""}),
        FieldChange(99, at(4), {"status": "new"}),  # a need merged away: ignored
    ]
    ends = [datetime(2026, 11, d, 23, 59, tzinfo=UTC) for d in range(1, 8)]
    states = states_at(needs, changes, ends)
    by_day = [{nid: f["status"] for nid, f in s.items()} for s in states]
    assert by_day == [
        {1: "new"},
        {1: "new", 2: "new"},
        {1: "accepted", 2: "new"},
        {1: "accepted", 2: "rejected"},
        {1: "done", 2: "rejected"},
        {1: "done", 2: "rejected", 3: "new"},
        {1: "done", 2: "rejected", 3: "new"},
    ]
    assert "reject_reason" not in states[1][2]  # only the followed fields are kept
    counts = counts_by(states, lambda f: f["status"], ["new", "accepted", "done", "rejected"])
    assert counts == {
        "new": [1, 2, 1, 0, 0, 1, 1],
        "accepted": [0, 0, 1, 1, 0, 0, 0],
        "done": [0, 0, 0, 0, 1, 1, 1],
        "rejected": [0, 0, 0, 1, 1, 1, 1],
    }


def test_periods_are_local_days_up_to_a_month_then_weeks_ending_on_sunday():
    # 23:30 UTC on 1 Nov is 07:30 on 2 Nov in Shanghai: the first local day is the 2nd
    days = period_ends(datetime(2026, 11, 1, 23, 30, tzinfo=UTC), at(4), SHANGHAI)
    assert [d for d, _end in days] == [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)]
    # each day ends at local midnight: 16:00 UTC
    assert days[0][1] == datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
    weeks = period_ends(datetime(2026, 9, 2, tzinfo=UTC), at(18), SHANGHAI)
    labels = [d for d, _end in weeks]
    assert labels[0] == date(2026, 9, 6) and labels[0].weekday() == 6  # the first Sunday
    assert all(d.weekday() == 6 for d in labels[:-1]) and labels[-1] == date(2026, 11, 18)
    years = period_ends(datetime(2023, 1, 1, tzinfo=UTC), at(18), SHANGHAI)
    assert len(years) == MAX_PERIODS and years[-1][0] == date(2026, 11, 18)


def test_priority_bands_are_the_thirds_of_todays_priorities():
    cuts = band_cuts([10.0, 20.0, 30.0, 40.0, None])
    # numpy's linear quantiles of 10..40: 1/3 → 20, 2/3 → 30
    assert cuts == pytest.approx((20.0, 30.0))
    assert [band(v, cuts) for v in (40.0, 30.0, 25.0, 20.0, 19.9, None)] == [
        "high",
        "high",
        "medium",
        "medium",
        "low",
        "none",
    ]
    assert band_cuts([None]) is None and band(5.0, None) == "none"
