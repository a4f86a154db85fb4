import numpy as np
import pandas as pd
import pytest

from analysis.text.sentiment import (
    adapt_model,
    aggregate,
    aspect_sentiment,
    score_sentences,
    score_text,
    score_texts,
    sentence_table,
    text_sentiment,
)
from analysis.text.sentiment_model import shipped_model


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("好吃", "positive"),
        ("不好吃", "negative"),
        ("这家店的菜一点都不好吃", "negative"),
        ("不是不好，就是有点贵", None),  # double negation: must score above plain 不好
        ("质量很好，非常满意", "positive"),
        ("质量很差，非常失望", "negative"),
        ("服务没有想象中那么好", "negative"),
        ("不太满意", "negative"),
    ],
)
def test_negated_and_plain_sentences(text, label):
    score, found = score_text(text)
    if label is not None:
        assert found == label, (text, score)
    else:
        assert score > score_text("不好")[0]


def test_negation_flips_the_score():
    assert score_text("满意")[0] > 0.6 > 0.4 > score_text("不满意")[0]
    assert score_text("喜欢")[0] > score_text("不喜欢")[0]
    assert score_text("没有问题")[0] > score_text("有问题")[0]


def test_lexicon_alone_decides_and_negation_flips_it():
    from analysis.text.sentiment_model import SentimentModel

    # a model that knows nothing but the lexicon features
    lexicon_only = SentimentModel(
        vocabulary={"lex:hownet+": 0, "lex:hownet-": 1, "lex:dutir+": 2, "lex:dutir-": 3},
        weights=np.array([2.0, -2.0, 2.0, -2.0]),
        bias=0.0,
    )
    for text, label in [
        ("这本书很感人", "positive"),
        ("情节精彩", "positive"),
        ("这本书不感人", "negative"),
        ("内容枯燥", "negative"),
        ("内容并不枯燥", "positive"),
        ("桌子", "neutral"),
    ]:
        assert score_text(text, model=lexicon_only)[1] == label, text


@pytest.mark.parametrize(("word", "positive"), [("光润", True), ("凶恶", False)])
def test_shipped_model_scores_words_only_the_lexicon_knows(word, positive):
    from analysis.text.sentiment import _features
    from analysis.text.tokenize import get_tokenizer

    model = shipped_model()
    # the premise: no review taught these words, only their lexicon feature is known
    feats = _features(word, get_tokenizer())
    side = "+" if positive else "-"
    assert {k for k in feats if model.weight(k) is not None} == {
        f"lex:hownet{side}",
        f"lex:dutir{side}",
    }
    plain, negated = score_text(word)[0], score_text("不" + word)[0]
    if positive:
        assert plain > 0.5 > negated
    else:
        assert plain < 0.5 and negated > plain


def test_degree_words_strengthen_and_soften():
    assert score_text("非常贵")[0] < score_text("有点贵")[0]


@pytest.mark.parametrize("garbage", ["", "   ", None, "。。。！！", "@#$%^&*", "12345", "\n\n"])
def test_empty_and_symbol_only_text_is_neutral(garbage):
    assert score_text(garbage) == (0.5, "neutral")
    result = text_sentiment(garbage)
    assert result.label == "neutral"


def test_long_text_does_not_saturate():
    one = "价格有点贵，但是质量不错。"
    score_one = score_text(one)[0]
    score_many = score_text(one * 40)[0]
    assert abs(score_many - score_one) < 0.05


def test_sentences_have_exact_offsets_and_their_own_labels():
    text = "客服态度很好！但是价格太贵了。\n物流也很慢"
    sentences = score_sentences(text)
    assert [s.text for s in sentences] == ["客服态度很好！", "但是价格太贵了。", "物流也很慢"]
    for s in sentences:
        assert text[s.start : s.end] == s.text
    assert [s.label for s in sentences] == ["positive", "negative", "negative"]


def test_score_texts_streams_in_order_with_and_without_processes():
    texts = ["很好用", "太难用了", "", "非常满意", None] * 3
    single = list(score_texts(texts))
    assert [label for _, label in single[:3]] == ["positive", "negative", "neutral"]
    parallel = list(score_texts(iter(texts), processes=2, chunksize=4))
    assert np.allclose([s for s, _ in parallel], [s for s, _ in single])


