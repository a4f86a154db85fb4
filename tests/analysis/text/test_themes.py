"""Themes found without labels: planted topics come apart, the same input gives the same
themes, shares by segment are counted right, and the command line prints them."""

import json

from analysis.text.cli import main
from analysis.text.themes import (
    default_theme_count,
    find_themes,
    merge_themes,
    split_theme,
    theme_shares,
)

DELIVERY = [
    "配送太慢了，等了五天才到",
    "快递配送慢，物流信息也不更新",
    "物流太慢，配送员还不打电话",
    "配送时间不准，物流一直卡在中转站",
    "快递员配送很慢，物流体验差",
    "配送又慢了，物流也不准",
]
PRICE = [
    "价格太贵，优惠券也用不了",
    "优惠券规则复杂，价格没有优势",
    "价格比别家贵，优惠券门槛高",
    "优惠券满减门槛太高，价格不划算",
    "价格偏贵，优惠券经常领不到",
    "优惠券过期太快，价格也涨了",
]


def test_two_planted_topics_become_two_themes_named_by_their_terms():
    themes = find_themes(DELIVERY + PRICE, n_themes=2)
    assert len(themes) == 2
    by_label = {t.label: t for t in themes}
    delivery = next(t for t in themes if "配送" in t.terms[:3] or "物流" in t.terms[:3])
    price = next(t for t in themes if t is not delivery)
    assert {"价格", "优惠券"} <= set(price.terms[:3])
    assert delivery.members == list(range(6)) and price.members == list(range(6, 12))
    assert delivery.count == 6 and len(delivery.quotes) == 3
    assert set(delivery.quotes) <= set(DELIVERY)
    assert len(by_label) == 2


def test_the_same_answers_give_the_same_themes():
    texts = DELIVERY + PRICE + ["客服回复很慢", "客服态度很好", None, ""]
    first = [t.as_dict() for t in find_themes(texts, seed=3)]
    again = [t.as_dict() for t in find_themes(list(texts), seed=3)]
    assert first == again and first


def test_shares_by_segment_are_percentages_of_each_group():
    themes = find_themes(DELIVERY + PRICE, n_themes=2)
    groups = ["一线"] * 3 + ["三线"] * 3 + ["一线"] * 6  # price answers all from 一线
    shares = theme_shares(themes, groups)
    price = next(t for t in themes if "价格" in t.terms[:3])
    delivery = next(t for t in themes if t is not price)
    assert shares[price.label] == {"一线": 100 * 6 / 9, "三线": 0.0}
    assert shares[delivery.label] == {"一线": 100 * 3 / 9, "三线": 100.0}


SERVICE = ["客服回复很慢", "客服态度差，回复慢", "客服电话打不通，回复太慢"]


def test_a_merged_theme_holds_the_answers_of_both():
    first, second = find_themes(DELIVERY + PRICE, n_themes=2)
    merged = merge_themes(first, second)
    assert merged.members == list(range(12)) and merged.count == 12
    assert merged.label == f"{first.label} + {second.label}"
    assert merged.terms[: len(first.terms)] == first.terms
    assert set(second.terms) <= set(merged.terms)


def test_a_split_parts_one_themes_answers_in_two_the_same_way_each_time():
    texts = [*SERVICE, *DELIVERY, *PRICE]
    big = max(find_themes(texts, n_themes=2), key=lambda t: t.count)
    parts = split_theme(texts, big)
    assert len(parts) == 2
    # the parts are a partition of the theme's answers, as positions in the whole input
    assert sorted(parts[0].members + parts[1].members) == big.members
    assert not set(parts[0].members) & set(parts[1].members)
    for part in parts:
        assert set(part.quotes) <= {texts[i] for i in part.members}
    again = split_theme(list(texts), big)
    assert [p.as_dict() for p in again] == [p.as_dict() for p in parts]
    assert [p.members for p in again] == [p.members for p in parts]


def test_too_little_text_gives_no_theme():
    assert find_themes([]) == []
    assert find_themes(["配送慢"]) == []
    assert find_themes(["配送慢", "价格贵"]) == []  # no term shared by two answers
    assert default_theme_count(300) == 4 and default_theme_count(20_000) == 12


def test_the_command_line_prints_the_themes_as_json(tmp_path, capsys):
    path = tmp_path / "answers.csv"
    path.write_text("answer\n" + "\n".join(DELIVERY + PRICE) + "\n", encoding="utf-8")
    assert main(["themes", str(path), "--column", "answer", "--themes", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [sorted(t) for t in result["themes"]] == [["count", "label", "quotes", "terms"]] * 2
    assert sum(t["count"] for t in result["themes"]) == 12
