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
        "c:!不好": 1.0,  # the bigram into a negated word is marked as well
        "c:!好吃": 1.0,
        "lex:hownet-": 1.0,  # 好吃 is a positive word of both lexicons, negated
        "lex:dutir-": 1.0,
    }
    assert raw_sentiment_features(["好吃"]) == {
        "w:好吃": 1.0,
        "c:好吃": 1.0,
        "lex:hownet+": 1.0,
        "lex:dutir+": 1.0,
    }


@pytest.mark.parametrize(
    "text",
    ["很好吃", "有点太贵", "不是不好，就是有点贵", "价格还只是一般。质量非常非常好", "@#", ""],
)
def test_scored_features_are_the_raw_features_and_their_dot_product(text):
    from analysis.text.features import raw_sentiment_features, scored_features
    from analysis.text.sentiment_model import shipped_model
    from analysis.text.tokenize import get_tokenizer

    model = shipped_model()
    tokenizer = get_tokenizer()
    words = tokenizer.words(text)
    raw, dot = scored_features(words, tokenizer.dictionary, model.feature_weights)
    assert raw == raw_sentiment_features(words, tokenizer.dictionary)
    expected = model.dot_products([raw])[0]
    if expected is None:
        assert dot is None
    else:
        assert dot == pytest.approx(expected, rel=1e-12)


def test_merged_features_keep_the_largest_degree_and_report_repeats():
    from analysis.text.features import merge_raw_features

    repeats = []
    merged = merge_raw_features(
        [{"w:好": 1.0, "c:很好": 1.5}, {"w:好": 1.5, "w:贵": 1.0}, {"w:好": 0.6}], repeats
    )
    assert merged == {"w:好": 1.5, "c:很好": 1.5, "w:贵": 1.0}
    # what a sum over the parts counted twice: 1.0 (then 1.5 kept), 0.6 (1.5 kept)
    assert sorted(repeats) == [("w:好", 0.6), ("w:好", 1.0)]


def test_lexicon_features_count_different_sentiment_words_with_negation():
    from analysis.text.features import merge_raw_features, raw_sentiment_features

    # 精彩 and 感人 are positive in both lexicons, 感动 in HowNet's only; 很 raises 感动 to
    # 1.5; the square root of the sum is stored, each word counted once
    raw = raw_sentiment_features(["很", "感动", "，", "精彩", "，", "感人", "，", "感动"])
    assert raw["lex:hownet+"] == pytest.approx(3.5**0.5)
    assert raw["lex:dutir+"] == pytest.approx(2**0.5)
    assert not {"lex:hownet-", "lex:dutir-"} & raw.keys()
    # a negated positive word counts as negative, a negated negative one as positive
    raw = raw_sentiment_features(["不", "感动", "，", "不", "无聊"])
    assert raw["lex:hownet-"] == 1.0 and raw["lex:hownet+"] == 1.0
    assert raw["lex:dutir+"] == 1.0 and "lex:dutir-" not in raw
    assert not {"lex:hownet+", "lex:dutir+"} & raw_sentiment_features(["不", "精彩"]).keys()
    # words outside the lexicons (and 贵, listed both ways) make no lexicon feature
    assert not any(k.startswith("lex:") for k in raw_sentiment_features(["桌子", "很", "贵"]))
    # merging sentences gives the whole text's values: sums add up, a repeated word once
    parts = [raw_sentiment_features(w) for w in (["感动", "。"], ["精彩", "，", "感动", "。"])]
    repeats = []
    merged = merge_raw_features(parts, repeats)
    whole = raw_sentiment_features(["感动", "。", "精彩", "，", "感动", "。"])
    assert merged == pytest.approx(whole) and merged["lex:hownet+"] == pytest.approx(2**0.5)
    # what a sum of the parts' dot products counted that the whole does not: 1 + √2 − √2
    assert dict(repeats)["lex:hownet+"] == pytest.approx(1.0)


