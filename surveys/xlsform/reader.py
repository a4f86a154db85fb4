# Over 400 lines: one pass over the survey sheet, its groups, questions and constraints, in
# order (what a type cell says is `rowtypes`).
"""Stage 2 of the XLSForm import: sheets of strings → a definition dict and per-row warnings.

Top-level groups (and repeats) become pages; rows outside groups are gathered into pages of
their own; nested groups are merged into their page with their ``relevant`` joined to each
question's. Whatever has no equivalent is skipped or dropped with a warning naming the sheet,
row and column. Checking the result against the JSON Schema is stage 3 (`surveys.xlsform`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .. import safe_regex
from ..definition import MAX_OPTIONS_IN_ALL, MAX_QUESTIONS, too_large
from ..errors import Code, ExpressionError, Problem
from ..logic.check import check_condition
from ..logic.grammar import KEYWORDS, parse
from ..types import QUESTION_TYPES, marked_type
from .choices import ChoiceLists
from .columns import PREFIXES, Columns, is_chinese
from .constraints import from_constraint
from .rowtypes import SELECT_RE, SELECT_TYPES, SIMPLE_TYPES, row_kind, row_type
from .sheets import Sheet
from .xpath import Untranslatable, from_xpath

ID_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
REF_RE = re.compile(r"\$\{([^}]*)\}")

# The columns whose cells are skip logic and answer rules: each is carried or warned about.
LOGIC_COLUMNS = ("relevant", "required", "constraint")
REQUIRED = ("yes", "true", "true()", "1")
NOT_REQUIRED = ("no", "false", "false()", "0")
# Word processors' quotes, which pyxform turns into plain ones in every cell (‘yes’ → 'yes').
SMART_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
HARMLESS_APPEARANCES = re.compile(
    r"(field-list|table-list|minimal|autocomplete|search|compact(-\d+)?|quick|horizontal"
    r"|horizontal-compact|likert|columns(-\d+)?|no-buttons|multiline|numbers|thousands-sep"
    r"|w\d+|no-calendar|month-year|year|rating|vertical|picker|distress|quickcompact)"
)
IGNORED_COLUMNS = (
    "default", "read_only", "calculation", "repeat_count", "trigger", "required_message",
    "constraint_message", "image", "audio", "video", "big-image", "buttontext",
    "noapperrorstring", "autoplay", "rows",
    "choice_filter", "guidance_hint", "intent",
)  # fmt: skip
PREFIXED_UNKNOWN = tuple(f"{prefix}:" for prefix in PREFIXES)
KNOWN_SETTINGS = {"form_title", "form_id", "default_language", "version", "style"}


@dataclass
class _Group:
    kind: str  # "group" or "repeat"
    row: int
    page: dict[str, Any] | None  # the page it opened (top level only)
    condition: str | None  # translated relevant of a nested group


@dataclass
class _Import:
    survey: Sheet
    choices: ChoiceLists
    settings: dict[str, str]
    warnings: list[Problem] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # XLSForm name -> its first question id
    row_ids: dict[int, str] = field(default_factory=dict)  # survey row -> its question id
    page_ids: set[str] = field(default_factory=set)
    chinese: bool = False

    def warn(self, code: Code, row: int | None, col: str | None = None, **params: Any) -> None:
        """A warning at *row* of the survey sheet (or of choices, for ``choices:<col>``)."""
        sheet = "choices" if col and col.startswith("choices:") else "survey"
        col = col.removeprefix("choices:") if col else None
        self.warnings.append(
            Problem(code, "$", "warning", params, sheet=sheet, row=row, column=col)
        )


def sheets_to_definition(
    sheets: dict[str, Sheet], default_title: str = "导入的问卷"
) -> tuple[dict[str, Any], list[Problem]]:
    """The definition dict for an XLSForm's sheets, and the warnings of the translation."""
    state = _Import(
        survey=sheets["survey"],
        choices=ChoiceLists(sheets.get("choices")),
        settings=_settings(sheets.get("settings")),
    )
    for name, sheet in sheets.items():
        if name not in ("survey", "choices", "settings") and sheet.rows:
            state.warnings.append(
                Problem(Code.XLS_SHEET_IGNORED, "$", "warning", {"name": sheet.name}, sheet.name)
            )
    columns = Columns(state.survey.columns)
    settings_lang = state.settings.get("default_language", "")
    state.chinese = columns.has_chinese("label") or is_chinese(settings_lang)
    _assign_ids(state, columns)
    _walk_survey(state, columns)
    _other_languages(state, columns, "survey", ("label", "hint"))
    _other_languages(state, state.choices.columns, "choices", ("label",))
    for name, value in state.settings.items():
        if name not in KNOWN_SETTINGS and value.lower() not in ("", "false", "no"):
            state.warnings.append(
                Problem(Code.XLS_SETTING_IGNORED, "$", "warning", {"name": name}, "settings", 2)
            )
    titles = [q["title"] for q in state.questions.values() if q.get("title")]
    in_chinese = sum(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in titles)
    chinese = in_chinese * 2 >= len(titles) if titles else state.chinese
    definition = {
        "schema_version": 1,
        "title": state.settings.get("form_title") or state.settings.get("form_id") or default_title,
        "language": "zh_CN" if chinese else "en",
        "description": "",
        "pages": [page for page in state.pages if page["questions"]],
    }
    return definition, state.warnings


