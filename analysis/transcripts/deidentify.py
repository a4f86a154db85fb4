"""De-identification: mask phone numbers, ID-card numbers, emails and given names.

Pure functions over text and turns. Every masked span is reported with half-open code-point
offsets into the text as given (STYLE 25: transcript text is NFC with LF line endings) and into
the masked text, plus the original snippet, so a reviewer can check each one. Full-width
digits and letters (１３８…, ＠) are recognised: matching runs on a same-length copy of the
text with full-width ASCII folded to half width, so offsets carry over unchanged.

What is recognised:
- mobile: mainland China numbers 1[3-9]x + 8 digits, spaces or dashes anywhere, optional
  +86 / 0086 / (+86) prefix;
- landline: area code 0xx / 0xxx (optionally in brackets) + a 7–8 digit local number;
- ID card: 18-digit resident ID (GB 11643-1999), only when its birth date is a real date and
  its ISO 7064 MOD 11-2 check character is right (so order numbers are left alone);
- email addresses;
- the researcher's list of names, and for Chinese names the surname with a title (张先生,
  张女士, 张老师 …); each name gets its own numbered placeholder [姓名1], [姓名2] … by its
  place in the list, and a surname form shared by two listed names becomes [姓名].
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analysis.transcripts.labels import COMPOUND_SURNAMES
from analysis.transcripts.model import HeaderLine, Turn

KINDS = ("email", "id_card", "phone", "landline", "name")  # also the priority on overlaps
PLACEHOLDERS = {
    "email": "[邮箱]",
    "id_card": "[身份证号]",
    "phone": "[手机号]",
    "landline": "[固定电话]",
}
NAME_TITLES = ("先生", "女士", "小姐", "老师", "同学", "经理", "医生", "教授", "师傅", "阿姨")

_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_PATTERNS = {
    "email": re.compile(
        r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
    ),
    "id_card": re.compile(
        r"(?<![0-9])[1-9][0-9]{5} ?(?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9] ?[0-9]{3}[0-9Xx]"
        r"(?![0-9A-Za-z])"
    ),
    "phone": re.compile(
        r"(?<![0-9])(?:(?:\+|00)?86[ -]?|\(\+?86\) ?)?1[3-9][0-9](?:[ -]?[0-9]){8}(?![0-9])"
    ),
    "landline": re.compile(
        r"(?<![0-9])(?:\(0[1-9][0-9]{1,2}\) ?|0[1-9][0-9]{1,2}[ -]?)[2-9][0-9]{6,7}(?![0-9])"
    ),
}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_CJK_NAME = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf·]{2,6}")


def id_card_valid(number: str) -> bool:
    """GB 11643-1999 resident ID: 17 digits, a real birth date, and the check character
    (ISO 7064 MOD 11-2: sum of digit × weight, mod 11, indexes "10X98765432")."""
    number = number.replace(" ", "").upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


@dataclass(frozen=True, slots=True)
class Redaction:
    """One masked span: `[start, end)` in the original text, `[masked_start, masked_end)` in
    the masked text; `turn` is the turn's index when it came from `deidentify_turns`."""

    kind: str
    start: int
    end: int
    original: str
    placeholder: str
    masked_start: int
    masked_end: int
    turn: int | None = None

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class Deidentified:
    text: str
    redactions: tuple[Redaction, ...]


@dataclass(frozen=True, slots=True)
class DeidentifiedTurns:
    turns: list[Turn]
    redactions: list[Redaction]
    speakers: dict[str, str]  # old speaker label → masked label, for those that changed


def _surname(name: str) -> str:
    return name[:2] if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else name[0]


def name_forms(names: Iterable[str]) -> dict[str, str]:
    """Surface form (lower case) → placeholder: each name, then its surname + title forms."""
    cleaned = list(
        dict.fromkeys(n.translate(_HALF_WIDTH).strip() for n in names if n and n.strip())
    )
    forms = {name.lower(): f"[姓名{i}]" for i, name in enumerate(cleaned, start=1)}
    titled: dict[str, set[str]] = {}
    for i, name in enumerate(cleaned, start=1):
        if _CJK_NAME.fullmatch(name) and len(name) <= 4:
            for title in NAME_TITLES:
                titled.setdefault(_surname(name) + title, set()).add(f"[姓名{i}]")
    for form, labels in titled.items():
        forms.setdefault(form, labels.pop() if len(labels) == 1 else "[姓名]")
    return forms


def _name_pattern(forms: dict[str, str]) -> re.Pattern[str] | None:
    if not forms:
        return None
    alternatives = []
    for form in sorted(forms, key=len, reverse=True):
        escaped = re.escape(form)
        # Latin names match whole words only; Chinese has no word boundaries to use.
        alternatives.append(rf"(?<![A-Za-z]){escaped}(?![A-Za-z])" if form.isascii() else escaped)
    return re.compile("|".join(alternatives), re.IGNORECASE)