def test_repeating_a_text_does_not_change_its_lexicon_features():
    once = _features("内容精彩，很感人，但是印刷不好。")
    assert _features("内容精彩，很感人，但是印刷不好。" * 10) == pytest.approx(once)


def test_bigrams_of_a_negated_word_are_marked_too():
    feats = _features("不喜欢")
    assert "w:!喜欢" in feats and "c:!喜欢" in feats and "c:喜欢" not in feats
    # two negators cancel for the bigrams as for the word
    assert "c:!不好" not in _features("不是不好") and "c:不好" in _features("不是不好")


def test_the_clause_after_a_contrast_word_counts_more_until_the_sentence_ends():
    from analysis.text.features import CONTRAST_VALUE, raw_sentiment_features

    raw = raw_sentiment_features(["质量", "不错", "，", "但是", "太", "贵", "，", "难吃"])
    assert raw["w:不错"] == 1.0 and raw["w:但是"] == 1.0
    assert raw["w:贵"] == pytest.approx(CONTRAST_VALUE * 1.5)  # contrast × intensifier
    assert raw["w:难吃"] == CONTRAST_VALUE  # a comma keeps the contrast
    after_full_stop = raw_sentiment_features(["但是", "贵", "。", "难吃"])
    assert after_full_stop["w:难吃"] == 1.0


def _corpus_texts(data_dir) -> list[str]:
    import csv

    texts = []
    for name in ("reviews_slice.csv", "interview_sentences.csv"):
        with open(data_dir / name, encoding="utf-8") as handle:
            texts += [row["text"] for row in csv.DictReader(handle)]
    return texts


def test_the_fast_feature_pass_equals_the_plain_reference_on_the_corpora(data_dir, tokenizer):
    # The fast pass caches, packs and accumulates; features_reference computes the same
    # features one readable step at a time. Every text of both corpora, with and without
    # the dictionary's splits, with the shipped model's weights.
    from analysis.text.features import raw_sentiment_features, scored_features
    from analysis.text.features_reference import reference_features, reference_scored_features
    from analysis.text.normalise import normalise
    from analysis.text.sentiment_model import shipped_model

    weights = shipped_model().feature_weights
    texts = _corpus_texts(data_dir)
    assert len(texts) > 400
    for text in texts:
        words = tokenizer.words(normalise(text))
        assert raw_sentiment_features(words, None) == reference_features(words, None), text
        raw, dot = scored_features(words, tokenizer.dictionary, weights)
        expected_raw, expected_dot = reference_scored_features(words, tokenizer.dictionary, weights)
        assert raw == expected_raw, text
        assert (dot is None) == (expected_dot is None), text
        if dot is not None:
            assert dot == pytest.approx(expected_dot, rel=1e-9, abs=1e-12), text


def test_too_is_a_feature_of_its_own_and_fillers_are_no_features():
    raw = _features("门槛太高")
    assert "x:太" in raw and "w:高" in raw and "w:太" not in raw
    assert "x:!太" in _features("不是太贵") and "x:太" not in _features("不是太贵")
    assert "x:太" not in _features("很高")
    assert _features("嗯，挺好") == _features("挺好")
    assert _features("呃") == {}


def test_the_fast_pass_equals_the_reference_on_the_new_domain_sets(data_dir, tokenizer):
    import pandas as pd

    from analysis.text.features import scored_features
    from analysis.text.features_reference import reference_scored_features
    from analysis.text.normalise import normalise
    from analysis.text.sentiment_model import shipped_model

    weights = shipped_model().feature_weights
    folder = data_dir.parent / "sentiment"
    texts = [
        text
        for name in ("survey_answers.tsv", "interview_answers.tsv")
        for text in pd.read_csv(folder / name, sep="\t", comment="#")["text"]
    ]
    for text in texts:
        words = tokenizer.words(normalise(text))
        raw, dot = scored_features(words, tokenizer.dictionary, weights)
        expected_raw, expected_dot = reference_scored_features(words, tokenizer.dictionary, weights)
        assert raw == expected_raw, text
        assert dot == pytest.approx(expected_dot, rel=1e-9, abs=1e-12), text
