"""The codebook and coding: codes, highlights on spans of turns, turn edits, search, auto-code.

Offsets are code points into the turn's NFC, LF-normalised text (STYLE 25); the browser's
UTF-16 offsets are converted in `coding.js`, before they reach this module.
"""

import re
import unicodedata
from typing import Any

from app import audit
from app.extensions import db
from app.models import CODE_COLOURS, Code, Highlight, Study, Turn, User

CODE_FIELDS = ("name", "description", "examples", "memo", "colour", "parent_id")


class CodingError(ValueError):
    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


def codes_of(study: Study) -> list[Code]:
    return list(
        db.session.scalars(db.select(Code).where(Code.study_id == study.id).order_by(Code.name))
    )


def code_tree(study: Study) -> list[tuple[Code, int]]:
    """(code, depth) with each parent before its children, siblings by name."""
    codes = codes_of(study)
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    ordered: list[tuple[Code, int]] = []

    def visit(parent_id, depth):
        for code in children.get(parent_id, []):
            ordered.append((code, depth))
            visit(code.id, depth + 1)

    visit(None, 0)
    return ordered


def descendants(code: Code) -> list[int]:
    ids, stack = [], [code]
    while stack:
        current = stack.pop()
        ids.append(current.id)
        stack.extend(current.children)
    return ids


def _check_code(study: Study, values: dict[str, Any], code: Code | None = None) -> None:
    name = values["name"]
    if not name:
        raise CodingError("code_name_required")
    parent_id = values.get("parent_id")
    if parent_id is not None:
        parent = db.session.get(Code, parent_id)
        if parent is None or parent.study_id != study.id:
            raise CodingError("unknown_parent")
        if code is not None and parent_id in descendants(code):
            raise CodingError("parent_cycle")
    clash = db.session.scalar(
        db.select(Code.id).where(
            Code.study_id == study.id,
            Code.name == name,
            Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
        )
    )
    if clash is not None and (code is None or clash != code.id):
        raise CodingError("code_name_taken", name=name)


