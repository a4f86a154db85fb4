"""Translation between the XPath subset of XLSForm and the condition language.

Import (`from_xpath`): ``${q}`` references, ``= != < <= > >=``, ``and or not()``, arithmetic
(``+ - * div mod``), ``selected(${q}, 'v')``, ``count-selected()``, ``string-length()``,
``true()``/``false()``, and ``${q} = ''`` / ``${q} != ''`` (empty / answered). Anything else
raises `Untranslatable` with what was not understood. The result is then parsed by the
condition parser, so the translation never needs to be lenient.

Export (`to_xpath`) walks a parsed condition tree and writes the same subset.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{[^}]*\})
     |(?P<str>'[^']*'|"[^"]*")
     |(?P<num>[0-9]+(?:\.[0-9]+)?)
     |(?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
     |(?P<word>[A-Za-z_][A-Za-z0-9_-]*)
     |(?P<other>\S)
    )""",
    re.VERBOSE,
)
FUNCTION_NAMES = {"selected": "selected", "count-selected": "count", "string-length": "length"}


class Untranslatable(ValueError):
    """Part of an expression that the supported subset does not cover."""


def quote(text: str) -> str:
    """A string literal of the condition language."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _tokens(expr: str) -> list[tuple[str, str]]:
    tokens = []
    pos = 0
    expr = expr.rstrip()
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if m is None or m.end() == pos:
            break
        kind = m.lastgroup or "other"
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    return tokens


def from_xpath(expr: str, rename: Callable[[str], str]) -> str:
    """The condition-language text for an XLSForm ``relevant`` expression."""
    tokens = _tokens(expr)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        after = tokens[i + 2] if i + 2 < len(tokens) else ("", "")
        if kind == "ref" and nxt[1] in ("=", "!=") and after[0] == "str" and len(after[1]) == 2:
            name = rename(text[2:-1].strip())
            out.append(f"empty({name})" if nxt[1] == "=" else f"answered({name})")
            i += 3
            continue
        if kind == "str" and len(text) == 2 and nxt[1] in ("=", "!=") and after[0] == "ref":
            name = rename(after[1][2:-1].strip())
            out.append(f"empty({name})" if nxt[1] == "=" else f"answered({name})")
            i += 3
            continue
        if kind == "ref":
            out.append(rename(text[2:-1].strip()))
        elif kind == "str":
            out.append(quote(text[1:-1]))
        elif kind in ("num", "op"):
            out.append(text)
        elif kind == "word":
            word = text
            if word in ("and", "or"):
                out.append(word)
            elif word == "div":
                out.append("/")
            elif word == "mod":
                out.append("%")
            elif word == "not" and nxt[1] == "(":
                out.append("not")
            elif word in ("true", "false") and nxt[1] == "(" and after[1] == ")":
                out.append(word)
                i += 3
                continue
            elif word in FUNCTION_NAMES and nxt[1] == "(":
                out.append(FUNCTION_NAMES[word] + "(")
                i += 2
                continue
            else:
                raise Untranslatable(word)
        else:
            raise Untranslatable(text)
        i += 1
    return " ".join(out).replace("( ", "(").replace(" )", ")").replace(" ,", ",")


def _xpath_string(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    raise Untranslatable(text)


_BOOLEAN = ("and", "or")
_COMPARISON_LIKE = ("and", "or", "cmp", "not", "in")
_WRAP = {
    "bool": _BOOLEAN,
    "cmp": _COMPARISON_LIKE,
    "arith": (*_COMPARISON_LIKE, "arith", "neg"),
}


def _operand(node: tuple[Any, ...], context: str) -> str:
    text = to_xpath(node)
    needs = node[0] in _WRAP[context] or (
        context != "bool" and node[0] == "call" and node[1] in ("answered", "empty")
    )
    return f"({text})" if needs else text


def to_xpath(node: tuple[Any, ...]) -> str:
    """The XLSForm ``relevant`` text for a parsed condition tree."""
    kind = node[0]
    if kind == "num":
        value = node[1]
        return str(int(value)) if float(value).is_integer() else repr(value)
    if kind == "str":
        return _xpath_string(node[1])
    if kind == "bool":
        return "true()" if node[1] else "false()"
    if kind == "null":
        return "''"
    if kind == "ref":
        if node[2] is not None:
            raise Untranslatable(f"{node[1]}.{node[2]}")
        return "${" + str(node[1]) + "}"
    if kind == "not":
        return f"not({to_xpath(node[1])})"
    if kind in _BOOLEAN:
        return f" {kind} ".join(_operand(item, "bool") for item in node[1])
    if kind == "cmp":
        return f"{_operand(node[2], 'cmp')} {node[1]} {_operand(node[3], 'cmp')}"
    if kind == "in":
        left = _operand(node[1], "cmp")
        items = [f"{left} = {to_xpath(item)}" for item in node[2][1]]
        return "(" + " or ".join(items) + ")" if items else "false()"
    if kind == "neg":
        return f"-{_operand(node[1], 'arith')}"
    if kind == "arith":
        ops = {"+": "+", "-": "-", "*": "*", "/": "div", "%": "mod"}
        text = _operand(node[1], "arith")
        for op, operand in node[2]:
            text += f" {ops[op]} {_operand(operand, 'arith')}"
        return text
    if kind == "call":
        name, args = node[1], node[2]
        if name == "selected":
            return f"selected({to_xpath(args[0])}, {to_xpath(args[1])})"
        if name == "answered":
            return f"{to_xpath(args[0])} != ''"
        if name == "empty":
            return f"{to_xpath(args[0])} = ''"
        if name == "count":
            return f"count-selected({to_xpath(args[0])})"
        if name == "length":
            return f"string-length({to_xpath(args[0])})"
    raise Untranslatable(str(kind))
