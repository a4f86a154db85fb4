"""Stage 3: which column of the file holds which part of which question.

A target is named as the response table names its columns (`surveys.response_table`):
``q1`` (the whole answer), ``q3/live`` (one option of a multiple choice, or its rank),
``q5/quality`` (a matrix row), ``q5/quality/a`` (one box of a multiple matrix),
``k1/functional``, ``q1/other_text``; and ``response_id``, ``submitted_at``,
``duration_s`` for the respondent's id and times in a file of no known layout. The proposal
tries, in order: the column's machine name (a Wenfang export, a KoboToolbox path, a
Qualtrics name when it equals a question id), the question's text, the question's number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..answer_rules import KANO_ANSWER_LABELS
from ..response_table import LABEL_WORDS, META_COLUMNS
from ..types import answer_shape
from .layouts import SourceColumn, SourceTable

_PUNCTUATION = re.compile(r"[\s\u3000*＊?？:：。.,，、!！;；\"'“”‘’()（）\[\]【】<>《》_\-—－]+")
_NUMBER_PREFIX = re.compile(r"^\s*(?:第\s*)?Q?\d{1,4}\s*(?:题)?\s*[、.．:：]\s*", re.IGNORECASE)
_TRAILING_PART = re.compile(r"^(.*?)[（(]([^()（）]+)[)）]\s*$")
#: 腾讯问卷's column of what was typed in an option's blank: "3.题目:其他_填空"
_TYPED_IN_OPTION = re.compile(r"^(.*?)_填空\d*$")
WHOLE_ANSWER_PARTS = {"", "response", "selected choice", "open-ended response", "回答", "答案"}
OTHER_PARTS = {
    "other (please specify)", "other", "text", "other - text", "其他", "其他（请注明）",
    "其他(请注明)", "请注明", "其他请注明", "其他（请补充）", "other_text",
}  # fmt: skip
KANO_PARTS = {
    "functional": {"functional", "具备时", "if present", LABEL_WORDS["functional"][0]},
    "dysfunctional": {"dysfunctional", "不具备时", "if absent", LABEL_WORDS["dysfunctional"][0]},
}


def normal(text: str) -> str:
    """Text compared loosely: NFKC, case-folded, no spaces or punctuation, no "3、" number."""
    text = unicodedata.normalize("NFKC", _NUMBER_PREFIX.sub("", text or ""))
    return _PUNCTUATION.sub("", text).casefold()


@dataclass(frozen=True)
class Target:
    """One thing a column can hold: *kind* is answer, option, row, row_option, kano, other
    or meta; *key* the option, row, "row/option" or Kano part."""

    name: str
    question: Mapping[str, Any] | None
    kind: str
    key: str = ""


def answerable_questions(definition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        q
        for page in definition.get("pages") or []
        for q in page.get("questions") or []
        if answer_shape(q["type"]) != "none"
    ]


def targets(definition: Mapping[str, Any]) -> dict[str, Target]:
    """Every target of *definition*, by name, in questionnaire order."""
    found: dict[str, Target] = {m: Target(m, None, "meta") for m in META_COLUMNS}
    for q in answerable_questions(definition):
        qid, shape = q["id"], answer_shape(q["type"])
        options = [str(o["value"]) for o in q.get("options") or []]
        rows = [str(r["value"]) for r in q.get("rows") or []]
        found[qid] = Target(qid, q, "answer")
        if shape in ("options", "ranking"):
            for o in options:
                found[f"{qid}/{o}"] = Target(f"{qid}/{o}", q, "option", o)
        elif shape == "matrix":
            del found[qid]  # a matrix is read row by row
            for r in rows:
                found[f"{qid}/{r}"] = Target(f"{qid}/{r}", q, "row", r)
                for o in options if q.get("multiple") else ():
                    found[f"{qid}/{r}/{o}"] = Target(f"{qid}/{r}/{o}", q, "row_option", f"{r}/{o}")
        elif shape == "kano":
            del found[qid]
            for part in KANO_PARTS:
                found[f"{qid}/{part}"] = Target(f"{qid}/{part}", q, "kano", part)
        if any(o.get("other") for o in q.get("options") or []):
            found[f"{qid}/other_text"] = Target(f"{qid}/other_text", q, "other")
    return found


def _other_values(question: Mapping[str, Any]) -> set[str]:
    return {str(o["value"]) for o in question.get("options") or [] if o.get("other")}


def propose_mapping(definition: Mapping[str, Any], table: SourceTable) -> dict[int, str]:
    """{column index: target name} for the columns recognised; each target at most once."""
    known = targets(definition)
    questions = answerable_questions(definition)
    by_title: dict[str, list[Mapping[str, Any]]] = {}
    for q in questions:
        by_title.setdefault(normal(str(q.get("title") or "")), []).append(q)
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for column in table.columns:
        name = _by_name(column, known)
        if name is None:
            question = _question_of(column, by_title, questions, table.tool)
            name = _part_target(question, column, known) if question is not None else None
        if name is None or name in used or name not in known:
            continue
        if name in META_COLUMNS and table.tool != "csv":
            continue  # a known layout reads its own id and times
        mapping[column.index] = name
        used.add(name)
    return mapping


def _by_name(column: SourceColumn, known: Mapping[str, Target]) -> str | None:
    if not column.name:
        return None
    segments = column.name.split("/")
    for start in range(len(segments)):  # a KoboToolbox path: drop its groups one by one
        candidate = "/".join(segments[start:])
        if candidate in known:
            return candidate
    return None


def _question_of(
    column: SourceColumn,
    by_title: Mapping[str, list[Mapping[str, Any]]],
    questions: list[Mapping[str, Any]],
    tool: str,
) -> Mapping[str, Any] | None:
    titled = by_title.get(normal(column.title)) if column.title else None
    if titled and len(titled) == 1:
        return titled[0]
    bare = _TRAILING_PART.match(column.title)
    if bare and not column.part:  # "您用过哪些功能？(直播购物)"
        titled = by_title.get(normal(bare[1]))
        if titled and len(titled) == 1:
            return titled[0]
    numbered = column.number is not None and tool in ("wjx", "tencent", "csv")
    if numbered and 1 <= (column.number or 0) <= len(questions):
        return questions[(column.number or 0) - 1]
    return None


def _part_target(
    question: Mapping[str, Any], column: SourceColumn, known: Mapping[str, Target]
) -> str | None:
    qid, shape = question["id"], answer_shape(question["type"])
    part = column.part.strip()
    bare = _TRAILING_PART.match(column.title)
    if not part and bare and normal(bare[1]) == normal(str(question.get("title") or "")):
        part = bare[2]
    options = _labelled(question.get("options") or [])
    rows = _labelled(question.get("rows") or [])
    other_text = f"{qid}/other_text" if f"{qid}/other_text" in known else None
    if column.name.upper().endswith("_TEXT"):  # Qualtrics: the text typed beside a choice
        return other_text
    typed_in = _TYPED_IN_OPTION.match(part)
    if typed_in and shape in ("options", "ranking") and normal(typed_in[1]) in options:
        return other_text if options[normal(typed_in[1])] in _other_values(question) else None
    if shape in ("options", "ranking") and normal(part) in options and part:
        return f"{qid}/{options[normal(part)]}"  # an option's own column, "其他" included
    if normal(part) in {normal(p) for p in OTHER_PARTS}:
        return other_text
    if normal(part) in {normal(p) for p in WHOLE_ANSWER_PARTS}:
        return None if shape == "kano" else qid
    if shape in ("options", "ranking"):
        value = options.get(normal(part))
        return f"{qid}/{value}" if value is not None else None
    if shape == "matrix":
        row = rows.get(normal(part))
        if row is not None:
            return f"{qid}/{row}"
        for sep in (" - ", " / ", "—", "-", "/"):
            left, found, right = part.partition(sep)
            if found and rows.get(normal(left)) and options.get(normal(right)):
                name = f"{qid}/{rows[normal(left)]}/{options[normal(right)]}"
                return name if name in known else None
        return None
    if shape == "kano":
        titles = {
            "functional": question.get("functional_title"),
            "dysfunctional": question.get("dysfunctional_title"),
        }
        for key, words in KANO_PARTS.items():
            if normal(part) in {normal(w) for w in (*words, titles[key] or "\0")}:
                return f"{qid}/{key}"
        return None
    return qid if not part else None


def _labelled(items: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    return _lookup(tuple((str(i["value"]), str(i.get("label", i["value"]))) for i in items))


def option_labels(question: Mapping[str, Any]) -> Mapping[str, str]:
    """{normalised label or value: option value} of *question*; read-only (cached)."""
    return _labelled(question.get("options") or [])


@lru_cache(maxsize=512)
def _lookup(items: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """{normalised label or value: value}; a label wins over another item's value, and a
    label is also known without a trailing "(请注明)"."""
    found: dict[str, str] = {}
    for value, _ in items:
        found.setdefault(normal(value), value)
    for value, label in items:
        found[normal(label)] = value
        found.setdefault(normal(re.sub(r"[（(][^()（）]*[)）]\s*$", "", label)), value)
    return found


@lru_cache(maxsize=1)
def kano_codes() -> dict[str, str]:
    """{normalised code or label, Chinese or English: Kano answer code}."""
    found = {}
    for code, labels in KANO_ANSWER_LABELS.items():
        for word in (code, *labels):
            found[normal(word)] = code
    return found
