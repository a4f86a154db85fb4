"""The shipped Chinese stop-word list (``data/stopwords_zh.txt``), plus a study's own words."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.resources import files


@cache
def stopwords() -> frozenset[str]:
    """Function words, spoken fillers and interviewer boilerplate, from the shipped list."""
    text = (files("analysis.text") / "data" / "stopwords_zh.txt").read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        words.update(line.split("#", 1)[0].split())
    return frozenset(words)


def with_extra(extra: Iterable[str] = (), *, remove: Iterable[str] = ()) -> frozenset[str]:
    """The shipped list with a study's additions and exceptions."""
    return (stopwords() | frozenset(extra)) - frozenset(remove)
