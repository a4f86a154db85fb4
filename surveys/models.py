"""Typed, read-only view of a questionnaire definition (built by `surveys.load_definition`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

QUESTION_KEYS = (
    "min_selected",
    "max_selected",
    "multiple",
    "min",
    "max",
    "style",
    "min_label",
    "max_label",
    "integer",
    "min_length",
    "max_length",
    "pattern",
    "step",
    "functional_title",
    "dysfunctional_title",
    "text",
    "body",
)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    other: bool = False
    exclusive: bool = False
    score: float | None = None
    scored: bool = True  # False: an answer, not a point on the scale (不适用, 不愿透露)

    @property
    def fixed(self) -> bool:
        """ "Other" and exclusive options keep their place when options are shuffled."""
        return self.other or self.exclusive


@dataclass(frozen=True)
class Row:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    title: str = ""
    required: bool = False
    description: str = ""
    show_if: str | None = None
    options: tuple[Option, ...] = ()
    rows: tuple[Row, ...] = ()
    randomize: bool = False
    attention_check: str | None = None
    min_selected: int | None = None
    max_selected: int | None = None
    multiple: bool = False
    min: Any = None
    max: Any = None
    style: str | None = None
    min_label: str | None = None  # rating: words under the lowest and highest point
    max_label: str | None = None
    integer: bool = False
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    step: float | None = None
    functional_title: str | None = None
    dysfunctional_title: str | None = None
    text: str | None = None
    body: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    @property
    def other_option(self) -> Option | None:
        return next((o for o in self.options if o.other), None)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Question:
        known = {"id", "type", "title", "required", "description", "show_if", "options", "rows"}
        known |= {"randomize", "attention_check", *QUESTION_KEYS}
        options = tuple(
            Option(
                value=str(o["value"]),
                label=str(o.get("label", "")),
                other=bool(o.get("other", False)),
                exclusive=bool(o.get("exclusive", False)),
                score=o.get("score"),
                scored=o.get("scored", True) is not False,
            )
            for o in data.get("options") or ()
        )
        rows = tuple(Row(str(r["value"]), str(r.get("label", ""))) for r in data.get("rows") or ())
        kwargs = {key: data[key] for key in QUESTION_KEYS if data.get(key) is not None}
        return cls(
            id=data["id"],
            type=data["type"],
            title=data.get("title") or "",
            required=bool(data.get("required", False)),
            description=data.get("description") or "",
            show_if=data.get("show_if") or None,
            options=options,
            rows=rows,
            randomize=bool(data.get("randomize", False)),
            attention_check=data.get("attention_check"),
            extra={k: v for k, v in data.items() if k not in known},
            **kwargs,
        )


@dataclass(frozen=True)
class Page:
    id: str
    title: str = ""
    show_if: str | None = None
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    title: str
    pages: tuple[Page, ...]
    schema_version: int = 1
    language: str = "zh_CN"
    description: str = ""
    source: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def questions(self) -> Iterator[Question]:
        for page in self.pages:
            yield from page.questions

    def question(self, qid: str) -> Question:
        for q in self.questions():
            if q.id == qid:
                return q
        raise KeyError(qid)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Questionnaire:
        pages = tuple(
            Page(
                id=p["id"],
                title=p.get("title") or "",
                show_if=p.get("show_if") or None,
                questions=tuple(Question.from_dict(q) for q in p.get("questions") or ()),
            )
            for p in data.get("pages") or ()
        )
        return cls(
            title=data.get("title") or "",
            pages=pages,
            schema_version=data.get("schema_version", 1),
            language=data.get("language") or "zh_CN",
            description=data.get("description") or "",
            source=data,
        )
