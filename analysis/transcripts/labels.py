"""Speaker labels at the start of a line, and when to believe them.

A line such as `主持人：…`, `[00:01:02] 张三：…`, `张三（00:01:02）：…`, a meeting-export header
`张三 00:01:02`, a timestamp before a label without a colon `[00:01:02] 采访者`, a bold label
`**访谈者**：…` or a speech recogniser's `【访谈者】…` *looks* like a speaker label, but so do
`他说：…`, `原因是：…` or `时间：2024年5月`. A label is believed when it is a known role (主持人,
受访者A, Q, 问, Speaker 2 …), when it occurs as a label at least twice in the file, or when it
looks like a person's name (a common surname plus one or two characters, 老王, 张先生,
"Jane Doe"). Shapes that ordinary text also takes (a clock time then words, `[图片]`) need a role
or a name. Keys of a file's header block (关键词, 标题, 时间, 地点 …) are never speakers: the
splitter keeps them as the interview's header. Everything else stays text; the preview step lets
the researcher correct the rest.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Callable, Iterable
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
# `[00:01:02] 采访者` alone on its line (the speech follows on the next lines), or followed by
# the speech after a space: a timestamp, then a label with no colon.
_STAMP_HEADER = re.compile(
    rf"^{_stamp('lead')}\s*+(?P<label>[^\s:：\d\[(（【][^\s:：]{{0,20}}(?:\s[A-Z\d]{{1,3}}\b)?)"
    r"(?:\s++(?P<text>.+))?$"
)
# `**访谈者**：…`, `**访谈者：**…`, `__Q__ …`: Markdown bold kept as literal text (a .docx or .txt
# written by someone used to Markdown).
_BOLD_LINE = re.compile(
    rf"^(?P<mark>\*\*|__)\s*+(?P<label>[^*_\s:：][^*_:：]{{0,30}}?)\s*+(?:{_COLON})?\s*+"
    rf"(?P=mark)\s*+(?:{_COLON})?\s*+(?P<text>.*)$"
)
# `【访谈者】…`, `【说话人1 00:01:02】…`, `[张三] …`: a label in brackets, no colon needed.
_BRACKET_LINE = re.compile(
    rf"^(?P<open>[【\[])\s*+(?P<label>[^\s【】\[\]:：\d][^【】\[\]:：]{{0,30}}?)"
    rf"(?:\s++{_stamp('trail')})?\s*+[】\]]\s*+(?:{_COLON})?\s*+(?P<text>.*)$"
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

# Keys of the header block many transcripts open with (关键词：…, 时间：…, 地点：…), never speakers.
METADATA_KEYS = frozenset((
    "时间", "日期", "地点", "地址", "主题", "标题", "题目", "备注", "时长", "项目", "编号", "记录",
    "记录人", "记录员", "整理", "整理人", "整理者", "转录", "转录人", "访谈时间", "访谈地点",
    "访谈主题", "访谈日期", "访谈方式", "访谈形式", "访谈编号", "访谈时长", "访谈内容",
    "访谈记录", "采访时间", "采访地点", "采访日期", "采访主题", "调研时间", "调研地点", "录音",
    "文件", "来源", "说明", "注", "网址", "链接", "电话", "邮箱", "关键词", "关键字", "主题词",
    "摘要", "内容摘要", "概要", "参会人", "参会人员", "参与人员", "在场人员", "出席", "性别",
    "年龄", "职业", "学历", "籍贯", "民族", "单位", "工作单位", "身份", "所在地", "字数",
    "date", "time", "location", "place", "topic", "title", "note", "notes", "duration",
    "file", "source", "keywords", "subject",
))  # fmt: skip
# A header key names what it describes: 入户时间, 受访者编号, 受访者基本信息 …
_HEADER_KEY_ENDINGS = (
    "时间", "日期", "地点", "时长", "方式", "编号", "信息", "主题", "情况", "简介",
)  # fmt: skip
# Bracketed notes of a transcriber or a chat export, never speakers: 【笑】, [图片] …
ANNOTATIONS = frozenset((
    "笑", "笑声", "大笑", "停顿", "沉默", "叹气", "咳嗽", "哭", "掌声", "插话", "打断", "杂音",
    "噪音", "背景音", "听不清", "音频不清", "不清楚", "模糊", "略", "省略", "无关内容", "图片",
    "语音", "表情", "动画表情", "视频", "音频", "文件", "链接", "撤回", "laughs", "laughter",
    "pause", "inaudible", "crosstalk", "silence",
))  # fmt: skip
# Endings of phrases that introduce speech or a list inside a turn (他说：, 原因是：).
_PHRASE_ENDINGS = (
    "说", "道", "讲", "表示", "认为", "提到", "指出", "回答", "回复", "是", "如下", "包括",
    "比如", "例如", "总结", "注意", "就是", "而言",
)  # fmt: skip
_FORBIDDEN = frozenset('，。！？、；,!?;"“”‘’《》<>/\\|=+*#@&%${}')


class Trust(enum.IntEnum):
    """What a candidate needs to be believed, by how often ordinary text takes its shape."""

    ANY = 0  # a role, a label seen twice, or a name (`张三：…`, `**访谈者**`, `【访谈者】`)
    NAME = 1  # a role or a name (`[00:01:02] 采访者`, `[张三] …`)
    ROLE = 2  # a role only (`[00:01:02] 采访者 今天…`: words after a clock time are common)


@dataclass(frozen=True, slots=True)
class LabelledLine:
    """A line split into a candidate speaker label, its text and any timestamps."""

    label: str
    text: str
    start: float | None
    end: float | None
    trust: Trust = Trust.ANY


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


def bold_label(prefix: str, rest: str) -> LabelledLine | None:
    """The candidate of a line whose first `prefix` characters are bold in a .docx (the
    label's colon may be bold or not, or absent); None when the bold part cannot be one."""
    label = normalise_label(prefix.strip().rstrip(":：").strip())
    text = rest.strip()
    if text[:1] in (":", "："):
        text = text[1:].strip()
    if plausible_label(label) or is_header_key(label):  # a bold key of the header block
        return LabelledLine(label, text, None, None)
    return None


def split_label(line: str) -> LabelledLine | None:
    """The candidate label of a stripped line, or None when it has none."""
    match = _BOLD_LINE.match(line)
    if match:
        return LabelledLine(normalise_label(match.group("label")), match.group("text"), None, None)
    match = _BRACKET_LINE.match(line)
    if match:
        start, end = _stamp_value(match, "trail")
        trust = Trust.ANY if match.group("open") == "【" else Trust.NAME
        label = normalise_label(match.group("label"))
        return LabelledLine(label, match.group("text").strip(), start, end, trust)
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
    match = _STAMP_HEADER.match(line)
    if match:
        start, end = _stamp_value(match, "lead")
        text = (match.group("text") or "").strip()
        trust = Trust.ROLE if text else Trust.NAME
        return LabelledLine(normalise_label(match.group("label")), text, start, end, trust)
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
    if is_header_key(label) or label.lower() in ANNOTATIONS:
        return False
    return not (len(label) > 1 and label.endswith(_PHRASE_ENDINGS))


def is_header_key(label: str) -> bool:
    """关键词, 标题, 时 间 (spaced out to align), 访谈日期, 入户时间 …: a header line's key."""
    key = "".join(label.split()).lower()
    if key in METADATA_KEYS:
        return True
    # 一、基本情况 is a section heading; a key is a word.
    return 2 < len(key) <= 10 and key.isalnum() and key.endswith(_HEADER_KEY_ENDINGS)


_SENTENCE_END = re.compile(r"[。？！?!…]")
_SPOKEN = re.compile(r"[您你我咱]|请问|谢谢|好的|欢迎")  # 访谈者：李老师，您好 is speech
_PARTS_OF_VALUE = re.compile(r"[，,、；;（()）/\s]+")
# 女, 45岁, 化名, P03, 王某: parts of a value that say who someone is.
_IDENTIFYING = re.compile(
    r"[男女]性?|\d{1,3}\s*岁|化名|[A-Za-z]{0,2}\d{1,3}号?|[\u4e00-\u9fff]某{1,2}"
)


def names_someone(value: str) -> bool:
    """Does a role line's value describe a person (`受访者：王女士，45岁`, `访谈人：李明、张华`)
    rather than say something (`受访者：您好`)? Then, in a header block, it is a header line."""
    if not value or len(value) > 60 or _SENTENCE_END.search(value) or _SPOKEN.search(value):
        return False
    parts = [p for p in _PARTS_OF_VALUE.split(value) if p]
    return bool(parts) and (
        looks_like_name(parts[0]) or any(_IDENTIFYING.fullmatch(p) for p in parts)
    )


def is_header_line(candidate: LabelledLine) -> bool:
    """A line of the header block at a file's top: a header key, or a role naming someone."""
    if is_header_key(candidate.label):
        return True
    return is_role(candidate.label) and names_someone(candidate.text)


def is_role(label: str) -> bool:
    return any(_ANY_ROLE.fullmatch(part) for part in _parts(label))


def is_interviewer_label(label: str) -> bool:
    """主持人, 访谈员2, Q, 问, Moderator, 张三（主持人） …"""
    return any(_INTERVIEWER.fullmatch(part) for part in _parts(label))


def looks_like_name(label: str) -> bool:
    return any(_NAME_LIKE.fullmatch(part) for part in _parts(label))


class SpeakerJudge:
    """Decides which candidate labels of one file are speakers (rules in the module doc).

    `refused` says which labels the researcher said are not speakers (in the preview)."""

    def __init__(self, labels: Iterable[str], refused: Callable[[str], bool] | None = None) -> None:
        self.counts = Counter(labels)
        self.refused = refused

    def accepts(self, candidate: LabelledLine) -> bool:
        label = candidate.label
        if not plausible_label(label) or (self.refused is not None and self.refused(label)):
            return False
        if is_role(label):
            return True
        if candidate.trust is Trust.ROLE:
            return False
        if looks_like_name(label):
            return True
        return candidate.trust is Trust.ANY and self.counts[label] >= 2
