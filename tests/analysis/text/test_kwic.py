import pytest

from analysis.text.kwic import kwic
from analysis.text.normalise import normalise

TURNS = [
    "价格有点贵，不过价格还能接受。",
    "我觉得評價格式很乱。",  # 价格 inside 评价格式: not the word 价格
    "",
    "會員價格\r\n太高了",
]


def test_hits_index_the_normalised_text_exactly():
    hits = kwic(TURNS, "价格", window=4, meta=[{"speaker": s} for s in "ABCD"])
    assert [(h.doc, h.start, h.end) for h in hits] == [(0, 0, 2), (0, 8, 10), (3, 2, 4)]
    for hit in hits:
        text = normalise(TURNS[hit.doc])
        assert text[hit.start : hit.end] == "价格" == hit.keyword
        assert hit.left == text[max(0, hit.start - 4) : hit.start].replace("\n", " ")
    assert hits[1].left == "贵，不过" and hits[1].right == "还能接受"
    assert [h.meta["speaker"] for h in hits] == ["A", "A", "D"]


def test_offsets_survive_crlf_and_traditional_characters():
    (hit,) = kwic(["第一行\r\n第二行說價格太貴"], "價格")
    text = normalise("第一行\r\n第二行說價格太貴")
    assert (hit.start, hit.end) == (8, 10)
    assert text[hit.start : hit.end] == "价格"
    assert hit.right == "太贵"


def test_substring_match_finds_the_word_inside_another():
    hits = kwic(TURNS, "价格", match="substring")
    assert [(h.doc, h.start) for h in hits] == [(0, 0), (0, 8), (1, 4), (3, 2)]


def test_user_dictionary_changes_what_counts_as_the_word():
    (hit,) = kwic(["会员价格太高"], "价格")
    assert (hit.start, hit.end) == (2, 4)
    assert kwic(["会员价格太高"], "价格", userdict=["会员价格"]) == []
    (whole,) = kwic(["会员价格太高"], "会员价格", userdict=["会员价格"])
    assert (whole.start, whole.end) == (0, 4)


def test_empty_keyword_is_an_error():
    with pytest.raises(ValueError):
        kwic(TURNS, "  ")
