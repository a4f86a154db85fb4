"""Options that are answers but not points on the scale (不适用, 不清楚, 不愿透露), and
explicit scores kept when some options have none (docs/questionnaire-format.md, "Scores").

Every figure is checked against a hand computation written out in the test."""

import math

import numpy as np
import pandas as pd
import pytest
from stats_helpers import one_question
from statsmodels.stats.proportion import proportion_confint

from analysis.stats import StatsWarning, describe_question, prepare_frame
from analysis.stats.narrative import format_report
from analysis.stats.report import scored_column, summarise
from analysis.stats.table import option_scores
from surveys.templates import load_template

SCALE = [{"value": str(k), "label": f"{k}分"} for k in range(1, 6)]
NA = {"value": "na", "label": "不适用", "scored": False}


def matrix_row(options, cells):
    definition = one_question("matrix", rows=[{"value": "r", "label": "配送"}], options=options)
    frame = prepare_frame(definition, pd.DataFrame({"q/r": cells}))
    out = describe_question(frame, definition["pages"][0]["questions"][0])
    return out, out["rows"]["r"]


@pytest.mark.parametrize("na", [NA, {"value": "na", "label": "不适用"}], ids=["marked", "unmarked"])
def test_not_applicable_on_a_five_point_scale_is_left_out_of_mean_and_boxes(na):
    # 5, 4, 4, 2 and three 不适用: by hand the mean is 15/4, top-2 (4–5) 3 of 4, bottom-2 1 of 4.
    # Before, 不适用 scored 6: mean (15 + 18) / 7 and top-2 6 of 7.
    out, row = matrix_row([*SCALE, na], ["5", "4", "na", "4", "na", "2", "na", None])
    assert row["counts"]["na"] == 3  # listed in the distribution as its own row
    assert row["n"] == 7 and row["percent"]["na"] == pytest.approx(300 / 7)
    assert row["mean"] == pytest.approx(15 / 4)
    assert row["sd"] == pytest.approx(np.std([5, 4, 4, 2], ddof=1))
    assert row["top2"]["percent"] == pytest.approx(75.0)
    assert row["bottom2"]["percent"] == pytest.approx(25.0)
    low, high = proportion_confint(3, 4, method="wilson")
    assert row["top2"]["ci"] == pytest.approx([low * 100, high * 100])
    assert out["not_scored"] == ["na"]


def test_a_not_scored_option_is_nan_in_comparisons_and_correlations():
    definition = one_question("single_choice", options=[*SCALE, NA])
    frame = prepare_frame(definition, pd.DataFrame({"q": ["1", "na", "5", "3"]}))
    values, ordinal = scored_column(definition, frame, "q")
    assert ordinal
    assert values.tolist()[0] == 1.0 and math.isnan(values.tolist()[1])
    assert values.tolist()[2:] == [5.0, 3.0]


def test_explicit_scores_are_kept_when_one_option_has_none():
    options = [
        {"value": "low", "label": "低", "score": 1},
        {"value": "mid", "label": "中", "score": 5},
        {"value": "high", "label": "高", "score": 10},
        {"value": "unsure", "label": "不清楚"},
    ]
    question = one_question("single_choice", options=options)["pages"][0]["questions"][0]
    scores = option_scores(question)
    assert {k: v for k, v in scores.items() if k != "unsure"} == {"low": 1, "mid": 5, "high": 10}
    assert math.isnan(scores["unsure"])
    _, row = matrix_row(options, ["low", "high", "high", "unsure"])
    assert row["mean"] == pytest.approx((1 + 10 + 10) / 3)  # not (1 + 3 + 3) / 3


def test_positions_count_only_the_scored_options_when_none_has_a_score():
    options = [{"value": v, "label": v} for v in ("disagree", "neutral", "agree")]
    question = one_question("matrix", options=[*options, NA])["pages"][0]["questions"][0]
    scores = option_scores(question)
    assert [scores[v] for v in ("disagree", "neutral", "agree")] == [1.0, 2.0, 3.0]
    assert math.isnan(scores["na"])


def test_values_that_python_reads_as_numbers_are_not_scores():
    # float("18_24") is 1824 and float("inf") is infinite: neither is a score.
    options = [{"value": v, "label": v} for v in ("under18", "18_24", "25_30", "inf")]
    question = one_question("single_choice", options=options)["pages"][0]["questions"][0]
    assert list(option_scores(question).values()) == [1.0, 2.0, 3.0, 4.0]


def test_the_income_template_orders_the_bands_and_leaves_no_answer_out():
    definition = load_template("user_profile")
    income = next(q for q in definition["pages"][0]["questions"] if q["id"] == "income")
    scores = option_scores(income)
    bands = ["lt3k", "3k_5k", "5k_10k", "10k_20k", "20k_50k", "gt50k"]
    assert [scores[b] for b in bands] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert math.isnan(scores["no_answer"])  # before: 7, above the highest band
    # Mean band of 3 answers (bands 1, 3, 6) and one 不愿透露: by hand 10/3, n = 3
    frame = pd.DataFrame({"income": ["lt3k", "5k_10k", "gt50k", "no_answer"]})
    with pytest.warns(StatsWarning, match="missing from the response table"):
        prepared = prepare_frame(definition, frame)
    values, _ = scored_column(definition, prepared, "income")
    assert values.mean() == pytest.approx(10 / 3) and values.count() == 3


def test_the_csat_template_reports_a_csat():
    definition = load_template("csat")
    answers = [5, 4, 3, 5, 1]  # by hand: 3 of 5 say 4 or 5 → 60 %
    frame = pd.DataFrame({"csat": answers})
    with pytest.warns(StatsWarning, match="missing from the response table"):
        out = summarise(definition, frame)
    assert out["questions"]["csat"]["csat"]["percent"] == pytest.approx(60.0)
    assert out["questions"]["csat"]["mean"] == pytest.approx(18 / 5)


def test_the_text_report_names_the_options_left_out():
    rows = [{"value": "r", "label": "配送"}]
    definition = one_question("matrix", rows=rows, options=[*SCALE, NA])
    out = summarise(definition, pd.DataFrame({"q/r": ["5", "na", "3"]}))
    assert out["questions"]["q"]["rows"]["r"]["mean"] == pytest.approx(4.0)  # (5 + 3) / 2
    assert "“不适用”未计入均值等基于分值的统计" in format_report(out)