def _code_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = {name: fields.get(name) for name in CODE_FIELDS if name in fields}
    for name in ("name", "description", "examples", "memo"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if "colour" in values:
        values["colour"] = int(values["colour"] or 0) % len(CODE_COLOURS)
    if values.get("parent_id") in ("", 0):
        values["parent_id"] = None
    return values


def create_code(study: Study, fields: dict[str, Any], *, commit: bool = True) -> Code:
    values = {"parent_id": None, "colour": _next_colour(study), **_code_values(fields)}
    _check_code(study, values)
    code = Code(study_id=study.id, **values)
    db.session.add(code)
    db.session.flush()
    audit.record("code.create", code, study_id=study.id, after=audit.snapshot(code, CODE_FIELDS))
    if commit:
        db.session.commit()
    return code


def _next_colour(study: Study) -> int:
    count = db.session.scalar(db.select(db.func.count(Code.id)).where(Code.study_id == study.id))
    return (count or 0) % len(CODE_COLOURS)


def update_code(study: Study, code: Code, fields: dict[str, Any]) -> bool:
    values = {**audit.snapshot(code, CODE_FIELDS), **_code_values(fields)}
    _check_code(study, values, code)
    before = audit.snapshot(code, CODE_FIELDS)
    for name, value in values.items():
        setattr(code, name, value)
    if not audit.record_changes("code.update", code, before, CODE_FIELDS, study_id=study.id):
        return False
    db.session.commit()
    return True


def delete_code(study: Study, code: Code) -> None:
    """Delete a code, its sub-codes and every highlight made with them."""
    ids = descendants(code)
    removed = db.session.scalar(
        db.select(db.func.count(Highlight.id)).where(Highlight.code_id.in_(ids))
    )
    audit.record(
        "code.delete",
        code,
        study_id=study.id,
        before={**audit.snapshot(code, CODE_FIELDS), "subcodes": len(ids) - 1},
        detail={"highlights_removed": removed},
    )
    db.session.execute(db.delete(Highlight).where(Highlight.code_id.in_(ids)))
    for code_id in reversed(ids):  # children first
        db.session.delete(db.session.get(Code, code_id))
    db.session.commit()


def highlight_payload(highlight: Highlight) -> dict[str, Any]:
    return {
        "id": highlight.id,
        "turn": highlight.turn_id,
        "code": highlight.code_id,
        "start": highlight.start,
        "end": highlight.end,
        "snippet": highlight.snippet,
        "memo": highlight.memo,
        "coder": highlight.coder_id,
        "needs_review": highlight.needs_review,
    }


def add_highlights(
    study: Study,
    turn: Turn,
    coder: User,
    start: int,
    end: int,
    codes: list[Code],
    *,
    snippet: str | None = None,
    memo: str = "",
    commit: bool = True,
) -> list[Highlight]:
    """Apply each code to `[start, end)` of the turn (code points); repeats are skipped.

    `snippet`, when given, must equal the text at those offsets: it catches a page that shows
    an older version of the turn, or an offset conversion gone wrong, before anything is saved.
    """
    if not 0 <= start < end <= len(turn.text):
        raise CodingError("bad_offsets", start=start, end=end, length=len(turn.text))
    found = turn.text[start:end]
    if snippet is not None and unicodedata.normalize("NFC", snippet) != found:
        raise CodingError("snippet_mismatch", expected=found, given=snippet)
    if not codes:
        raise CodingError("no_codes")
    created = []
    for code in codes:
        if code.study_id != study.id:
            raise CodingError("unknown_code")
        exists = db.session.scalar(
            db.select(Highlight.id).where(
                Highlight.turn_id == turn.id,
                Highlight.code_id == code.id,
                Highlight.coder_id == coder.id,
                Highlight.start == start,
                Highlight.end == end,
            )
        )
        if exists is not None:
            continue
        highlight = Highlight(
            turn_id=turn.id,
            code_id=code.id,
            coder_id=coder.id,
            start=start,
            end=end,
            snippet=found,
            memo=memo.strip(),
        )
        db.session.add(highlight)
        db.session.flush()
        audit.record(
            "highlight.create",
            highlight,
            study_id=study.id,
            after={
                "turn": turn.id,
                "code": code.name,
                "start": start,
                "end": end,
                "snippet": found,
            },
        )
        created.append(highlight)
    if commit:
        db.session.commit()
    return created


def delete_highlight(study: Study, highlight: Highlight) -> None:
    audit.record(
        "highlight.delete",
        highlight,
        study_id=study.id,
        before={**highlight_payload(highlight), "code": highlight.code.name},
    )
    db.session.delete(highlight)
    db.session.commit()


def set_highlight_memo(study: Study, highlight: Highlight, memo: str) -> None:
    before = highlight.memo
    highlight.memo = memo.strip()
    if before != highlight.memo:
        audit.record(
            "highlight.memo",
            highlight,
            study_id=study.id,
            before={"memo": before},
            after={"memo": highlight.memo},
        )
    db.session.commit()


def normalise_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def reanchor(old_text: str, new_text: str, start: int, end: int, snippet: str):
    """New `(start, end)` of a snippet after its text was edited, or None when it is gone.

    Unchanged offsets win; otherwise the occurrence of the snippet nearest the old start.
    """
    if new_text[start:end] == snippet:
        return start, end
    positions = [m.start() for m in re.finditer(re.escape(snippet), new_text)] if snippet else []
    if not positions:
        return None
    best = min(positions, key=lambda p: abs(p - start))
    return best, best + len(snippet)


def _splice_plain_text(turn: Turn, new_text: str) -> None:
    """An edit reaches the source's text kept from a REFI-QDA import: the turn's span there is
    replaced (a name removed by hand is gone from it too) and the later turns move with it;
    the rest of the file stays byte for byte."""
    interview = turn.interview
    start, end = turn.plain_start, turn.plain_end
    if interview.plain_text is None or start is None or end is None:
        return
    interview.plain_text = interview.plain_text[:start] + new_text + interview.plain_text[end:]
    shift = len(new_text) - (end - start)
    for other in interview.turns:
        if other.plain_start is not None and other.plain_end is not None and other.seq > turn.seq:
            other.plain_start += shift
            other.plain_end += shift
    turn.plain_end = start + len(new_text)


def edit_turn(study: Study, turn: Turn, text: str) -> dict[str, int]:
    """Replace a turn's text; re-anchor its highlights by their snippets or flag them."""
    new_text = normalise_text(text).strip()
    if not new_text:
        raise CodingError("empty_turn")
    old_text = turn.text
    if new_text == old_text:
        return {"moved": 0, "flagged": 0}
    moved = flagged = 0
    for highlight in turn.highlights:
        place = reanchor(old_text, new_text, highlight.start, highlight.end, highlight.snippet)
        if place is None:
            highlight.needs_review = True
            highlight.start = min(highlight.start, len(new_text))
            highlight.end = min(max(highlight.end, highlight.start), len(new_text))
            flagged += 1
        elif place != (highlight.start, highlight.end):
            highlight.start, highlight.end = place
            highlight.needs_review = False
            moved += 1
    turn.text = new_text
    _splice_plain_text(turn, new_text)
    from app.interviews.services import score_turns

    score_turns([turn])
    audit.record(
        "turn.edit",
        turn,
        study_id=study.id,
        before={"text": old_text},
        after={"text": new_text},
        detail={"highlights_moved": moved, "highlights_flagged": flagged},
    )
    db.session.commit()
    return {"moved": moved, "flagged": flagged}
