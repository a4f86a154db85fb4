"""Each quality reason, positive and negative, with its evidence checked by hand; the weights
and the threshold; the key numbers with and without flagged responses.

Tolerance: pytest.approx's default (relative 1e-6) unless a test states another.
"""

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from analysis.stats import explain_responses, metric_shift, prepare_frame, summarise
from analysis.stats.quality import THRESHOLD, flag_responses
from analysis.stats.quality_patterns import MIN_RESPONDENTS
from analysis.stats.quality_text import gibberish_kind

SCALE = [{"value": str(k), "label": str(k)} for k in range(1, 6)]


def matrix(qid, rows):
    rows = [{"value": f"r{k}", "label": f"方面{k}"} for k in range(1, rows + 1)]
    return {"id": qid, "type": "matrix", "title": "满意度", "rows": rows, "options": SCALE}


def definition(*questions):
    return {"pages": [{"id": "p1", "questions": list(questions)}]}


TEXTS = definition(
    {"id": "why", "type": "short_text", "title": "原因"},
    {"id": "more", "type": "long_text", "title": "建议"},
)


def reasons_of(defn, frame):
    return explain_responses(defn, prepare_frame(defn, frame))


def codes(found):
    return [[r.code for r in row] for row in found]


def test_speeder_evidence_is_its_time_and_the_median():
    frame = pd.DataFrame({"response_id": range(1, 7), "duration_s": [300, 290, 310, 60, 305, 280]})
    found = reasons_of(definition(), frame)
    assert codes(found) == [[], [], [], ["speeder"], [], []]
    [reason] = found[3]
    # median of 60, 280, 290, 300, 305, 310 = (290 + 300) / 2 = 295; 60 / 295 = 0.2034
    assert reason.evidence == {"seconds": 60.0, "median": 295.0, "share": pytest.approx(60 / 295)}
    assert reason.weight == 1.0


def test_page_speeder_counts_the_pages_under_a_third_of_their_median():
    frame = pd.DataFrame(
        {
            "response_id": range(1, 7),
            "paradata/page_s/p1": [30, 28, 35, 5, 31, 29],
            "paradata/page_s/p2": [60, 58, 62, 50, 59, None],
        }
    )
    found = reasons_of(definition(), frame)
    assert codes(found) == [[], [], [], ["page_speeder"], [], []]
    [reason] = found[3]
    # p1 median of 5, 28, 29, 30, 31, 35 = 29.5; 5 < 29.5 / 3. p2 (median 59): 50 is not fast.
    assert reason.evidence["pages"] == [
        {"page": "p1", "seconds": 5.0, "median": 29.5, "share": pytest.approx(5 / 29.5)}
    ]
    assert (reason.evidence["fast"], reason.evidence["timed"], reason.weight) == (1, 2, 0.5)


def test_straight_lining_weighs_the_share_of_matrices():
    defn = definition(matrix("a", 4), matrix("b", 4))
    frame = pd.DataFrame(
        {
            **{f"a/r{k}": ["4", "4", "2"] for k in range(1, 5)},
            **{f"b/r{k}": ["4", v, str(k)] for k, v in zip(range(1, 5), "1234", strict=True)},
        }
    )
    found = reasons_of(defn, frame)
    assert codes(found) == [["straight_liner"], ["straight_liner"], ["straight_liner"]]
    assert [row[0].weight for row in found] == [1.0, 0.5, 0.5]
    assert found[0][0].evidence["matrices"][1] == {"question": "b", "rows": 4, "value": "4"}
    assert found[2][0].evidence == {
        "matrices": [{"question": "a", "rows": 4, "value": "2"}],
        "of": 2,
    }


def test_varied_matrix_answers_are_not_a_straight_line():
    defn = definition(matrix("a", 4))
    frame = pd.DataFrame({f"a/r{k}": [str(k), "3" if k < 4 else "4"] for k in range(1, 5)})
    assert codes(reasons_of(defn, frame)) == [[], []]


def crowd(n=40, items=10, seed=3):
    """Respondents who agree on most items (item j's answer is mostly (j mod 5) + 1)."""
    rng = np.random.default_rng(seed)
    typical = np.array([j % 5 + 1 for j in range(items)])
    answers = np.where(rng.random((n, items)) < 0.7, typical, rng.integers(1, 6, (n, items)))
    return answers


