"""Versioning rules: what changed between two definitions, as data and as readable lines.

Questions are matched by their stable id, options and rows by their stable value. A change is
*breaking* when answers collected under the old version no longer mean the same under the new
one (a question removed or retyped, an option removed): waves across it need care.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import DEFAULT_LOCALE
from .models import QUESTION_KEYS
from .types import QUESTION_TYPES

COMPARED = ("title", "type", "required", "show_if", "description", "randomize", *QUESTION_KEYS)
FIELD_NAMES = {
    "title": ("标题", "title"),
    "type": ("题型", "type"),
    "required": ("必答", "required"),
    "show_if": ("显示条件", "logic (show_if)"),
    "description": ("说明", "description"),
    "randomize": ("选项随机", "randomised options"),
    "page": ("所在页面", "page"),
}


@dataclass(frozen=True)
class Change:
    field: str  # a question key, or options_added / options_removed / option_label / rows_...
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class QuestionDiff:
    id: str
    title: str
    page: str
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class DefinitionDiff:
    added: tuple[QuestionDiff, ...] = ()
    removed: tuple[QuestionDiff, ...] = ()
    changed: tuple[QuestionDiff, ...] = ()
    pages_added: tuple[str, ...] = ()
    pages_removed: tuple[str, ...] = ()
    page_changes: tuple[QuestionDiff, ...] = ()  # id = page id; title / show_if changes
    title: Change | None = None
    order_changed: bool = False
    breaking: bool = field(default=False)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added or self.removed or self.changed or self.pages_added
            or self.pages_removed or self.page_changes or self.title or self.order_changed
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self, locale: str = DEFAULT_LOCALE) -> list[str]:
        return describe(self, locale)


def _questions(definition: Mapping[str, Any]) -> dict[str, tuple[str, Mapping[str, Any]]]:
    found = {}
    for page in definition.get("pages") or ():
        for question in page.get("questions") or ():
            found[question["id"]] = (page["id"], question)
    return found


def _labelled(items: Any) -> dict[str, str]:
    return {str(i["value"]): i.get("label", "") for i in items or ()}


def _flags(items: Any) -> dict[str, tuple[bool, bool, Any, bool]]:
    return {
        str(i["value"]): (
            bool(i.get("other")),
            bool(i.get("exclusive")),
            i.get("score"),
            i.get("scored", True) is not False,
        )
        for i in items or ()
    }


def _compare_items(kind: str, old: Any, new: Any) -> list[Change]:
    before, after = _labelled(old), _labelled(new)
    changes = []
    added = [(v, after[v]) for v in after if v not in before]
    removed = [(v, before[v]) for v in before if v not in after]
    if added:
        changes.append(Change(f"{kind}_added", None, added))
    if removed:
        changes.append(Change(f"{kind}_removed", removed, None))
    for value in after:
        if value in before and before[value] != after[value]:
            changes.append(
                Change(f"{kind[:-1]}_label", (value, before[value]), (value, after[value]))
            )
    common = [v for v in before if v in after]
    if common != [v for v in after if v in before]:
        changes.append(Change(f"{kind}_order", common, [v for v in after if v in before]))
    if kind == "options":
        flags_old, flags_new = _flags(old), _flags(new)
        for value in after:
            if value in before and flags_old[value] != flags_new[value]:
                changes.append(
                    Change("option_flags", (value, flags_old[value]), (value, flags_new[value]))
                )
    return changes


def _question_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    changes = []
    defaults = {"required": False, "randomize": False, "show_if": None, "description": ""}
    for key in COMPARED:
        a, b = old.get(key, defaults.get(key)), new.get(key, defaults.get(key))
        if key in ("show_if", "description"):  # "" and null both mean "none"
            a, b = a or None, b or None
        if a != b:
            changes.append(Change(key, a, b))
    changes += _compare_items("options", old.get("options"), new.get("options"))
    changes += _compare_items("rows", old.get("rows"), new.get("rows"))
    return changes


def diff_definitions(old: Mapping[str, Any], new: Mapping[str, Any]) -> DefinitionDiff:
    """The differences from *old* to *new* (two definition dicts)."""
    before, after = _questions(old), _questions(new)
    added = tuple(
        QuestionDiff(qid, q.get("title", ""), page) for qid, (page, q) in after.items()
        if qid not in before
    )  # fmt: skip
    removed = tuple(
        QuestionDiff(qid, q.get("title", ""), page) for qid, (page, q) in before.items()
        if qid not in after
    )  # fmt: skip
    changed = []
    for qid, (page, question) in after.items():
        if qid not in before:
            continue
        old_page, old_question = before[qid]
        changes = _question_changes(old_question, question)
        if old_page != page:
            changes.insert(0, Change("page", old_page, page))
        if changes:
            changed.append(QuestionDiff(qid, question.get("title", ""), page, tuple(changes)))
    old_pages = {p["id"]: p for p in old.get("pages") or ()}
    new_pages = {p["id"]: p for p in new.get("pages") or ()}
    page_changes = []
    for pid, page in new_pages.items():
        if pid in old_pages:
            changes = [
                Change(key, old_pages[pid].get(key) or None, page.get(key) or None)
                for key in ("title", "show_if")
                if (old_pages[pid].get(key) or None) != (page.get(key) or None)
            ]
            if changes:
                page_changes.append(QuestionDiff(pid, page.get("title", ""), pid, tuple(changes)))
    common_old = [q for q in before if q in after]
    common_new = [q for q in after if q in before]
    breaking = bool(removed) or any(
        c.field in ("type", "options_removed", "rows_removed", "multiple")
        for q in changed
        for c in q.changes
    )
    title = None
    if old.get("title") != new.get("title"):
        title = Change("title", old.get("title"), new.get("title"))
    return DefinitionDiff(
        added=added,
        removed=removed,
        changed=tuple(changed),
        pages_added=tuple(p for p in new_pages if p not in old_pages),
        pages_removed=tuple(p for p in old_pages if p not in new_pages),
        page_changes=tuple(page_changes),
        title=title,
        order_changed=common_old != common_new,
        breaking=breaking,
    )


# -- readable lines ------------------------------------------------------------------------------
def _show(value: Any, zh: bool) -> str:
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if value is None:
        return "（无）" if zh else "(none)"
    if isinstance(value, str) and value in QUESTION_TYPES:
        t = QUESTION_TYPES[value]
        return t.label_zh if zh else t.label_en
    return f"“{value}”" if isinstance(value, str) else str(value)


def _items(pairs: list[tuple[str, str]]) -> str:
    return "、".join(f"{v}「{label}」" for v, label in pairs)


def _change_text(c: Change, zh: bool) -> str:
    kinds = {
        "options_added": ("新增选项 ", "options added: "),
        "options_removed": ("删除选项 ", "options removed: "),
        "rows_added": ("新增行 ", "rows added: "),
        "rows_removed": ("删除行 ", "rows removed: "),
    }
    if c.field in kinds:
        return kinds[c.field][0 if zh else 1] + _items(c.new or c.old)
    if c.field in ("option_label", "row_label"):
        what = ("选项" if c.field == "option_label" else "行") if zh else c.field.split("_")[0]
        text = f"{what} {c.old[0]} 文字" if zh else f"{what} {c.old[0]} label"
        return f"{text} “{c.old[1]}” → “{c.new[1]}”"
    if c.field in ("options_order", "rows_order"):
        return (
            ("选项顺序调整" if c.field == "options_order" else "行顺序调整")
            if zh
            else ("order of " + c.field.split("_")[0] + " changed")
        )
    if c.field == "option_flags":
        return (
            f"选项 {c.old[0]} 的其他/互斥/分值/计分设置改变"
            if zh
            else (f"other/exclusive/score/scored of option {c.old[0]} changed")
        )
    name = FIELD_NAMES.get(c.field, (c.field, c.field))[0 if zh else 1]
    return f"{name} {_show(c.old, zh)} → {_show(c.new, zh)}"


def describe(diff: DefinitionDiff, locale: str = DEFAULT_LOCALE) -> list[str]:
    """The diff as readable lines, in Chinese unless *locale* is English."""
    zh = not str(locale).lower().startswith("en")
    sep = "；" if zh else "; "
    lines = []
    if diff.title:
        label = "问卷标题" if zh else "Questionnaire title"
        lines.append(f"{label} {_show(diff.title.old, zh)} → {_show(diff.title.new, zh)}")
    for pid in diff.pages_added:
        lines.append(f"新增页面 {pid}" if zh else f"Page added: {pid}")
    for pid in diff.pages_removed:
        lines.append(f"删除页面 {pid}" if zh else f"Page removed: {pid}")
    for page in diff.page_changes:
        text = sep.join(_change_text(c, zh) for c in page.changes)
        lines.append(f"修改页面 {page.id}：{text}" if zh else f"Page {page.id} changed: {text}")
    for q in diff.added:
        lines.append(
            f"新增题目 {q.id}「{q.title}」（页面 {q.page}）" if zh
            else f"Question added: {q.id} “{q.title}” (page {q.page})"
        )  # fmt: skip
    for q in diff.removed:
        lines.append(
            f"删除题目 {q.id}「{q.title}」" if zh else f"Question removed: {q.id} “{q.title}”"
        )
    for q in diff.changed:
        text = sep.join(_change_text(c, zh) for c in q.changes)
        lines.append(
            f"修改题目 {q.id}「{q.title}」：{text}" if zh else f"Question {q.id} changed: {text}"
        )
    if diff.order_changed:
        lines.append("题目顺序调整" if zh else "Question order changed")
    if diff.breaking:
        lines.append(
            "注意：存在不兼容的修改，新旧版本的答案不能直接合并比较" if zh
            else "Note: breaking changes; answers of the two versions cannot be pooled directly"
        )  # fmt: skip
    return lines
