"""The `.sav` columns' fast paths (issue 24.1 benchmark) give what the plain per-cell pass
gives: formulas neutralised in text whatever it holds, option values to the same codes."""

import random

import numpy as np
import pandas as pd
import pytest

from analysis.exports.codebook import ValueLabel, Variable, value_key
from app.results.export_sav import _coded, _text
from app.results.exports import FORMULA_PREFIXES, neutralise_cell

HOSTILE = [
    '=HYPERLINK("http://example.com","点我领奖")',
    "+86 138 0013 8000",
    "-1",
    "-1.5e3",
    "+3",
    "-",
    "=",
    "@SUM(A1:A9)",
    "@",
    "\t=1+1",
    "\r\n换行开头",
    "\n换行不是公式",
    " =前面有空格",
    "'=已有撇号",
    "－全角减号",
    "＝全角等号",
    "A=1",
    "123",
    ".5",
    "😀=1",
    "",
]
CHINESE = [
    "配送速度很快，包装完好",
    "价格偏高，希望多一些优惠活动",
    "客服态度不错=值得推荐",
    "一般般吧",
    "《说明书》看不懂",
    "“双引号”开头",
]


def plain_text(cells: pd.Series) -> list[str]:
    """The reference: every cell through `neutralise_cell`, one by one."""
    return ["" if pd.isna(v) else neutralise_cell(str(v)) for v in cells]


def plain_coded(cells: pd.Series, variable: Variable) -> list[float]:
    codes = {v.value: v.code for v in variable.values}
    numeric = pd.api.types.is_numeric_dtype(cells.dtype)
    by_number = {float(k): c for k, c in codes.items() if k.lstrip("-").isdigit()}
    out = []
    for v in cells:
        if pd.isna(v):
            out.append(np.nan)
        elif numeric:
            out.append(by_number.get(float(v), np.nan))
        else:
            out.append(codes.get(v, codes.get(value_key(v), np.nan)))
    return out


def random_texts(count: int, seed: int) -> list:
    rng = random.Random(seed)
    alphabet = [*FORMULA_PREFIXES, "1", ".", " ", "A", "a", "'", "中", "文", "，", "😀", "＝"]
    texts: list = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.1:
            texts.append(None if roll < 0.05 else np.nan)
        else:
            texts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))))
    return texts


@pytest.mark.parametrize("dtype", ["str", object])
def test_text_cells_match_the_per_cell_pass_on_hostile_and_chinese_text(dtype):
    cells = pd.Series([*HOSTILE, *CHINESE, None, np.nan] * 3, dtype=dtype)
    fast = _text(cells)
    assert list(fast) == plain_text(cells)
    assert fast[0] == "'" + HOSTILE[0] and fast[len(HOSTILE)] == CHINESE[0]


@pytest.mark.parametrize("dtype", ["str", object])
def test_text_cells_match_the_per_cell_pass_on_random_text(dtype):
    cells = pd.Series(random_texts(5_000, seed=24), dtype=dtype)
    assert list(_text(cells)) == plain_text(cells)


def test_numbers_in_a_text_column_are_written_as_their_text():
    cells = pd.Series([4, 4.5, -2.0, True, "-3", "=1", None], dtype=object)
    assert list(_text(cells)) == plain_text(cells) == ["4", "4.5", "-2.0", "True", "-3", "'=1", ""]


def satisfaction() -> Variable:
    labels = ["很不满意", "不满意", "一般", "满意", "很满意"]
    values = [ValueLabel(str(i), float(i), w) for i, w in enumerate(labels, 1)]
    values.append(ValueLabel("dk", 99.0, "不知道", missing=True))
    return Variable("s", "s", "满意度", "single_choice", "ordinal", "coded", tuple(values))


@pytest.mark.parametrize(
    "cells",
    [
        pd.Series(["1", "5", "dk", None, "3", np.nan, "9", "很满意"] * 4, dtype="str"),
        pd.Series(["1", 4, 4.0, "dk", None, 2.5, "2"], dtype=object),  # an old version's types
        pd.Series([1.0, 5.0, np.nan, 3.0, 7.0, 0.0]),
        pd.Series([1, 2, 5], dtype="int64"),
    ],
    ids=["text", "mixed", "float", "int"],
)
def test_option_values_get_the_codes_of_the_per_cell_pass(cells):
    variable = satisfaction()
    np.testing.assert_array_equal(_coded(cells, variable), plain_coded(cells, variable))


def test_a_stray_number_for_a_text_option_gets_its_code():
    coded = _coded(pd.Series(["1", 4, 4.0, "dk", None], dtype=object), satisfaction())
    np.testing.assert_array_equal(coded, [1.0, 4.0, 4.0, 99.0, np.nan])


def test_codes_exact_in_float32_are_kept_in_it_and_others_in_float64():
    cells = pd.Series(["1", "5", None], dtype="str")
    assert _coded(cells, satisfaction()).dtype == np.float32
    scored = Variable("x", "x", "x", "single_choice", "ordinal", "coded",
                      (ValueLabel("1", 0.1, "低"), ValueLabel("5", 2.5, "高")))  # fmt: skip
    coded = _coded(cells, scored)
    assert coded.dtype == np.float64
    np.testing.assert_array_equal(coded, [0.1, 2.5, np.nan])
