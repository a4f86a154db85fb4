"""Wave-over-wave differences against hand computations, and changed wording matched by id."""

import copy
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.charts import trend_chart
from analysis.findings.waves import Wave, compare_waves, question_changes, wave_difference
from analysis.stats.table import prepare_frame
from tests import definitions as d

DEFINITION = d.definition(d.page("p1", d.nps(), d.rating("stars")))
NPS = {"kind": "nps", "question": "nps"}
MEAN = {"kind": "mean", "question": "stars"}
CSAT = {"kind": "csat", "question": "stars"}


def _wave(number, rows, definition=DEFINITION):
    ids = [q["id"] for q in definition["pages"][0]["questions"]]
    rows = [tuple(row) + (None,) * (len(ids) - len(row)) for row in rows]
    frame = prepare_frame(definition, pd.DataFrame(rows, columns=ids))
    return Wave(number, definition, frame)


FIRST = [(10, 5), (9, 4), (8, 3), (3, 1), (6, 2), (10, 5)]  # NPS 3 pro, 2 det of 6
SECOND = [(10, 5), (9, 5), (10, 4), (7, 3), (2, 2), (9, 4), (8, 4)]  # 4 pro, 1 det of 7


def _welch(a, b):
    """Welch's interval of mean(b) − mean(a) written out (Welch 1947)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    qa, qb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    df = (qa + qb) ** 2 / (qa**2 / (a.size - 1) + qb**2 / (b.size - 1))
    diff = b.mean() - a.mean()
    half = stats.t.ppf(0.975, df) * math.sqrt(qa + qb)
    p = 2 * stats.t.sf(abs(diff) / math.sqrt(qa + qb), df)
    return diff, diff - half, diff + half, p


def test_nps_difference_is_welch_on_the_plus_minus_hundred_values():
    result = compare_waves([_wave(1, FIRST), _wave(2, SECOND)], [NPS])
    row = result["metrics"][0]
    assert [v["value"] for v in row["values"]] == pytest.approx([100 / 6, 300 / 7])
    assert [v["n"] for v in row["values"]] == [6, 7]
    first = [100, 100, 0, -100, -100, 100]
    second = [100, 100, 100, 0, -100, 100, 0]
    diff, low, high, p = _welch(first, second)
    got = row["differences"][1]
    assert got["difference"] == pytest.approx(300 / 7 - 100 / 6)
    assert got["difference"] == pytest.approx(diff)
    assert got["ci"] == pytest.approx([low, high])
    assert got["p"] == pytest.approx(p)
    assert got["from"] == 1 and got["to"] == 2 and got["significant"] is False
    assert row["differences"][0] is None


def test_mean_difference_matches_a_hand_welch_interval_and_scipy_p():
    row = compare_waves([_wave(1, FIRST), _wave(2, SECOND)], [MEAN])["metrics"][0]
    a, b = [5, 4, 3, 1, 2, 5], [5, 5, 4, 3, 2, 4, 4]
    diff, low, high, p = _welch(a, b)
    got = row["differences"][1]
    assert got["difference"] == pytest.approx(diff)
    assert got["ci"] == pytest.approx([low, high])
    assert got["p"] == pytest.approx(stats.ttest_ind(b, a, equal_var=False).pvalue)
    assert got["p"] == pytest.approx(p)


def test_a_share_difference_uses_newcombe_and_the_pooled_z_test():
    earlier = np.array([100.0] * 30 + [0.0] * 70)
    later = np.array([100.0] * 50 + [0.0] * 50)
    got = wave_difference("csat", earlier, later)
    assert got["difference"] == pytest.approx(20.0)
    pooled = 80 / 200
    z = 0.2 / math.sqrt(pooled * (1 - pooled) * (2 / 100))
    assert got["p"] == pytest.approx(2 * stats.norm.sf(z))
    assert got["significant"] is True

    # Newcombe (1998) method 10 from the two Wilson intervals
    def wilson(p, n, zq=1.959964):
        centre = (p + zq * zq / (2 * n)) / (1 + zq * zq / n)
        half = zq * math.sqrt(p * (1 - p) / n + zq * zq / (4 * n * n)) / (1 + zq * zq / n)
        return centre - half, centre + half

    (l1, u1), (l2, u2) = wilson(0.5, 100), wilson(0.3, 100)
    low = 0.2 - math.sqrt((0.5 - l1) ** 2 + (u2 - 0.3) ** 2)
    high = 0.2 + math.sqrt((u1 - 0.5) ** 2 + (0.3 - l2) ** 2)
    assert got["ci"] == pytest.approx([low * 100, high * 100], abs=1e-4)


def test_weighted_waves_use_the_design_based_standard_errors():
    earlier, later = np.array([1.0, 2, 3, 4]), np.array([2.0, 3, 5, 6])
    w1, w2 = np.ones(4), np.ones(4)
    got = wave_difference("mean", earlier, later, weights_earlier=w1, weights_later=w2)
    # equal weights: linearised SE = sqrt(n/(n-1) * sum((y-ȳ)²)/n²) = s/√n
    se = math.hypot(earlier.std(ddof=1) / 2, later.std(ddof=1) / 2)
    assert got["difference"] == pytest.approx(1.5)
    assert got["ci"] == pytest.approx([1.5 - 1.959964 * se, 1.5 + 1.959964 * se], abs=1e-5)


def test_changed_wording_is_matched_by_id_and_one_wave_questions_are_listed():
    second = copy.deepcopy(DEFINITION)
    second["pages"][0]["questions"][1]["title"] = "您对我们的服务满意吗（新措辞）？"
    second["pages"][0]["questions"].append(d.rating("ease"))
    result = compare_waves(
        [_wave(1, FIRST), _wave(2, SECOND, second)],
        [NPS, MEAN, {"kind": "mean", "question": "ease"}],
    )
    rows = {r["question"]: r for r in result["metrics"]}
    assert rows["stars"]["changed"] == [2] and rows["nps"]["changed"] == []
    assert rows["stars"]["differences"][1]["difference"] == pytest.approx(
        np.mean([5, 5, 4, 3, 2, 4, 4]) - np.mean([5, 4, 3, 1, 2, 5])
    )
    assert rows["ease"]["values"][0] is None and rows["ease"]["differences"][1] is None
    assert result["questions"] == {"changed": {"stars": [2]}, "partial": {"ease": [2]}}
    assert question_changes([DEFINITION, DEFINITION]) == {"changed": {}, "partial": {}}


def test_three_waves_give_consecutive_differences_and_a_trend_chart():
    third = [(10, 5)] * 5 + [(3, 1)]
    result = compare_waves([_wave(1, FIRST), _wave(2, SECOND), _wave(3, third)], [NPS, CSAT])
    nps_row = result["metrics"][0]
    assert [d_["to"] for d_ in nps_row["differences"][1:]] == [2, 3]
    assert nps_row["differences"][2]["difference"] == pytest.approx(400 / 6 - 300 / 7)
    fig = trend_chart(
        ["第 1 轮", "第 2 轮", "第 3 轮"],
        [v["value"] for v in nps_row["values"]],
        [v["ci"] for v in nps_row["values"]],
        title="净推荐值",
    )
    assert len(fig.axes[0].lines) >= 1