def test_near_identical_sequences_are_found_and_different_ones_are_not():
    rng = np.random.default_rng(11)
    base = rng.integers(1, 6, 10)
    rows = [rng.integers(1, 6, 10) for _ in range(30)]
    copies = []
    for k in range(3):  # a form-filler: the same answers, one item changed each time
        copy = base.copy()
        copy[k] = copy[k] % 5 + 1
        copies.append(copy)
    two_off = base.copy()
    two_off[[5, 6]] = two_off[[5, 6]] % 5 + 1  # 80 % equal to the base: not similar
    data = np.vstack(rows + copies + [two_off])
    defn = definition(matrix("m", 10))
    frame = pd.DataFrame({f"m/r{j + 1}": data[:, j].astype(str) for j in range(10)})
    found = reasons_of(defn, frame)
    similar = {i: r for i, row in enumerate(found) for r in row if r.code == "similar_sequence"}
    # by hand, every pair: the copies differ from each other in 2 of 10 items (80 %), so
    # without the base itself no pair reaches 90 %
    agree = (data[:, None, :] == data[None, :, :]).mean(axis=2)
    expected = {i: int((agree[i] >= 0.9).sum() - 1) for i in range(len(data))}
    assert {i: r.evidence["others"] for i, r in similar.items()} == {
        i: k for i, k in expected.items() if k
    }
    # with the base itself, each copy is 90 % equal to it (one item changed)
    data2 = np.vstack([data, base])
    frame2 = pd.DataFrame({f"m/r{j + 1}": data2[:, j].astype(str) for j in range(10)})
    found2 = reasons_of(defn, frame2)
    hits = {i: r for i, row in enumerate(found2) for r in row if r.code == "similar_sequence"}
    assert set(hits) >= {30, 31, 32, 34}  # the three copies and the base
    assert hits[34].evidence["others"] == 3 and hits[34].weight == 1.0
    assert hits[30].evidence == {"others": 1, "agreement": 0.9, "items": 10}
    assert 33 not in hits  # two answers changed: 80 % equal to the base


def hand_llr(data: np.ndarray, i: int, levels: list[int], k: int = 5) -> float:
    """The mean log-likelihood ratio per item of row *i* under its level's answers (counts
    + ½ without row i) against uniform 1/k, written out with Counters."""
    peers = [r for r in range(len(data)) if levels[r] == levels[i] and r != i]
    total = 0.0
    for j in range(data.shape[1]):
        counts = Counter(int(data[r, j]) for r in peers)
        p = (counts[int(data[i, j])] + 0.5) / (len(peers) + 0.5 * k)
        total += math.log(p * k)
    return total / data.shape[1]


def test_random_answers_are_found_by_the_likelihood_ratio_checked_by_hand():
    people = crowd(n=60, items=10)
    rng = np.random.default_rng(5)
    clicker = rng.integers(1, 6, 10)
    data = np.vstack([people, clicker])
    defn = definition(matrix("m", 10))
    frame = pd.DataFrame({f"m/r{j + 1}": data[:, j].astype(str) for j in range(10)})
    found = reasons_of(defn, frame)
    # levels: thirds of the respondents ranked by mean answer (ties in row order)
    ranked = sorted(range(len(data)), key=lambda r: (data[r].mean(), r))
    levels = [0] * len(data)
    for rank, r in enumerate(ranked):
        levels[r] = rank * 3 // len(data)
    assert min(Counter(levels).values()) >= MIN_RESPONDENTS
    for i in range(len(data)):
        llr = hand_llr(data, i, levels)
        hit = [r for r in found[i] if r.code == "random_answers"]
        assert bool(hit) == (llr < 0)
        if hit:
            assert hit[0].evidence["llr"] == pytest.approx(llr)
    assert [r.code for r in found[-1]] == ["random_answers"]  # the clicker
    careful = sum(any(r.code == "random_answers" for r in row) for row in found[:-1])
    assert careful <= 2
    # the person-total correlation beside it: Pearson's r with the others' item means
    others = (data[:-1] - 1) / 4
    expect = np.corrcoef((clicker - 1) / 4, others.mean(axis=0))[0, 1]
    assert found[-1][0].evidence["r"] == pytest.approx(expect)


def test_the_same_device_within_the_hour():
    frame = pd.DataFrame(
        {
            "response_id": [1, 2, 3, 4],
            "submitted_at": ["2026-11-02T08:00:00+00:00", "2026-11-02T08:10:00+00:00",
                             "2026-11-02T11:00:00+00:00", "2026-11-02T08:05:00+00:00"],
            "paradata/device": ["abcd1234ef", "abcd1234ef", "abcd1234ef", "ffff0000aa"],
        }
    )  # fmt: skip
    found = reasons_of(definition(), frame)
    assert codes(found) == [[], ["same_device"], [], []]  # three hours later: not
    assert found[1][0].evidence == {"of": 1, "minutes": 10.0}
    assert found[1][0].weight == 0.5


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("asdfgh", "keyboard"),
        ("sdfjkl", "keyboard"),
        ("dfghj", "keyboard"),
        ("啊啊啊啊啊", "repeated"),
        ("111111", "repeated"),
        ("哈哈哈哈", "repeated"),
        ("。。。。", "no_words"),
        ("？？？", "no_words"),
        ("凳诶婆蜡鬣禚鞯", "random_characters"),
    ],
)
def test_gibberish_open_answers(text, kind):
    assert gibberish_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "送餐速度挺快的，包装也不错",
        "价格有点贵",
        "很好",
        "没有",
        "无",
        "骑手很准时，下次还会用",
        "希望多一些满减优惠，配送费太贵了",
        "good",
        "haode",
        "App 界面不好用",
        "3次",
        "",
        None,
    ],
)
def test_real_answers_are_not_gibberish(text):
    assert gibberish_kind(text) is None


