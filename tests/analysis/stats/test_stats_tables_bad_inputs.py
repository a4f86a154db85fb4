"""Bad inputs to the tables (banner, correlation matrix, α, key drivers): each a clear
engine error naming the place, or a result whose p-values are absent (None), never a
traceback and never a bare p = 0."""

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.stats import (
    StatsWarning,
    banner_table,
    correlation_matrix,
    cronbach_alpha,
    json_ready,
    key_drivers,
    prepare_frame,
)
from analysis.stats.errors import StatsInputError, UnknownColumnError

DEFINITION = {
    "schema_version": 1,
    "title": "坏输入",
    "pages": [
        {
            "id": "p",
            "questions": [
                {"id": "score", "type": "number", "title": "分数"},
                {
                    "id": "group",
                    "type": "single_choice",
                    "title": "组别",
                    "options": [{"value": "a", "label": "甲"}, {"value": "b", "label": "乙"}],
                },
            ],
        }
    ],
}


FRAMES = {
    "empty": pd.DataFrame({"x": [], "y": [], "z": []}, dtype=float),
    "all missing": pd.DataFrame({"x": [np.nan] * 5, "y": [np.nan] * 5, "z": [np.nan] * 5}),
    "constant": pd.DataFrame(
        {"x": [3.0] * 6, "y": [1.0, 2, 3, 4, 5, 6], "z": [2.0, 1, 4, 3, 6, 5]}
    ),
    "infinite": pd.DataFrame(
        {
            "x": [1.0, np.inf, 3, 4, 5, 6, 2],
            "y": [2.0, 1, 4, 3, 6, 5, 1],
            "z": [1.0, 3, 2, 5, 4, 6, 2],
        }
    ),
}


@pytest.mark.parametrize("case", list(FRAMES))
@pytest.mark.parametrize("entry", ["matrix", "alpha", "drivers"])
def test_degenerate_numbers_give_none_not_zero(case, entry):
    frame = FRAMES[case]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = {
            "matrix": lambda: correlation_matrix(frame, ["x", "y", "z"]),
            "alpha": lambda: cronbach_alpha(frame, ["x", "y", "z"]),
            "drivers": lambda: key_drivers(frame, "x", ["y", "z"]),
        }[entry]()
    assert all(issubclass(w.category, StatsWarning) for w in caught)
    if case == "infinite":  # the inf answer is left out like a blank, and said so
        assert any("infinite" in str(w.message) for w in caught)
        n = out["n"][0][1] if entry == "matrix" else out["n"]
        assert n == 6
    ready = json_ready(out)
    json.dumps(ready, allow_nan=False)
    if entry == "matrix":
        p = ready["p"][0][1]
        assert p is None or p > 0
    elif entry == "drivers":
        for d in ready["drivers"].values():
            assert d["beta_p"] is None or d["beta_p"] > 0
    elif case in ("empty", "all missing"):
        assert ready["alpha"] is None and ready["caution"] == "too_few_respondents"
    elif case == "constant":  # α exists (the total varies); the constant item has no r
        assert ready["item_analysis"]["x"]["item_total_r"] is None


@pytest.mark.parametrize(
    "call",
    [
        lambda f: correlation_matrix(f, ["x", "文字"]),
        lambda f: cronbach_alpha(f, ["x", "文字"]),
        lambda f: key_drivers(f, "x", ["文字"]),
    ],
)
def test_text_is_an_error_naming_the_column(call):
    frame = pd.DataFrame({"x": [1.0, 2, 3], "文字": ["很好", "2", "3"]})
    with pytest.raises(StatsInputError, match="文字: answers must be numbers"):
        call(frame)


@pytest.mark.parametrize(
    "call",
    [
        lambda f: correlation_matrix(f, ["x", "无"]),
        lambda f: cronbach_alpha(f, ["x", "无"]),
        lambda f: key_drivers(f, "无", ["x"]),
    ],
)
def test_unknown_column_is_a_usage_error(call):
    with pytest.raises(UnknownColumnError, match="无"):
        call(pd.DataFrame({"x": [1.0, 2, 3]}))


def test_banner_with_one_group_an_empty_option_and_an_infinite_answer():
    raw = pd.DataFrame({"score": [1.0, 2.0, np.inf, 4.0, 5.0], "group": ["a", "a", "a", "a", None]})
    frame = prepare_frame(DEFINITION, raw)
    with pytest.warns(StatsWarning, match="infinite"):
        out = banner_table(frame, DEFINITION, "score", ["group"])
    ready = json_ready(out)
    json.dumps(ready, allow_nan=False)
    assert ready["mean"]["n"] == [4, 3, 0]  # 乙 has nobody: no test, no letter
    assert ready["mean"]["pairs"][0]["p"] is None
    assert ready["mean"]["letters"] == [[], [], []]
    assert not math.isinf(out["mean"]["mean"][0])
