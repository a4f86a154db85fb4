"""Bad inputs to every entry point of the statistics engine (Python API and CLI): each is the
engine's own error with the place named, or a result with a caveat, never a traceback.

References: hand computations written beside each assertion.
"""

import json
import math
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest
from stats_helpers import DATA, make_responses

from analysis.stats import (
    StatsInputError,
    StatsWarning,
    correlation,
    crosstab,
    independence_test,
    mean_estimate,
    nps,
    proportion,
    summarise,
)
from analysis.stats.cli import main as stats_main
from analysis.stats.descriptives import category_shares
from analysis.stats.errors import UnknownColumnError
from analysis.stats.estimates import histogram
from analysis.stats.scores import kano

# --- Python API -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "location"),
    [
        (lambda: mean_estimate(["三", "四"]), "answers"),
        (lambda: mean_estimate([1.0, 2.0], weights=["重", "轻"]), "weights"),
        (lambda: nps(["推荐", "不推荐"]), "NPS"),
        (lambda: histogram(["很多"]), "answers"),
    ],
)
def test_strings_raise_the_engine_error_naming_the_input(call, location):
    with pytest.raises(StatsInputError, match="must be numbers") as exc:
        call()
    assert exc.value.location == location


@pytest.mark.parametrize("big", [math.inf, -math.inf, float("1e400")])
def test_infinite_numbers_are_left_out_with_a_warning(big):
    with pytest.warns(StatsWarning, match="infinite"):
        h = histogram([1.0, big, 3.0])
    # by hand: 1 and 3 in unit bins 0.5..3.5, the infinite answer left out
    assert h["edges"] == [0.5, 1.5, 2.5, 3.5] and h["counts"] == [1, 0, 1]
    with pytest.warns(StatsWarning, match="infinite"):
        est = mean_estimate([1.0, big, 3.0])
    assert est["n"] == 2 and est["mean"] == 2.0 and est["median"] == 2.0


@pytest.mark.parametrize(
    "values",
    [[], [math.nan, math.nan], [4.0], [4.0, 4.0, 4.0]],
    ids=["empty", "all missing", "one answer", "constant"],
)
def test_degenerate_numbers_give_nan_not_an_error(values):
    est = mean_estimate(values)
    assert est["n"] == len([v for v in values if not math.isnan(v)])
    assert math.isnan(est["ci_low"]) or est["ci_low"] == est["ci_high"] == 4.0
    assert histogram(values)["counts"] == ([] if est["n"] == 0 else [est["n"]])


def test_an_all_zero_row_is_left_out_of_the_test_with_a_note():
    table = np.array([[10, 20], [0, 0], [30, 40]])
    with pytest.warns(StatsWarning, match="left out"):
        result = independence_test(table)
    assert result["dropped_rows"] == [1] and result["dropped_cols"] == []
    # by hand (Pearson, no continuity correction) on [[10, 20], [30, 40]]: n = 100,
    # E = [[12, 18], [28, 42]], chi² = 4/12 + 4/18 + 4/28 + 4/42 = 0.7936507936...
    assert result["test"] == "chi2" and result["dof"] == 1
    assert result["chi2"] == pytest.approx(4 / 12 + 4 / 18 + 4 / 28 + 4 / 42)


def test_a_table_left_with_one_row_is_not_computable():
    with pytest.warns(StatsWarning):
        result = independence_test(np.array([[0, 0], [3, 4]]))
    assert math.isnan(result["p"]) and "two non-empty rows" in result["note"]


def test_one_group_crosstab_has_no_test():
    frame = pd.DataFrame({"城市": ["一线"] * 4, "满意": ["1", "2", "1", "2"]})
    result = crosstab(frame, "城市", "满意")
    assert math.isnan(result["p"]) and result["test"] is None


def test_unknown_column_is_the_unknown_column_error():
    with pytest.raises(UnknownColumnError) as exc:
        crosstab(pd.DataFrame({"a": ["1"]}), "a", "不存在")
    assert exc.value.location == "不存在"


def test_unknown_weights_column_raises_the_engine_error(definition, responses):
    with pytest.raises(UnknownColumnError, match="weights") as exc:
        summarise(definition, responses, weights="权重")
    assert exc.value.location == "权重"


# --- CLI --------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path):
    definition = tmp_path / "def.json"
    shutil.copy(DATA / "demo_definition.json", definition)
    frame = make_responses(40)
    frame["weight"] = 1.0
    frame["age"] = frame["age"].astype(object)
    frame.loc[0, "age"] = "inf"
    frame.loc[1, "age"] = "1e400"
    table = tmp_path / "r.csv"
    frame.to_csv(table, index=False, encoding="utf-8-sig")
    return ["--definition", str(definition), "--responses", str(table)]


