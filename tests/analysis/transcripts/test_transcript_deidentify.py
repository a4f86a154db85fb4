"""De-identification: what is masked, with which placeholder, at which offsets.

Offsets below were counted by hand, code point by code point (each CJK character and each
full-width punctuation mark counts one), and every span is also checked against its snippet.
"""

import pytest

from analysis.transcripts import (
    Turn,
    deidentify,
    deidentify_turns,
    id_card_valid,
    masked_position,
)


def spans(result):
    for r in result.redactions:
        assert result.text[r.masked_start : r.masked_end] == r.placeholder
    return [(r.kind, r.start, r.end, r.original, r.placeholder) for r in result.redactions]


def test_mobile_numbers_in_several_spellings():
    text = "我叫王小明，手机13812345678，也可以打138 1234 5678或+86 139-0000-1111。"
    result = deidentify(text, names=["王小明"])
    assert result.text == "我叫[姓名1]，手机[手机号]，也可以打[手机号]或[手机号]。"
    assert spans(result) == [
        ("name", 2, 5, "王小明", "[姓名1]"),
        ("phone", 8, 19, "13812345678", "[手机号]"),
        ("phone", 24, 37, "138 1234 5678", "[手机号]"),
        ("phone", 38, 55, "+86 139-0000-1111", "[手机号]"),
    ]
    assert [(r.masked_start, r.masked_end) for r in result.redactions] == [
        (2, 7),
        (10, 15),
        (20, 25),
        (26, 31),
    ]
    assert all(text[r.start : r.end] == r.original for r in result.redactions)


def test_full_width_digits_and_numbers_that_are_not_mobiles():
    text = "电话１３９１２３４５６７８，工号12812345678，编号138123456789"
    result = deidentify(text)
    # 128… is not a mobile prefix; the 12-digit number is not an 11-digit phone.
    assert spans(result) == [("phone", 2, 13, "１３９１２３４５６７８", "[手机号]")]


def test_id_card_checksum_decides():
    # 11010519491231002X is the worked example of GB 11643-1999: the weighted sum of its
    # first 17 digits is 167, 167 mod 11 = 2, and "10X98765432"[2] = "X".
    # 440524188001010014: sum 195, 195 mod 11 = 8, "10X98765432"[8] = "4".
    # 110105194912310021 is the first with its check character changed.
    text = "身份证11010519491231002X，订单号110105194912310021，另一张440524188001010014。"
    result = deidentify(text)
    assert result.text == "身份证[身份证号]，订单号110105194912310021，另一张[身份证号]。"
    assert spans(result) == [
        ("id_card", 3, 21, "11010519491231002X", "[身份证号]"),
        ("id_card", 47, 65, "440524188001010014", "[身份证号]"),
    ]


def test_id_card_validity():
    assert id_card_valid("11010519491231002X")
    assert id_card_valid("11010519491231002x")
    assert id_card_valid("110105 19491231 002X")
    assert not id_card_valid("110105194912310021")
    # Month 13: the checksum is right (sum 176, 176 mod 11 = 0 → "1") but the date is not.
    assert not id_card_valid("110105194913310021")
    assert not id_card_valid("11010519491231002")


def test_landlines_and_emails():
    text = (
        "座机010-87654321，深圳（0755）2345678，邮箱zhang.san@example.com或li_si+survey@163.com。"
    )
    result = deidentify(text)
    assert result.text == "座机[固定电话]，深圳[固定电话]，邮箱[邮箱]或[邮箱]。"
    assert spans(result) == [
        ("landline", 2, 14, "010-87654321", "[固定电话]"),
        ("landline", 17, 30, "（0755）2345678", "[固定电话]"),
        ("email", 33, 54, "zhang.san@example.com", "[邮箱]"),
        ("email", 55, 75, "li_si+survey@163.com", "[邮箱]"),
    ]


