"""The dashboard's first row: responses per day, median duration and the drop-off per page.

Plain functions of the response table and of counts the web layer reads, so each is tested
against a hand count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo

import numpy as np
import pandas as pd


def responses_per_day(submitted_at: pd.Series, tz: tzinfo) -> list[tuple[str, int]]:
    """[(local date "YYYY-MM-DD", complete responses)] for every day from the first to the
    last submission, days without a response included (a gap is information)."""
    stamps = pd.to_datetime(submitted_at, utc=True, errors="coerce").dropna()
    if stamps.empty:
        return []
    days = stamps.dt.tz_convert(tz).dt.strftime("%Y-%m-%d")
    counts = days.value_counts()
    every_day = pd.date_range(min(counts.index), max(counts.index), freq="D")
    return [(d.strftime("%Y-%m-%d"), int(counts.get(d.strftime("%Y-%m-%d"), 0))) for d in every_day]


def median_duration(durations: pd.Series) -> float | None:
    """The median time to complete in seconds (the median: a few respondents leave a tab open
    for hours, which would move a mean)."""
    values = pd.to_numeric(durations, errors="coerce").to_numpy(dtype=float)
    values = values[np.isfinite(values) & (values >= 0)]
    return float(np.median(values)) if values.size else None


@dataclass(frozen=True)
class PageStep:
    page_id: str
    reached: int  # respondents who got to this page (completes + partials on it or later)
    left: int  # partial responses last saved on this page
    completion: float | None  # % of those who reached the page and went past it


def page_funnel(
    page_ids: Sequence[str], complete: int, partial_by_page: Mapping[str, int]
) -> list[PageStep]:
    """Drop-off per page. A partial response is counted on the page it was last saved on
    (`Response.page_id`); partials on a page the current version no longer has, or saved
    before any page, count on the first page."""
    order = {page: i for i, page in enumerate(page_ids)}
    left = [0] * len(page_ids)
    for page, n in partial_by_page.items():
        if page_ids:
            left[order.get(page, 0)] += n
    steps, later = [], complete
    for i in reversed(range(len(page_ids))):
        reached = later + left[i]
        steps.append(
            PageStep(
                page_id=page_ids[i],
                reached=reached,
                left=left[i],
                completion=100.0 * later / reached if reached else None,
            )
        )
        later = reached
    return steps[::-1]
