"""surveys.paradata: what the browser sends is kept only when it fits the format, and is
flattened into the response table's paradata columns."""

import pytest

from surveys.paradata import MAX_BYTES, clean_paradata, paradata_columns


def test_good_paradata_is_kept_rounded():
    sent = {
        "pages": {"p1": 12.345, "p2": 3},
        "texts": {"why": {"pasted": True, "typing_s": 0}, "more": {"typing_s": 7.04}},
        "device": "0a1b2c3d4e5f",
    }
    assert clean_paradata(sent) == {
        "pages": {"p1": 12.3, "p2": 3.0},
        "texts": {
            "why": {"pasted": True, "typing_s": 0.0},
            "more": {"pasted": False, "typing_s": 7.0},
        },
        "device": "0a1b2c3d4e5f",
    }


@pytest.mark.parametrize(
    "sent",
    [
        None,
        [],
        "页面",
        {},
        {"pages": {"p1": -1}},
        {"pages": {"p1": 8 * 86400}},
        {"pages": {"第一页": 3}},
        {"pages": {"p1": "3"}},
        {"pages": {"p1": False}},
        {"pages": [3, 4]},
        {"texts": {"why": {"pasted": 1}}},
        {"texts": {"why": {"pasted": True, "extra": 1}}},
        {"texts": {"q/other_text": {"pasted": True}}},
        {"device": "短"},
        {"device": 12345678},
        {"pages": {"p1": 1}, "answers": {"q": 1}},
        {"pages": {f"p{k}": 1 for k in range(51)}},
    ],
)
def test_anything_else_is_dropped_whole(sent):
    assert clean_paradata(sent) is None


def test_the_size_bound_counts_the_whole_object():
    # each entry "<60-digit id>":{"pasted":false,"typing_s":1.5}, is 62 + 1 + 31 + 1 = 95
    # characters; 100 of them in {"texts":{…}} (12 more, no last comma): 9,511 > 8,192
    texts = {f"{k:060d}": {"pasted": False, "typing_s": 1.5} for k in range(100)}
    assert MAX_BYTES == 8192
    assert clean_paradata({"texts": texts}) is None
    assert clean_paradata({"texts": dict(list(texts.items())[:80])}) is not None  # 7,611


def test_columns_of_stored_paradata():
    columns = paradata_columns(
        [{"pages": {"p1": 3.0}, "texts": {"why": {"pasted": True, "typing_s": 0.0}}}, None,
         {"device": "abcdefgh"}]
    )  # fmt: skip
    assert columns == {
        "paradata/page_s/p1": [3.0, None, None],
        "paradata/pasted/why": [True, None, None],
        "paradata/typing_s/why": [0.0, None, None],
        "paradata/device": [None, None, "abcdefgh"],
    }
