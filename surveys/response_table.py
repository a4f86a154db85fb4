"""The response table of DESIGN.md: one row per response, one or more columns per question.

Pure functions from a definition and one answers dict to an ordered row, so the web layer can
stream responses from the database in chunks and every export shares one spelling of the
columns (docs/questionnaire-format.md has the table of shapes).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from .answer_rules import KANO_ANSWER_LABELS
from .types import answer_shape

META_COLUMNS = ("response_id", "submitted_at", "duration_s")


def _questions(definition: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    for page in definition.get("pages") or []:
        yield from page.get("questions") or []


def question_columns(question: Mapping[str, Any]) -> list[str]:
    """The table columns of one question, in order."""
    qid, shape = question["id"], answer_shape(question["type"])
    options = [str(o["value"]) for o in question.get("options") or []]
    if shape == "none":
        return []
    if shape in ("options", "ranking"):
        columns = [f"{qid}/{value}" for value in options]
    elif shape == "matrix":
        rows = [str(r["value"]) for r in question.get("rows") or []]
        if question.get("multiple"):
            columns = [f"{qid}/{row}/{value}" for row in rows for value in options]
        else:
            columns = [f"{qid}/{row}" for row in rows]
    elif shape == "kano":
        columns = [f"{qid}/functional", f"{qid}/dysfunctional"]
    else:
        columns = [qid]
    if any(o.get("other") for o in question.get("options") or []):
        columns.append(f"{qid}/other_text")
    return columns


def table_columns(definitions: Iterable[Mapping[str, Any]]) -> list[str]:
    """Columns for responses to several versions, matched by stable question ids.

    The first definition (the latest version) sets the order; columns that only older
    versions have follow, so no answer is ever dropped from an export.
    """
    columns: dict[str, None] = dict.fromkeys(META_COLUMNS)
    for definition in definitions:
        for question in _questions(definition):
            columns.update(dict.fromkeys(question_columns(question)))
    return list(columns)


def flatten_answers(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The table cells of one response; unanswered questions give no cell (a blank)."""
    columns = flatten_columns(definition, [answers], missing=_NO_CELL)
    return {column: cells[0] for column, cells in columns.items() if cells[0] is not _NO_CELL}


_NO_CELL = object()


def flatten_columns(
    definition: Mapping[str, Any], documents: Sequence[Mapping[str, Any]], *, missing: Any = None
) -> dict[str, list[Any]]:
    """The cells of many responses to one definition, column by column.

    Row i of every column holds what `flatten_answers(definition, documents[i])` gives for
    that column, or *missing* where it gives no cell. Built one question at a time over all
    the documents (list comprehensions instead of a dict per response: about 5× faster in
    CPython, and it is the hot loop of every results page and export). A column may be all
    *missing*; columns for values outside the definition (a ranked or matrix row key that only
    another version knows) are included, so a caller restricts to the columns it wants.
    """
    columns: dict[str, list[Any]] = {}
    keys = set().union(*documents)
    for question in _questions(definition):
        qid = question["id"]
        if answer_shape(question["type"]) == "none":
            continue
        other_key = f"{qid}/other_text"
        if other_key in keys:
            others = [answers.get(other_key) for answers in documents]
            columns[other_key] = [missing if t is None or t == "" else t for t in others]
        values = [answers.get(qid) for answers in documents]  # None: no answer, no cell
        columns.update(_columns(question, values, missing))
    return columns


def _columns(question: Mapping[str, Any], values: list[Any], missing: Any) -> dict[str, list[Any]]:
    qid, shape = question["id"], answer_shape(question["type"])
    options = [str(o["value"]) for o in question.get("options") or []]
    if shape == "options":
        chosen = [None if v is None else set(map(str, v)) for v in values]
        return {
            f"{qid}/{o}": [missing if c is None else int(o in c) for c in chosen] for o in options
        }
    if shape == "ranking":
        ranks = [None if v is None else {f"{o}": r for r, o in enumerate(v, 1)} for v in values]
        return {
            f"{qid}/{o}": [missing if d is None else d.get(o, missing) for d in ranks]
            for o in _with_seen_keys(options, ranks)
        }
    if shape == "matrix":
        rows = _with_seen_keys([str(r["value"]) for r in question.get("rows") or []], values)
        if not question.get("multiple"):
            return {
                f"{qid}/{row}": [missing if v is None else v.get(row, missing) for v in values]
                for row in rows
            }
        columns = {}
        for row in rows:
            chosen = [None if v is None or row not in v else set(map(str, v[row])) for v in values]
            for o in options:
                columns[f"{qid}/{row}/{o}"] = [
                    missing if c is None else int(o in c) for c in chosen
                ]
        return columns
    if shape == "kano":
        return {
            f"{qid}/{part}": [missing if v is None else v.get(part, missing) for v in values]
            for part in ("functional", "dysfunctional")
        }
    if shape == "consent":
        return {qid: [missing if v is None else int(bool(v)) for v in values]}
    return {qid: values if missing is None else [missing if v is None else v for v in values]}


def _with_seen_keys(known: list[str], values: list[Any]) -> list[str]:
    """*known* keys, then any other key the answers use (sorted; callers pick by name)."""
    seen = set().union(*(value for value in values if value is not None))
    return known + sorted(seen.difference(known), key=str)


