"""The one place the web layer translates a problem: by its code, in the reader's locale.

Problems come from `surveys`, the transcript importer and the statistics engine, all in the
shape of `surveys.problems` (code + parameters); their Chinese and English texts live in that
one catalogue, so no blueprint keeps its own table of domain codes.
"""

from flask_babel import get_locale

from surveys import problems


def locale() -> str:
    return str(get_locale() or problems.DEFAULT_LOCALE)


def is_english() -> bool:
    return problems.is_english(locale())


def translate(problem) -> str:
    """The message of *problem* (anything with `message(locale)`) for the current reader."""
    return problem.message(locale())


def translate_code(code, **params) -> str:
    """The message of a bare *code* with *params* for the current reader."""
    return problems.message(code, locale(), **params)