def test_an_email_made_of_a_phone_number_is_one_email():
    result = deidentify("QQ邮箱13812345678@qq.com")
    assert spans(result) == [("email", 4, 22, "13812345678@qq.com", "[邮箱]")]


def test_names_titles_and_latin_names():
    text = "王先生说欧阳娜娜和欧阳女士都认识王小明，小明不在。Alice and alice's friend Malice."
    result = deidentify(text, names=["王小明", "欧阳娜娜", "Alice"])
    assert result.text == (
        "[姓名1]说[姓名2]和[姓名2]都认识[姓名1]，小明不在。[姓名3] and [姓名3]'s friend Malice."
    )
    assert spans(result) == [
        ("name", 0, 3, "王先生", "[姓名1]"),
        ("name", 4, 8, "欧阳娜娜", "[姓名2]"),
        ("name", 9, 13, "欧阳女士", "[姓名2]"),
        ("name", 16, 19, "王小明", "[姓名1]"),
        ("name", 25, 30, "Alice", "[姓名3]"),
        ("name", 35, 40, "alice", "[姓名3]"),
    ]


def test_a_title_shared_by_two_names_gets_an_unnumbered_placeholder():
    result = deidentify("张先生和张三、张伟", names=["张三", "张伟"])
    assert result.text == "[姓名]和[姓名1]、[姓名2]"


def test_kinds_can_be_chosen():
    text = "邮箱a@b.cn，手机13812345678"
    assert deidentify(text, kinds=["email"]).text == "邮箱[邮箱]，手机13812345678"
    with pytest.raises(ValueError, match="passport"):
        deidentify(text, kinds=["passport"])


def test_nothing_to_mask_returns_the_text_unchanged():
    text = "我们聊聊2023年的消费习惯，预算3000元左右。"
    result = deidentify(text, names=[])
    assert result.text == text and result.redactions == ()


def test_turns_are_masked_with_turn_indexes_and_speakers_renamed():
    before = [
        Turn("主持人", "请问怎么称呼？", 0.0, 2.0),
        Turn("李华", "我叫李华，电话13900001111。", 2.0, 6.0),
        Turn("主持人", "谢谢李女士。", 6.0, 7.0),
    ]
    result = deidentify_turns(before, names=["李华"])
    assert result.speakers == {"李华": "[姓名1]"}
    assert [(t.speaker, t.text, t.start, t.end) for t in result.turns] == [
        ("主持人", "请问怎么称呼？", 0.0, 2.0),
        ("[姓名1]", "我叫[姓名1]，电话[手机号]。", 2.0, 6.0),
        ("主持人", "谢谢[姓名1]。", 6.0, 7.0),
    ]
    assert [(r.turn, r.kind, r.start, r.end, r.original) for r in result.redactions] == [
        (1, "name", 2, 4, "李华"),
        (1, "phone", 7, 18, "13900001111"),
        (2, "name", 2, 5, "李女士"),
    ]
    kept = deidentify_turns(before, names=["李华"], mask_speakers=False)
    assert kept.turns[1].speaker == "李华" and kept.speakers == {}


def test_masked_position_maps_offsets_and_snaps_inside_a_placeholder():
    text = "我是张伟，电话13812345678。"
    result = deidentify(text, names=["张伟"])
    assert result.text == "我是[姓名1]，电话[手机号]。"

    def span(start, end):
        a = masked_position(result.redactions, start)
        b = masked_position(result.redactions, end, end=True)
        return result.text[a:b]

    # Offsets counted by hand: 张伟 is [2, 4), the mobile number [7, 18), "。" [18, 19).
    assert span(0, 2) == "我是"
    assert span(2, 4) == "[姓名1]"
    assert span(3, 4) == "[姓名1]"  # half a name covers the whole placeholder
    assert span(4, 7) == "，电话"
    assert span(5, 19) == "电话[手机号]。"
    assert span(9, 12) == "[手机号]"
    assert masked_position((), 5) == 5
