"""What an anonymised response keeps (`surveys.retention`): closed answers, no free text."""

from surveys.retention import anonymised_answers
from tests import definitions as d

DEFINITION = d.definition(
    d.single_choice(
        "city", "城市", [("bj", "北京"), {"value": "other", "label": "其他", "other": True}]
    ),
    d.short_text("name", "您的称呼"),
    d.long_text("why", "原因"),
    d.multiple_choice("uses", "用过的功能", [("a", "直播"), ("b", "领券")]),
    d.matrix("grid", "评价"),
    d.nps(),
)


def test_free_texts_and_other_texts_go_closed_answers_stay():
    answers = {
        "city": "other",
        "city/other_text": "杭州",
        "name": "王小明",
        "why": "电话 13812345678",
        "uses": ["a"],
        "grid": {"speed": "4"},
        "nps": 7,
        "unknown_key": "任何内容",
    }
    assert anonymised_answers(DEFINITION, answers) == {
        "city": "other",
        "uses": ["a"],
        "grid": {"speed": "4"},
        "nps": 7,
    }