# Words of the label row that do not come from the definition: (Chinese, English).
LABEL_WORDS = {
    "response_id": ("答卷编号", "Response ID"),
    "submitted_at": ("提交时间", "Submitted at"),
    "duration_s": ("用时（秒）", "Duration (s)"),
    "other_text": ("其他（请注明）", "Other (please specify)"),
    "functional": ("具备时", "If present"),
    "dysfunctional": ("不具备时", "If absent"),
}


def column_labels(
    definitions: Iterable[Mapping[str, Any]], locale: str = "zh_CN", *, readable: bool = False
) -> dict[str, str]:
    """A readable label per column ("您的年龄段", "用过的功能 / 直播购物"), for the optional
    second header row of an export. The first definition (the latest version) wins. With
    *readable*, also the columns that `readable_columns` makes."""
    pick = 1 if str(locale).lower().startswith("en") else 0
    labels = {column: LABEL_WORDS[column][pick] for column in META_COLUMNS}
    for definition in definitions:
        for question in _questions(definition):
            title = str(question.get("title") or question["id"])
            words = {
                str(o["value"]): str(o.get("label", o["value"]))
                for o in question.get("options") or []
            }
            rows = {
                str(r["value"]): str(r.get("label", r["value"])) for r in question.get("rows") or []
            }
            for column in question_columns(question):
                if column in labels:
                    continue
                parts = column.split("/")[1:]
                if answer_shape(question["type"]) == "matrix" and parts:
                    parts = [rows.get(parts[0], parts[0])] + [words.get(p, p) for p in parts[1:]]
                elif (
                    parts
                    and parts[0] in LABEL_WORDS
                    and (parts[0] == "other_text" or answer_shape(question["type"]) == "kano")
                ):
                    parts = [LABEL_WORDS[parts[0]][pick]]
                else:
                    parts = [words.get(p, p) for p in parts]
                labels[column] = " / ".join([title, *parts])
            for column in _merged_columns(question) if readable else ():
                if column not in labels:
                    row = column.split("/")[1:]
                    labels[column] = " / ".join([title, *(rows.get(r, r) for r in row)])
    return labels


def _merged_columns(question: Mapping[str, Any]) -> list[str]:
    if answer_shape(question["type"]) == "options":
        return [question["id"]]
    if answer_shape(question["type"]) == "matrix" and question.get("multiple"):
        return [f"{question['id']}/{r['value']}" for r in question.get("rows") or []]
    return []


LIST_SEPARATOR = "；"  # between the chosen labels of a multiple choice, for reading


def readable_columns(
    definitions: Iterable[Mapping[str, Any]],
    columns: Mapping[str, Collection[Any]],
    locale: str = "zh_CN",
) -> dict[str, Collection[Any]]:
    """The table for people reading it in Excel: option labels in the cells, not values.

    *columns* are the table's (`table_columns` order; a blank is None or NaN). A single choice,
    a dropdown, a matrix row and a Kano part hold the label of their answer; the 1/0 columns of
    a multiple choice become one ``qid`` column of the chosen labels joined with "；" (of a
    multiple matrix, one ``qid/row`` column per row), blank when unanswered and empty when
    nothing was chosen. Ranks, numbers and text are unchanged. The first definition (the
    latest version) names an option; older ones name the options only they have.
    """
    pick = 1 if str(locale).lower().startswith("en") else 0
    words_of: dict[str, dict[str, str]] = {}  # column → {value: label}
    merged_into: dict[str, tuple[str, str]] = {}  # 1/0 column → (merged column, label)
    for definition in definitions:
        for question in _questions(definition):
            qid, shape = question["id"], answer_shape(question["type"])
            words = {
                str(o["value"]): str(o.get("label", o["value"]))
                for o in question.get("options") or []
            }
            rows = [str(r["value"]) for r in question.get("rows") or []]
            if shape == "option":
                named = {qid: words}
            elif shape == "kano":
                kano = {value: labels[pick] for value, labels in KANO_ANSWER_LABELS.items()}
                named = {f"{qid}/{part}": kano for part in ("functional", "dysfunctional")}
            elif shape == "matrix" and not question.get("multiple"):
                named = {f"{qid}/{row}": words for row in rows}
            else:
                named = {}
                targets = {qid: qid} if shape == "options" else {}
                if shape == "matrix":
                    targets = {f"{qid}/{row}": f"{qid}/{row}" for row in rows}
                for prefix, target in targets.items():
                    for value, label in words.items():
                        merged_into.setdefault(f"{prefix}/{value}", (target, label))
            for column, mapping in named.items():
                known = words_of.setdefault(column, {})
                for value, label in mapping.items():
                    known.setdefault(value, label)
    out: dict[str, Collection[Any]] = {}
    merged: dict[str, list[Any]] = {}  # the merged columns, filled in place
    for name, values in columns.items():
        if name in merged_into:
            target, label = merged_into[name]
            chosen = merged.setdefault(target, [None] * len(values))
            out[target] = chosen
            for i, value in enumerate(values):
                if not _blank(value):
                    joined = chosen[i]
                    if value:
                        chosen[i] = label if not joined else f"{joined}{LIST_SEPARATOR}{label}"
                    elif joined is None:
                        chosen[i] = ""
        elif name in words_of:
            words = words_of[name]
            out[name] = [v if _blank(v) else words.get(_value_key(v), v) for v in values]
        else:
            out[name] = values
    return out


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _value_key(value: Any) -> str:
    """An option value as the definition spells it (a typed column may hold 4.0 for "4")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
