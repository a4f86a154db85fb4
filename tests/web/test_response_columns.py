"""The typed columns of a stored block give back exactly the frame pandas builds from the
same cells as Python lists, whatever mix of values a column holds."""

import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from app.responses import columns

NAN = math.nan

BLOCKS = [
    {  # cells of three responses, then of two, one dict per block
        "ints": [1, 2, 3],
        "ints_with_gaps": [4, NAN, 6],
        "decimals": [1, 2.5, NAN],
        "text": ["北京", NAN, "上海"],
        "number_then_text": [7, 8, NAN],
        "huge": [2**70, 1, 2],
        "flags": [True, False, NAN],
        "only_in_first": ["a", "b", "c"],
        "empty": [NAN, NAN, NAN],
    },
    {
        "ints": [4, 5],
        "ints_with_gaps": [NAN, 8],
        "decimals": [3, NAN],
        "text": ["上海", "广州"],
        "number_then_text": ["还可以", NAN],
        "huge": [3, 4],
        "flags": [NAN, True],
        "only_in_second": [1, NAN],
        "empty": [NAN, NAN],
    },
]
NAMES = [
    "ints", "ints_with_gaps", "decimals", "text", "number_then_text", "huge", "flags",
    "only_in_first", "only_in_second", "empty",
]  # fmt: skip


def as_lists(blocks) -> pd.DataFrame:
    data = {name: [] for name in NAMES}
    for cells in blocks:
        length = len(next(iter(cells.values())))
        for name in NAMES:
            data[name].extend(cells.get(name, [NAN] * length))
    return pd.DataFrame(data, columns=NAMES)


@pytest.mark.parametrize("stored", [False, True], ids=["in memory", "encoded and decoded"])
def test_joined_blocks_equal_the_frame_built_from_lists(stored):
    blocks = [columns.block_of(cells, len(cells["ints"])) for cells in BLOCKS]
    if stored:
        blocks = [columns.decode(columns.encode(block)) for block in blocks]
    joined = columns.frame(blocks, NAMES)
    assert_frame_equal(joined, as_lists(BLOCKS), check_exact=True)
    assert joined["ints"].dtype == np.int64 and joined["huge"].tolist()[0] == 2**70
    mixed = joined["number_then_text"].tolist()
    assert mixed[:2] == [7, 8] and math.isnan(mixed[2]) and mixed[3] == "还可以"


def test_rows_taken_from_a_block_keep_the_types_pandas_would_give_them():
    block = columns.block_of(BLOCKS[0], 3)
    keep = np.array([True, False, True])
    taken = columns.frame([columns.take(block, keep)], NAMES)
    expected = as_lists([{name: [v for v, k in zip(cells, keep, strict=True) if k]
                          for name, cells in BLOCKS[0].items()}])  # fmt: skip
    assert_frame_equal(taken, expected, check_exact=True)
    assert taken["ints_with_gaps"].dtype == np.int64  # the gap was in the row left out


def test_no_rows_give_the_columns_only():
    assert list(columns.frame([], NAMES).columns) == NAMES
