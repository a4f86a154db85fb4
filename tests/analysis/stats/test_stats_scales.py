"""Cronbach's α with reverse-keyed items, item-total statistics and weights.

References: a hand computation on five respondents (variances written out, checked with
Python's `statistics` module, not numpy), and for weights the equivalence of integer weights
with repeated rows (α, item means and item–total r only depend on the covariance matrix up
to a constant). Tolerance: pytest.approx's default (relative 1e-6).
"""

import math
import statistics

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.stats import StatsWarning, cronbach_alpha
from analysis.stats.errors import StatsInputError

# Five respondents, three items on a 1–5 scale.
#   a = 1 2 3 4 5   s² = 2.5
#   b = 2 2 3 5 4   s² = 1.7
#   c = 1 3 3 4 5   s² = 2.2
#   total = 4 7 9 13 14   s² = 17.3
#   α = 3/2 · (1 − (2.5 + 1.7 + 2.2) / 17.3) = 1.5 · 10.9 / 17.3 = 0.945087
#   without a: b + c = 3 5 6 9 9, s² = 6.8, α = 2 · (1 − 3.9 / 6.8) = 0.852941
FIVE = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 4], "c": [1, 3, 3, 4, 5]})


def _hand_alpha(columns: list[list[float]]) -> float:
    k = len(columns)
    total = [sum(v) for v in zip(*columns, strict=True)]
    return (
        k
        / (k - 1)
        * (1 - sum(statistics.variance(c) for c in columns) / statistics.variance(total))
    )


def test_alpha_and_item_total_statistics_by_hand():
    out = cronbach_alpha(FIVE, ["a", "b", "c"])
    assert out["alpha"] == pytest.approx(1.5 * 10.9 / 17.3)
    items = out["item_analysis"]
    assert items["a"]["alpha_if_deleted"] == pytest.approx(2 * (1 - 3.9 / 6.8))
    for name in "abc":
        others = [FIVE[o].tolist() for o in "abc" if o != name]
        rest = [x + y for x, y in zip(*others, strict=True)]
        assert items[name]["alpha_if_deleted"] == pytest.approx(_hand_alpha(others))
        assert items[name]["item_total_r"] == pytest.approx(
            statistics.correlation(FIVE[name].tolist(), rest)
        )
        assert items[name]["mean"] == pytest.approx(statistics.mean(FIVE[name]))
        assert items[name]["sd"] == pytest.approx(statistics.stdev(FIVE[name]))
    # Feldt's interval is kept: 1 − (1 − α)·F quantiles with (n−1, (n−1)(k−1)) = (4, 8) df
    alpha = out["alpha"]
    assert out["ci_low"] == pytest.approx(1 - (1 - alpha) * stats.f.ppf(0.975, 4, 8))
    assert out["ci_method"] == "feldt" and out["weighted"] is False


def test_reverse_keyed_item_is_recoded_from_the_scale_not_the_data():
    # b runs against a and c; on a 1–5 scale its recode is 1 + 5 − b (its answers only reach
    # 2..5, so min + max of the data would give 7 − b instead)
    frame = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [5, 4, 3, 2, 2], "c": [1, 2, 3, 4, 4]})
    with pytest.warns(StatsWarning, match="reverse-keyed"):
        assert cronbach_alpha(frame, ["a", "b", "c"])["alpha"] < 0
    out = cronbach_alpha(frame, ["a", "b", "c"], reverse=["b"], score_range={"b": (1, 5)})
    recoded = [frame["a"].tolist(), [6 - x for x in frame["b"]], frame["c"].tolist()]
    assert out["alpha"] == pytest.approx(_hand_alpha(recoded))
    assert out["caution"] is None and out["reverse"] == ["b"]
    assert out["item_analysis"]["b"]["reversed"] is True
    assert out["item_analysis"]["b"]["mean"] == pytest.approx(statistics.mean(recoded[1]))


def test_reverse_needs_the_item_and_its_range():
    with pytest.raises(StatsInputError, match="needs its scale"):
        cronbach_alpha(FIVE, ["a", "b", "c"], reverse=["b"])
    with pytest.raises(StatsInputError, match="one of the items"):
        cronbach_alpha(FIVE, ["a", "b"], reverse=["c"], score_range={"c": (1, 5)})


def test_weighted_alpha_with_whole_weights_equals_repeating_the_rows():
    rng = np.random.default_rng(8)
    trait = rng.normal(size=40)
    frame = pd.DataFrame(
        {f"q{k}": np.clip((3 + trait + rng.normal(size=40)).round(), 1, 5) for k in range(4)}
    )
    w = rng.integers(1, 5, 40)
    out = cronbach_alpha(frame, list(frame.columns), weights=w)
    repeated = frame.loc[frame.index.repeat(w)]
    ref = cronbach_alpha(repeated, list(frame.columns))
    assert out["alpha"] == pytest.approx(ref["alpha"])
    for name in frame.columns:
        mine, theirs = out["item_analysis"][name], ref["item_analysis"][name]
        assert mine["alpha_if_deleted"] == pytest.approx(theirs["alpha_if_deleted"])
        assert mine["item_total_r"] == pytest.approx(theirs["item_total_r"])
        assert mine["mean"] == pytest.approx(theirs["mean"])
    assert out["weighted"] is True and out["ci_method"] == "feldt_kish"
    # probability weights: multiplying them by a constant changes nothing
    scaled = cronbach_alpha(frame, list(frame.columns), weights=w / 1000)
    assert scaled["alpha"] == pytest.approx(out["alpha"])
    assert scaled["ci_low"] == pytest.approx(out["ci_low"])
    # Kish's n_eff = (Σw)²/Σw² in Feldt's degrees of freedom
    n_eff = w.sum() ** 2 / (w**2).sum()
    assert out["ci_low"] == pytest.approx(
        1 - (1 - out["alpha"]) * stats.f.ppf(0.975, n_eff - 1, (n_eff - 1) * 3)
    )


def test_two_respondents_keep_the_caution_even_with_reverse_keying():
    frame = pd.DataFrame({"a": [1, 2], "b": [2, 1], "c": [1, 2]})
    with pytest.warns(StatsWarning, match="needs 3 complete respondents"):
        out = cronbach_alpha(frame, ["a", "b", "c"], reverse=["b"], score_range={"b": (1, 5)})
    assert math.isnan(out["alpha"]) and out["caution"] == "too_few_respondents"
