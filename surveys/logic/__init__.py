"""The condition language of `show_if` (parse, check, evaluate) and piping.

`cases.json` beside this module is the shared case table of the Python evaluator and
``app/static/js/conditions.js``.
"""

from .check import check_condition
from .evaluate import condition_holds, evaluate, references, walk
from .functions import FUNCTIONS
from .grammar import MAX_DEPTH, MAX_LENGTH, parse, tokenize
from .piping import pipe, piped_names
from .values import truthy

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "check_condition",
    "condition_holds",
    "evaluate",
    "parse",
    "pipe",
    "piped_names",
    "references",
    "tokenize",
    "truthy",
    "walk",
]
