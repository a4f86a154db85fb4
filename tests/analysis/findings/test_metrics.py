"""Key metrics against hand computations and scipy: the value, its interval and n."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.findings.metrics import (
    check_spec,
    default_metrics,
    metric_result,
    respondent_values,
)
from analysis.stats.errors import StatsInputError
from analysis.stats.table import prepare_frame
from tests import definitions as d

DEFINITION = d.definition(
    d.page("p1", d.nps(), d.rating("stars"), d.single_choice("age", choices=["18-24", "25-34"]))
)


def _frame(rows):
    return prepare_frame(DEFINITION, pd.DataFrame(rows, columns=["nps", "stars", "age"]))


def test_nps_is_promoters_minus_detractors_with_the_adjusted_wald_interval():
    frame = _frame([(10, 5, "18-24"), (9, 4, "18-24"), (8, 3, "25-34"), (3, 1, "25-34")])
    result = metric_result(DEFINITION, frame, {"kind": "nps", "question": "nps"}, min_n=3)
    assert result["value"] == pytest.approx(25.0)  # 2 promoters, 1 detractor of 4
    # Rocks (2016): p̃P = 2.75/7, p̃D = 1.75/7, var = (p̃P + p̃D − (p̃P − p̃D)²)/7
    pp, pd_ = 2.75 / 7, 1.75 / 7
    half = 1.959964 * math.sqrt((pp + pd_ - (pp - pd_) ** 2) / 7) * 100
    assert result["ci"] == pytest.approx(
        [(pp - pd_) * 100 - half, (pp - pd_) * 100 + half], abs=1e-3
    )
    assert result["n"] == 4 and result["small"] is False
    assert respondent_values(DEFINITION, frame, {"kind": "nps", "question": "nps"}).tolist() == [
        100.0, 100.0, 0.0, -100.0,
    ]  # fmt: skip


def test_csat_is_the_top_two_share_and_the_mean_has_a_t_interval():
    frame = _frame([(10, 5, "a"), (9, 4, "a"), (8, 3, "b"), (3, 1, "b"), (None, None, "b")])
    csat = metric_result(DEFINITION, frame, {"kind": "csat", "question": "stars"})
    assert csat["value"] == pytest.approx(50.0) and csat["n"] == 4
    assert csat["small"] is True  # 4 < 30
    mean = metric_result(DEFINITION, frame, {"kind": "mean", "question": "stars"})
    x = np.array([5, 4, 3, 1.0])
    low, high = stats.t.interval(0.95, 3, loc=x.mean(), scale=stats.sem(x))
    assert mean["value"] == pytest.approx(3.25) and mean["ci"] == pytest.approx([low, high])


def test_the_defaults_are_every_nps_and_rating_and_a_wrong_kind_is_refused():
    assert default_metrics(DEFINITION) == [
        {"kind": "nps", "question": "nps"},
        {"kind": "csat", "question": "stars"},
    ]
    with pytest.raises(StatsInputError):
        check_spec(DEFINITION, {"kind": "nps", "question": "stars"})
    with pytest.raises(StatsInputError):
        check_spec(DEFINITION, {"kind": "mean", "question": "nope"})
    assert check_spec(DEFINITION, {"kind": "top2", "question": "stars"})["kind"] == "top2"
