"""XLSForm column headers: ``label``, ``label::Chinese (zh)``, ``label:English``, ``list name``…

A header is a base name and an optional language. Labels and hints are read in the preferred
language: Chinese, then English, then the column without a language, then any other.
"""

from __future__ import annotations

import re

_ZH = re.compile(r"(^|[^a-z])(zh|cn|zho|chi)([^a-z]|$)|chinese|中文|汉语|简体|普通话")
_EN = re.compile(r"(^|[^a-z])(en|eng)([^a-z]|$)|english|英文|英语")


def is_chinese(language: str) -> bool:
    return bool(_ZH.search(language.lower()))


def is_english(language: str) -> bool:
    return bool(_EN.search(language.lower()))


def split_header(column: str) -> tuple[str, str]:
    if "::" in column:
        base, language = column.rsplit("::", 1)
    elif ":" in column:
        base, language = column.split(":", 1)
    else:
        base, language = column, ""
    return " ".join(base.lower().split()).replace(" ", "_"), language.strip()


def language_rank(column: str) -> int:
    _, language = split_header(column)
    if not language:
        return 2
    if is_chinese(language):
        return 0
    if is_english(language):
        return 1
    return 3


class Columns:
    def __init__(self, headers: list[str]):
        self.by_base: dict[str, list[str]] = {}
        for header in sorted((h for h in headers if h), key=language_rank):
            self.by_base.setdefault(split_header(header)[0], []).append(header)

    @staticmethod
    def base(column: str) -> str:
        return split_header(column)[0]

    def get(self, cells: dict[str, str], base: str) -> str:
        for column in self.by_base.get(base, ()):
            if cells.get(column):
                return cells[column]
        return ""

    def preferred_column(self, cells: dict[str, str], base: str) -> str | None:
        return next((c for c in self.by_base.get(base, ()) if cells.get(c)), None)

    def preferred(self, cells: dict[str, str], base: str) -> str:
        column = self.preferred_column(cells, base)
        return cells[column] if column else ""

    def has_chinese(self, base: str) -> bool:
        return any(is_chinese(split_header(c)[1]) for c in self.by_base.get(base, ()))
