"""Regular expressions that users write, matched in time linear in the text.

Every pattern a user controls goes through :func:`compile`: a questionnaire's answer format
(``pattern``), the ``regex(., '…')`` constraints of an imported XLSForm, and the transcript
search. Python's ``re`` backtracks, so ``(a+)+$`` on 30 characters takes minutes; the engine
here is RE2 (``google-re2``), which never backtracks, so no pattern can hold a worker. What
RE2 cannot run in linear time it does not offer: back-references (``\\1``) and look-around
(``(?=…)``, ``(?<=…)``) are refused with :attr:`Code.UNSUPPORTED_PATTERN`.

So that patterns written for Python (every questionnaire stored before this module) keep their
meaning, a few Python escapes are spelled in RE2's syntax before compiling: ``\\uXXXX``
becomes ``\\x{XXXX}``, ``\\Z`` becomes ``\\z``, and ``\\d``, ``\\w``, ``\\s`` (ASCII in RE2)
match Unicode digits, letters and spaces as they do in Python, so ``^\\w{2,4}$`` still accepts
张三. ``\\W`` and ``\\S`` inside ``[…]`` have no Unicode spelling in RE2 and are refused.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import re2

from .errors import Code, SurveysError, message

MAX_PATTERN_LENGTH = 500  # characters
# RE2's memory for one compiled pattern (program and matching caches; RE2's default is 8 MiB).
# ^\w{1,100}$ needs about 2 MiB, as \w stands for every Unicode letter; a larger program is
# refused ("pattern too large"). With at most COMPILED_KEPT patterns kept compiled, a process
# holds at most 128 MiB of them, whoever writes the patterns.
MAX_PATTERN_MEMORY = 2 << 20
COMPILED_KEPT = 64

# Python's meaning of each class escape, in RE2: (spelling inside [...], spelling outside).
# Each ends in a class escape, so a following "-" stays literal (`[\w-.]`); None: no
# spelling exists inside a character class.
_UNICODE_CLASSES = {
    "d": (r"\p{Nd}", r"\p{Nd}"),
    "D": (r"\P{Nd}", r"\P{Nd}"),
    "w": (r"_\p{L}\p{N}", r"[_\p{L}\p{N}]"),
    "W": (None, r"[^_\p{L}\p{N}]"),
    "s": (r"\x{85}\v\s\p{Z}", r"[\x{85}\v\s\p{Z}]"),
    "S": (None, r"[^\x{85}\v\s\p{Z}]"),
    "Z": (r"\z", r"\z"),
}
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
# RE2's messages for what backtracking engines have and RE2 refuses by design.
_UNSUPPORTED = re.compile(r"invalid perl operator: \(\?[=!<>P]|invalid escape sequence: \\[1-9]")


class PatternError(SurveysError):
    """A pattern that cannot be used: ``code`` is INVALID_PATTERN, UNSUPPORTED_PATTERN or
    PATTERN_TOO_LONG, ``params`` fill its message (``detail`` always says what is wrong)."""

    def __init__(self, code: Code, **params: Any) -> None:
        self.code = Code(code)
        self.params = params
        super().__init__(message(self.code, "en", **params))

    def message(self, locale: str) -> str:
        return message(self.code, locale, **self.params)


def compile(pattern: str) -> Any:
    """The compiled *pattern* (RE2: ``search``, ``fullmatch``, ``finditer`` like ``re``)."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        detail = f"{len(pattern)} > {MAX_PATTERN_LENGTH}"
        raise PatternError(Code.PATTERN_TOO_LONG, max=MAX_PATTERN_LENGTH, detail=detail)
    return _compile(_to_re2(pattern))


@functools.lru_cache(maxsize=COMPILED_KEPT)
def _compile(spelled: str) -> Any:
    options = re2.Options()
    options.max_mem = MAX_PATTERN_MEMORY
    options.log_errors = False  # RE2 would print every refused pattern on stderr
    try:
        return re2.compile(spelled, options=options)
    except re2.error as error:
        detail = error.args[0].decode("utf-8", "replace") if error.args else ""
        if _UNSUPPORTED.search(detail):
            raise PatternError(Code.UNSUPPORTED_PATTERN, detail=detail) from None
        if detail.startswith("pattern too large"):  # past MAX_PATTERN_MEMORY
            raise PatternError(
                Code.PATTERN_TOO_LONG, max=MAX_PATTERN_LENGTH, detail=detail
            ) from None
        raise PatternError(Code.INVALID_PATTERN, detail=detail) from None


def _to_re2(pattern: str) -> str:
    """*pattern* with the Python escapes above spelled for RE2; everything else unchanged."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escape = pattern[i + 1]
            if escape == "u" and _HEX4.fullmatch(pattern, i + 2, i + 6):
                out.append(f"\\x{{{pattern[i + 2 : i + 6]}}}")
                i += 6
                continue
            if escape in _UNICODE_CLASSES:
                inside, outside = _UNICODE_CLASSES[escape]
                if not in_class:
                    out.append(outside)
                elif inside is None:
                    raise PatternError(Code.UNSUPPORTED_PATTERN, detail=f"[…\\{escape}…]")
                else:
                    out.append(inside)
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class and pattern.startswith("[:", i) and ":]" in pattern[i + 2 :]:
            end = pattern.index(":]", i + 2) + 2  # a POSIX class such as [:alpha:]
            out.append(pattern[i:end])
            i = end
            continue
        if not in_class and char == "[":
            start = i + 1
            start += pattern.startswith("^", start)
            start += pattern.startswith("]", start)  # a ] first in the class is literal
            out.append(pattern[i:start])
            i, in_class = start, True
            continue
        if in_class and char == "]":
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)
