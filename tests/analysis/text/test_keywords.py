import math

import pandas as pd

from analysis.text.cooccur import cooccurrence
from analysis.text.corpus import prepare, sentence_terms
from analysis.text.keywords import (
    frequencies_by,
    phrases,
    term_frequencies,
    textrank_keywords,
    tfidf_keywords,
)

TURNS = [
    ("受访者A", "电池续航太差了，电池续航只有半天。"),
    ("受访者A", "客服态度很好，但是电池续航让我很失望。"),
    ("受访者B", "界面很清爽，客服回复也快。"),
    ("受访者B", "嗯，那个，就是价格有点贵，价格能便宜点就好了。"),
]


def docs():
    return list(prepare([t for _, t in TURNS], meta=[{"speaker": s} for s, _ in TURNS]))


def test_term_frequencies_count_content_words_only():
    table = term_frequencies(docs())
    counts = dict(zip(table["term"], table["count"], strict=True))
    assert counts["电池"] == 3 and counts["价格"] == 2 and counts["客服"] == 2
    assert "那个" not in counts and "嗯" not in counts and "就是" not in counts


def test_frequencies_by_speaker():
    table = frequencies_by(docs(), "speaker", top=3)
    a = table[table["speaker"] == "受访者A"]
    assert a.iloc[0]["term"] in ("电池", "续航") and a.iloc[0]["count"] == 3
    assert set(table["speaker"]) == {"受访者A", "受访者B"}


def test_tfidf_uses_background_idf_for_a_small_study_and_study_idf_otherwise():
    small = tfidf_keywords(docs(), top=5)
    assert small.attrs["idf_source"] == "background"
    assert {"电池", "续航"} & set(small["term"])
    study = tfidf_keywords(docs(), top=5, idf="study")
    assert study.attrs["idf_source"] == "study"
    row = study.set_index("term").loc["价格"]
    # hand computation: smoothed idf = ln((1 + 4) / (1 + 1)) + 1 for a term in 1 of 4 docs
    assert abs(row["idf"] - (1 + math.log(5 / 2))) < 1e-12


def test_textrank_ranks_the_connected_topic_first():
    table = textrank_keywords(docs(), top=3)
    assert table.iloc[0]["term"] in ("电池", "续航")
    assert abs(textrank_keywords(docs(), top=100)["score"].sum() - 1) < 1e-6


def test_phrases_find_adjacent_content_words():
    table = phrases(docs(), min_count=2)
    assert "电池续航" in table["phrase"].tolist()


def test_sentence_terms_follow_sentence_boundaries():
    (doc,) = prepare(["电池续航太差了。客服很好"])
    assert sentence_terms(doc) == [["电池", "续航", "太差"], ["客服"]]


def test_cooccurrence_pmi_matches_a_hand_computation():
    table = cooccurrence(docs(), min_count=2).set_index(["source", "target"])
    row = table.loc[("电池", "续航")]
    # Four sentences (commas do not end one); 电池 and 续航 share the 2 that contain either:
    # PMI = log2((2/4) / ((2/4)(2/4))) = log2(2) = 1; NPMI = PMI / -log2(2/4) = 1.
    assert table.attrs["sentences"] == 4
    assert row["count"] == 2
    assert abs(row["pmi"] - 1.0) < 1e-12
    assert abs(row["npmi"] - 1.0) < 1e-12


def test_empty_input_gives_empty_tables():
    empty = list(prepare(["", None, "。。。"]))
    assert term_frequencies(empty).empty
    assert textrank_keywords(empty).empty
    assert cooccurrence(empty).empty
    assert isinstance(tfidf_keywords(empty), pd.DataFrame)
