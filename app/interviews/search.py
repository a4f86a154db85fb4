"""KWIC search across a study's transcripts, and auto-coding of the hits."""

import re
from dataclasses import dataclass

from app import audit
from app.extensions import db
from app.interviews.coding import CodingError, add_highlights, normalise_text
from app.interviews.reports import matches
from app.models import Code, ImportStatus, Interview, Study, Turn, User
from surveys import safe_regex
from surveys.errors import Code as ProblemCode

SEARCH_MODES = ("keyword", "phrase", "regex")
MAX_HITS = 500
CONTEXT = 30  # characters either side of a KWIC hit


@dataclass(frozen=True)
class Hit:
    interview: Interview
    turn: Turn
    start: int
    end: int

    @property
    def key(self) -> str:
        return f"{self.turn.id}:{self.start}:{self.end}"

    @property
    def left(self) -> str:
        return self.turn.text[max(0, self.start - CONTEXT) : self.start]

    @property
    def match(self) -> str:
        return self.turn.text[self.start : self.end]

    @property
    def right(self) -> str:
        return self.turn.text[self.end : self.end + CONTEXT]


def search_pattern(query: str, mode: str):
    """A compiled pattern (``finditer`` with ``start``/``end``): literal words through ``re``,
    a user's regular expression through `surveys.safe_regex` (RE2, linear time)."""
    query = normalise_text(query or "").strip()
    if not query:
        raise CodingError("empty_query")
    if mode == "keyword":  # any of the space-separated words
        words = sorted(set(query.split()), key=len, reverse=True)
        return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    if mode == "phrase":
        return re.compile(re.escape(query), re.IGNORECASE)
    if mode == "regex":
        if len(query) > 200:
            raise CodingError("regex_too_long")
        try:
            return safe_regex.compile(query)
        except safe_regex.PatternError as error:
            code = {
                ProblemCode.UNSUPPORTED_PATTERN: "unsupported_regex",
                ProblemCode.PATTERN_TOO_LONG: "regex_too_long",
            }.get(error.code, "bad_regex")
            raise CodingError(code, detail=error.params["detail"]) from error
    raise CodingError("bad_mode")


def search(
    study: Study,
    query: str,
    mode: str,
    *,
    include_interviewer: bool = False,
    filters: dict[str, str] | None = None,
) -> tuple[list[Hit], bool]:
    """KWIC hits across the study's saved transcripts whose participant matches `filters`
    (attribute → value); the flag says the list was truncated."""
    pattern = search_pattern(query, mode)
    rows = db.session.execute(
        db.select(Interview, Turn)
        .join(Turn, Turn.interview_id == Interview.id)
        .where(Interview.study_id == study.id, Interview.status == ImportStatus.SAVED)
        .order_by(Interview.id, Turn.seq)
    )
    hits: list[Hit] = []
    for interview, turn in rows:
        if (turn.is_interviewer and not include_interviewer) or not matches(interview, filters):
            continue
        for match in pattern.finditer(turn.text):
            if match.end() > match.start():
                hits.append(Hit(interview, turn, match.start(), match.end()))
                if len(hits) >= MAX_HITS:
                    return hits, True
    return hits, False


def autocode(
    study: Study,
    coder: User,
    hits: list[Hit],
    code: Code,
    *,
    scope: str = "match",
    selected: set[str] | None = None,
) -> int:
    """Apply `code` to the hits (the whole turn with scope="turn"); returns highlights made."""
    made = 0
    seen: set[tuple[int, int, int]] = set()
    for hit in hits:
        if selected is not None and hit.key not in selected:
            continue
        start, end = (0, len(hit.turn.text)) if scope == "turn" else (hit.start, hit.end)
        if (hit.turn.id, start, end) in seen:
            continue
        seen.add((hit.turn.id, start, end))
        made += len(add_highlights(study, hit.turn, coder, start, end, [code], commit=False))
    audit.record(
        "highlight.autocode",
        code,
        study_id=study.id,
        detail={"code": code.name, "hits": len(hits), "created": made, "scope": scope},
    )
    db.session.commit()
    return made
