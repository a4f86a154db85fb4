from analysis.text.normalise import normalise, split_sentences


def test_traditional_becomes_simplified_one_character_for_one():
    text = "這個產品的價格還行"
    assert normalise(text) == "这个产品的价格还行"
    assert len(normalise(text)) == len(text)


def test_full_width_letters_and_digits_become_half_width_but_chinese_punctuation_stays():
    assert normalise("ＡＰＰ用了３个月，很好！") == "APP用了3个月，很好！"


def test_line_ends_and_nfc():
    assert normalise("第一行\r\n第二行\r第三行") == "第一行\n第二行\n第三行"
    assert normalise("Cafe\u0301") == "Café"


def test_none_and_nan_become_empty():
    assert normalise(None) == ""
    assert normalise(float("nan")) == ""


def test_sentences_split_on_chinese_and_western_punctuation_and_line_breaks():
    text = "价格有点贵。客服很好！真的吗?\n下一行。版本3.5还行…好吧"
    spans = split_sentences(text)
    assert [s.text for s in spans] == [
        "价格有点贵。",
        "客服很好！",
        "真的吗?",
        "下一行。",
        "版本3.5还行…",
        "好吧",
    ]
    for span in spans:
        assert text[span.start : span.end] == span.text


def test_closing_quote_stays_with_its_sentence():
    spans = split_sentences("他说“太贵了！”然后走了。")
    assert [s.text for s in spans] == ["他说“太贵了！”", "然后走了。"]


def test_blank_and_symbol_only_text_has_no_or_symbol_sentences():
    assert split_sentences("") == []
    assert split_sentences("  \n\n ") == []
    assert [s.text for s in split_sentences("。。。")] == ["。。。"]
