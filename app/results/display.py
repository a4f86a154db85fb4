"""One response shown as a researcher reads it: every question, its answer in words."""

from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import surveys
from surveys.answer_rules import KANO_ANSWER_LABELS
from surveys.logic.piping import PIPE, pipe
from surveys.privacy import masked_answers, protected_ids
from surveys.types import answer_shape

# The engine's quality reasons (analysis.stats.quality.REASONS), in words.
QUALITY_FLAG_LABELS = {
    "duplicate": _l("Duplicate"),
    "speeder": _l("Speeder"),
    "straight_liner": _l("Straight-liner"),
    "attention_failed": _l("Failed the attention check"),
    "page_speeder": _l("Pages answered too fast"),
    "similar_sequence": _l("Nearly the same answers as others"),
    "random_answers": _l("Answers look random"),
    "same_device": _l("Same browser again"),
    "same_address": _l("Same network address again"),
    "gibberish_text": _l("Gibberish open answer"),
    "copied_text": _l("Open answer copied"),
    "pasted_text": _l("Open answer pasted"),
}
GIBBERISH_KINDS = {
    "repeated": _l("repeated characters"),
    "keyboard": _l("keyboard mash"),
    "no_words": _l("symbols only"),
    "random_characters": _l("random characters"),
}


def without_pipes(title: str | None) -> str:
    """A title about many responses: "您给出 {nps} 分的原因" → "您给出 … 分的原因"."""
    return PIPE.sub("…", title or "")


def quality_labels(reasons: str) -> list[str]:
    """ "speeder;straight_liner" → ["Speeder", "Straight-liner"] in the user's language."""
    return [str(QUALITY_FLAG_LABELS.get(code, code)) for code in reasons.split(";") if code]


def _number(value, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _percent(share) -> str:
    return "—" if share is None else f"{100 * share:.0f}"


def reason_lines(reason, titles: dict[str, str]) -> list[str]:
    """The evidence of one quality reason (`analysis.stats.quality.Reason`) in sentences,
    in the user's language: "用时 42 秒，中位数 310 秒的 14 %"."""
    e, code = reason.evidence, reason.code

    def title(column: str) -> str:
        qid = column.split("/")[0]
        return titles.get(qid, qid)

    if code == "duplicate":
        if e.get("same_id"):
            return [_("The same response id as an earlier row (%(of)s).", of=e.get("of"))]
        return [_("Exactly the same answers as response %(of)s.", of=e.get("of"))]
    if code == "speeder":
        return [_("Took %(seconds)s s, %(share)s %% of the median %(median)s s.",
                  seconds=_number(e["seconds"]), share=_percent(e["share"]),
                  median=_number(e["median"]))]  # fmt: skip
    if code == "page_speeder":
        lines = [_("%(fast)d of %(timed)d timed pages answered too fast.",
                   fast=e["fast"], timed=e["timed"])]  # fmt: skip
        lines += [_("Page %(page)s: %(seconds)s s, %(share)s %% of its median %(median)s s.",
                    page=p["page"], seconds=_number(p["seconds"]), share=_percent(p["share"]),
                    median=_number(p["median"])) for p in e["pages"]]  # fmt: skip
        return lines
    if code == "straight_liner":
        lines = [_("%(count)d of %(of)d matrices answered with one option on every row.",
                   count=len(e["matrices"]), of=e["of"])]  # fmt: skip
        lines += [_("%(question)s: “%(value)s” on all %(rows)d rows.",
                    question=title(m["question"]), value=m["value"], rows=m["rows"])
                  for m in e["matrices"]]  # fmt: skip
        return lines
    if code == "attention_failed":
        names = "、".join(title(c) for c in e["questions"])
        return [_("Wrong answer to the attention check: %(questions)s.", questions=names)]
    if code == "similar_sequence":
        return [_("Closed answers %(agreement)s %% the same as those of %(others)d other"
                  " responses (%(items)d items).", agreement=_percent(e["agreement"]),
                  others=e["others"], items=e["items"])]  # fmt: skip
    if code == "random_answers":
        return [_("Over %(items)d closed items the answers fit random clicking better than the"
                  " answers of respondents at the same level (log-likelihood ratio %(llr)s per"
                  " item, below 0); person-total correlation %(r)s.", items=e["items"],
                  llr=_number(e["llr"], 2), r=_number(e.get("r"), 2))]  # fmt: skip
    if code == "same_device":
        return [_("Sent from the same browser as response %(of)s, %(minutes)s minutes later.",
                  of=e["of"], minutes=_number(e["minutes"]))]  # fmt: skip
    if code == "same_address":
        return [_("Sent from the same network address as response %(of)s, %(minutes)s minutes"
                  " later (an office or campus may share one address).",
                  of=e["of"], minutes=_number(e["minutes"]))]  # fmt: skip
    if code == "gibberish_text":
        return [_("%(question)s: “%(text)s” (%(kind)s).", question=title(a["question"]),
                  text=a["text"], kind=GIBBERISH_KINDS.get(a["kind"], a["kind"]))
                for a in e["answers"]]  # fmt: skip
    if code == "copied_text":
        return [_("%(question)s: “%(text)s”, word for word the answer of %(others)d other"
                  " respondents.", question=title(a["question"]), text=a["text"],
                  others=a["others"]) for a in e["answers"]]  # fmt: skip
    if code == "pasted_text":
        return [_("%(question)s: %(chars)d characters pasted in one go, %(typing)s s of typing.",
                  question=title(a["question"]), chars=a["chars"],
                  typing=_number(a["typing_s"], 1)) for a in e["answers"]]  # fmt: skip
    return []


def question_titles(definition: dict) -> dict[str, str]:
    return {
        q["id"]: without_pipes(q.get("title")) or q["id"]
        for page in definition.get("pages", [])
        for q in page.get("questions", [])
    }


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


def shown_lines(definition: dict, answers: dict, *, reveal: bool) -> list[AnswerLine]:
    """The answer lines of a researcher's page: those of questions flagged personal or
    sensitive read "hidden (personal information)" (state "personal") unless *reveal*
    (asked for and allowed, `app.permissions.reveals_personal`). Titles are piped from the
    masked answers, so a title quoting a personal answer does not show it either."""
    if reveal:
        return answer_lines(definition, answers)
    ids = protected_ids(definition)
    if not ids:
        return answer_lines(definition, answers)
    real = answer_lines(definition, answers)
    masked = answer_lines(definition, masked_answers(answers, ids))
    hidden = _("Hidden (personal information)")
    return [
        AnswerLine(line.qid, shown.title, "personal", hidden)
        if line.qid in ids and line.state == "answered"
        else AnswerLine(line.qid, shown.title, line.state, line.text)
        for line, shown in zip(real, masked, strict=True)
    ]
