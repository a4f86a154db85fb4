"""Per-question summaries against pandas counts and hand calculations.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import numpy as np
import pandas as pd
import pytest
from stats_helpers import one_question
from statsmodels.stats.proportion import proportion_confint

from analysis.stats import StatsWarning, describe_question, prepare_frame

OPTIONS = [{"value": "1", "label": "是"}, {"value": "2", "label": "否"}]


def describe(definition, frame, **kw):
    question = definition["pages"][0]["questions"][0]
    return describe_question(prepare_frame(definition, frame), question, **kw)


def test_single_choice_counts_percent_and_wilson_ci(definition, responses):
    frame = prepare_frame(definition, responses)
    q = definition["pages"][0]["questions"][1]  # city
    out = describe_question(frame, q)
    ref = responses["city"].value_counts()
    n = len(responses)
    for value in ("t1", "t2", "t3"):
        assert out["counts"][value] == ref[value]
        assert out["percent"][value] == pytest.approx(ref[value] / n * 100)
        low, high = proportion_confint(ref[value], n, method="wilson")
        assert out["ci"][value] == pytest.approx([low * 100, high * 100])
    assert out["n"] == n and out["missing"] == 0
    assert out["labels"]["t1"] == "一线"


def test_other_texts_are_listed(definition, responses):
    out = describe_question(
        prepare_frame(definition, responses), definition["pages"][0]["questions"][0]
    )
    assert out["other_texts"] == ["不愿透露"] * out["counts"]["other"]


def test_unexpected_values_are_counted_and_warned():
    definition = one_question("single_choice", options=OPTIONS)
    frame = pd.DataFrame({"q": ["1", "2", "9", None]})
    with pytest.warns(StatsWarning, match="not among the options"):
        out = describe(definition, frame)
    assert out["counts"] == {"1": 1, "2": 1, "9": 1}
    assert out["n"] == 3 and out["missing"] == 1


def test_excel_numbers_match_string_option_values():
    definition = one_question("single_choice", options=OPTIONS)
    out = describe(definition, pd.DataFrame({"q": [1.0, 2.0, 2.0, np.nan]}))
    assert out["counts"] == {"1": 1, "2": 2}


def test_multiple_choice_percent_of_respondents_and_of_mentions():
    definition = one_question(
        "multiple_choice", options=[{"value": v, "label": v} for v in ("a", "b", "c")]
    )
    # 4 respondents answered, 1 skipped; ticks: a 3, b 2, c 1 → 6 mentions
    frame = pd.DataFrame(
        {
            "q/a": [1, 1, 1, 0, None],
            "q/b": [1, 0, 1, 0, None],
            "q/c": [0, 0, 0, 1, None],
        }
    )
    out = describe(definition, frame)
    assert out["n"] == 4 and out["missing"] == 1
    assert out["percent"] == pytest.approx({"a": 75.0, "b": 50.0, "c": 25.0})
    assert out["percent_of_mentions"] == pytest.approx({"a": 50.0, "b": 100 / 3, "c": 100 / 6})
    low, high = proportion_confint(3, 4, method="wilson")
    assert out["ci"]["a"] == pytest.approx([low * 100, high * 100])


def test_matrix_rows_mean_and_boxes():
    scale = [{"value": str(k), "label": f"{k}分"} for k in range(1, 6)]
    definition = one_question("matrix", rows=[{"value": "r1", "label": "行1"}], options=scale)
    frame = pd.DataFrame({"q/r1": ["5", "4", "4", "3", "1", "2", None]})
    row = describe(definition, frame)["rows"]["r1"]
    # hand: answers 5,4,4,3,1,2 → mean 19/6; top-2 (4,5) = 3/6; bottom-2 (1,2) = 2/6
    assert row["mean"] == pytest.approx(19 / 6)
    assert row["top2"]["percent"] == pytest.approx(50.0)
    assert row["bottom2"]["percent"] == pytest.approx(100 / 3)
    low, high = proportion_confint(3, 6, method="wilson")
    assert row["top2"]["ci"] == pytest.approx([low * 100, high * 100])


def test_matrix_with_text_options_scores_by_position():
    scale = [{"value": v, "label": v} for v in ("disagree", "neutral", "agree")]
    definition = one_question("matrix", rows=[{"value": "r", "label": "r"}], options=scale)
    row = describe(definition, pd.DataFrame({"q/r": ["agree", "disagree"]}))["rows"]["r"]
    assert row["mean"] == pytest.approx(2.0)  # (3 + 1) / 2
    assert row["top2"]["percent"] == 50.0  # a 3-point scale boxes one option each side


def test_ranking_mean_rank_and_first_place():
    definition = one_question("ranking", options=[{"value": v, "label": v} for v in "xyz"])
    frame = pd.DataFrame(
        {"q/x": [1, 2, 1, None], "q/y": [2, 1, 3, None], "q/z": [3, None, 2, None]}
    )
    out = describe(definition, frame)
    assert out["n"] == 3
    assert out["options"]["x"]["mean_rank"] == pytest.approx(4 / 3)
    assert out["options"]["z"]["n_ranked"] == 2
    assert out["options"]["x"]["first_place_percent"] == pytest.approx(200 / 3)


def test_rating_csat_is_top_two_box():
    definition = one_question("rating", max=5)
    out = describe(definition, pd.DataFrame({"q": [5, 4, 3, 2, 5, None]}))
    assert out["csat"]["percent"] == pytest.approx(60.0)  # 3 of 5 answered 4 or 5
    assert out["counts"] == {"1": 0, "2": 1, "3": 1, "4": 1, "5": 2}
    assert out["mean"] == pytest.approx(19 / 5)


def test_numeric_summary_matches_pandas_describe():
    definition = one_question("number")
    values = pd.Series([3.5, 7.0, 1.0, 9.25, 4.0, None])
    out = describe(definition, pd.DataFrame({"q": values}))
    ref = values.describe()
    assert out["n"] == ref["count"]
    assert out["mean"] == pytest.approx(ref["mean"])
    assert out["sd"] == pytest.approx(ref["std"])
    assert [out["q1"], out["median"], out["q3"]] == pytest.approx(
        [ref["25%"], ref["50%"], ref["75%"]]
    )
    assert sum(out["histogram"]["counts"]) == 5


def test_weighted_percentages():
    definition = one_question("single_choice", options=OPTIONS)
    frame = pd.DataFrame({"q": ["1", "2", "2"]})
    out = describe(definition, frame, weights=np.array([2.0, 1.0, 1.0]))
    assert out["percent"]["1"] == pytest.approx(50.0)
    assert out["counts"] == {"1": 1, "2": 2}  # counts stay raw


def test_text_and_date_questions():
    definition = one_question("date")
    out = describe(definition, pd.DataFrame({"q": ["2026-01-05", None, "2025-12-31"]}))
    assert out == {
        "type": "date",
        "title": "题目",
        "n": 2,
        "missing": 1,
        "min": "2025-12-31",
        "max": "2026-01-05",
        "weighted": False,
    }
