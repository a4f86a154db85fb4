"""One response shown as a researcher reads it: every question, its answer in words."""

from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

import surveys
from surveys.answer_rules import KANO_ANSWER_LABELS
from surveys.logic.piping import PIPE, pipe
from surveys.types import answer_shape

# The engine's quality flags (analysis.stats.quality.FLAGS), in words.
QUALITY_FLAG_LABELS = {
    "duplicate": _l("Duplicate"),
    "speeder": _l("Speeder"),
    "straight_liner": _l("Straight-liner"),
    "attention_failed": _l("Failed the attention check"),
}


def without_pipes(title: str | None) -> str:
    """A title about many responses: "您给出 {nps} 分的原因" → "您给出 … 分的原因"."""
    return PIPE.sub("…", title or "")


def quality_labels(reasons: str) -> list[str]:
    """ "speeder;straight_liner" → ["Speeder", "Straight-liner"] in the user's language."""
    return [str(QUALITY_FLAG_LABELS.get(code, code)) for code in reasons.split(";") if code]


def _kano_label(answer: str | None) -> str:
    if answer not in KANO_ANSWER_LABELS:
        return answer or "—"
    chinese, english = KANO_ANSWER_LABELS[answer]
    return chinese if str(get_locale() or "zh").startswith("zh") else english


@dataclass(frozen=True)
class AnswerLine:
    qid: str
    title: str
    state: str  # "answered" | "unanswered" | "hidden"
    text: str  # the answer in words; escaped by the template like any other text


def _labels(items) -> dict[str, str]:
    return {str(item["value"]): str(item.get("label", item["value"])) for item in items or []}


def answer_text(question: dict, value: Any, other_text: str | None) -> str:
    options = _labels(question.get("options"))
    shape = answer_shape(question["type"])
    if shape == "option":
        text = options.get(str(value), str(value))
        return f"{text}：{other_text}" if other_text else text
    if shape == "options":
        parts = [options.get(str(v), str(v)) for v in value]
        return "、".join(parts) + (f"（{other_text}）" if other_text else "")
    if shape == "ranking":
        return " > ".join(options.get(str(v), str(v)) for v in value)
    if shape == "matrix":
        rows = _labels(question.get("rows"))
        cells = []
        for row, chosen in value.items():
            chosen = chosen if isinstance(chosen, list) else [chosen]
            cells.append(
                f"{rows.get(row, row)}：{'、'.join(options.get(str(v), str(v)) for v in chosen)}"
            )
        return "；".join(cells)
    if shape == "kano":
        return " / ".join(_kano_label(value.get(part)) for part in ("functional", "dysfunctional"))
    if shape == "consent":
        return "✓" if value else "✗"
    return str(value)


def answer_lines(definition: dict, answers: dict) -> list[AnswerLine]:
    visible = set(surveys.visible_questions(definition, answers))
    lines = []
    for page in definition.get("pages", []):
        for question in page.get("questions", []):
            if answer_shape(question["type"]) == "none":
                continue
            qid = question["id"]
            if qid not in visible:
                state, text = "hidden", ""
            elif answers.get(qid) in (None, "", [], {}):
                state, text = "unanswered", ""
            else:
                other = answers.get(f"{qid}/other_text")
                state, text = "answered", answer_text(question, answers[qid], other)
            title = pipe(question.get("title", qid), answers, definition)
            lines.append(AnswerLine(qid, title, state, text))
    return lines