def _other_languages(state: _Import, columns: Columns, sheet: str, bases: tuple[str, ...]) -> None:
    """A warning for each label or hint column with text that was not imported: a row's
    text is read in one language (`Columns.preferred`), the others' are left out."""
    if sheet == "survey":
        rows = state.survey.rows
    else:
        rows = [row for listed in state.choices.rows.values() for row in listed]
    left_out: dict[str, None] = {}
    for base in bases:
        for _, cells in rows:
            chosen = columns.preferred_column(cells, base)
            for column in columns.by_base.get(base, ()):
                if column != chosen and cells.get(column):
                    left_out[column] = None
    for column in left_out:
        state.warnings.append(
            Problem(
                Code.XLS_LANGUAGE_IGNORED,
                "$",
                "warning",
                {"column": column},
                sheet=sheet,
                row=1,  # the header, which names the column
                column=column,
            )
        )


def size_problems(sheets: dict[str, Sheet]) -> list[Problem]:
    """Errors for a form whose translation would pass `MAX_QUESTIONS` or `MAX_OPTIONS_IN_ALL`
    (a choice list is copied into every question that uses it), counted from the rows alone,
    before any translation."""
    survey, columns = sheets["survey"], Columns(sheets["survey"].columns)
    choices = ChoiceLists(sheets.get("choices"))
    questions = options = 0
    for _, cells in survey.rows:
        type_text = row_type(columns, cells).lower()
        if not type_text or row_kind(type_text) != "question":
            continue
        questions += 1
        select = SELECT_RE.fullmatch(row_type(columns, cells))
        if select:
            options += len(choices.rows.get(select.group("list"), ()))
    return [
        *too_large(Code.TOO_MANY_QUESTIONS, "$.pages", questions, MAX_QUESTIONS),
        *too_large(Code.TOO_MANY_OPTIONS_IN_ALL, "$.pages", options, MAX_OPTIONS_IN_ALL),
    ]


# -- sheets ----------------------------------------------------------------------------------
def _settings(sheet: Sheet | None) -> dict[str, str]:
    if sheet is None or not sheet.rows:
        return {}
    _, cells = sheet.rows[0]
    columns = Columns(sheet.columns)
    return {columns.base(column): value for column, value in cells.items()}


# -- ids ---------------------------------------------------------------------------------------
def _assign_ids(state: _Import, columns: Columns) -> None:
    """Question ids for every name, renaming what the id rules do not allow (with a warning)."""
    used: set[str] = set()
    for number, cells in state.survey.rows:
        name = columns.get(cells, "name")
        kind = row_kind(row_type(columns, cells))
        if not name or kind in ("begin", "end", "skip"):
            continue
        new = name if ID_RE.fullmatch(name) and name not in KEYWORDS else _sanitize(name, number)
        base, n = new, 2
        while new in used:
            new, n = f"{base}_{n}", n + 1
        used.add(new)
        if new != name:
            column = _column(columns, cells, "name")
            state.warn(Code.XLS_RENAMED_ID, number, column, old=name, new=new)
        state.ids.setdefault(name, new)  # ${name} refers to the first question of that name
        state.row_ids[number] = new


