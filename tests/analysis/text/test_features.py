import pytest

from analysis.text.sentiment_train import featurise


def _features(text):
    return featurise([text])[0]


def test_degree_compounds_are_split_so_the_adjective_is_learnt():
    # jieba keeps 很差 and 太差 as single words; the model must still see 差
    assert "w:差" in _features("很差") and "w:差" in _features("太差了")
    assert "w:很差" not in _features("很差")
    # words that only look like degree + word stay whole
    assert "w:太阳" in _features("太阳很大") and "w:超市" in _features("超市很远")


def test_degree_scales_the_word_it_modifies_and_is_no_feature_itself():
    strong, weak, plain = _features("非常贵"), _features("有点贵"), _features("贵")
    assert plain == {"w:贵": 1.0}
    # presence is normalised over two features (w:贵 and the bigram into it), then scaled
    assert strong == pytest.approx({"w:贵": 1.5 / 2**0.5, "c:常贵": 1.5 / 2**0.5})
    assert weak == pytest.approx({"w:贵": 0.6 / 2**0.5, "c:点贵": 0.6 / 2**0.5})
    assert "w:非常" not in strong and "c:非常" not in strong
    # a degree word that modifies nothing in its clause is an ordinary word
    assert "w:一般" in _features("质量一般。")


def test_negation_scope_and_double_negation():
    assert "w:!好吃" in _features("不好吃")
    assert "w:好" in _features("不是不好") and "w:!好" not in _features("不是不好")
    # a contrast word ends the scope
    feats = _features("不贵，但是难吃")
    assert "w:!贵" in feats and "w:难吃" in feats and "w:!难吃" not in feats


def test_length_normalised_presence_and_empty_text():
    assert _features("") == {} and _features("。。！") == {}
    feats = _features("价格有点贵，但是质量不错。" * 40)
    assert feats == _features("价格有点贵，但是质量不错。价格有点贵，但是质量不错。")


def test_what_a_word_contributes_is_worked_out_per_vocabulary():
    # Each word's split and keys are cached; the cache must follow the vocabulary passed.
    from analysis.text.features import raw_sentiment_features
    from analysis.text.tokenize import get_tokenizer

    words = ["质量", "很差"]  # jieba's words for 质量很差
    vocabulary = get_tokenizer().dictionary
    for _ in range(2):  # cold, then warm
        assert "w:很差" in raw_sentiment_features(words, None)
        split = raw_sentiment_features(words, vocabulary)
        assert "w:差" in split and "w:很差" not in split
        assert raw_sentiment_features(words, {"质量": 1}) == raw_sentiment_features(words, None)
    # the same word in another context: negation and degree come from the context only
    assert raw_sentiment_features(["不", "好吃"]) == {
        "neg:不": 1.0,
        "w:!好吃": 1.0,
        "c:不好": 1.0,
        "c:好吃": 1.0,
    }
    assert raw_sentiment_features(["好吃"]) == {"w:好吃": 1.0, "c:好吃": 1.0}
