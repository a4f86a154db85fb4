"""The data dictionary of an export: SPSS names, option codes and missing codes (issue 24.1).
Expected values are written out by hand from the SPSS rules (names: letters, digits and _,
a letter first, at most 64 bytes, unique ignoring case, no reserved word)."""

import math

import pandas as pd

from analysis.exports.codebook import codebook, option_codes, spss_names
from tests import definitions as d


def test_names_are_ascii_unique_ignoring_case_and_at_most_64_bytes():
    long_id = "q" * 80
    names = spss_names(["response_id", "used/live", "Used_live", "1st", "年龄", "BY",
                        f"{long_id}/a", f"{long_id}/b", "q.x/other_text"])  # fmt: skip
    assert names == {
        "response_id": "response_id",
        "used/live": "used_live",
        "Used_live": "Used_live_2",
        "1st": "v_1st",
        "年龄": "v5",
        "BY": "BY_",
        f"{long_id}/a": "q" * 64,
        f"{long_id}/b": "q" * 62 + "_2",
        "q.x/other_text": "q_x_other_text",
    }
    assert all(len(n.encode()) <= 64 and n.isascii() for n in names.values())


def test_unscored_options_get_missing_codes_above_the_scale():
    question = d.single_choice("sat", "满意度", [*[(str(i), str(i)) for i in range(1, 6)],
                               {"value": "dk", "label": "不知道", "scored": False}])  # fmt: skip
    codes = {v.value: (v.code, v.missing) for v in option_codes(question)}
    assert codes == {"1": (1, False), "2": (2, False), "3": (3, False), "4": (4, False),
                     "5": (5, False), "dk": (99, True)}  # fmt: skip


def test_explicit_scores_are_the_codes_and_missing_codes_clear_them():
    question = d.single_choice("spend", "月消费", [
        {"value": "low", "label": "低", "score": 50},
        {"value": "high", "label": "高", "score": 150},
        {"value": "na", "label": "不适用", "scored": False},
    ])  # fmt: skip
    codes = {v.value: v.code for v in option_codes(question)}
    assert codes == {"low": 50, "high": 150, "na": 999}


def test_text_options_are_numbered_by_position():
    question = d.single_choice("city", "城市", [("bj", "北京"), ("sh", "上海")])
    assert [(v.value, v.code, v.label) for v in option_codes(question)] == [
        ("bj", 1, "北京"),
        ("sh", 2, "上海"),
    ]


def test_a_value_no_definition_lists_gets_a_code_after_the_options():
    definition = d.definition(d.single_choice("city", "城市", [("bj", "北京"), ("sh", "上海")]))
    frame = pd.DataFrame({"city": ["bj", "gz", math.nan]})
    [city] = codebook([definition], frame, {"city": "城市"}).variables
    assert [(v.value, v.code, v.label) for v in city.values][-1] == ("gz", 3, "gz")


def test_an_older_versions_option_is_kept_and_each_multiple_choice_is_a_set():
    new = d.definition(d.multiple_choice("uses", "功能", [("live", "直播")]))
    old = d.definition(d.multiple_choice("uses", "功能", [("live", "直播"), ("map", "地图")]))
    frame = pd.DataFrame({"uses/live": [1, 0], "uses/map": [0, 1]})
    book = codebook([new, old], frame, {})
    [uses] = book.response_sets
    assert (uses.name, uses.label, uses.variables) == ("$uses", "功能", ("uses_live", "uses_map"))
    assert [v.measure for v in book.variables] == ["nominal", "nominal"]
