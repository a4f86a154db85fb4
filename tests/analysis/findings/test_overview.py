"""The dashboard's first row against hand counts."""

from datetime import timedelta, timezone

import pandas as pd

from analysis.findings.overview import PageStep, median_duration, page_funnel, responses_per_day

BEIJING = timezone(timedelta(hours=8))


def test_responses_are_counted_on_the_local_day_and_empty_days_are_kept():
    stamps = pd.Series(
        [
            "2026-11-30T15:59:00+00:00",  # 23:59 on the 30th in Beijing
            "2026-11-30T16:01:00+00:00",  # 00:01 on 1 December
            "2026-12-02T02:00:00+00:00",
            None,
        ]
    )
    assert responses_per_day(stamps, BEIJING) == [
        ("2026-11-30", 1),
        ("2026-12-01", 1),
        ("2026-12-02", 1),
    ]
    assert responses_per_day(pd.Series([], dtype=object), BEIJING) == []


def test_the_median_duration_ignores_missing_and_negative_times():
    assert median_duration(pd.Series([60, 120, None, -5, 3600])) == 120
    assert median_duration(pd.Series([None])) is None


def test_each_page_counts_who_reached_it_and_who_left_on_it():
    # 50 complete; partials: 5 on p1, 3 on p2, 2 on a page since deleted (counted on p1)
    steps = page_funnel(["p1", "p2", "p3"], 50, {"p1": 5, "p2": 3, "gone": 2})
    assert steps == [
        PageStep("p1", reached=60, left=7, completion=100 * 53 / 60),
        PageStep("p2", reached=53, left=3, completion=100 * 50 / 53),
        PageStep("p3", reached=50, left=0, completion=100.0),
    ]
    assert page_funnel(["p1"], 0, {}) == [PageStep("p1", 0, 0, None)]
