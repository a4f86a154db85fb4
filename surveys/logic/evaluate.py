"""Evaluation of parsed conditions against a set of answers (rules in `values`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .functions import FUNCTIONS
from .grammar import Node, parse
from .values import arithmetic, compare, equals, from_answer, to_number, truthy


def evaluate(expression: str | Node, answers: Mapping[str, Any]) -> Any:
    """The value of *expression* (text or a parsed tree) for *answers*.

    Raises `ExpressionError` only when text does not parse; evaluation itself never fails.
    """
    tree = parse(expression) if isinstance(expression, str) else expression
    return _eval(tree, answers)


def condition_holds(expression: str | Node | None, answers: Mapping[str, Any]) -> bool:
    """Whether a ``show_if`` holds; an absent condition always does."""
    if expression is None or (isinstance(expression, str) and not expression.strip()):
        return True
    return truthy(evaluate(expression, answers))


def _reference(answers: Mapping[str, Any], qid: str, part: str | None) -> Any:
    value = answers.get(qid)
    if part is not None:
        value = value.get(part) if isinstance(value, dict) else None
    return from_answer(value)


def _eval(node: Node, answers: Mapping[str, Any]) -> Any:
    kind = node[0]
    if kind in ("num", "str", "bool"):
        return node[1]
    if kind == "null":
        return None
    if kind == "ref":
        return _reference(answers, node[1], node[2])
    if kind == "list":
        return [_eval(item, answers) for item in node[1]]
    if kind == "not":
        return not truthy(_eval(node[1], answers))
    if kind == "and":
        return all(truthy(_eval(item, answers)) for item in node[1])
    if kind == "or":
        return any(truthy(_eval(item, answers)) for item in node[1])
    if kind == "neg":
        number = to_number(_eval(node[1], answers))
        return None if number is None else -number
    if kind == "cmp":
        return _compare(node[1], _eval(node[2], answers), _eval(node[3], answers))
    if kind == "in":
        value = _eval(node[1], answers)
        items = _eval(node[2], answers)
        values = value if isinstance(value, list) else [value]
        return value is not None and any(equals(v, item) for v in values for item in items)
    if kind == "arith":
        result = _eval(node[1], answers)
        for op, operand in node[2]:
            result = arithmetic(op, result, _eval(operand, answers))
        return result
    if kind == "call":
        function = FUNCTIONS[node[1]]
        args = [_eval(arg, answers) for arg in node[2]]
        return function.body(*args)
    raise ValueError(f"not a condition tree node: {kind!r}")


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "=":
        return equals(a, b)
    if op == "!=":
        return not equals(a, b)
    order = compare(a, b)
    if order is None:
        return False
    return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op]


def walk(tree: Node) -> Iterator[Node]:
    """Every node of a tree, parents before children, without recursion."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        kind = node[0]
        if kind in ("list", "and", "or"):
            stack.extend(reversed(node[1]))
        elif kind in ("not", "neg"):
            stack.append(node[1])
        elif kind == "cmp":
            stack.extend((node[3], node[2]))
        elif kind == "in":
            stack.extend((node[2], node[1]))
        elif kind == "arith":
            stack.extend(reversed([operand for _, operand in node[2]]))
            stack.append(node[1])
        elif kind == "call":
            stack.extend(reversed(node[2]))


def references(tree: Node) -> list[tuple[str, str | None]]:
    """Every question reference ``(qid, part)`` in a tree, in order of appearance."""
    return [(node[1], node[2]) for node in walk(tree) if node[0] == "ref"]