def test_gibberish_weighs_half_per_answer():
    frame = pd.DataFrame(
        {"why": ["asdfgh", "送餐很快", "啊啊啊啊"], "more": ["qwerty", None, "挺好"]}
    )
    found = reasons_of(TEXTS, frame)
    assert codes(found) == [["gibberish_text"], [], ["gibberish_text"]]
    assert [found[0][0].weight, found[2][0].weight] == [1.0, 0.5]
    assert found[0][0].evidence["answers"][1] == {"question": "more", "text": "qwerty",
                                                 "kind": "keyboard"}  # fmt: skip


def test_open_answers_copied_between_respondents():
    frame = pd.DataFrame(
        {
            "why": ["配送太慢了，等了一个多小时", "配送太慢了 等了一个多小时！", "没有意见",
                    "没有意见", "菜品质量不错，分量也足"],
            "more": [None, None, None, "挺好", "配送太慢了，等了一个多小时"],
        }
    )  # fmt: skip
    found = reasons_of(TEXTS, frame)
    # the same text without blanks and punctuation, by three people; "没有意见" is too short
    assert codes(found) == [["copied_text"], ["copied_text"], [], [], ["copied_text"]]
    assert found[0][0].evidence["answers"] == [
        {"question": "why", "text": "配送太慢了，等了一个多小时", "others": 2}
    ]


def test_pasted_answers_need_the_paste_and_almost_no_typing():
    frame = pd.DataFrame(
        {
            "why": ["整段复制过来的一段很长的评价", "自己慢慢打的字", "粘贴后又改了很多", None],
            "paradata/pasted/why": [True, False, True, True],
            "paradata/typing_s/why": [0.0, 12.5, 30.0, 0.0],
            "more": [None, None, None, None],
        }
    )
    found = reasons_of(TEXTS, frame)
    assert codes(found) == [["pasted_text"], [], [], []]
    assert found[0][0].evidence["answers"] == [{"question": "why", "chars": 14, "typing_s": 0.0}]
    assert found[0][0].weight == 0.25


def test_the_score_is_the_sum_of_the_weights_and_flags_from_the_threshold():
    frame = pd.DataFrame(
        {
            "response_id": [1, 2, 3],
            "why": ["asdfgh", "整段复制过来的一段评价", "asdfgh"],
            "more": [None, None, "啊啊啊啊"],
            "paradata/pasted/why": [False, True, False],
            "paradata/typing_s/why": [3.0, 0.0, 2.0],
        }
    )
    flags = flag_responses(TEXTS, prepare_frame(TEXTS, frame))
    assert flags["score"].tolist() == [0.5, 0.25, 1.0]
    assert flags["flagged"].tolist() == [False, False, True] and THRESHOLD == 1.0
    assert flags["reasons"].tolist() == ["gibberish_text", "pasted_text", "gibberish_text"]


def test_key_numbers_with_and_without_flagged_responses():
    defn = definition(
        {"id": "stars", "type": "rating", "title": "评分", "max": 5},
        {"id": "nps", "type": "nps", "title": "推荐"},
    )
    frame = pd.DataFrame(
        {
            "response_id": [1, 2, 3, 4, 5],
            "duration_s": [300, 280, 320, 20, 310],
            "stars": [5, 4, 2, 1, 4],
            "nps": [10, 9, 6, 0, 8],
        }
    )
    shift = metric_shift(summarise(defn, frame), summarise(defn, frame, exclude_flagged=True))
    by = {(m["question"], m["metric"]): m for m in shift}
    assert (by[(None, "n")]["with"], by[(None, "n")]["without"]) == (5, 4)  # 20 s: a speeder
    # mean of 5, 4, 2, 1, 4 = 3.2; without the speeder's 1: 15 / 4 = 3.75
    assert by[("stars", "mean")]["with"] == pytest.approx(3.2)
    assert by[("stars", "mean")]["change"] == pytest.approx(0.55)
    # top-2 box (4 or 5): 3 of 5 = 60 %, 3 of 4 = 75 %
    assert (by[("stars", "top2")]["with"], by[("stars", "top2")]["without"]) == (60.0, 75.0)
    # NPS: promoters 10, 9 → 2 of 5, detractors 6, 0 → 2 of 5: 0; without: 2/4 − 1/4 = 25
    assert by[("nps", "nps")]["with"] == pytest.approx(0.0)
    assert by[("nps", "nps")]["without"] == pytest.approx(25.0)