@pytest.mark.parametrize(
    ("extra", "code", "place"),
    [
        (["--weights", "权重"], 2, "权重"),
        (["--crosstab", "nope", "city"], 2, "nope"),
        (["--compare", "age", "无此列"], 2, "无此列"),
        (["--correlate", "sat", "不存在"], 2, "不存在"),
        (["--where", "地区=华东"], 2, "地区"),
        (["--scale", "s=attrs/price,attrs/无"], 2, "attrs/无"),
        (["--weights", "comment"], 1, "weights"),
        (["--sus", "attrs"], 1, "attrs"),
    ],
)
def test_cli_bad_input_is_a_message_and_an_exit_code(files, capsys, extra, code, place):
    assert stats_main([*files, *extra]) == code
    err = capsys.readouterr().err
    assert err.startswith("错误：") and place in err and "Traceback" not in err


def test_cli_infinite_numbers_are_left_out_with_a_warning(files, capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert stats_main([*files, "--weights", "weight", "--json"]) == 0
    assert any(issubclass(w.category, StatsWarning) for w in caught)
    age = json.loads(capsys.readouterr().out)["questions"]["age"]
    assert age["n"] == 38 and math.isfinite(age["max"]) and sum(age["histogram"]["counts"]) == 38


# --- survey weights ---------------------------------------------------------------------

WEIGHTED_CALLS = {
    "mean_estimate": lambda w: mean_estimate([1.0, 2.0, 3.0], weights=w),
    "proportion": lambda w: proportion([1.0, 0.0, 1.0], weights=w),
    "histogram": lambda w: histogram([1.0, 2.0, 3.0], weights=w),
    "nps": lambda w: nps([10.0, 3.0, 8.0], weights=w),
    "category_shares": lambda w: category_shares(
        pd.Series(["男", "女", "男"]), ["男", "女"], weights=w
    ),
    "crosstab": lambda w: crosstab(
        pd.DataFrame({"城市": ["一线", "二线", "一线"], "性别": ["男", "女", "女"]}),
        "城市",
        "性别",
        weights=w,
    ),
    "correlation": lambda w: correlation([1.0, 2.0, 3.0], [2.0, 1.0, 3.0], weights=w),
    "kano": lambda w: kano(["like"] * 3, ["dislike"] * 3, weights=w),
}


@pytest.mark.parametrize("name", sorted(WEIGHTED_CALLS))
@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (["重", "轻", "中"], "must be numbers"),
        ([1.0, -0.5, 1.0], "1 negative weight"),
        ([1.0, math.inf, 1.0], "blank or infinite"),
        ([1.0, math.nan, 1.0], "blank or infinite"),
        ([1.0, 2.0], "one weight per answer"),
    ],
    ids=["strings", "negative", "inf", "blank", "wrong length"],
)
def test_bad_weights_are_the_engine_error_naming_the_weights(name, weights, message):
    with pytest.raises(StatsInputError, match=message) as exc:
        WEIGHTED_CALLS[name](weights)
    assert exc.value.location == "weights"


@pytest.mark.parametrize("name", sorted(WEIGHTED_CALLS))
def test_all_zero_weights_leave_nothing_to_estimate_not_an_error(name):
    result = WEIGHTED_CALLS[name]([0.0, 0.0, 0.0])
    assert result.get("n", 0) in (0, [0, 0])
    assert result.get("weighted") is True
    for key in ("p", "ci_low", "mean", "proportion", "r"):
        assert key not in result or math.isnan(result[key])


@pytest.mark.parametrize(
    ("call", "expect_note"),
    [
        (
            lambda: crosstab(
                pd.DataFrame({"a": ["一线"] * 4, "b": ["1", "2", "1", "2"]}),
                "a",
                "b",
                weights=[1, 2, 3, 4],
            ),
            "two non-empty rows",
        ),
        (lambda: correlation([2, 2, 2, 2], [1, 2, 3, 4], weights=[1, 2, 3, 4]), "vary"),
        (lambda: correlation([1, 2, 3, 4], [2, 4, 6, 8], weights=[1, 2, 3, 4]), "r = ±1"),
        (lambda: correlation([1, 2], [2, 1], weights=[1, 2]), "at least 3 pairs"),
    ],
    ids=["one category", "constant", "a straight line", "two pairs"],
)
def test_degenerate_weighted_tests_have_no_p_and_say_why(call, expect_note):
    result = call()
    assert math.isnan(result["p"]) and expect_note in result["note"]


def test_weighted_crosstab_with_an_empty_cell_or_a_zero_weight_level_still_tests():
    # "三线" is answered only by a row of weight 0: outside the sample, not a level
    frame = pd.DataFrame(
        {"城市": ["一线", "一线", "二线", "二线", "二线", "三线"], "满意": list("121111")}
    )
    result = crosstab(frame, "城市", "满意", weights=[1, 2, 3, 4, 1, 0])
    assert result["row_values"] == ["一线", "二线"] and result["n"] == 5
    assert result["test"] == "rao_scott" and 0 < result["p"] < 1


def test_zero_weight_responses_are_counted_and_named_in_the_report(definition, responses):
    w = np.ones(len(responses))
    w[:7] = 0.0
    with pytest.warns(StatsWarning, match="7 response"):
        out = summarise(definition, responses, weights=w)
    assert out["zero_weight"] == 7 and out["n"] == len(responses) - 7