def test_aggregation_by_speaker_and_aspect():
    frame = pd.DataFrame(
        {
            "speaker": ["甲", "甲", "乙"],
            "text": [
                "价格太贵了。客服很好。",
                "价格还是太贵，接受不了。",
                "价格很便宜，很划算！",
            ],
        }
    )
    sentences = sentence_table(frame, "text", keep=["speaker"])
    assert len(sentences) == 4
    table = aggregate(sentences, "speaker").set_index("speaker")
    assert table.loc["甲", "sentences"] == 3
    assert table.loc["甲", "negative"] == 2 and table.loc["甲", "positive"] == 1
    assert table.loc["乙", "label"] == "positive"
    aspects = aspect_sentiment(sentences, ["价格", "客服"])
    assert aspects["价格"]["negative"] == 2 and aspects["价格"]["positive"] == 1
    assert [s["sentence"] for s in aspects["客服"]["sentences"]] == ["客服很好。"]


def test_study_model_adapts_from_corrections():
    base = shipped_model()
    slang = "这个价格真香"
    corrections = [(slang, "positive"), ("价格真香，买爆", "positive"), ("真香", "positive")]
    before = score_text("价格真香啊", model=base)[0]
    study = adapt_model(corrections * 3, base=base)
    after = score_text("价格真香啊", model=study)[0]
    assert after > before and after > 0.6
    # words the corrections never mention keep their shipped behaviour
    for text in ("质量很差", "非常满意"):
        assert abs(score_text(text, model=study)[0] - score_text(text, model=base)[0]) < 0.1


def test_shipped_model_is_modest_and_calibrated():
    model = shipped_model()
    assert 0.2 < model.temperature < 5
    assert model.neutral_band[0] < 0.5 < model.neutral_band[1]
    assert len(model.vocabulary) == len(model.weights)


@pytest.mark.parametrize(
    "text",
    [
        "菜很好吃。但是太贵了！！服务员态度一般。",  # sentences end in punctuation: merged
        "不是不好\n就是有点贵",
        "不好\n吃",  # a bare line break keeps the state (bigram 好吃): one whole pass
        "东西不\n好用",
        "很好。但是\n太贵了",
        "  好吃。 \n 不好吃。嗯……那个，还行吧",
        "好吃。非常好吃！有点好吃，不好吃。好吃",  # one feature at several degrees
    ],
)
def test_whole_text_score_equals_one_pass_over_the_whole_text(text):
    from analysis.text.corpus import Document
    from analysis.text.features import sentiment_features
    from analysis.text.normalise import normalise
    from analysis.text.sentiment import document_sentiment
    from analysis.text.tokenize import get_tokenizer

    tokenizer = get_tokenizer()
    normalised = normalise(text)
    doc = Document(normalised, tuple(tokenizer.tokenize(normalised)))
    words = [t.text for t in doc.tokens]
    one_pass = sentiment_features(words, normalised, tokenizer.dictionary)
    expected = shipped_model().probabilities([one_pass])[0]
    assert document_sentiment(doc, tokenizer=tokenizer).score == pytest.approx(expected, abs=1e-12)


def test_scaled_probabilities_equal_those_of_normalised_features():
    from analysis.text.features import normalised_features, presence_scale, raw_sentiment_features
    from analysis.text.tokenize import get_tokenizer

    model = shipped_model()
    tokenizer = get_tokenizer()
    raws = [
        raw_sentiment_features(tokenizer.words(text), tokenizer.dictionary)
        for text in ("质量很好，非常满意", "不好吃", "", "@#$", "物流太慢了，客服也不理人")
    ]
    scaled = model.probabilities(raws, scales=[presence_scale(r) for r in raws])
    normalised = [normalised_features(r) for r in raws]
    assert scaled == pytest.approx(model.probabilities(normalised), abs=1e-12)
    # the sparse-matrix path (training, evaluation) gives the same numbers
    logits = model.logits(normalised)
    expected = 1 / (1 + np.exp(-logits))
    assert scaled[:2] == pytest.approx(expected[:2], abs=1e-12)
    assert scaled[2] == scaled[3] == 0.5  # no known feature: exactly neutral
