"""Segment rules (人群规则): a saved filter over a participant directory, checked as plain data.

A segment's rules are a JSON object kept in `Segment.rules`:

    {"match": "all" | "any",
     "rules": [
       {"kind": "attribute", "field": "city_tier", "op": "equals", "values": ["一线"]},
       {"kind": "attribute", "field": "age_band", "op": "in", "values": ["25-34", "35-44"]},
       {"kind": "attribute", "field": "age_band", "op": "range", "values": ["25-34", "45-54"]},
       {"kind": "tag", "op": "has" | "lacks", "values": ["老客户"]},
       {"kind": "custom", "field": "pet", "op": "equals" | "in", "values": ["猫"]},
       {"kind": "answer", "questionnaire_id": 7, "question": "q1", "op": "chose",
        "values": ["wechat"]}]}

`parse_rules` checks such an object and returns `SegmentRules`, or raises `SegmentRulesError`
with every problem found, each naming the rule (its index) and the field that is wrong by a
code (`RuleProblem`); the web layer words the codes. Nothing here knows SQL: the web layer
compiles the rules into one query (`app.outreach.segments`).

A range over bands ("25-34" to "45-54") is a range over the bands' order, which is the order
of the first number in each label (`band_order`): 5千-1万 comes before 1万-2万. It is expanded
to the labels between its ends among those the directory holds (`expand_range`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The built-in profile attributes of a participant (plain columns).
ATTRIBUTES = ("age_band", "gender", "income_band", "occupation", "city", "city_tier")
# Attributes whose values are ordered bands: a range makes sense over them.
BANDED = ("age_band", "income_band")
KINDS = ("attribute", "tag", "custom", "answer")
OPERATORS = {
    "attribute": ("equals", "in", "range"),
    "tag": ("has", "lacks"),
    "custom": ("equals", "in"),
    "answer": ("chose",),
}
MATCHES = ("all", "any")
MAX_RULES = 20
MAX_VALUES = 200
MAX_VALUE_LENGTH = 200
CUSTOM_KEY = re.compile(r"^[A-Za-z0-9_]{1,64}$")
QUESTION_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")


class RuleProblem(enum.StrEnum):
    NOT_AN_OBJECT = "not_an_object"
    BAD_MATCH = "bad_match"
    NO_RULES = "no_rules"
    TOO_MANY_RULES = "too_many_rules"
    BAD_KIND = "bad_kind"
    BAD_FIELD = "bad_field"
    BAD_OPERATOR = "bad_operator"
    NO_VALUE = "no_value"
    ONE_VALUE = "one_value"  # equals takes exactly one value
    RANGE_ENDS = "range_ends"  # range takes two ends
    NOT_BANDED = "not_banded"  # a range over an attribute without an order
    VALUE_TOO_LONG = "value_too_long"
    BAD_QUESTIONNAIRE = "bad_questionnaire"
    BAD_QUESTION = "bad_question"


@dataclass(frozen=True)
class RuleError:
    """One problem: *index* is the rule's position (None: the object itself), *field* the
    key in that rule that is wrong."""

    index: int | None
    field: str
    code: RuleProblem


class SegmentRulesError(ValueError):
    def __init__(self, errors: Sequence[RuleError]):
        super().__init__(", ".join(f"{e.index}.{e.field}: {e.code}" for e in errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class Rule:
    kind: str
    op: str
    values: tuple[str, ...]
    field: str = ""  # the attribute or custom field; "" for tags and answers
    questionnaire_id: int | None = None  # answers only
    question: str = ""  # answers only

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "op": self.op, "values": list(self.values)}
        if self.kind in ("attribute", "custom"):
            out["field"] = self.field
        if self.kind == "answer":
            out["questionnaire_id"] = self.questionnaire_id
            out["question"] = self.question
        return out


@dataclass(frozen=True)
class SegmentRules:
    match: str
    rules: tuple[Rule, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"match": self.match, "rules": [rule.to_dict() for rule in self.rules]}


def _text(raw: Any) -> str:
    return raw if isinstance(raw, str) else ""


def _values(raw: Any) -> list[str] | None:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        return None
    cleaned = [str(v).strip() for v in raw if isinstance(v, str | int) and str(v).strip()]
    return list(dict.fromkeys(cleaned))  # order kept, repeats dropped


def _check_rule(
    index: int,
    raw: Any,
    custom_keys: frozenset[str] | None,
    questionnaire_ids: frozenset[int] | None,
) -> tuple[Rule | None, list[RuleError]]:
    def err(field: str, code: RuleProblem) -> RuleError:
        return RuleError(index, field, code)

    if not isinstance(raw, Mapping):
        return None, [err("kind", RuleProblem.NOT_AN_OBJECT)]
    kind = raw.get("kind")
    if kind not in KINDS:
        return None, [err("kind", RuleProblem.BAD_KIND)]
    errors: list[RuleError] = []
    op = raw.get("op")
    if op not in OPERATORS[kind]:
        errors.append(err("op", RuleProblem.BAD_OPERATOR))
    field = ""
    if kind == "attribute":
        field = _text(raw.get("field"))
        if field not in ATTRIBUTES:
            errors.append(err("field", RuleProblem.BAD_FIELD))
        elif op == "range" and field not in BANDED:
            errors.append(err("op", RuleProblem.NOT_BANDED))
    if kind == "custom":
        field = _text(raw.get("field"))
        known = custom_keys is None or field in custom_keys
        if not CUSTOM_KEY.match(field) or not known:
            errors.append(err("field", RuleProblem.BAD_FIELD))
    questionnaire_id, question = None, ""
    if kind == "answer":
        candidate = raw.get("questionnaire_id")
        if isinstance(candidate, str) and candidate.isdigit():
            candidate = int(candidate)
        if (
            isinstance(candidate, bool)
            or not isinstance(candidate, int)
            or (questionnaire_ids is not None and candidate not in questionnaire_ids)
        ):
            errors.append(err("questionnaire_id", RuleProblem.BAD_QUESTIONNAIRE))
        else:
            questionnaire_id = candidate
        question = _text(raw.get("question")).strip()
        if not QUESTION_ID.match(question):
            errors.append(err("question", RuleProblem.BAD_QUESTION))
    values = _values(raw.get("values", raw.get("value")))
    if not values:
        errors.append(err("values", RuleProblem.NO_VALUE))
        values = []
    elif len(values) > MAX_VALUES or any(len(v) > MAX_VALUE_LENGTH for v in values):
        errors.append(err("values", RuleProblem.VALUE_TOO_LONG))
    elif op == "equals" and len(values) != 1:
        errors.append(err("values", RuleProblem.ONE_VALUE))
    elif op == "range" and len(values) != 2:
        errors.append(err("values", RuleProblem.RANGE_ENDS))
    if errors:
        return None, errors
    rule = Rule(
        kind=kind,
        op=str(op),
        values=tuple(values),
        field=field,
        questionnaire_id=questionnaire_id,
        question=question,
    )
    return rule, []


def parse_rules(
    raw: Any,
    *,
    custom_keys: Iterable[str] | None = None,
    questionnaire_ids: Iterable[int] | None = None,
) -> SegmentRules:
    """The checked rules of *raw*, or SegmentRulesError with every problem.

    *custom_keys*: the directory's custom field keys (None: any well-formed key);
    *questionnaire_ids*: the questionnaires whose answers a rule may use (None: any id).
    """
    if not isinstance(raw, Mapping):
        raise SegmentRulesError([RuleError(None, "rules", RuleProblem.NOT_AN_OBJECT)])
    errors: list[RuleError] = []
    match = raw.get("match", "all")
    if match not in MATCHES:
        errors.append(RuleError(None, "match", RuleProblem.BAD_MATCH))
    listed = raw.get("rules")
    if not isinstance(listed, list) or not listed:
        errors.append(RuleError(None, "rules", RuleProblem.NO_RULES))
        listed = []
    elif len(listed) > MAX_RULES:
        errors.append(RuleError(None, "rules", RuleProblem.TOO_MANY_RULES))
        listed = []
    keys = None if custom_keys is None else frozenset(custom_keys)
    ids = None if questionnaire_ids is None else frozenset(questionnaire_ids)
    rules = []
    for index, item in enumerate(listed):
        rule, problems = _check_rule(index, item, keys, ids)
        errors.extend(problems)
        if rule is not None:
            rules.append(rule)
    if errors:
        raise SegmentRulesError(errors)
    return SegmentRules(match=str(match), rules=tuple(rules))


_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*([千万kKwW]?)")
_MULTIPLIERS = {"": 1, "千": 1_000, "k": 1_000, "K": 1_000, "万": 10_000, "w": 10_000, "W": 10_000}


_BELOW = re.compile(r"以下|以内|及以下|不到|低于|不足|<|＜")


def band_start(label: str) -> float | None:
    """Where a band starts, from its label's first number with 千/万 (k/w) applied:
    "5千-1万" → 5000, "25-34" → 25, "55岁以上" → 55, "5千以下" → 0 (below a number starts
    at nothing), "未知" → None."""
    found = _NUMBER.search(label)
    if found is None:
        return None
    if _BELOW.search(label):
        return 0.0
    return float(found.group(1)) * _MULTIPLIERS[found.group(2)]


def band_order(labels: Iterable[str]) -> list[str]:
    """Band labels in their order (first number; labels without one last, by name)."""

    def key(label: str) -> tuple[int, float, str]:
        start = band_start(label)
        return (0, start, label) if start is not None else (1, 0.0, label)

    return sorted(set(labels), key=key)


def expand_range(labels: Iterable[str], low: str, high: str) -> tuple[str, ...]:
    """The labels among *labels* from band *low* to band *high*, both included (either way
    round). Ends need not be among *labels*: what counts is where their first numbers fall.
    Labels without a number are never in a range."""
    first, last = band_start(low), band_start(high)
    if first is None or last is None:
        return tuple(label for label in labels if label in (low, high))
    start, stop = min(first, last), max(first, last)
    chosen = []
    for label in band_order(labels):
        value = band_start(label)
        if value is not None and start <= value <= stop:
            chosen.append(label)
    return tuple(chosen)