# (start, end, priority, kind, placeholder) of one span to redact
_Span = tuple[int, int, int, str, str]


def _spans(text: str, kinds: Sequence[str], forms: dict[str, str]) -> list[_Span]:
    shadow = text.translate(_HALF_WIDTH)  # same length as text
    found: list[_Span] = []
    for priority, kind in enumerate(KINDS):
        if kind not in kinds:
            continue
        if kind == "name":
            pattern = _name_pattern(forms)
            if pattern is None:
                continue
        else:
            pattern = _PATTERNS[kind]
        for match in pattern.finditer(shadow):
            if kind == "id_card" and not id_card_valid(match.group()):
                continue
            label = forms[match.group().lower()] if kind == "name" else PLACEHOLDERS[kind]
            found.append((match.start(), match.end(), priority, kind, label))
    # Earliest first; on overlap the longer span, then the higher-priority kind, wins.
    found.sort(key=lambda s: (s[0], -(s[1] - s[0]), s[2]))
    chosen, last_end = [], 0
    for span in found:
        if span[0] >= last_end:
            chosen.append(span)
            last_end = span[1]
    return chosen


def _check_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    kinds = tuple(kinds)
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown kinds {unknown}; known: {list(KINDS)}")
    return kinds


def deidentify(
    text: str, *, names: Iterable[str] = (), kinds: Iterable[str] = KINDS
) -> Deidentified:
    """`text` with personal information replaced by placeholders, and what was replaced."""
    return _deidentify(text, _check_kinds(kinds), name_forms(names), None)


def _deidentify(
    text: str, kinds: Sequence[str], forms: dict[str, str], turn: int | None
) -> Deidentified:
    pieces: list[str] = []
    redactions: list[Redaction] = []
    cursor = out = 0
    for start, end, _, kind, label in _spans(text, kinds, forms):
        pieces.append(text[cursor:start])
        out += start - cursor
        pieces.append(label)
        redactions.append(
            Redaction(kind, start, end, text[start:end], label, out, out + len(label), turn)
        )
        out += len(label)
        cursor = end
    pieces.append(text[cursor:])
    return Deidentified("".join(pieces), tuple(redactions))


def masked_position(redactions: Sequence[Redaction], position: int, *, end: bool = False) -> int:
    """Where code point `position` of the original text falls in the masked text.

    `redactions` are one text's, in text order (as `deidentify` returns them). A position
    inside a masked span moves to the start of its placeholder, or to its end with `end=True`,
    so a coded span that covered part of a name covers the whole placeholder.
    """
    shift = 0
    for redaction in redactions:
        if position <= redaction.start:
            break
        if position >= redaction.end:
            shift = redaction.masked_end - redaction.end
            continue
        return redaction.masked_end if end else redaction.masked_start
    return position + shift


def deidentify_turns(
    turns: Sequence[Turn],
    *,
    names: Iterable[str] = (),
    kinds: Iterable[str] = KINDS,
    mask_speakers: bool = True,
) -> DeidentifiedTurns:
    """Each turn's text de-identified (offsets are into that turn's text, `turn` its index);
    with `mask_speakers`, speaker labels are masked the same way (张三 → [姓名1])."""
    kinds = _check_kinds(kinds)
    forms = name_forms(names)
    speakers: dict[str, str] = {}
    if mask_speakers:
        for speaker in dict.fromkeys(t.speaker for t in turns):
            masked = _deidentify(speaker, kinds, forms, None).text
            if masked != speaker:
                speakers[speaker] = masked
    new_turns: list[Turn] = []
    redactions: list[Redaction] = []
    for index, turn in enumerate(turns):
        result = _deidentify(turn.text, kinds, forms, index)
        redactions.extend(result.redactions)
        new_turns.append(
            dataclasses.replace(
                turn, text=result.text, speaker=speakers.get(turn.speaker, turn.speaker)
            )
        )
    return DeidentifiedTurns(new_turns, redactions, speakers)


def deidentify_header(
    header: Sequence[HeaderLine], *, names: Iterable[str] = (), kinds: Iterable[str] = KINDS
) -> tuple[list[HeaderLine], int]:
    """Header lines with keys and values masked as the turns are (`访谈对象：王女士，电话…`
    names someone more often than any turn does), and the number of spans masked."""
    kinds = _check_kinds(kinds)
    forms = name_forms(names)
    masked: list[HeaderLine] = []
    count = 0
    for line in header:
        key = _deidentify(line.key, kinds, forms, None)
        value = _deidentify(line.value, kinds, forms, None)
        count += len(key.redactions) + len(value.redactions)
        masked.append(dataclasses.replace(line, key=key.text, value=value.text))
    return masked, count
