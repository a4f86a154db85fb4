"""Checking a definition dict: the published JSON Schema first, then the rules a schema cannot
state (unique ids, ranges, patterns, conditions referring to earlier questions, piping).

Every problem is collected, errors and warnings together, each with its JSON path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from . import safe_regex
from .answer_rules import CONTROL_RE, parse_date
from .errors import Code, DefinitionError, Problem
from .logic.check import check_condition
from .logic.grammar import KEYWORDS
from .logic.piping import piped_names
from .models import Questionnaire
from .types import QUESTION_TYPES, canonical_type

# Sizes far above any real questionnaire. Past them a definition is refused before anything
# else is checked: the JSON Schema alone takes about a millisecond per question, and the
# builder checks the draft on every save and load.
MAX_QUESTIONS = 2000  # questions of a questionnaire (and its pages)
MAX_OPTIONS = 5000  # options (or matrix rows) of one question
MAX_OPTIONS_IN_ALL = 50_000  # options and matrix rows of all questions together


@cache
def definition_schema() -> dict[str, Any]:
    """The published JSON Schema (``surveys/schema/questionnaire.schema.json``)."""
    text = (
        resources.files("surveys").joinpath("schema/questionnaire.schema.json").read_text("utf-8")
    )
    definition: dict[str, Any] = json.loads(text)
    return definition


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(definition_schema())


def json_path(parts: Any) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _schema_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for error in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.path))):
        detail = error.message
        if error.validator == "not":
            detail = "this key is not used by this question type"
        elif error.validator == "if":
            continue  # reported by the branch that failed
        problems.append(Problem(Code.SCHEMA, json_path(error.absolute_path), params={
            "detail": detail[:300]
        }))  # fmt: skip
    return problems


def validate_definition(data: Any) -> list[Problem]:
    """Every problem of a definition (errors and warnings), each with its JSON path."""
    if not isinstance(data, Mapping):
        return [Problem(Code.NOT_AN_OBJECT)]
    return size_problems(data) or _schema_problems(data) + _semantic_problems(data)


def without_control_characters(data: Any, path: str = "$") -> tuple[Any, list[Problem]]:
    """*data* with the control characters (`answer_rules.CONTROL_RE`) removed from every key
    and string, and a warning at the path of each string that held one.

    They are invisible, come with pasted text, and PostgreSQL cannot store a NUL in a JSON
    document: a draft holding one was a 500 on every autosave. Removed, not refused, so the
    builder's autosave never fails over a character nobody can see.
    """
    if isinstance(data, str):
        cleaned = CONTROL_RE.sub("", data)
        if cleaned == data:
            return data, []
        return cleaned, [Problem(Code.CONTROL_CHARACTER_REMOVED, path, "warning")]
    problems: list[Problem] = []
    if isinstance(data, Mapping):
        cleaned_map = {}
        for key, value in data.items():
            clean_key = CONTROL_RE.sub("", key) if isinstance(key, str) else key
            cleaned_map[clean_key], found = without_control_characters(value, f"{path}.{clean_key}")
            problems += found
        return cleaned_map, problems
    if isinstance(data, list):
        cleaned_list = []
        for index, value in enumerate(data):
            item, found = without_control_characters(value, f"{path}[{index}]")
            cleaned_list.append(item)
            problems += found
        return cleaned_list, problems
    return data, []


def too_large(code: Code, path: str, count: int, maximum: int) -> list[Problem]:
    """The error of a count past its maximum, or none."""
    return [Problem(code, path, params={"count": count, "max": maximum})] if count > maximum else []


def size_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Errors for a definition past `MAX_QUESTIONS`, `MAX_OPTIONS` or `MAX_OPTIONS_IN_ALL`,
    counted without checking anything else (linear, cheap)."""
    pages = data.get("pages")
    if not isinstance(pages, list):
        return []
    problems = too_large(Code.TOO_MANY_PAGES, "$.pages", len(pages), MAX_QUESTIONS)
    questions = [
        (f"$.pages[{pi}].questions[{qi}]", question)
        for pi, page in _dicts(pages)
        for qi, question in _dicts(page.get("questions"))
    ]
    problems += too_large(Code.TOO_MANY_QUESTIONS, "$.pages", len(questions), MAX_QUESTIONS)
    if problems:
        return problems
    in_all = 0
    for path, question in questions:
        for key in ("options", "rows"):
            items = question.get(key)
            if isinstance(items, list):
                in_all += len(items)
                problems += too_large(
                    Code.TOO_MANY_OPTIONS, f"{path}.{key}", len(items), MAX_OPTIONS
                )
    return problems + too_large(Code.TOO_MANY_OPTIONS_IN_ALL, "$.pages", in_all, MAX_OPTIONS_IN_ALL)


# Errors that publishing refuses but a stored version may have: a pattern the engine cannot
# run (one Python's re accepted before `safe_regex`) is skipped by the answer check, so the
# respondents of a version published before are not shut out.
_LOADABLE_ERRORS = {Code.INVALID_PATTERN, Code.UNSUPPORTED_PATTERN, Code.PATTERN_TOO_LONG}


