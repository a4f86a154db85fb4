"""Aspect–opinion pairs against a hand-labelled set of survey-style sentences, and the table
and command line built on them."""

import json
from pathlib import Path

import pytest

from analysis.text.aspects import aspect_groups, aspect_table, extract_aspects
from analysis.text.cli import main

LABELLED = Path(__file__).resolve().parents[2] / "data" / "aspects" / "labelled.tsv"


def labelled_set() -> list[tuple[str, list[tuple[str, int]]]]:
    rows = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        text, _, pairs = line.partition("\t")
        gold = []
        for pair in filter(None, (p.strip() for p in pairs.split("|"))):
            aspect, _, rest = pair.partition("=")
            gold.append((aspect, 1 if rest.endswith(":pos") else -1))
        rows.append((text, gold))
    return rows


def same(gold: tuple[str, int], found: tuple[str, int]) -> bool:
    """The same aspect (one names it more fully: 物流 / 物流速度) with the same polarity."""
    return (gold[0] in found[0] or found[0] in gold[0]) and gold[1] == found[1]


def test_precision_and_recall_on_the_hand_labelled_sentences():
    rows = labelled_set()
    assert len(rows) >= 100
    found_right = found_all = gold_found = gold_all = 0
    for text, gold in rows:
        found = [(m.aspect, m.polarity) for m in extract_aspects(text)]
        found_right += sum(any(same(g, f) for g in gold) for f in found)
        gold_found += sum(any(same(g, f) for f in found) for g in gold)
        found_all += len(found)
        gold_all += len(gold)
    precision, recall = found_right / found_all, gold_found / gold_all
    print(f"aspects: precision {precision:.3f}, recall {recall:.3f} ({gold_all} labelled pairs)")
    assert precision >= 0.7 and recall >= 0.6


@pytest.mark.parametrize(
    ("text", "aspect", "opinion", "polarity"),
    [
        ("配送时间不准，说好半小时。", "配送时间", "不准", -1),
        ("客服很难联系。", "客服", "难联系", -1),
        ("价格很划算。", "价格", "划算", 1),
        ("操作界面不够直观。", "操作界面", "不直观", -1),
        ("报告出得很快。", "报告", "快", 1),
        ("颜色和图片不一样。", "颜色", "不一样", -1),
    ],
)
def test_the_patterns_named_in_the_module(text, aspect, opinion, polarity):
    [mention] = extract_aspects(text)
    assert (mention.aspect, mention.opinion, mention.polarity) == (aspect, opinion, polarity)


def test_a_context_word_takes_its_polarity_from_the_aspect():
    assert [m.polarity for m in extract_aspects("广告太多了。支付方式很多。")] == [-1, 1]
    assert [m.polarity for m in extract_aspects("排队时间太长。电池续航很长。")] == [-1, 1]


def test_a_sentence_without_an_opinion_gives_nothing():
    assert extract_aspects("我昨天下午买的，帮我妈妈买的。") == []
    assert aspect_table([None, "", "   "]) == []


def test_the_table_counts_mentions_by_polarity_most_mentioned_first():
    table = aspect_table(["配送太慢了。", "配送很快！", "配送慢，客服好。", "配送太慢"])
    assert [(r["aspect"], r["mentions"], r["positive"], r["negative"]) for r in table] == [
        ("配送", 4, 1, 3),
        ("客服", 1, 1, 0),
    ]
    assert table[0]["opinions"] == {"慢": 3, "快": 1}
    assert table[0]["examples"] == ["配送太慢了。", "配送很快！", "配送慢，客服好。"]


def test_aspects_by_group_count_each_groups_positive_and_negative_mentions():
    texts = ["配送太慢了。", "配送很快！", "配送慢，客服好。", "配送太慢", "价格划算", None]
    groups = ["三线", "一线", "三线", "", "一线", "一线"]
    table = aspect_groups(texts, groups, limit=2)
    # by hand: 配送 in 三线 twice negative, in 一线 once positive, once with no group (negative)
    assert table[0] == {
        "aspect": "配送",
        "mentions": 4,
        "positive": 1,
        "negative": 3,
        "groups": {"一线": {"positive": 1, "negative": 0}, "三线": {"positive": 0, "negative": 2}},
    }
    assert [row["aspect"] for row in table] == ["配送", "价格"]  # limit 2; 价格 before 客服
    assert table[1]["groups"] == {"一线": {"positive": 1, "negative": 0}}


def test_the_command_line_prints_the_aspects_as_json(tmp_path, capsys):
    path = tmp_path / "answers.csv"
    path.write_text("answer\n配送太慢了\n客服很难联系，配送也慢\n价格划算\n", encoding="utf-8")
    assert main(["aspects", str(path), "--column", "answer", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    first = result["aspects"][0]
    assert {k: first[k] for k in ("aspect", "mentions", "positive", "negative")} == {
        "aspect": "配送",
        "mentions": 2,
        "positive": 0,
        "negative": 2,
    }
    assert first["examples"] == ["配送太慢了", "客服很难联系，配送也慢"]
