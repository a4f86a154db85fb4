"""The coding grid: rows of one open question's answers under a findings `Query`, the codes on
them, bulk coding (by hand, by a rule, from a theme) and code frequencies by segment."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.findings.query import Query
from analysis.findings.segments import segment_questions
from analysis.stats.crosstab import crosstab
from analysis.stats.table import iter_questions, option_labels
from analysis.text.aspects import aspect_groups
from analysis.text.autocode import matching_answers
from analysis.text.themes import Theme, find_themes, merge_themes, split_theme
from app import audit
from app.extensions import db
from app.findings.data import findings_data
from app.interviews import coding
from app.models import AnswerCode, Code, Questionnaire, User
from surveys.types import QUESTION_TYPES

CODED, UNCODED = "coded", "uncoded"


@dataclass
class AnswerRow:
    response_id: int
    submitted_at: str
    text: str
    segments: dict[str, str]  # segment question id → the chosen option's label
    codes: list[Code] = field(default_factory=list)


@dataclass(frozen=True)
class Grid:
    question: dict[str, Any]
    rows: list[AnswerRow]  # every answer under the query, newest first
    segments: list[dict[str, Any]]  # the segment questions shown as columns
    n_total: int  # complete responses before the filters


def open_questions(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """The questions answered in words, in questionnaire order."""
    definition = questionnaire.published_version.analysis_definition
    return [q for q in iter_questions(definition) if QUESTION_TYPES[q["type"]].answer == "text"]


def grid(questionnaire: Questionnaire, question: dict[str, Any], query: Query) -> Grid:
    data = findings_data(questionnaire, query)
    segments = segment_questions(data.definition, data.frame)
    labels = {q["id"]: option_labels(q) for q in segments}
    frame = data.frame
    qid = question["id"]
    rows = []
    if qid in frame.columns and len(frame):
        for record in frame.to_dict("records"):
            text = record.get(qid)
            if not isinstance(text, str) or not text.strip():
                continue
            rows.append(
                AnswerRow(
                    response_id=int(record["response_id"]),
                    submitted_at=str(record.get("submitted_at") or ""),
                    text=text.strip(),
                    segments={
                        s["id"]: labels[s["id"]].get(str(record.get(s["id"])), "")
                        if _answered(record.get(s["id"]))
                        else ""
                        for s in segments
                    },
                )
            )
    rows.sort(key=lambda r: (r.submitted_at, r.response_id), reverse=True)
    by_response = _codes_by_response(qid, [r.response_id for r in rows])
    for row in rows:
        row.codes = by_response.get(row.response_id, [])
    return Grid(question, rows, segments, data.n_total)


def _answered(value: object) -> bool:
    return value is not None and value is not pd.NA and value == value  # NaN ≠ NaN


def _codes_by_response(question_id: str, response_ids: Sequence[int]) -> dict[int, list[Code]]:
    out: dict[int, list[Code]] = {}
    for chunk in _chunks(response_ids, 500):
        found = db.session.execute(
            db.select(AnswerCode.response_id, Code)
            .join(Code, Code.id == AnswerCode.code_id)
            .where(AnswerCode.question_id == question_id, AnswerCode.response_id.in_(chunk))
            .order_by(Code.name)
        ).all()
        for response_id, code in found:
            out.setdefault(response_id, []).append(code)
    return out


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def filter_rows(
    rows: list[AnswerRow], *, search: str = "", code_filter: str = ""
) -> list[AnswerRow]:
    """Rows whose text holds *search* (case folded), and with the code *code_filter* (a code
    id), any code ("coded") or none ("uncoded")."""
    needle = search.strip().casefold()
    out = [r for r in rows if needle in r.text.casefold()] if needle else list(rows)
    if code_filter == CODED:
        return [r for r in out if r.codes]
    if code_filter == UNCODED:
        return [r for r in out if not r.codes]
    if code_filter.isdigit():
        return [r for r in out if any(c.id == int(code_filter) for c in r.codes)]
    return out


def apply_code(
    questionnaire: Questionnaire,
    question_id: str,
    response_ids: Iterable[int],
    code: Code,
    actor: User,
    *,
    how: str = "hand",
) -> int:
    """Put *code* on the answers of *response_ids* that do not have it yet; the number added."""
    wanted = sorted(set(response_ids))
    have = {
        rid
        for chunk in _chunks(wanted, 500)
        for rid in db.session.scalars(
            db.select(AnswerCode.response_id).where(
                AnswerCode.question_id == question_id,
                AnswerCode.code_id == code.id,
                AnswerCode.response_id.in_(chunk),
            )
        )
    }
    new = [rid for rid in wanted if rid not in have]
    db.session.add_all(
        AnswerCode(response_id=rid, question_id=question_id, code_id=code.id, coder_id=actor.id)
        for rid in new
    )
    if new:
        audit.record(
            "answer_code.apply",
            questionnaire,
            study_id=questionnaire.study_id,
            detail={"code": code.name, "question": question_id, "added": len(new), "how": how},
            actor=actor,
        )
    db.session.commit()
    return len(new)


def remove_code(
    questionnaire: Questionnaire,
    question_id: str,
    response_ids: Iterable[int],
    code: Code,
    actor: User,
) -> int:
    wanted = sorted(set(response_ids))
    removed = 0
    for chunk in _chunks(wanted, 500):
        result = db.session.execute(
            db.delete(AnswerCode).where(
                AnswerCode.question_id == question_id,
                AnswerCode.code_id == code.id,
                AnswerCode.response_id.in_(chunk),
            )
        )
        removed += result.rowcount  # type: ignore[attr-defined]  # a CursorResult
    if removed:
        audit.record(
            "answer_code.remove",
            questionnaire,
            study_id=questionnaire.study_id,
            detail={"code": code.name, "question": question_id, "removed": removed},
            actor=actor,
        )
    db.session.commit()
    return removed


def rule_matches(rows: list[AnswerRow], method: str, rule: str) -> list[AnswerRow]:
    """The rows a rule picks (`analysis.text.autocode`); for "similar", *rule* is the model
    answer's response id."""
    if method == "similar":
        positions = {r.response_id: i for i, r in enumerate(rows)}
        rule = str(positions.get(int(rule), -1)) if rule.strip().isdigit() else rule
    picked = matching_answers([r.text for r in rows], method, rule)
    return [rows[i] for i in picked]


