"""Sentiment features of a piece of text: jieba words with negation scope, degree words, and
character bigrams. Shared by training (sentiment_train) and scoring (sentiment) so the two can
never drift apart.

Negation is compositional: a word that starts with a negator (不好吃, 没意思) is split into the
negator and the rest when the rest is itself a word, and a negator flips the polarity mark of
the next few words up to punctuation or a contrast word. Two negators cancel, so 不是不好 ends
with a plain 好 and 不好吃 with ``!好吃``. Degree words scale the value of the next word's
feature (很好 counts more than 好, 有点贵 less than 贵).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

NEGATORS = frozenset(
    [
        "不",
        "没",
        "没有",
        "别",
        "未",
        "无",
        "无法",
        "没法",
        "不是",
        "不太",
        "不怎么",
        "不够",
        "不大",
        "不再",
        "并不",
        "并没有",
        "并非",
        "从不",
        "从没",
        "从来不",
        "从来没有",
        "毫不",
        "绝不",
        "决不",
        "一点也不",
        "一点都不",
        "根本不",
        "根本没有",
        "不能",
        "不会",
        "不要",
        "不用",
        "难以",
    ]
)
# Words that start with a negator character but are not negations.
_NOT_NEGATIONS = frozenset(
    [
        "不过",
        "不仅",
        "不但",
        "不断",
        "不少",
        "不管",
        "不论",
        "不然",
        "不如",
        "不久",
        "不同",
        "不止",
        "不禁",
        "不得不",
        "不时",
        "不免",
        "不料",
        "不一定",
        "无论",
        "无数",
        "无限",
        "没事",
        "没关系",
        "没问题",
        "别人",
        "别的",
        "未来",
        "不错",
    ]
)
_SPLIT_PREFIXES = ("没有", "不", "没", "无")
_NEGATION_CHARS = frozenset("不没无")
INTENSIFIERS = frozenset(
    [
        "很",
        "非常",
        "特别",
        "太",
        "超",
        "超级",
        "极",
        "极其",
        "十分",
        "相当",
        "真",
        "真的",
        "挺",
        "蛮",
        "巨",
        "贼",
        "最",
        "更",
        "好好",
        "尤其",
        "格外",
        "实在",
        "太过",
        "过于",
        "完全",
        "绝对",
    ]
)
DIMINISHERS = frozenset(
    [
        "有点",
        "有点儿",
        "有些",
        "稍微",
        "稍",
        "略",
        "略微",
        "一点",
        "比较",
        "还算",
        "还",
        "勉强",
        "一般",
    ]
)
_SCOPE_BREAK = frozenset(
    ["但", "但是", "可是", "不过", "然而", "而", "却", "只是", "就是", "而且", "所以"]
)
_PUNCT = re.compile(r"^[\W_]+$")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_NUMBER = re.compile(r"^[\d.,:%+-]+$")
NEGATION_SCOPE = 3
INTENSIFIER_VALUE = 1.5
DIMINISHER_VALUE = 0.6


def split_negated(words: list[str], vocabulary: Mapping[str, int]) -> list[str]:
    """Split 不好吃 → 不 好吃 when the remainder is a known word (count > 0 in ``vocabulary``)."""
    out: list[str] = []
    for word in words:
        if len(word) > 1 and word[0] in _NEGATION_CHARS and word not in _NOT_NEGATIONS:
            for prefix in _SPLIT_PREFIXES:
                rest = word[len(prefix) :]
                if word.startswith(prefix) and rest and vocabulary.get(rest):
                    out.extend((prefix, rest))
                    break
            else:
                out.append(word)
        else:
            out.append(word)
    return out


def sentiment_features(words: list[str], text: str, vocabulary=None) -> dict[str, float]:
    """Feature → value for one text, L2-normalised so long texts do not saturate the score.

    ``words`` are the jieba words of ``text`` (normalised); ``vocabulary`` maps
    dictionary words to counts used to split negated compounds (jieba's prefix dictionary).
    """
    if vocabulary is not None:
        words = split_negated(words, vocabulary)
    feats: dict[str, float] = {}
    negated = False
    scope = 0
    degree = 1.0
    for word in words:
        if word.isspace():
            continue
        if _PUNCT.match(word) or word in _SCOPE_BREAK:
            negated, scope, degree = False, 0, 1.0
            if word in _SCOPE_BREAK:
                feats["w:" + word] = 1.0
            continue
        if word in NEGATORS and word not in _NOT_NEGATIONS:
            negated = not negated if scope else True
            scope = NEGATION_SCOPE
            feats["neg:" + word] = 1.0
            continue
        if word in INTENSIFIERS:
            degree = INTENSIFIER_VALUE
            feats["w:" + word] = 1.0
            continue
        if word in DIMINISHERS:
            degree = DIMINISHER_VALUE
            feats["w:" + word] = 1.0
            continue
        if _NUMBER.match(word):
            continue
        key = ("w:!" if negated else "w:") + word.lower()
        feats[key] = max(feats.get(key, 0.0), degree)
        degree = 1.0
        if scope:
            scope -= 1
            if not scope:
                negated = False
    for run in _HAN_RUN.findall(text):
        for i in range(len(run) - 1):
            feats["c:" + run[i : i + 2]] = 1.0
    norm = math.sqrt(sum(v * v for v in feats.values()))
    if norm:
        for key in feats:
            feats[key] /= norm
    return feats
