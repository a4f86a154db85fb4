"""Aspects: what an answer talks about and what it says of it (配送 → 慢, 客服 → 难联系).

Each clause (split at punctuation and at 但/不过/可是) is segmented; an *opinion* is a word of
the opinion list (`data/opinion_words.tsv`) or a context word (多, 高, 长 …: its polarity
depends on the aspect, `CONTEXT_WORDS`), after stripping a degree adverb glued to it (太慢 →
慢, 很难 → 难) and with a negation before it flipping the polarity (不准, 不够直观). The
*aspect* is the run of content words before the opinion in the same clause (物流 速度 →
物流速度), skipping adverbs, "verb 得" (报告出得很快 → 报告) and the second noun of "A 和 B"
(颜色和图片不一样 → 颜色). Patterns over the segmentation rather than a parser: tested on a
hand-labelled set (tests/data/aspects/labelled.tsv) for precision and recall.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from analysis.text.normalise import normalise
from analysis.text.tokenize import ChineseTokenizer, Token, UserDict, get_tokenizer


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _words_in_order(text: str) -> tuple[str, ...]:
    return tuple(text.split())


OPINION_FILE = Path(__file__).with_name("data") / "opinion_words.tsv"
CLAUSE_BREAKS = _words("，。！？；、,.!?;:：\n") | {"但是", "不过", "可是", "但"}
#: degree adverbs the segmentation glues to an opinion word (太慢, 很难)
DEGREE = _words_in_order("非常 特别 比较 有点 有些 太 很 更 挺 超 真 好 蛮 最")
NEGATIONS = _words("不 没 没有 不够 不太 不是 别 不大 并不 一点也不")
#: words between an aspect and its opinion: adverbs, 是, 得, particles
SKIPPED = _words(
    "太 很 更 挺 非常 特别 比较 有点 有些 经常 总是 老是 都 也 还 就 又 真 好 蛮 最 偏 略 "
    "反而 实在 是 得 的 了 着 一直 依然 越来越 相当 超 十分"
)
#: words that end an aspect: conjunctions, prepositions, pronouns
BREAKS = _words(
    "和 跟 与 同 比 把 被 在 对 给 让 从 我 你 他 她 我们 这个 那个 这 那 但 而且 并且 然后"
)
#: jieba tags never part of an aspect (punctuation, numbers, particles, adverbs, pronouns …)
NOT_ASPECT_POS = _words("x m u uj ul ud uz ug uv c p r d zg y e o f q t tg mq")
TIME_WORDS = {"以后", "之后", "以前", "最近", "每次", "有时候", "有时", "现在", "今天", "昨天"}

#: words whose polarity depends on the aspect: (default, {aspect part: polarity})
CONTEXT_WORDS: dict[str, tuple[int, dict[str, int]]] = {
    "多": (-1, {"种类": 1, "选择": 1, "方式": 1, "例子": 1, "品种": 1, "优惠": 1, "功能": 1}),
    "少": (-1, {"广告": 1, "等待": 1, "噪音": 1, "故障": 1, "弹窗": 1, "排队": 1}),
    "高": (-1, {"质量": 1, "效率": 1, "性价比": 1, "评分": 1, "颜值": 1, "清晰度": 1}),
    "低": (1, {"质量": -1, "效率": -1, "性价比": -1, "评分": -1, "清晰度": -1, "收益": -1}),
    "大": (-1, {"屏幕": 1, "空间": 1, "容量": 1, "力度": 1, "分量": 1}),
    "小": (-1, {"噪音": 1, "误差": 1, "色差": 1, "延迟": 1}),
    "长": (-1, {"续航": 1, "保修": 1, "寿命": 1, "待机": 1}),
    "短": (-1, {"时间": 1, "排队": 1, "等待": 1}),
    "重": (-1, {}),
    "轻": (1, {}),
    "甜": (-1, {}),
    "足": (1, {}),
    "快": (1, {"耗电": -1, "没电": -1}),
}


@dataclass(frozen=True)
class AspectMention:
    aspect: str
    opinion: str
    polarity: int  # +1 positive, −1 negative
    clause: str


@cache
def opinion_words() -> dict[str, int]:
    words = {}
    for line in OPINION_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, polarity = line.split("\t")
            words[word] = int(polarity)
    return words


@lru_cache(maxsize=65536)
def _opinion_core(text: str) -> str | None:
    """The opinion word in a token, with one glued degree adverb stripped (太慢 → 慢);
    cached: answers repeat their words."""
    lexicon = opinion_words()
    if text in lexicon or text in CONTEXT_WORDS:
        return text
    for degree in DEGREE:
        rest = text[len(degree) :]
        if text.startswith(degree) and (rest in lexicon or rest in CONTEXT_WORDS):
            return rest
    return None


def _polarity(opinion: str, aspect: str) -> int:
    if opinion in CONTEXT_WORDS:
        default, by_aspect = CONTEXT_WORDS[opinion]
        return next((p for part, p in by_aspect.items() if part in aspect), default)
    return opinion_words()[opinion]


def _is_aspect_token(token: Token) -> bool:
    text = token.text
    return (
        token.pos not in NOT_ASPECT_POS
        and text not in SKIPPED
        and text not in BREAKS
        and text not in NEGATIONS
        and text not in TIME_WORDS
        and not text.isspace()
        and _opinion_core(text) is None
    )


def _aspect_before(tokens: list[Token], end: int) -> str | None:
    """The run of content tokens before position *end* (exclusive), as described above."""
    i = end - 1
    while i >= 0 and (tokens[i].text in SKIPPED or tokens[i].text in NEGATIONS):
        if tokens[i].text == "得" and i >= 1:  # "verb 得": the aspect is before the verb
            i -= 1
        i -= 1
    run_end = i + 1
    while i >= 0 and _is_aspect_token(tokens[i]):
        i -= 1
    run_start = i + 1
    if run_start == run_end:
        return None
    if i >= 1 and tokens[i].text in {"和", "跟", "与", "同"}:  # "A 和 B 不一样": A
        j = i - 1
        while j >= 0 and _is_aspect_token(tokens[j]):
            j -= 1
        if j + 1 <= i - 1:
            run_start, run_end = j + 1, i
    text = "".join(t.text for t in tokens[run_start:run_end]).strip()
    return text if len(text) >= 2 or (text.isascii() and text) else None


def _opinions(tokens: list[Token]) -> Iterable[tuple[int, str, bool]]:
    """(token position, opinion word, negated) of each opinion in a clause."""
    for i, token in enumerate(tokens):
        core = _opinion_core(token.text)
        if core == "难" and i + 1 < len(tokens) and _is_aspect_token(tokens[i + 1]):
            yield i, "难" + tokens[i + 1].text, False  # 难 + a verb: 难联系, 难找
            continue
        if core is None:
            continue
        negated = i >= 1 and tokens[i - 1].text in NEGATIONS
        if not negated and i >= 2 and tokens[i - 1].text in SKIPPED:
            negated = tokens[i - 2].text in NEGATIONS
        yield i, core, negated


def _clauses(tokens: list[Token]) -> Iterable[list[Token]]:
    """The tokens between punctuation and 但/不过/可是 (one segmentation of the whole answer:
    jieba never joins across punctuation)."""
    clause: list[Token] = []
    for token in tokens:
        if token.text in CLAUSE_BREAKS or (token.pos == "x" and not token.text.strip()):
            if clause:
                yield clause
            clause = []
        else:
            clause.append(token)
    if clause:
        yield clause


def clause_mentions(tokens: list[Token], text: str) -> list[AspectMention]:
    """The pairs of one clause (*tokens*, offsets into *text*)."""
    clause = text[tokens[0].start : tokens[-1].end]
    out = []
    used_until = 0
    for position, opinion, negated in _opinions(tokens):
        start = position - 1 if negated else position
        aspect = _aspect_before(tokens[:start], start) if start >= used_until else None
        if aspect is None:
            continue
        polarity = _polarity("难" if opinion.startswith("难") else opinion, aspect)
        if negated:
            polarity, opinion = -polarity, "不" + opinion
        out.append(AspectMention(aspect, opinion, polarity, clause))
        used_until = position + 1
    return out


def extract_aspects(
    text: str, *, userdict: UserDict = None, tokenizer: ChineseTokenizer | None = None
) -> list[AspectMention]:
    """Every aspect–opinion pair of one answer, in order (pass *tokenizer* when calling it
    for many answers: looking it up costs more than a short answer's segmentation)."""
    normalised = normalise(text)
    out: list[AspectMention] = []
    tokenizer = tokenizer or get_tokenizer(userdict)
    for clause in _clauses(tokenizer.tokenize(normalised)):
        out += clause_mentions(clause, normalised)
    return out


def aspect_table(
    texts: Iterable[str | None], *, examples: int = 3, userdict: UserDict = None
) -> list[dict[str, Any]]:
    """[{"aspect", "mentions", "positive", "negative", "opinions", "examples"}] over many
    answers, most mentioned first (ties by name): `opinions` counts each opinion word,
    `examples` are the first answers that mention the aspect."""
    counts: Counter[str] = Counter()
    positive: Counter[str] = Counter()
    opinions: dict[str, Counter[str]] = defaultdict(Counter)
    shown: dict[str, list[str]] = defaultdict(list)
    tokenizer = get_tokenizer(userdict)
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            continue
        for mention in extract_aspects(text, tokenizer=tokenizer):
            counts[mention.aspect] += 1
            positive[mention.aspect] += mention.polarity > 0
            opinions[mention.aspect][mention.opinion] += 1
            if len(shown[mention.aspect]) < examples and text not in shown[mention.aspect]:
                shown[mention.aspect].append(text)
    return [
        {
            "aspect": aspect,
            "mentions": n,
            "positive": positive[aspect],
            "negative": n - positive[aspect],
            "opinions": dict(opinions[aspect].most_common()),
            "examples": shown[aspect],
        }
        for aspect, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def aspect_groups(
    texts: Sequence[str | None],
    groups: Sequence[str | None],
    *,
    limit: int = 10,
    userdict: UserDict = None,
) -> list[dict[str, Any]]:
    """The *limit* most mentioned aspects of *texts* (ordered as `aspect_table`), each with
    its positive and negative mentions in every group: `groups[i]` is the group of `texts[i]`
    (a segment's level, say); a text without a group counts in the totals only.
    [{"aspect", "mentions", "positive", "negative", "groups": {group: {"positive", "negative"}}}]"""
    by_group: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    counts: Counter[str] = Counter()
    positive: Counter[str] = Counter()
    tokenizer = get_tokenizer(userdict)
    for text, group in zip(texts, groups, strict=True):
        if not isinstance(text, str) or not text.strip():
            continue
        for mention in extract_aspects(text, tokenizer=tokenizer):
            sign = "positive" if mention.polarity > 0 else "negative"
            counts[mention.aspect] += 1
            positive[mention.aspect] += sign == "positive"
            if group:
                by_group[mention.aspect][group][sign] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [
        {
            "aspect": aspect,
            "mentions": n,
            "positive": positive[aspect],
            "negative": n - positive[aspect],
            "groups": {
                group: {"positive": c["positive"], "negative": c["negative"]}
                for group, c in sorted(by_group[aspect].items())
            },
        }
        for aspect, n in ranked
    ]