def themes_of(rows: list[AnswerRow]) -> list[Theme]:
    """The themes of these answers (the same rows give the same themes: NMF with a seed)."""
    return find_themes([r.text for r in rows])


def split_of(rows: list[AnswerRow], theme: Theme) -> list[Theme]:
    """The theme's answers in two themes (`split_theme`, seeded: the same each time)."""
    return split_theme([r.text for r in rows], theme)


def chosen_theme(
    rows: list[AnswerRow],
    themes: list[Theme],
    index: int,
    *,
    merge_with: int | None = None,
    part: int | None = None,
) -> Theme | None:
    """Theme *index*, or its union with theme *merge_with*, or part *part* of its split; None
    when a number is not one of those shown (the answers changed since)."""
    if not 0 <= index < len(themes):
        return None
    theme = themes[index]
    if part is not None:
        parts = split_of(rows, theme)
        return parts[part] if 0 <= part < len(parts) else None
    if merge_with is not None and merge_with != index:
        if not 0 <= merge_with < len(themes):
            return None
        return merge_themes(theme, themes[merge_with])
    return theme


def code_from_theme(
    questionnaire: Questionnaire,
    question_id: str,
    rows: list[AnswerRow],
    theme: Theme,
    name: str,
    actor: User,
) -> tuple[Code, int]:
    """A new code named *name* (the theme's label unless renamed) on the theme's answers;
    `coding.create_code` refuses a name the codebook has (CodingError)."""
    fields = {"name": name, "description": "、".join(theme.terms)}
    code = coding.create_code(questionnaire.study, fields)
    members = [rows[i].response_id for i in theme.members]
    return code, apply_code(questionnaire, question_id, members, code, actor, how="theme")


def code_frequencies(
    rows: list[AnswerRow], codes: list[Code], segment: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Per code: how many answers carry it, and with a *segment* question its share in each
    level and the engine's test of code × segment (`analysis.stats.crosstab`)."""
    out = []
    for code in codes:
        has = [any(c.id == code.id for c in r.codes) for r in rows]
        entry: dict[str, Any] = {"code": code, "count": sum(has), "levels": [], "test": None}
        if segment is not None and rows and 0 < sum(has) < len(rows):
            frame = pd.DataFrame(
                {
                    "code": ["有" if h else "无" for h in has],
                    "segment": [r.segments.get(segment["id"]) or None for r in rows],
                }
            )
            table = crosstab(frame, "code", "segment")
            if "有" in table["row_values"] and len(table["col_values"]) > 1:
                row = table["row_values"].index("有")
                entry["levels"] = [
                    {
                        "label": label,
                        "count": table["counts"][row][j],
                        "percent": table["col_percent"][row][j],
                    }
                    for j, label in enumerate(table["col_values"])
                ]
                entry["test"] = {
                    "name": table["test"],
                    "p": table["p"],
                    "cramers_v": table.get("cramers_v"),
                }
        out.append(entry)
    return out


def aspects_by_segment(
    rows: list[AnswerRow], segment: dict[str, Any] | None, *, limit: int = 10
) -> tuple[list[str], list[dict[str, Any]]]:
    """The levels of *segment* that answered (in the questionnaire's order) and the *limit*
    most mentioned aspects of the answers with positive/negative counts per level
    (`analysis.text.aspects.aspect_groups`); no levels without a segment."""
    if segment is None:
        return [], aspect_groups([r.text for r in rows], [None] * len(rows), limit=limit)
    groups = [r.segments.get(segment["id"]) or None for r in rows]
    present = {g for g in groups if g}
    levels = [label for label in option_labels(segment).values() if label in present]
    return levels, aspect_groups([r.text for r in rows], groups, limit=limit)