def load_definition(data: Any) -> Questionnaire:
    """The typed questionnaire for *data*; raises `DefinitionError` listing every error
    (except a pattern that cannot be compiled: see `_LOADABLE_ERRORS`)."""
    problems = validate_definition(data)
    if any(p.is_error and p.code not in _LOADABLE_ERRORS for p in problems):
        raise DefinitionError(problems)
    return Questionnaire.from_dict(data)


def _dicts(value: Any) -> list[tuple[int, Mapping[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, Mapping)]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _semantic_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    questions: dict[str, Mapping[str, Any]] = {}
    seen_pages: set[str] = set()
    for _, page in _dicts(data.get("pages")):
        for _, question in _dicts(page.get("questions")):
            qid = question.get("id")
            if isinstance(qid, str) and qid not in questions:
                questions[qid] = question
    earlier: set[str] = set()
    placed: set[str] = set()
    count = 0
    for pi, page in _dicts(data.get("pages")):
        ppath = f"$.pages[{pi}]"
        pid = page.get("id")
        if isinstance(pid, str):
            if pid in seen_pages:
                problems.append(Problem(Code.DUPLICATE_PAGE_ID, f"{ppath}.id", params={"id": pid}))
            seen_pages.add(pid)
        problems += check_condition(
            page.get("show_if"), path=f"{ppath}.show_if", questions=questions, earlier=earlier
        )
        problems += _pipes(page.get("title"), f"{ppath}.title", questions, earlier)
        page_questions = _dicts(page.get("questions"))
        if not page_questions:
            problems.append(Problem(Code.EMPTY_PAGE, ppath, "warning", {"id": pid}))
        for qi, question in page_questions:
            qpath = f"{ppath}.questions[{qi}]"
            qid = question.get("id")
            if isinstance(qid, str):
                if qid in placed:
                    problems.append(
                        Problem(Code.DUPLICATE_QUESTION_ID, f"{qpath}.id", params={"id": qid})
                    )
                placed.add(qid)
                if qid in KEYWORDS:
                    problems.append(Problem(Code.RESERVED_ID, f"{qpath}.id", params={"id": qid}))
            problems += _question_problems(question, qpath)
            problems += check_condition(
                question.get("show_if"),
                path=f"{qpath}.show_if",
                questions=questions,
                earlier=earlier,
            )
            for key in ("title", "description", "body", "text"):
                problems += _pipes(question.get(key), f"{qpath}.{key}", questions, earlier)
            if isinstance(qid, str):
                earlier.add(qid)
            count += 1
    if count == 0 and isinstance(data.get("pages"), list):
        problems.append(Problem(Code.NO_QUESTIONS, "$.pages", "warning"))
    if isinstance(data.get("settings"), Mapping):
        problems += _settings_problems(data["settings"], questions)
    return problems


def _settings_problems(
    settings: Mapping[str, Any], questions: Mapping[str, Mapping[str, Any]]
) -> list[Problem]:
    """A quota must count answers of a one-answer question by its option values."""
    problems: list[Problem] = []
    quota = settings.get("quota")
    if isinstance(quota, Mapping) and isinstance(quota.get("question"), str):
        qid = quota["question"]
        question = questions.get(qid)
        if question is None or question.get("type") not in ("single_choice", "dropdown"):
            problems.append(
                Problem(Code.QUOTA_UNKNOWN_QUESTION, "$.settings.quota.question", params={
                    "name": qid
                })
            )  # fmt: skip
        else:
            values = {str(o.get("value")) for _, o in _dicts(question.get("options"))}
            for value in quota.get("limits") or {}:
                if value not in values:
                    problems.append(
                        Problem(Code.QUOTA_UNKNOWN_VALUE, f"$.settings.quota.limits.{value}",
                                params={"value": value})
                    )  # fmt: skip
    moments = {}
    for key in ("opens_at", "closes_at"):
        text = settings.get(key)
        if isinstance(text, str) and text:
            moments[key] = _moment(text)
            if moments[key] is None:
                problems.append(
                    Problem(Code.INVALID_MOMENT, f"$.settings.{key}", params={"value": text})
                )
    opens, closes = moments.get("opens_at"), moments.get("closes_at")
    if opens and closes and closes <= opens:
        problems.append(Problem(Code.CLOSES_BEFORE_OPENS, "$.settings.closes_at"))
    return problems


def _moment(text: str) -> datetime | None:
    """An ISO 8601 date-time; UTC when it has no offset (as the respondent form reads it)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _pipes(text: Any, path: str, questions: Mapping[str, Any], earlier: set[str]) -> list[Problem]:
    if not isinstance(text, str):
        return []
    problems = []
    for name in piped_names(text):
        if name not in questions:
            problems.append(Problem(Code.PIPE_UNKNOWN_QUESTION, path, "warning", {"name": name}))
        elif name not in earlier:
            problems.append(Problem(Code.PIPE_FORWARD_REFERENCE, path, "warning", {"name": name}))
    return problems


def _question_problems(q: Mapping[str, Any], path: str) -> list[Problem]:
    problems: list[Problem] = []
    raw_type = q.get("type")
    if not isinstance(raw_type, str):
        return problems
    name = canonical_type(raw_type)
    if name is None:
        return [Problem(Code.UNKNOWN_QUESTION_TYPE, f"{path}.type", params={"type": raw_type})]
    if name != raw_type:
        problems.append(
            Problem(Code.QUESTION_TYPE_ALIAS, f"{path}.type", params={
                "type": raw_type, "canonical": name
            })
        )  # fmt: skip
    qtype = QUESTION_TYPES[name]
    if qtype.answer != "none" and isinstance(q.get("title"), str) and not q["title"].strip():
        problems.append(Problem(Code.EMPTY_TITLE, f"{path}.title", "warning"))
    options = _dicts(q.get("options"))
    values = [o.get("value") for _, o in options]
    for code, key, items in (
        (Code.DUPLICATE_OPTION_VALUE, "options", options),
        (Code.DUPLICATE_ROW_VALUE, "rows", _dicts(q.get("rows"))),
    ):
        seen: set[Any] = set()
        for i, item in items:
            value = item.get("value")
            if value in seen:
                problems.append(Problem(code, f"{path}.{key}[{i}].value", params={"value": value}))
            seen.add(value)
    others = [i for i, o in options if o.get("other")]
    if len(others) > 1:
        problems.append(Problem(Code.MULTIPLE_OTHER_OPTIONS, f"{path}.options[{others[1]}]"))
    if qtype.answer == "option":  # one answer: "none of the above" means nothing
        for i, o in options:
            if o.get("exclusive"):
                problems.append(
                    Problem(Code.EXCLUSIVE_ON_SINGLE, f"{path}.options[{i}]", "warning")
                )
    for i, o in options:
        if o.get("scored") is False and o.get("score") is not None:
            problems.append(
                Problem(Code.SCORE_ON_UNSCORED_OPTION, f"{path}.options[{i}]", "warning")
            )
    if q.get("randomize") and not qtype.has_options:
        problems.append(Problem(Code.RANDOMIZE_WITHOUT_OPTIONS, f"{path}.randomize", "warning"))
    check = q.get("attention_check")
    if isinstance(check, str) and qtype.has_options and options and check not in values:
        problems.append(
            Problem(Code.ATTENTION_CHECK_NOT_AN_OPTION, f"{path}.attention_check", "warning", {
                "value": check
            })
        )  # fmt: skip
    problems += _range_problems(q, qtype.limits, path, len(options))
    return problems


def _range_problems(
    q: Mapping[str, Any], limits: str | None, path: str, n_options: int
) -> list[Problem]:
    """Inverted or impossible limits; *limits* is the type's facet (value, date, text,
    selection)."""
    problems: list[Problem] = []

    def inverted(low_key: str, high_key: str, low: Any, high: Any) -> None:
        if low is not None and high is not None and low > high:
            problems.append(
                Problem(Code.RANGE_INVERTED, f"{path}.{low_key}", params={
                    "low": low_key, "high": high_key
                })
            )  # fmt: skip

    lo_sel, hi_sel = _number(q.get("min_selected")), _number(q.get("max_selected"))
    inverted("min_selected", "max_selected", lo_sel, hi_sel)
    if limits == "selection" and n_options:
        if lo_sel is not None and lo_sel > n_options:
            problems.append(
                Problem(Code.TOO_FEW_OPTIONS_FOR_MIN, f"{path}.min_selected", params={
                    "min": int(lo_sel), "count": n_options
                })
            )  # fmt: skip
        if hi_sel is not None and hi_sel > n_options:
            problems.append(
                Problem(Code.MAX_SELECTED_ABOVE_OPTIONS, f"{path}.max_selected", "warning", {
                    "max": int(hi_sel), "count": n_options
                })
            )  # fmt: skip
    inverted("min_length", "max_length", _number(q.get("min_length")), _number(q.get("max_length")))
    if limits == "value":
        inverted("min", "max", _number(q.get("min")), _number(q.get("max")))
    if limits == "date":
        dates = {}
        for key in ("min", "max"):
            if isinstance(q.get(key), str):
                dates[key] = parse_date(q[key])
                if dates[key] is None:
                    problems.append(
                        Problem(Code.INVALID_DATE, f"{path}.{key}", params={"value": q[key]})
                    )
        inverted("min", "max", dates.get("min"), dates.get("max"))
    step = _number(q.get("step"))
    if step is not None and step <= 0:
        problems.append(Problem(Code.STEP_NOT_POSITIVE, f"{path}.step"))
    pattern = q.get("pattern")
    if isinstance(pattern, str) and pattern not in ("phone", "email"):
        try:
            safe_regex.compile(pattern)
        except safe_regex.PatternError as error:
            problems.append(Problem(error.code, f"{path}.pattern", params=error.params))
    return problems
