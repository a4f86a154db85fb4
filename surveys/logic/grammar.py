"""Parser of the condition language: text → tree of tuples. Strict, no ``eval``.

Grammar (one spelling per operator; keywords lower case)::

    expr    := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum [("=" | "!=" | "<" | "<=" | ">" | ">=") sum | "in" list]
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/" | "%") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER | STRING | "true" | "false" | "null" | list
             | NAME "(" [expr ("," expr)*] ")" | REF | "(" expr ")"
    list    := "[" [literal ("," literal)*] "]"
    NUMBER  := digits ["." digits]            STRING := '…' or "…" with \\' \\" \\\\ only
    REF     := question id ["." row / part]   e.g. q3, q5.r1, q7.functional

Trees are tuples: ``("num", 1.0)``, ``("str", "a")``, ``("bool", True)``, ``("null",)``,
``("ref", qid, part | None)``, ``("list", items)``, ``("not", x)``, ``("neg", x)``,
``("and", items)``, ``("or", items)``, ``("cmp", op, a, b)``, ``("in", a, list)``,
``("arith", first, ((op, x), ...))``, ``("call", name, args)``.
Chains of ``and``/``or``/arithmetic are flat, so a tree is never deeper than the nesting of
parentheses, ``not`` and unary minus, which is limited to `MAX_DEPTH`: no input can exhaust
Python's recursion limit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, cast

from ..errors import Code, ExpressionError
from .functions import FUNCTIONS

# A node of the tree: its kind first, then its parts (see the module docstring).
Node = tuple[Any, ...]

MAX_LENGTH = 2000
MAX_DEPTH = 32

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
MISSPELLINGS = {"==": "=", "&&": "and", "||": "or", "<>": "!=", "!": "not"}

_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?")
_TWO_CHAR = ("!=", "<=", ">=", "==", "&&", "||", "<>")
_ONE_CHAR = "=<>+-*/%()[],!"


def tokenize(text: str) -> list[tuple[str, object, int]]:
    """Tokens ``(kind, value, position)``; kinds: num, str, name, kw, op, end."""
    tokens: list[tuple[str, object, int]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
            continue
        pos = i + 1
        if "0" <= c <= "9":
            m = _NUMBER.match(text, i)
            if m is None:  # cannot happen: a digit always matches
                raise ExpressionError(Code.EXPR_UNEXPECTED_CHAR, pos, char=c)
            number = float(m.group())
            if not math.isfinite(number):
                raise ExpressionError(Code.EXPR_NUMBER_TOO_LARGE, pos, token=m.group()[:20] + "…")
            tokens.append(("num", number, pos))
            i = m.end()
        elif c in "'\"":
            i = _read_string(text, i, tokens)
        elif m := _NAME.match(text, i):
            word = m.group()
            if word in KEYWORDS:
                tokens.append(("kw", word, pos))
            elif word.lower() in KEYWORDS:
                raise ExpressionError(
                    Code.EXPR_OPERATOR_SPELLING, pos, found=word, expected=word.lower()
                )
            else:
                tokens.append(("name", word, pos))
            i = m.end()
        elif text[i : i + 2] in _TWO_CHAR:
            op = text[i : i + 2]
            if op in MISSPELLINGS:
                raise ExpressionError(
                    Code.EXPR_OPERATOR_SPELLING, pos, found=op, expected=MISSPELLINGS[op]
                )
            tokens.append(("op", op, pos))
            i += 2
        elif c in _ONE_CHAR:
            if c in MISSPELLINGS:
                raise ExpressionError(
                    Code.EXPR_OPERATOR_SPELLING, pos, found=c, expected=MISSPELLINGS[c]
                )
            tokens.append(("op", c, pos))
            i += 1
        else:
            raise ExpressionError(Code.EXPR_UNEXPECTED_CHAR, pos, char=c)
    tokens.append(("end", None, n + 1))
    return tokens


def _read_string(text: str, i: int, tokens: list[tuple[str, object, int]]) -> int:
    quote, start = text[i], i
    chars: list[str] = []
    i += 1
    while i < len(text):
        c = text[i]
        if c == quote:
            tokens.append(("str", "".join(chars), start + 1))
            return i + 1
        if c == "\\":
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if nxt not in ("'", '"', "\\"):
                raise ExpressionError(Code.EXPR_BAD_ESCAPE, i + 1)
            chars.append(nxt)
            i += 2
            continue
        chars.append(c)
        i += 1
    raise ExpressionError(Code.EXPR_UNCLOSED_STRING, start + 1)


class _Parser:
    def __init__(self, tokens: list[tuple[str, object, int]]):
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    # -- helpers -----------------------------------------------------------------------
    def peek(self) -> tuple[str, object, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, object, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def at(self, kind: str, value: object = None) -> bool:
        k, v, _ = self.peek()
        return k == kind and (value is None or v == value)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(Code.EXPR_TOO_DEEP, self.peek()[2], max=MAX_DEPTH)

    def unexpected(self, token: tuple[str, object, int] | None = None) -> ExpressionError:
        kind, value, pos = token or self.peek()
        if kind == "end":
            return ExpressionError(Code.EXPR_UNEXPECTED_END, pos)
        shown = repr(value) if kind == "str" else _show(value)
        return ExpressionError(Code.EXPR_UNEXPECTED_TOKEN, pos, token=shown)

    def close(self, closer: str) -> None:
        if self.at("op", closer):
            self.take()
        elif self.at("end"):
            raise ExpressionError(Code.EXPR_UNCLOSED_PAREN, self.peek()[2])
        else:
            raise self.unexpected()

    # -- grammar -----------------------------------------------------------------------
    def expression(self) -> Node:
        items = [self.conjunction()]
        while self.at("kw", "or"):
            self.take()
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else ("or", tuple(items))

    def conjunction(self) -> Node:
        items = [self.negation()]
        while self.at("kw", "and"):
            self.take()
            items.append(self.negation())
        return items[0] if len(items) == 1 else ("and", tuple(items))

    def negation(self) -> Node:
        if self.at("kw", "not"):
            self.take()
            self.enter()
            node = ("not", self.negation())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        left = self.sum()
        if self.at("op") and self.peek()[1] in COMPARISONS:
            op = self.take()[1]
            node: Node = ("cmp", op, left, self.sum())
        elif self.at("kw", "in"):
            self.take()
            node = ("in", left, self.list_literal())
        else:
            return left
        if (self.at("op") and self.peek()[1] in COMPARISONS) or self.at("kw", "in"):
            raise ExpressionError(Code.EXPR_CHAINED_COMPARISON, self.peek()[2])
        return node

    def sum(self) -> Node:
        return self._chain(self.product, ("+", "-"))

    def product(self) -> Node:
        return self._chain(self.unary, ("*", "/", "%"))

    def _chain(self, operand: Callable[[], Node], ops: tuple[str, ...]) -> Node:
        first = operand()
        rest = []
        while self.at("op") and self.peek()[1] in ops:
            op = self.take()[1]
            rest.append((op, operand()))
        return first if not rest else ("arith", first, tuple(rest))

    def unary(self) -> Node:
        if self.at("op", "-"):
            self.take()
            self.enter()
            node = ("neg", self.unary())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        kind, value, pos = self.peek()
        if kind == "num":
            self.take()
            return ("num", value)
        if kind == "str":
            self.take()
            return ("str", value)
        if kind == "kw" and value in ("true", "false"):
            self.take()
            return ("bool", value == "true")
        if kind == "kw" and value == "null":
            self.take()
            return ("null",)
        if kind == "name":
            self.take()
            if self.at("op", "("):
                return self.call(str(value), pos)
            qid, _, part = str(value).partition(".")
            return ("ref", qid, part or None)
        if kind == "op" and value == "(":
            self.take()
            self.enter()
            node = self.expression()
            self.close(")")
            self.depth -= 1
            return node
        if kind == "op" and value == "[":
            return self.list_literal()
        raise self.unexpected()

    def call(self, name: str, pos: int) -> Node:
        function = FUNCTIONS.get(name)
        if function is None:
            raise ExpressionError(Code.EXPR_UNKNOWN_FUNCTION, pos, name=name[:40])
        self.take()  # "("
        self.enter()
        args: list[Node] = []
        if not self.at("op", ")"):
            args.append(self.expression())
            while self.at("op", ","):
                self.take()
                args.append(self.expression())
        self.close(")")
        self.depth -= 1
        if len(args) != len(function.params):
            raise ExpressionError(
                Code.EXPR_ARITY, pos, name=name, expected=len(function.params), found=len(args)
            )
        for index, (kind, arg) in enumerate(zip(function.params, args, strict=True), start=1):
            if (kind == "question" and arg[0] != "ref") or (kind == "string" and arg[0] != "str"):
                raise ExpressionError(
                    Code.EXPR_ARG_TYPE, pos, name=name, index=index, expected=kind
                )
        return ("call", name, tuple(args))

    def list_literal(self) -> Node:
        if not self.at("op", "["):
            raise self.unexpected()
        self.take()
        self.enter()
        items: list[Node] = []
        if not self.at("op", "]"):
            items.append(self.literal())
            while self.at("op", ","):
                self.take()
                items.append(self.literal())
        self.close("]")
        self.depth -= 1
        return ("list", tuple(items))

    def literal(self) -> Node:
        kind, value, _ = self.peek()
        if kind == "op" and value == "-" and self.tokens[self.i + 1][0] == "num":
            self.take()
            number = cast(float, self.take()[1])  # the tokenizer makes every "num" a float
            return ("num", -number)
        if kind in ("num", "str") or (kind == "kw" and value in ("true", "false")):
            return self.atom()
        raise self.unexpected()


def _show(value: object) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def parse(text: str) -> Node:
    """Parse *text* into a tree, raising `ExpressionError` with a code and a position."""
    if not isinstance(text, str):
        raise ExpressionError(Code.EXPR_EMPTY)
    return _parse(text)


@lru_cache(maxsize=2048)
def _parse(text: str) -> Node:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(Code.EXPR_TOO_LONG, max=MAX_LENGTH)
    if not text.strip(" \t\r\n"):
        raise ExpressionError(Code.EXPR_EMPTY)
    parser = _Parser(tokenize(text))
    tree = parser.expression()
    if not parser.at("end"):
        raise parser.unexpected()
    return tree
