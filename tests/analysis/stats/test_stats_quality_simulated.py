"""The targets of issue 20 (build 6) on the simulated respondents of
tests/data/quality/simulate.py: ≥ 0.9 recall of `flagged` on random clickers, straight-liners
and the rotating form-filler, at ≤ 5 % of the careful humans flagged. The full table, over
five seeds, is tests/benchmarks/bench_quality.py's (docs/benchmarks.md)."""

import numpy as np
import pytest

from analysis.stats import prepare_frame
from analysis.stats.quality import flag_responses
from tests.data.quality.simulate import GROUPS, simulate


@pytest.fixture(scope="module")
def flagged():
    definition, frame, groups = simulate(20)
    flags = flag_responses(definition, prepare_frame(definition, frame))
    return flags, np.array(groups)


@pytest.mark.parametrize("group", ["random", "straight", "filler"])
def test_each_kind_of_bad_respondent_is_recalled(flagged, group):
    flags, groups = flagged
    assert (groups == group).sum() == GROUPS[group]
    assert flags["flagged"][groups == group].mean() >= 0.9


def test_at_most_five_percent_of_careful_humans_are_flagged(flagged):
    flags, groups = flagged
    assert (groups == "human").sum() == GROUPS["human"]
    assert flags["flagged"][groups == "human"].mean() <= 0.05


def test_the_humans_legitimate_uniform_answers_alone_do_not_flag(flagged):
    flags, groups = flagged
    humans = flags[groups == "human"]
    uniform = humans[humans["straight_liner"]]
    assert len(uniform) > 50  # one in eight ticks 5 on every row of one matrix of three
    assert (uniform["score"] < 1).mean() >= 0.95
