"""The pattern of an XLSForm ``regex(., 'p')`` constraint ↔ a definition's ``pattern``.

The two differ in one thing that changes which answers pass: ``regex()`` *searches*
(JavaRosa's ``Matcher.find()``, Enketo's ``RegExp.test``), so ``[0-9]{6}`` accepts any answer
that contains six digits, while a definition's pattern must match the whole answer. So an
imported pattern that is not anchored at both ends gets what it may match around it
(``(?s:.*)``), and an exported pattern is anchored. The pattern itself is kept as written:
``safe_regex`` runs XPath spellings such as ``[\\w-\\.]`` (a hyphen after a class escape is a
literal), and refuses what RE2 cannot run, which the import turns into a row warning.
"""

from __future__ import annotations

ANYTHING = "(?s:.*)"


def _shape(pattern: str) -> tuple[bool, bool]:
    """Whether *pattern* ends in an unescaped ``$``, and whether it has a ``|`` outside every
    group and class."""
    depth, in_class, i, alternation, ends_anchored = 0, False, 0, False, False
    while i < len(pattern):
        char = pattern[i]
        ends_anchored = False
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 1 + pattern.startswith("^", i + 1)
            i += pattern.startswith("]", i)  # a ] first in the class is literal
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            alternation = True
        elif char == "$":
            ends_anchored = True
        i += 1
    return ends_anchored, alternation


def _whole_group(pattern: str) -> str | None:
    """X for ``^(?:X)$`` when the group spans the whole pattern (what `to_xpath_regex`
    writes), else None."""
    if not (pattern.startswith("^(?:") and pattern.endswith(")$")):
        return None
    inner = pattern[4:-2]
    depth = 0
    for position, char in enumerate(inner):
        if char == "(" and (position == 0 or inner[position - 1] != "\\"):
            depth += 1
        elif char == ")" and (position == 0 or inner[position - 1] != "\\"):
            depth -= 1
            if depth < 0:
                return None
    return inner if depth == 0 else None


def from_xpath_regex(pattern: str) -> str:
    """The definition pattern that accepts what ``regex(., pattern)`` accepts."""
    unwrapped = _whole_group(pattern)
    if unwrapped is not None:
        return unwrapped
    ends_anchored, alternation = _shape(pattern)
    starts_anchored = pattern.startswith("^")
    if starts_anchored and ends_anchored and not alternation:
        return pattern
    body = f"(?:{pattern})" if alternation else pattern
    return f"{'' if starts_anchored and not alternation else ANYTHING}{body}" + (
        "" if ends_anchored and not alternation else ANYTHING
    )


def to_xpath_regex(pattern: str) -> str:
    """The ``regex()`` pattern that accepts what a definition pattern accepts."""
    ends_anchored, alternation = _shape(pattern)
    if pattern.startswith("^") and ends_anchored and not alternation:
        return pattern
    return f"^(?:{pattern})$"
