"""Speaker labels at the start of a line, and when to believe them.

A line such as `主持人：…`, `[00:01:02] 张三：…`, `张三（00:01:02）：…` or a meeting-export header
`张三 00:01:02` *looks* like a speaker label, but so do `他说：…`, `原因是：…` or `时间：2024年5月`.
A label is believed when it is a known role (主持人, 受访者A, Q, 问, Speaker 2 …), when it
occurs as a label at least twice in the file, or when it looks like a person's name (a common
surname plus one or two characters, 老王, 张先生, "Jane Doe"). Everything else stays text; the
preview step lets the researcher correct the rest.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

TIMESTAMP = r"(?:\d{1,3}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_OPEN, _CLOSE = r"[\[(（【]", r"[\])）】]"


def parse_timestamp(text: str) -> float:
    """`01:02:03,5` → 3723.5 seconds (HH:MM:SS or MM:SS, optional .mmm or ,mmm)."""
    clock, _, fraction = text.strip().replace(",", ".").partition(".")
    parts = [int(p) for p in clock.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    hours, minutes, seconds = parts
    millis = int(fraction.ljust(3, "0")[:3]) if fraction else 0
    # Integer milliseconds divided once: the float is the one nearest the written decimal.
    return (((hours * 60 + minutes) * 60 + seconds) * 1000 + millis) / 1000


def _stamp(name: str) -> str:
    # Possessive `\s*+` everywhere: nested optional spaces would backtrack quadratically on
    # a long run of spaces.
    return (
        rf"{_OPEN}?\s*+(?P<{name}>{TIMESTAMP})"
        rf"(?:\s*+[-–—~～至]\s*+(?P<{name}_end>{TIMESTAMP}))?\s*+{_CLOSE}?"
    )


# A colon between two digits belongs to a clock, never to a label.
_COLON = r"(?:：|(?<!\d):|:(?!\d))"
# Labels are short (`plausible_label` allows 20 characters); the bound keeps matching linear on
# long lines and long runs of spaces.
_COLON_LINE = re.compile(
    rf"^(?:{_stamp('lead')}\s*+)?(?P<label>[^\s:：][^:：]{{0,30}}?)\s*+"
    rf"(?:{_stamp('trail')}\s*+)?{_COLON}\s*+(?P<text>.*)$"
)
_HEADER_LINE = re.compile(
    rf"^(?P<label>[^\s:：\[(（【][^:：]{{0,30}}?)(?:\s++|\s*+(?={_OPEN})){_stamp('trail')}$"
)

INTERVIEWER_ROLES = (
    "主持人", "主持", "访谈员", "访谈者", "访谈人", "访员", "采访者", "采访人", "访问员",
    "访问者", "调研员", "研究员", "研究者", "提问者", "提问人", "记者", "问", "Q", "I",
    "moderator", "interviewer", "host",
)  # fmt: skip
RESPONDENT_ROLES = (
    "受访者", "被访者", "受访人", "被访人", "访谈对象", "受访对象", "用户", "参与者", "嘉宾",
    "客户", "说话人", "发言人", "讲话人", "答", "A", "R", "P", "respondent", "interviewee",
    "participant", "speaker", "guest",
)  # fmt: skip
_SUFFIX = r"\s*(?:[A-Z]|\d{1,3}|[甲乙丙丁戊己庚辛壬癸]|[一二三四五六七八九十]{1,3})?号?"


def _role_pattern(roles: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(sorted(map(re.escape, roles), key=len, reverse=True))
    return re.compile(rf"(?i:{alternatives}){_SUFFIX}")  # the suffix letter stays upper case


_INTERVIEWER = _role_pattern(INTERVIEWER_ROLES)
_ANY_ROLE = _role_pattern(INTERVIEWER_ROLES + RESPONDENT_ROLES)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关"
)
COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒",
    "夏侯", "长孙", "宇文", "端木", "独孤", "南宫", "西门", "轩辕", "澹台",
)  # fmt: skip
TITLES = ("先生", "女士", "小姐", "老师", "同学", "经理", "医生", "教授", "阿姨", "师傅", "总")
_CJK = r"[\u4e00-\u9fff\u3400-\u4dbf]"
_NAME_LIKE = re.compile(
    rf"(?:{'|'.join(COMPOUND_SURNAMES)}){_CJK}{{1,2}}"
    rf"|[{SURNAMES}]{_CJK}{{1,2}}"
    rf"|[老小][{SURNAMES}]"
    rf"|[{SURNAMES}](?:{'|'.join(TITLES)})"
    r"|[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}"
    r"|\d{1,2}号"
)

# Keys of the metadata block many transcripts open with (时间：…, 地点：…), never speakers.
METADATA_KEYS = frozenset((
    "时间", "日期", "地点", "地址", "主题", "标题", "备注", "时长", "项目", "编号", "记录",
    "记录人", "整理", "整理人", "访谈时间", "访谈地点", "访谈主题", "访谈日期", "录音", "文件",
    "来源", "说明", "注", "网址", "链接", "电话", "邮箱", "date", "time", "location", "place",
    "topic", "title", "note", "notes", "duration", "file", "source",
))  # fmt: skip
# Endings of phrases that introduce speech or a list inside a turn (他说：, 原因是：).
_PHRASE_ENDINGS = (
    "说", "道", "讲", "表示", "认为", "提到", "指出", "回答", "回复", "是", "如下", "包括",
    "比如", "例如", "总结", "注意", "就是", "而言",
)  # fmt: skip
_FORBIDDEN = frozenset('，。！？、；,!?;"“”‘’《》<>/\\|=+*#@&%${}')


@dataclass(frozen=True, slots=True)
class LabelledLine:
    """A line split into a candidate speaker label, its text and any timestamps."""

    label: str
    text: str
    start: float | None
    end: float | None


def _stamp_value(match: re.Match[str], name: str) -> tuple[float | None, float | None]:
    start, end = match.group(name), match.group(f"{name}_end")
    return (
        parse_timestamp(start) if start else None,
        parse_timestamp(end) if end else None,
    )


def normalise_label(label: str) -> str:
    """Trim brackets and spacing; `Q3`/`问3` → `Q`/`问` (numbered questions, one speaker)."""
    label = " ".join(label.split())
    while len(label) > 2 and label[0] in "[【" and label[-1] in "]】":
        label = label[1:-1].strip()
    numbered = re.fullmatch(r"([QqAa问答])\s*\d{1,3}", label)
    if numbered:
        label = numbered.group(1)
    return label.upper() if label in ("q", "a", "i", "r", "p") else label


def split_label(line: str) -> LabelledLine | None:
    """The candidate label of a stripped line, or None when it has none."""
    match = _COLON_LINE.match(line)
    if match:
        start, end = _stamp_value(match, "lead")
        if start is None:
            start, end = _stamp_value(match, "trail")
        text = match.group("text").strip()
        if text.startswith("//"):  # https://…, not a label
            return None
        return LabelledLine(normalise_label(match.group("label")), text, start, end)
    match = _HEADER_LINE.match(line)
    if match:
        start, end = _stamp_value(match, "trail")
        return LabelledLine(normalise_label(match.group("label")), "", start, end)
    return None


def _parts(label: str) -> list[str]:
    """`张三（主持人）` → [`张三（主持人）`, `张三`, `主持人`]: a name with its role in brackets."""
    match = re.fullmatch(r"(.+?)\s*[（(]([^）)]+)[）)]", label)
    return [label, match.group(1), match.group(2)] if match else [label]


def plausible_label(label: str) -> bool:
    """Could this be a speaker at all (short, no sentence punctuation, not a clock or a key)?"""
    if not label or len(label) > 20 or any(ch in _FORBIDDEN for ch in label):
        return False
    if re.fullmatch(r"[\d\s.:,\-]+", label) or "http" in label.lower():
        return False
    if label.lower() in METADATA_KEYS:
        return False
    return not (len(label) > 1 and label.endswith(_PHRASE_ENDINGS))


def is_role(label: str) -> bool:
    return any(_ANY_ROLE.fullmatch(part) for part in _parts(label))


def is_interviewer_label(label: str) -> bool:
    """主持人, 访谈员2, Q, 问, Moderator, 张三（主持人） …"""
    return any(_INTERVIEWER.fullmatch(part) for part in _parts(label))


def looks_like_name(label: str) -> bool:
    return any(_NAME_LIKE.fullmatch(part) for part in _parts(label))


class SpeakerJudge:
    """Decides which candidate labels of one file are speakers (rules in the module doc)."""

    def __init__(self, labels: Iterable[str]) -> None:
        self.counts = Counter(labels)

    def accepts(self, label: str) -> bool:
        if not plausible_label(label):
            return False
        return is_role(label) or self.counts[label] >= 2 or looks_like_name(label)