def _column(columns: Columns, cells: dict[str, str], base: str) -> str:
    """The header, as written, of the cell of *base* in a row (*base* when it has none)."""
    return columns.preferred_column(cells, base) or base


def _sanitize(name: str, row: int) -> str:
    new = re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_") or f"q{row}"
    if not ID_RE.fullmatch(new):
        new = f"q_{new}"
    if new in KEYWORDS:
        new += "_"
    return new[:64]


# -- survey rows -------------------------------------------------------------------------------
def _walk_survey(state: _Import, columns: Columns) -> None:
    stack: list[_Group] = []
    loose: dict[str, Any] | None = None
    for number, cells in state.survey.rows:
        type_text = row_type(columns, cells)
        lowered = type_text.lower()
        if not type_text:
            if any(columns.get(cells, base) for base in ("name", "label", *LOGIC_COLUMNS)):
                state.warn(Code.XLS_MISSING_COLUMN, number, "type", column="type")
                _logic_dropped(state, columns, cells, number)
            continue
        kind = row_kind(type_text)
        if kind == "begin":
            repeat = not lowered.replace("_", " ").startswith("begin group")
            if repeat:
                state.warn(Code.XLS_REPEAT_FLATTENED, number, "type")
            condition = _relevant(state, columns, cells, number)
            _logic_dropped(state, columns, cells, number, ("required", "constraint"))
            if not stack:
                loose = None
                page: dict[str, Any] = {
                    "id": _page_id(state, columns.get(cells, "name")),
                    "title": _text(state, columns, cells, "label", number),
                    "show_if": condition,
                    "questions": [],
                }
                state.pages.append(page)
                stack.append(_Group("repeat" if repeat else "group", number, page, None))
            else:
                if not repeat:
                    state.warn(Code.XLS_NESTED_GROUP, number, "type")
                stack.append(_Group("repeat" if repeat else "group", number, None, condition))
            continue
        if kind == "end":
            _logic_dropped(state, columns, cells, number)  # an end row has no logic to carry
            if not stack:
                state.warn(Code.XLS_UNMATCHED_END, number, "type", type=type_text)
            else:
                stack.pop()
            continue
        if kind == "skip":
            code = Code.XLS_UNSUPPORTED_TYPE if lowered in ("calculate", "hidden") else None
            state.warn(code or Code.XLS_METADATA_SKIPPED, number, "type", type=type_text)
            _logic_dropped(state, columns, cells, number)
            continue
        question = _question(state, columns, cells, number, type_text)
        if question is None:
            _logic_dropped(state, columns, cells, number)
            continue
        extra = [g.condition for g in stack if g.condition]
        if extra:
            parts = [*extra, question.get("show_if")] if question.get("show_if") else extra
            question["show_if"] = " and ".join(f"({p})" for p in parts)
        if stack:
            page = next(g.page for g in stack if g.page is not None)
        else:
            if loose is None:
                loose = {"id": _page_id(state, ""), "title": "", "show_if": None, "questions": []}
                state.pages.append(loose)
            page = loose
        page["questions"].append(question)
        state.questions[question["id"]] = question
    for group in stack:
        state.warn(Code.XLS_UNCLOSED_GROUP, group.row, "type")


def _logic_dropped(
    state: _Import,
    columns: Columns,
    cells: dict[str, str],
    row: int,
    bases: tuple[str, ...] = LOGIC_COLUMNS,
) -> None:
    """A warning for each skip-logic or rule cell of a row that was not imported (the row's
    own warning says why) or that cannot hold it (a group has nothing to answer), so that
    no such cell goes without one. ``required`` = no asks for nothing and is not named."""
    for base in bases:
        value = columns.get(cells, base)
        if value and not (base == "required" and value.lower() in NOT_REQUIRED):
            column = _column(columns, cells, base)
            state.warn(Code.XLS_COLUMN_IGNORED, row, column, column=column)


def _page_id(state: _Import, name: str) -> str:
    base = name if name and ID_RE.fullmatch(name) else f"page{len(state.pages) + 1}"
    new, n = base, 2
    while new in state.page_ids:
        new, n = f"{base}_{n}", n + 1
    state.page_ids.add(new)
    return new


