"""One shape for every problem the domain and the engine report: a code, its parameters, a place.

Each package registers its (zh_CN, en) message templates here under codes unique across the
project; `message` renders any of them. Tests assert codes; the web layer translates a problem
by its code through `app.problems`, the CLI through `message` with a locale. Nothing here
imports Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_LOCALE = "zh_CN"

#: code → (zh_CN template, en template); parameters in braces (`str.format`).
CATALOGUE: dict[str, tuple[str, str]] = {}


def register(messages: Mapping[Any, tuple[str, str]]) -> None:
    """Add *messages* to the catalogue; a code registered twice with other text is a bug."""
    for code, templates in messages.items():
        key = str(code)
        if CATALOGUE.get(key, templates) != templates:
            raise ValueError(f"problem code {key!r} is registered twice with different text")
        CATALOGUE[key] = templates


def is_english(locale: object) -> bool:
    return str(locale or DEFAULT_LOCALE).lower().startswith("en")


def message(code: object, locale: str = DEFAULT_LOCALE, **params: Any) -> str:
    """The message for *code* in *locale* (zh_CN unless the locale starts with "en")."""
    zh, en = CATALOGUE[str(code)]
    template = en if is_english(locale) else zh
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


class CodedError(Exception):
    """An exception that is a problem: `code`, `params` and `location` (a field, a column…).

    `str(error)` is the English message (for logs and the CLI's stderr), prefixed by the place.
    """

    code: Any  # a subclass's StrEnum or Enum; its str() is the catalogue key

    def __init__(self, code: object, location: str | None = None, **params: Any) -> None:
        self.code = code
        self.location = location
        self.params = dict(params)
        english = message(code, "en", **self.params)  # not self.message: subclasses not set up
        super().__init__(f"{location}: {english}" if location else english)

    def message(self, locale: str = DEFAULT_LOCALE) -> str:
        return message(self.code, locale, **self.params)
