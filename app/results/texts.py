"""Open (written) answers of one question, read on the page: newest first, searched by a
substring, a page at a time, with the question's top keywords and each answer's sentiment.

The text engine is the interviews' (`app.interviews.textmetrics`). Segmentation is what costs,
so sentiment is computed for the page shown only (by the model adapted to all the question's
answers, once per set of answers: `textmetrics.study_model`), and the keywords of all the question's
answers are kept in the instance folder under the fingerprint of the complete responses, like
the charts: a new or deleted response computes them again, a page view does not.
With *exclude_flagged* the answers of responses the quality score flags are left out (the
page says how many), like the summary's switch.
"""

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.interviews.textmetrics import keywords_of, sentiment_of
from app.models import Questionnaire
from app.responses import counts
from app.results.services import flagged_ids
from app.results.table import response_frame
from surveys import QUESTION_TYPES

SEARCH_MAX_CHARS = 100  # a longer search is cut, not refused
KEYWORDS = 15


@dataclass(frozen=True)
class TextAnswer:
    response_id: int
    submitted_at: str
    text: str
    sentiment: float | None
    sentiment_label: str | None


@dataclass(frozen=True)
class TextAnswers:
    question: dict
    answers: list[TextAnswer]
    total: int  # answers matching the search
    answered: int  # answers to the question
    page: int
    pages: int
    search: str
    keywords: list[str]
    flagged: int  # answers (matching the search) from flagged responses
    exclude_flagged: bool


def open_questions(definition: dict) -> dict[str, dict]:
    """{question id: question} of the questions answered in words, in questionnaire order."""
    return {
        q["id"]: q
        for page in definition.get("pages", [])
        for q in page.get("questions", [])
        if q["type"] in QUESTION_TYPES and QUESTION_TYPES[q["type"]].answer == "text"
    }


def text_answers(
    questionnaire: Questionnaire,
    question: dict,
    cache_root: Path,
    *,
    search: str = "",
    page: int = 1,
    per_page: int = 20,
    exclude_flagged: bool = False,
) -> TextAnswers:
    frame = response_frame(questionnaire)
    rows = []
    if question["id"] in frame.columns:
        cells = frame[["response_id", "submitted_at", question["id"]]]
        rows = [
            (int(rid), str(at), text.strip())
            for rid, at, text in cells.itertuples(index=False)
            if isinstance(text, str) and text.strip()
        ]
    rows.sort(key=lambda row: (row[1], row[0]), reverse=True)  # newest first
    search = search.strip()[:SEARCH_MAX_CHARS]
    needle = search.casefold()
    found = [row for row in rows if needle in row[2].casefold()] if needle else rows
    suspect = flagged_ids(questionnaire, frame) if rows else {}
    flagged = sum(row[0] in suspect for row in found)
    if exclude_flagged:
        rows = [row for row in rows if row[0] not in suspect]
        found = [row for row in found if row[0] not in suspect]
    pages = max(1, -(-len(found) // per_page))
    page = min(max(page, 1), pages)
    shown = found[(page - 1) * per_page : page * per_page]
    texts = [text for _, _, text in rows]
    # scored by the model adapted to all the question's answers (the study's own domain)
    scores = sentiment_of([text for _, _, text in shown], domain=texts)
    answers = [
        TextAnswer(rid, at, text, score, label)
        for (rid, at, text), (score, label) in zip(shown, scores, strict=True)
    ]
    keywords = _keywords(questionnaire, question["id"], texts, cache_root, exclude_flagged)
    return TextAnswers(question, answers, len(found), len(rows), page, pages, search, keywords,
                       flagged, exclude_flagged)  # fmt: skip


def _keywords(
    questionnaire: Questionnaire, question_id: str, texts: list[str], cache_root: Path, clean: bool
) -> list[str]:
    """Top keywords of all the answers, cached under the responses' fingerprint."""
    state = counts.fingerprint(questionnaire).replace(":", "-")
    path = cache_root / f"q{questionnaire.id}" / f"v{questionnaire.published_version.id}-{state}"
    path = path / f"{question_id.encode().hex()}{'-clean' if clean else ''}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    keywords = keywords_of(texts, limit=KEYWORDS)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=path.parent, prefix=".kw-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(keywords, out, ensure_ascii=False)
    os.replace(scratch, path)  # readers see the old file or the whole new one
    return keywords