def _text(state: _Import, columns: Columns, cells: dict[str, str], base: str, row: int) -> str:
    """A label or hint in the preferred language, with ${name} piping turned into {id}."""
    text = columns.preferred(cells, base)

    def pipe(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name in state.ids and state.ids[name] in state.questions:
            return "{" + state.ids[name] + "}"
        state.warn(Code.XLS_PIPE_UNKNOWN, row, columns.preferred_column(cells, base), name=name)
        return f"[{name}]"  # not {name}: that would be piped as an (unknown) question

    return REF_RE.sub(pipe, text)


def _relevant(state: _Import, columns: Columns, cells: dict[str, str], row: int) -> str | None:
    expr = columns.get(cells, "relevant").translate(SMART_QUOTES)
    if not expr:
        return None
    column = _column(columns, cells, "relevant")
    try:
        text = from_xpath(expr, lambda name: state.ids.get(name, name))
        parse(text)
    except Untranslatable as error:
        state.warn(Code.XLS_RELEVANT_UNSUPPORTED, row, column, expr=expr, detail=str(error))
        return None
    except ExpressionError as error:
        detail = str(error.code)
        state.warn(Code.XLS_RELEVANT_UNSUPPORTED, row, column, expr=expr, detail=detail)
        return None
    problems = check_condition(text, path="$", questions=state.questions, earlier=state.questions)
    errors = [p for p in problems if p.is_error]
    if errors:
        detail = f"{errors[0].code}: {errors[0].params.get('name', '')}"
        state.warn(Code.XLS_RELEVANT_UNSUPPORTED, row, column, expr=expr, detail=detail)
        return None
    return text


def _question(
    state: _Import, columns: Columns, cells: dict[str, str], row: int, type_text: str
) -> dict[str, Any] | None:
    lowered = type_text.lower()
    name = columns.get(cells, "name")
    select = SELECT_RE.fullmatch(type_text)
    if select:
        qtype = SELECT_TYPES[select.group("kind").lower()]
    elif lowered in SIMPLE_TYPES:
        qtype = SIMPLE_TYPES[lowered]
    else:
        state.warn(Code.XLS_UNSUPPORTED_TYPE, row, "type", type=type_text)
        return None
    if not name:
        state.warn(Code.XLS_MISSING_NAME, row, "name")
        return None
    appearance = columns.get(cells, "appearance").strip()
    question: dict[str, Any] = {
        "id": state.row_ids[row],
        "type": qtype,
        "title": _text(state, columns, cells, "label", row),
    }
    hint = _text(state, columns, cells, "hint", row)
    hint_key = QUESTION_TYPES[qtype].xlsform.hint
    if hint or hint_key != "description":  # a note's body and a consent's text are kept blank
        question[hint_key] = hint
    required = columns.get(cells, "required").lower()
    column = _column(columns, cells, "required")
    if QUESTION_TYPES[qtype].answer == "none":  # a note has nothing to require
        if required and required not in NOT_REQUIRED:
            state.warn(Code.XLS_COLUMN_IGNORED, row, column, column=column)
    elif required in REQUIRED:
        question["required"] = True
    elif required and required not in NOT_REQUIRED:
        state.warn(Code.XLS_COLUMN_IGNORED, row, column, column=column)
    condition = _relevant(state, columns, cells, row)
    if condition:
        question["show_if"] = condition
    _type_details(state, columns, cells, row, question, lowered, select, appearance)
    _constraint(state, columns, cells, row, question)
    _ignored_columns(state, columns, cells, row, appearance)
    return question


def _type_details(
    state: _Import,
    columns: Columns,
    cells: dict[str, str],
    row: int,
    question: dict[str, Any],
    lowered: str,
    select: re.Match[str] | None,
    appearance: str,
) -> None:
    qtype = question["type"]
    if select:
        list_name = select.group("list")
        question["options"] = state.choices.options(
            list_name,
            row,
            or_other=bool(select.group("other")),
            chinese=state.chinese,
            warn=state.warn,
        )
        if not question["options"]:
            question["options"] = [{"value": "1", "label": question["title"] or "1"}]
        question["type"] = marked_type(qtype, appearance)
        params = _parameters(state, columns.get(cells, "parameters"), row)
        if params.get("randomize", "").lower() in ("true", "yes"):
            question["randomize"] = True
        if columns.get(cells, "choice_filter"):
            expr = columns.get(cells, "choice_filter")
            column = _column(columns, cells, "choice_filter")
            state.warn(Code.XLS_CHOICE_FILTER_IGNORED, row, column, expr=expr)
    elif lowered in QUESTION_TYPES[qtype].xlsform.integer:
        question["integer"] = True
    elif "phone" in lowered:
        question["pattern"] = "phone"
    elif QUESTION_TYPES[qtype].xlsform.parameters == "range":
        params = _parameters(state, columns.get(cells, "parameters"), row)
        start, end = _float(params.get("start"), 1), _float(params.get("end"), 10)
        step = _float(params.get("step"), 1)
        marked = marked_type(qtype, appearance)  # a range read as a scale (a rating)
        scale = QUESTION_TYPES[marked].scale
        if (
            scale is not None
            and scale.high_key is not None
            and scale.highest is not None
            and start == scale.low
            and step == 1
            and scale.low + 1 <= end <= scale.highest
        ):
            question.update({"type": marked, scale.high_key: int(end)})
        else:
            question.update(min=_num(start), max=_num(end), step=_num(step))
    else:
        # XLSForm's `rows` column asks for a box of several lines, as the multiline appearance
        lines = " multiline" if _int(columns.get(cells, "rows"), 1) > 1 else ""
        question["type"] = marked_type(qtype, appearance + lines)


def _constraint(
    state: _Import, columns: Columns, cells: dict[str, str], row: int, question: dict[str, Any]
) -> None:
    expr = columns.get(cells, "constraint").translate(SMART_QUOTES)
    if not expr:
        return
    column = _column(columns, cells, "constraint")
    # A constraint may name its own question instead of `.` (`${age} > 0 and ${age} < 120`).
    own = columns.get(cells, "name")
    expr = re.sub(r"\$\{\s*" + re.escape(own) + r"\s*\}", ".", expr) if own else expr
    keys = from_constraint(expr, question["type"], question)
    if keys is None:
        state.warn(Code.XLS_CONSTRAINT_UNSUPPORTED, row, column, expr=expr)
        return
    exclusive = keys.pop("exclusive", [])
    values = {o["value"]: o for o in question.get("options", ())}
    if any(value not in values for value in exclusive):
        state.warn(Code.XLS_CONSTRAINT_UNSUPPORTED, row, column, expr=expr)
        return
    for value in exclusive:
        values[value]["exclusive"] = True
    pattern = keys.get("pattern")
    if pattern and pattern not in ("phone", "email"):
        try:
            safe_regex.compile(pattern)
        except safe_regex.PatternError as error:  # the rest of the form is still usable
            detail = error.params["detail"]
            state.warn(Code.XLS_PATTERN_IGNORED, row, column, pattern=pattern, detail=detail)
            del keys["pattern"]
    question.update(keys)


def _ignored_columns(
    state: _Import, columns: Columns, cells: dict[str, str], row: int, appearance: str
) -> None:
    read = {columns.preferred_column(cells, base) for base in LOGIC_COLUMNS}
    for column in cells:
        base = columns.base(column)
        if (
            (base in IGNORED_COLUMNS and base not in ("choice_filter", "rows"))
            or base.startswith(PREFIXED_UNKNOWN)  # bind:…, control:… that have no equivalent
            or (base in LOGIC_COLUMNS and column not in read)  # `relevant` and `relevance`
        ):
            state.warn(Code.XLS_COLUMN_IGNORED, row, column, column=column)
    for word in appearance.split():
        if not HARMLESS_APPEARANCES.fullmatch(word):
            column = _column(columns, cells, "appearance")
            state.warn(Code.XLS_COLUMN_IGNORED, row, column, column=f"{column}={word}")


def _parameters(state: _Import, text: str, row: int) -> dict[str, str]:
    params = {}
    for part in text.replace(";", " ").replace(",", " ").split():
        key, sep, value = part.partition("=")
        if not sep:
            state.warn(Code.XLS_BAD_PARAMETERS, row, "parameters", value=text)
            return {}
        params[key.strip().lower()] = value.strip()
    return params


def _float(text: str | None, default: float) -> float:
    try:
        return float(text) if text else default
    except ValueError:
        return default


def _int(text: str, default: int) -> int:
    return int(_float(text, default))


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
