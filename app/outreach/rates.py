"""Response rates by segment and by split value, with a Wilson 95 % interval
(`analysis.stats.wilson_interval`), and the progress towards each target."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from analysis.stats import wilson_interval
from app.models import OutreachTarget
from app.outreach.services import Tally, tallies


@dataclass(frozen=True)
class Rate:
    tally: Tally
    rate: float | None  # answered / invited; None when nobody was invited
    low: float | None
    high: float | None

    @property
    def progress(self) -> float | None:
        """Answered as a share of the target (may pass 1); None without a target."""
        if not self.tally.target:
            return None
        return self.tally.answered / self.tally.target


def rate_of(tally: Tally) -> Rate:
    if tally.invited == 0:
        return Rate(tally, None, None, None)
    low, high = wilson_interval(float(tally.answered), float(tally.invited))
    share = tally.answered / tally.invited
    return Rate(tally, share, None if math.isnan(low) else low, None if math.isnan(high) else high)


@dataclass(frozen=True)
class TargetRow:
    target: OutreachTarget
    whole: Rate
    split: list[Rate]


def target_rows(targets: Sequence[OutreachTarget]) -> list[TargetRow]:
    rows = []
    for target in targets:
        whole, split = tallies(target)
        rows.append(TargetRow(target, rate_of(whole), [rate_of(t) for t in split]))
    return rows
