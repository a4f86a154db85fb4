# Over 400 lines: word lists, the fast pass and its cache (plain one: features_reference).
"""Sentiment features of a piece of text: jieba words with negation scope, degree words, and
character bigrams. Shared by training (sentiment_train) and scoring (sentiment) so the two can
never drift apart.

Negation is compositional: a word that starts with a negator (不好吃, 没意思) is split into the
negator and the rest when the rest is itself a word, and a negator flips the polarity mark of
the next few words up to punctuation or a contrast word. Two negators cancel, so 不是不好 ends
with a plain 好 and 不好吃 with ``!好吃``; the character bigrams of a negated word are marked
too (``c:!好吃``), so 不喜欢 does not also count as the bigram 喜欢. Degree compounds are split
the same way (很差 → 很 差), and a degree word scales the value of the next word's features
instead of being a feature itself (很好 counts more than 好, 有点贵 less than 贵). After a
contrast word (但是, 可是, 不过…) the rest of the sentence counts CONTRAST_VALUE times as much:
in 质量不错，但是太贵 the verdict follows 但是.
An excess degree word (太, 过于) also adds a feature of its own, ``x:太``, when it modifies
a word (门槛太高: "too" blames, whatever 高 says in a product review); spoken fillers (嗯, 呃)
are skipped like blanks.

Six features carry three sentiment lexicons (:mod:`analysis.text.lexicon`):
``lex:hownet+`` / ``lex:hownet-``, ``lex:dutir+`` / ``lex:dutir-`` and the project's
service-feedback list ``lex:survey+`` / ``lex:survey-`` count the text's
different positive and negative words of each, at their degree and with negation applied.
Their weights are learnt like any other, so a word the training reviews never used (感人,
精彩 in a book review) still counts through them.

Held out by category (tests/benchmarks/sentiment_eval.py), the negated bigrams and the
contrast weighting together took 书籍 from 0.779 to 0.788 and 蒙牛 from 0.807 to 0.808 with
the previous trainer, and the lexicon features 书籍 0.791 → 0.803, 蒙牛 0.835 → 0.853; see
docs/benchmarks.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from analysis.text.lexicon import SOURCES, polarity

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
_DEGREE_PREFIXES = (
    "非常",
    "特别",
    "有点",
    "比较",
    "十分",
    "相当",
    "超级",
    "极其",
    "很",
    "挺",
    "太",
    "超",
)
_DEGREE_CHARS = frozenset(prefix[0] for prefix in _DEGREE_PREFIXES)
# Words that start like a degree word but are not one (太阳 is no degree of 阳).
_NOT_DEGREE = frozenset(
    [
        "太阳",
        "太太",
        "太空",
        "太平",
        "太极",
        "太子",
        "太后",
        "太监",
        "太原",
        "太湖",
        "超市",
        "超过",
        "超出",
        "超越",
        "超人",
        "超值",
        "超标",
        "超时",
        "超声",
        "挺拔",
        "挺身",
        "特别是",
        "比较",
        "十分",
        "相当于",
        "有点",
        "有点儿",
        "非常",
        "特别",
        "超级",
        "极其",
        "相当",
    ]
)
# Degree words that say "too much": 太高, 过于复杂 blame what they modify, whatever the word's
# polarity elsewhere (高 of quality is praise). Besides scaling the word, each adds a feature of
# its own, ``x:太`` (``x:!太`` negated), at the clause's contrast, so the model learns what
# "too" says apart from the word: 等待时间太长 is a complaint even where 长 or 等待时间 is not.
EXCESS = frozenset(["太", "太过", "过于"])
# Spoken fillers (嗯, 呃): no feature at all, read like a blank. In the reviews 嗯 mostly
# opens praise (嗯，不错), and taught the model that; in an interview it opens anything.
FILLERS = frozenset(["嗯", "嗯嗯", "呃", "额", "唔", "emm", "嗯哼"])
_SCOPE_BREAK = frozenset(
    ["但", "但是", "可是", "不过", "然而", "而", "却", "只是", "就是", "而且", "所以"]
)
_PUNCT = re.compile(r"^[\W_]+$")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_ALL_HAN = re.compile(r"[\u3400-\u9fff]+$")
_NUMBER = re.compile(r"^[\d.,:%+-]+$")
# Contrast words: what follows them in the sentence is usually the verdict (质量不错，但是太贵).
CONTRAST_WORDS = frozenset(["但", "但是", "可是", "不过", "然而", "只是", "却"])
# Punctuation that ends a sentence, where the contrast ends too.
_SENTENCE_END = re.compile(r"^[。！？!?；;…\.]+$")
# Words whose "w:" key is not a _K_WORD part's: no lexicon count (see _key_polarity).
_UNCOUNTED = INTENSIFIERS | DIMINISHERS | _SCOPE_BREAK
NEGATION_SCOPE = 3
INTENSIFIER_VALUE = 1.5
DIMINISHER_VALUE = 0.6
CONTRAST_VALUE = 1.5
# The lexicon features, two per lexicon (analysis.text.lexicon): how many different positive
# and negative words of that lexicon a text has, each at its largest degree, a negated word
# counting for the other side (不感动 is negative); stored as the square root of that sum, so
# that after the √(number of features) normalisation the value is the root of the share of
# the text's features that are sentiment words, whatever its length. Like every feature, a
# word counts once however often it is repeated.
LEXICON_FEATURES = tuple(f"lex:{source}{side}" for source in SOURCES for side in "+-")


Vocabulary = Mapping[str, int]  # dictionary word → count (jieba's prefix dictionary)
WeightOf = Callable[[str], float | None]  # a model's weight of a feature, None if unknown
# What _word_part works out for one word (see its docstring): kind first, the rest by kind.
WordPart = tuple[Any, ...]
WordParts = tuple[WordPart, ...]
LexiconKeys = tuple[tuple[str, ...], tuple[str, ...]] | tuple[()]


def split_negated(words: list[str], vocabulary: Mapping[str, int]) -> list[str]:
    """Split 不好吃 → 不 好吃 when the remainder is a known word (count > 0 in ``vocabulary``)."""
    return _split_prefix(words, vocabulary, _NEGATION_CHARS, _NOT_NEGATIONS, _SPLIT_PREFIXES)


def split_degree(words: list[str], vocabulary: Mapping[str, int]) -> list[str]:
    """Split 很差 → 很 差 and 非常好用 → 非常 好用 when the remainder is a known word.

    jieba keeps some degree + adjective pairs as one dictionary word (很差, 太差, 挺好); left
    whole, the model never learns 差 from 很差 and the degree word cannot scale it.
    """
    return _split_prefix(words, vocabulary, _DEGREE_CHARS, _NOT_DEGREE, _DEGREE_PREFIXES)


def _split_prefix(
    words: list[str],
    vocabulary: Vocabulary,
    first_chars: Collection[str],
    whole_words: Collection[str],
    prefixes: tuple[str, ...],
) -> list[str]:
    """Each word that starts with one of *prefixes* (and is not in *whole_words*) split off
    its prefix when the rest is a dictionary word."""
    out: list[str] = []
    for word in words:
        if len(word) > 1 and word[0] in first_chars and word not in whole_words:
            for prefix in prefixes:
                rest = word[len(prefix) :]
                if word.startswith(prefix) and rest and vocabulary.get(rest):
                    out.extend((prefix, rest))
                    break
            else:
                out.append(word)
        else:
            out.append(word)
    return out


def sentiment_features(
    words: list[str], text: str = "", vocabulary: Vocabulary | None = None
) -> dict[str, float]:
    """Feature → value for one text; the presence of features is L2-normalised so long texts
    do not saturate the score, and degree words scale the value after the normalisation.
    (`raw_sentiment_features` before the normalisation, `normalised_features` after.)
    """
    return normalised_features(raw_sentiment_features(words, vocabulary))


def normalised_features(raw: dict[str, float]) -> dict[str, float]:
    """Divide by √(number of features): presence is L2-normalised, degrees kept relative."""
    if not raw:
        return {}
    norm = math.sqrt(len(raw))
    return {key: value / norm for key, value in raw.items()}


def presence_scale(raw: dict[str, float]) -> float:
    """The factor :func:`normalised_features` multiplies every value of ``raw`` by."""
    return 1.0 / math.sqrt(len(raw)) if raw else 1.0


def resets_state(word: str) -> bool:
    """Whether a pass forgets everything at *word* (punctuation): what follows reads as a
    fresh text, so features of the pieces on either side can be merged."""
    return (
        not word.isspace()
        and bool(_PUNCT.match(word))
        and word not in _SCOPE_BREAK
        and bool(_SENTENCE_END.match(word))
    )


def merge_raw_features(
    parts: list[dict[str, float]], repeats: list[tuple[str, float]] | None = None
) -> dict[str, float]:
    """The raw features of texts read one after another with a clause break between them:
    each feature at its largest degree, as one pass over the whole would give (the lexicon
    features, square roots of sums over different words: the root of the sum of their
    squares, less the words counted in both parts).

    ``repeats``, when given, receives (feature, amount) for each feature met again in a
    later part: what a sum over the parts counted that the merged features do not (for a
    degree, the smaller value).
    """
    merged: dict[str, float] = {}
    for part in parts:
        again = merged.keys() & part.keys()  # usually few: the rest is one update in C
        if not again:
            merged.update(part)
            continue
        before = {key: merged[key] for key in again}
        merged.update(part)
        overlap: dict[str, float] = {}  # lexicon feature → its words met again
        for key in again:
            old, new = before[key], part[key]
            if key in _LEXICON_KEYS:
                continue  # once the words are merged
            smaller = new if old > new else old
            if old > new:
                merged[key] = old
            if repeats is not None:
                repeats.append((key, smaller))
            for lexicon_key in _lexicon_keys_of(key):  # already counted in an earlier part
                overlap[lexicon_key] = overlap.get(lexicon_key, 0.0) + smaller
        for key in LEXICON_FEATURES:
            if key in again:
                # The features hold √(sum of degrees): the sums add up, less the words
                # counted on both sides of the join.
                old, new = before[key], part[key]
                value = math.sqrt(max(old * old + new * new - overlap.get(key, 0.0), 0.0))
                merged[key] = value
                if repeats is not None:
                    repeats.append((key, old + new - value))
    return merged


def raw_sentiment_features(
    words: list[str], vocabulary: Vocabulary | None = None
) -> dict[str, float]:
    """Feature → degree for one text, before the normalisation.

    ``words`` are the jieba words of the normalised text, covering it exactly (the character
    bigrams are taken from them); ``vocabulary`` maps dictionary words to counts, used to
    split negated and degree compounds (jieba's prefix dictionary).

    A degree word that modifies a following word (非常贵, 有点贵) is not a word feature of its
    own: it sets the degree of that word and of the character bigrams from its last character
    into the word (c:很好), so what the reviews taught about 非常 and 有点 as words (非常 is
    mostly praise) does not decide whether 非常贵 is worse than 有点贵. A degree word with
    nothing after it in its clause (质量一般) is an ordinary word.
    """
    return _feature_pass(words, vocabulary, None)[0]


def scored_features(
    words: list[str], vocabulary: Vocabulary | None, weights: Mapping[str, float]
) -> tuple[dict[str, float], float | None]:
    """:func:`raw_sentiment_features` and, in the same pass, their dot product with
    ``weights`` (a model's feature → weight); None when no feature has a weight.

    The weights of a word's own keys are cached with the word, so scoring a sentence looks up
    only the bigrams that join two words, not every feature again in a large table.
    """
    return _feature_pass(words, vocabulary, weights)


def _feature_pass(
    words: list[str], vocabulary: Vocabulary | None, weights: Mapping[str, float] | None
) -> tuple[dict[str, float], float | None]:
    """One pass over the words: what a word contributes apart from its context (its split,
    its kind, its feature keys and their weights, the bigrams inside it) is worked out once
    per word, vocabulary and weights (:func:`_word_part`); the pass applies the context:
    negation scope, degree, contrast, the bigram across words. The dot product grows by
    w × the rise of a feature's value whenever the value rises, so it ends at Σ w × final
    value."""
    parts_of = _parts_cache(vocabulary, weights)
    weight_of = weights.get if weights is not None else _no_weight
    degrees: dict[str, float] = {}
    bigrams: dict[str, float] = {}  # character bigrams, merged after the words
    last = ""  # the Han character just before the next word ("" after a break)
    negated = False
    scope = 0
    degree = 1.0
    modifier = ""
    contrast = 1.0  # CONTRAST_VALUE after 但是/可是…, until the sentence ends
    counts: dict[str, float] = {}  # lexicon feature → its words' degrees
    dot = 0.0
    found = False
    for word in words:
        parts = parts_of.get(word)
        if parts is None:
            parts = _cache_parts(parts_of, word, vocabulary, weight_of)
        for (
            kind,
            key,
            negated_key,
            first,
            inner,
            end,
            weight,
            negated_weight,
            negated_inner,
            lexicon,
        ) in parts:
            if kind == _K_WORD:
                value = degree * contrast
                prefix = "c:"
                if negated:
                    key, weight, inner, prefix = negated_key, negated_weight, negated_inner, "c:!"
                old = degrees.get(key, 0.0)
                if old < value:
                    degrees[key] = value
                    if weight is not None:
                        dot += weight * (value - old)
                        found = True
                    if lexicon:  # (plain, negated) lexicon features of the word
                        for lexicon_key in lexicon[negated]:
                            counts[lexicon_key] = counts.get(lexicon_key, 0.0) + value - old
                if last and first:
                    pair = prefix + last + first
                    old = bigrams.get(pair, 0.0)
                    if old < value:
                        bigrams[pair] = value
                        other = weight_of(pair)
                        if other is not None:
                            dot += other * (value - old)
                            found = True
                for pair, other in inner:
                    old = bigrams.get(pair, 0.0)
                    if old < value:
                        bigrams[pair] = value
                        if other is not None:
                            dot += other * (value - old)
                            found = True
                last = end
                if modifier in EXCESS:
                    key = ("x:!" if negated else "x:") + modifier
                    rise = _raise(degrees, key, contrast)
                    if rise:
                        other = weight_of(key)
                        if other is not None:
                            dot += other * rise
                            found = True
                degree, modifier = 1.0, ""
                if scope:
                    scope -= 1
                    if not scope:
                        negated = False
            elif kind == _K_SPACE:
                continue
            elif kind == _K_DEGREE:
                if modifier:  # 有点太贵: the earlier degree word modified nothing by itself
                    dot, found = _close_modifier(degrees, modifier, contrast, weight_of, dot, found)
                # Its last character pairs with the next word (很好 → c:很好, at that word's
                # degree); no bigram inside it or with the word before.
                degree, modifier, last = negated_key, key, end
            elif kind == _K_NUMBER:
                last = ""
            elif kind == _K_NEGATOR:
                negated = not negated if scope else True
                scope = NEGATION_SCOPE
                dot, found = _count_once(degrees, key, weight, dot, found)
                if last and first:
                    pair = "c:" + last + first
                    dot, found = _count_once(bigrams, pair, weight_of(pair), dot, found)
                for pair, other in inner:
                    dot, found = _count_once(bigrams, pair, other, dot, found)
                last = end
            else:  # punctuation or a scope-breaking word: the clause ends
                if modifier:
                    dot, found = _close_modifier(degrees, modifier, contrast, weight_of, dot, found)
                negated, scope, degree, modifier = False, 0, 1.0, ""
                last = ""
                if kind == _K_END:
                    contrast = 1.0
                elif kind != _K_BREAK:  # 但是, 而且…: a feature of its own, never scaled
                    if kind == _K_CONTRAST:
                        contrast = CONTRAST_VALUE
                    dot, found = _count_once(degrees, key, weight, dot, found)
                    for pair, other in inner:
                        dot, found = _count_once(bigrams, pair, other, dot, found)
                    last = end
    if modifier:
        dot, found = _close_modifier(degrees, modifier, contrast, weight_of, dot, found)
    for key, count in counts.items():
        if count:
            degrees[key] = value = math.sqrt(count)
            weight = weight_of(key)
            if weight is not None:
                dot += weight * value
                found = True
    degrees.update(bigrams)  # keys never clash: words "w:"/"neg:"/"lex:"/"x:", bigrams "c:"
    return degrees, (dot if found else None)


def _close_modifier(
    degrees: dict[str, float],
    modifier: str,
    contrast: float,
    weight_of: WeightOf,
    dot: float,
    found: bool,
) -> tuple[float, bool]:
    """A degree word that modified nothing is a word feature (in a contrast clause, scaled)."""
    key = "w:" + modifier
    rise = _raise(degrees, key, contrast)
    if rise:
        weight = weight_of(key)
        if weight is not None:
            return dot + weight * rise, True
    return dot, found


def _count_once(
    values: dict[str, float], key: str, weight: float | None, dot: float, found: bool
) -> tuple[float, bool]:
    """A feature of a negator or clause word, or a bigram inside it, at 1 (never scaled):
    raised in *values*, and the dot product and whether a known feature was met, updated."""
    rise = _raise(values, key, 1.0)
    if rise and weight is not None:
        return dot + weight * rise, True
    return dot, found


def _no_weight(_key: str) -> float | None:
    return None


def _raise(values: dict[str, float], key: str, value: float) -> float:
    """Raise ``values[key]`` to ``value`` if it is lower; how much it rose."""
    old = values.get(key, 0.0)
    if old < value:
        values[key] = value
        return value - old
    return 0.0


# Kinds of word for raw_sentiment_features, in the order it tests them.
(
    _K_SPACE,
    _K_BREAK,
    _K_END,
    _K_SCOPE,
    _K_CONTRAST,
    _K_NEGATOR,
    _K_DEGREE,
    _K_NUMBER,
    _K_WORD,
) = range(9)
# One cache per vocabulary (None: no splitting) and weights (None: features only), mapping
# a word to its parts. Bounded: a word costs a small tuple, and a cache starts over past
# this many words.
_PARTS_MAX = 200_000
_parts_caches: dict[tuple[int, int], tuple[object, object, dict[str, WordParts]]] = {}
_LEXICON_KEYS = frozenset(LEXICON_FEATURES)


def _lexicon_keys(word: str) -> tuple[tuple[str, ...], tuple[str, ...]] | tuple[()]:
    """The lexicon features a word counts for, plain and negated; () when none lists it
    (cached: merging sentences asks again for every word repeated across them)."""
    keys = _lexicon_keys_cache.get(word)
    if keys is None:
        if len(_lexicon_keys_cache) >= _PARTS_MAX:
            _lexicon_keys_cache.clear()
        keys = _lexicon_keys_cache[word] = _lookup_lexicon_keys(word)
    return keys


_lexicon_keys_cache: dict[str, LexiconKeys] = {}


def _lookup_lexicon_keys(word: str) -> tuple[tuple[str, ...], tuple[str, ...]] | tuple[()]:
    plain, negated = [], []
    for source in SOURCES:
        side = polarity(word, source)
        if side:
            plain.append(f"lex:{source}{'+' if side > 0 else '-'}")
            negated.append(f"lex:{source}{'-' if side > 0 else '+'}")
    return (tuple(plain), tuple(negated)) if plain else ()


def _lexicon_keys_of(key: str) -> tuple[str, ...]:
    """The lexicon features a word feature counted for in a pass (``w:!``: the negated
    ones); none for any other feature, nor for degree and clause words, whose ``w:`` keys a
    pass never counts."""
    if key[0] != "w":  # "c:", "neg:", "lex:"
        return ()
    if key.startswith("w:!"):
        keys = _lexicon_keys(key[3:])
        return keys[1] if keys else ()
    word = key[2:]
    if word in _UNCOUNTED:
        return ()
    keys = _lexicon_keys(word)
    return keys[0] if keys else ()


def _parts_cache(
    vocabulary: Vocabulary | None, weights: Mapping[str, float] | None
) -> dict[str, WordParts]:
    entry = _parts_caches.get((id(vocabulary), id(weights)))
    if entry is None or entry[0] is not vocabulary or entry[1] is not weights:
        if len(_parts_caches) >= 8:
            _parts_caches.clear()
        entry = _parts_caches[(id(vocabulary), id(weights))] = (vocabulary, weights, {})
    return entry[2]


def _cache_parts(
    cache: dict[str, WordParts], word: str, vocabulary: Vocabulary | None, weight_of: WeightOf
) -> WordParts:
    if len(cache) >= _PARTS_MAX:
        cache.clear()
    parts = [word]
    if vocabulary is not None:
        parts = split_degree(split_negated(parts, vocabulary), vocabulary)
    cache[word] = value = tuple(_word_part(part, weight_of) for part in parts)
    return value


def _word_part(word: str, weight_of: WeightOf) -> WordPart:
    """(kind, key, negated key or degree value, first Han character or "", (bigram key inside
    the word, its weight)…, the Han character a following bigram starts from or "", weight
    of the key, weight of the negated key, (negated bigram key, its weight)…) of one word;
    weights are None when unknown; and the lexicon features the word counts for, plain and
    negated, or () when no lexicon lists it."""
    if word.isspace() or word.lower() in FILLERS:
        return (_K_SPACE, "", "", "", (), "", None, None, (), ())
    if _PUNCT.match(word):
        kind = _K_END if _SENTENCE_END.match(word) else _K_BREAK
        return (kind, "", "", "", (), "", None, None, (), ())
    if word in _SCOPE_BREAK:
        first, inner, end = _bigram_parts(word, weight_of, "c:")
        key = "w:" + word
        kind = _K_CONTRAST if word in CONTRAST_WORDS else _K_SCOPE
        return (kind, key, "", first, inner, end, weight_of(key), None, (), ())
    if word in NEGATORS and word not in _NOT_NEGATIONS:
        first, inner, end = _bigram_parts(word, weight_of, "c:")
        key = "neg:" + word
        return (_K_NEGATOR, key, "", first, inner, end, weight_of(key), None, (), ())
    if word in INTENSIFIERS or word in DIMINISHERS:
        value = INTENSIFIER_VALUE if word in INTENSIFIERS else DIMINISHER_VALUE
        return (_K_DEGREE, word, value, "", (), word[-1], None, None, (), ())
    if _NUMBER.match(word):
        return (_K_NUMBER, "", "", "", (), "", None, None, (), ())
    first, inner, end = _bigram_parts(word, weight_of, "c:")
    _, negated_inner, _ = _bigram_parts(word, weight_of, "c:!")
    key, negated_key = "w:" + word.lower(), "w:!" + word.lower()
    return (
        _K_WORD,
        key,
        negated_key,
        first,
        inner,
        end,
        weight_of(key),
        weight_of(negated_key),
        negated_inner,
        _lexicon_keys(word),
    )


def _bigram_parts(
    word: str, weight_of: WeightOf, prefix: str
) -> tuple[str, tuple[tuple[str, float | None], ...], str]:
    """The character that pairs with the Han character before the word ("" if none does),
    the bigram keys inside the word (``prefix`` + two characters) with their weights, and
    the character the next bigram starts from."""
    if _ALL_HAN.match(word):
        keys = [prefix + word[i : i + 2] for i in range(len(word) - 1)]
        return word[0], tuple((key, weight_of(key)) for key in keys), word[-1]
    first = word[0] if _HAN_RUN.match(word[0]) else ""
    keys = []
    last = ""
    for ch in word:
        if _HAN_RUN.match(ch):
            if last:
                keys.append(prefix + last + ch)
            last = ch
        else:
            last = ""
    return first, tuple((key, weight_of(key)) for key in keys), last
