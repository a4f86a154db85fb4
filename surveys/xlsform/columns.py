"""XLSForm column headers: ``label``, ``label::Chinese (zh)``, ``label:English``,
``list name``, ``bind:relevant``, ``bind:jr:constraintMsg``…

A header is a base name and an optional language, read as pyxform reads it
(``pyxform/parsing/sheet_headers.py``): split on ``::`` when any header of the sheet uses
``::``, otherwise on ``:`` (keeping ``jr:…`` together); the first part snake-cased and looked
up in pyxform's aliases (``pyxform/aliases.py``); a ``bind:``, ``control:`` or ``media:``
prefix (the old style of ``tutorial.xls``) names the attribute that follows it. Labels and
hints are read in the preferred language: Chinese, then English, then the column without a
language, then any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_ZH = re.compile(r"(^|[^a-z])(zh|cn|zho|chi)([^a-z]|$)|chinese|中文|汉语|简体|普通话")
_EN = re.compile(r"(^|[^a-z])(en|eng)([^a-z]|$)|english|英文|英语")

#: pyxform's other spellings of a column (survey_header and list_header of its aliases)
ALIASES = {
    "relevance": "relevant",
    "caption": "label",
    "command": "type",
    "tag": "name",
    "value": "name",
    "readonly": "read_only",
    "calculate": "calculation",
    "constraining_message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "requiredmsg": "required_message",
    "jr:requiredmsg": "required_message",
    "count": "repeat_count",
    "jr:count": "repeat_count",
    "no_app_error_string": "noapperrorstring",
    "set_form_title": "form_title",  # the settings sheet's
    "set_form_id": "form_id",
    "jr:noapperrorstring": "noapperrorstring",
}
#: the attributes that may follow a prefix, by prefix; any other is kept as ``prefix:attr``
PREFIXED = {
    "bind": {
        "relevant": "relevant",
        "required": "required",
        "constraint": "constraint",
        "jr:constraintmsg": "constraint_message",
        "jr:requiredmsg": "required_message",
        "readonly": "read_only",
        "calculate": "calculation",
        "jr:noapperrorstring": "noapperrorstring",
    },
    "control": {
        "appearance": "appearance",
        "jr:count": "repeat_count",
        "rows": "rows",
        "autoplay": "autoplay",
    },
    "media": {"image": "image", "big-image": "big-image", "audio": "audio", "video": "video"},
}
PREFIXES = ("bind", "control", "media", "body", "instance")


def is_chinese(language: str) -> bool:
    return bool(_ZH.search(language.lower()))


def is_english(language: str) -> bool:
    return bool(_EN.search(language.lower()))


def _snake(text: str) -> str:
    return "_".join(text.lower().split())


def split_header(column: str, double_colon: bool | None = None) -> tuple[str, str]:
    """The base name and the language of a header. *double_colon* says whether the sheet
    delimits with ``::`` (None: whether this header does)."""
    if double_colon is None:
        double_colon = "::" in column
    old_style = column.lower().startswith(tuple(f"{p}:" for p in PREFIXES)) and "::" not in column
    if (double_colon or "::" in column) and not old_style:
        tokens = [t.strip() for t in column.split("::")]
    else:
        tokens = [t.strip() for t in column.split(":")]
        if "jr" in (t.lower() for t in tokens[:-1]):  # jr:constraintMsg is one name
            at = [t.lower() for t in tokens].index("jr")
            tokens[at : at + 2] = [f"jr:{tokens[at + 1]}"]
    first = _snake(tokens[0])
    if first in PREFIXES and len(tokens) > 1:
        attribute = _snake(tokens[1])
        known = PREFIXED.get(first, {}).get(attribute)
        if known:
            base, rest = known, tokens[2:]
        else:  # kept whole, to be named in a warning (`bind:odk:length`)
            base, rest = ":".join([first, *map(_snake, tokens[1:])]), []
    else:
        base, rest = ALIASES.get(first, first), tokens[1:]
    return base, "::".join(rest)


def _rank(language: str) -> int:
    if not language:
        return 2
    if is_chinese(language):
        return 0
    if is_english(language):
        return 1
    return 3


def language_rank(column: str) -> int:
    return _rank(split_header(column)[1])


class Columns:
    """The headers of one sheet, grouped by base name in the order of preferred language."""

    def __init__(self, headers: Iterable[str]):
        present = [h for h in headers if h]
        self.double_colon = any("::" in h for h in present)
        self.split = {h: split_header(h, self.double_colon) for h in present}
        self.by_base: dict[str, list[str]] = {}
        for header in sorted(present, key=lambda h: _rank(self.split[h][1])):
            self.by_base.setdefault(self.split[header][0], []).append(header)

    def base(self, column: str) -> str:
        return (self.split.get(column) or split_header(column, self.double_colon))[0]

    def get(self, cells: dict[str, str], base: str) -> str:
        for column in self.by_base.get(base, ()):
            if cells.get(column):
                return cells[column]
        return ""

    def preferred_column(self, cells: dict[str, str], base: str) -> str | None:
        """The header of the cell `get` reads (None when the row has no such cell)."""
        return next((c for c in self.by_base.get(base, ()) if cells.get(c)), None)

    def preferred(self, cells: dict[str, str], base: str) -> str:
        column = self.preferred_column(cells, base)
        return cells[column] if column else ""

    def has_chinese(self, base: str) -> bool:
        return any(is_chinese(self.split[c][1]) for c in self.by_base.get(base, ()))
