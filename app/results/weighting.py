"""A questionnaire's weighting scheme: reading the page's targets, saving them, and the weights.

The researcher chooses single-answer questions and types target percentages per option (from a
census or a panel); the responses are raked to them with `analysis.stats.raking.rake`. The
checks a researcher can act on (a field that is not a number, shares not adding to 100 %, an
option nobody chose) are made here so the message is translated and stands beside the field;
the engine's own refusals are the last line.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from flask_babel import gettext as _

from analysis.stats.errors import Code, StatsInputError
from analysis.stats.raking import SHARE_TOLERANCE, RakingResult, rake
from app import audit
from app.extensions import db
from app.models import Questionnaire, User, WeightingScheme
from app.problems import translate

WEIGHTING_TYPES = ("single_choice", "dropdown")
FORM_ERROR = "_form"  # the key of an error about the whole form, not one field


@dataclass(frozen=True)
class WeightingQuestion:
    """A question one can weight by, with the sample's answers to it."""

    id: str
    title: str
    options: list[tuple[str, str]]  # (value, label)
    counts: dict[str, int]  # respondents per option value
    missing: int  # respondents without an answer

    def label_of(self, value: str) -> str:
        return dict(self.options).get(value, value)

    def sample_percent(self, value: str) -> float:
        answered = sum(self.counts.values())
        return 100 * self.counts.get(value, 0) / answered if answered else 0.0


@dataclass
class SchemeInput:
    """What the page sent: kept as typed, so a refused form shows it again."""

    chosen: list[str] = field(default_factory=list)
    typed: dict[str, str] = field(default_factory=dict)  # field name → text
    errors: dict[str, str] = field(default_factory=dict)  # field name → message
    margins: dict[str, dict[str, float]] = field(default_factory=dict)  # qid → {value: share}
    trim: tuple[float, float] | None = None


def target_field(qid: str, index: int) -> str:
    return f"target-{qid}-{index}"


def weighting_questions(definition: dict, frame: pd.DataFrame) -> list[WeightingQuestion]:
    found = []
    for page in definition.get("pages", []):
        for q in page.get("questions", []):
            if q["type"] not in WEIGHTING_TYPES:
                continue
            column = _answers(frame, q["id"])
            counts = {str(value): int(n) for value, n in column.value_counts().items()}
            options = [(str(o["value"]), str(o.get("label", o["value"]))) for o in q["options"]]
            found.append(
                WeightingQuestion(
                    q["id"], q.get("title") or q["id"], options, counts, int(column.isna().sum())
                )
            )
    return found


def scheme_of(questionnaire: Questionnaire) -> WeightingScheme | None:
    return db.session.scalar(
        db.select(WeightingScheme).where(WeightingScheme.questionnaire_id == questionnaire.id)
    )


def current_weights(questionnaire: Questionnaire, frame: pd.DataFrame) -> np.ndarray | None:
    """Raked weights aligned with the rows of `frame` (`app.results.table.response_frame`), or
    None when no scheme is saved. Raises `StatsInputError` when the saved scheme no longer fits
    the responses (an answer without a target, a new response without an answer)."""
    result = scheme_result(questionnaire, frame)
    return None if result is None else result.weights


def scheme_result(questionnaire: Questionnaire, frame: pd.DataFrame) -> RakingResult | None:
    scheme = scheme_of(questionnaire)
    if scheme is None:
        return None
    return _rake(frame, scheme.targets(), scheme.trim)


def scheme_input(scheme: WeightingScheme | None, questions: list[WeightingQuestion]):
    """The form's starting values: the saved targets, or else the sample's own shares."""
    saved = scheme.targets() if scheme else {}
    entry = SchemeInput(chosen=list(saved))
    for q in questions:
        for index, (value, _label) in enumerate(q.options):
            share = saved[q.id].get(value, 0.0) * 100 if q.id in saved else q.sample_percent(value)
            entry.typed[target_field(q.id, index)] = f"{share:.1f}"
    if scheme and scheme.trim:
        entry.typed["trim_low"], entry.typed["trim_high"] = (f"{b:g}" for b in scheme.trim)
    return entry


def read_scheme(form: Mapping[str, str], questions: list[WeightingQuestion]) -> SchemeInput:
    """Parse the page's fields; `errors` is empty when they can be raked."""
    entry = SchemeInput(typed={k: form.get(k, "") for k in form if k != "csrf_token"})
    entry.chosen = [q.id for q in questions if form.get(f"use-{q.id}") == "1"]
    if not entry.chosen:
        entry.errors[FORM_ERROR] = _("Choose at least one question to weight by.")
    for q in questions:
        if q.id in entry.chosen:
            _read_question(q, form, entry)
    entry.trim = _read_trim(form, entry.errors)
    return entry


def save_scheme(questionnaire: Questionnaire, entry: SchemeInput, frame, user: User) -> bool:
    """Rake with the typed targets and, when that works, store them and audit the change."""
    if not entry.errors:
        try:
            _rake(frame, entry.margins, entry.trim)
        except StatsInputError as error:
            entry.errors[FORM_ERROR] = engine_message(error, entry.trim)
    if entry.errors:
        return False
    scheme = scheme_of(questionnaire)
    before = _facts(scheme) if scheme else None
    if scheme is None:
        scheme = WeightingScheme(questionnaire_id=questionnaire.id)
        db.session.add(scheme)
    scheme.margins = [
        {"question": qid, "targets": [[v, s] for v, s in targets.items()]}
        for qid, targets in entry.margins.items()
    ]
    scheme.trim_low, scheme.trim_high = entry.trim or (None, None)
    scheme.updated_by_id = user.id
    audit.record(
        "weighting.save",
        questionnaire,
        study_id=questionnaire.study_id,
        before=before,
        after=_facts(scheme),
    )
    db.session.commit()
    return True


def engine_message(error: StatsInputError, trim) -> str:
    if error.code in (Code.NOT_CONVERGED, Code.NOT_CONVERGED_TRIM):
        return (
            _("The targets cannot all be reached within these trimming bounds: widen them.")
            if trim
            else _("The targets contradict each other and cannot all be reached.")
        )
    return _("The weights could not be computed: %(reason)s", reason=translate(error))


def stale_message(questionnaire: Questionnaire, error: StatsInputError) -> str:
    """Why the saved scheme no longer rakes the responses, for the summary and this page."""
    if error.location is None:
        scheme = scheme_of(questionnaire)
        return engine_message(error, scheme.trim if scheme is not None else None)
    titles = {
        q["id"]: q.get("title") or q["id"]
        for page in questionnaire.published_version.analysis_definition.get("pages", [])
        for q in page.get("questions", [])
    }
    return _(
        "The answers to “%(question)s” no longer fit the saved targets (an option with a "
        "target of 0 was chosen, or an answer is missing): save the targets again.",
        question=titles.get(error.location, error.location),
    )


def _read_question(q: WeightingQuestion, form, entry: SchemeInput) -> None:
    targets = {}
    for index, (value, _label) in enumerate(q.options):
        name = target_field(q.id, index)
        percent, message = _percent(form.get(name, ""))
        count = q.counts.get(value, 0)
        if message is None and percent > 0 and count == 0:
            message = _("Nobody in the sample chose this option, so its share must be 0.")
        if message is None and percent == 0 and count > 0:
            message = _("%(n)d respondents chose this option: give it a share above 0.", n=count)
        if message:
            entry.errors[name] = message
        else:
            targets[value] = percent / 100
    if q.missing:
        entry.errors[f"use-{q.id}"] = _(
            "%(n)d responses have no answer to this question; raking needs an answer from "
            "everyone, so choose a question every respondent answered.",
            n=q.missing,
        )
    elif len(targets) == len(q.options):
        total = sum(targets.values()) * 100
        if abs(total - 100) > SHARE_TOLERANCE * 100:
            entry.errors[f"use-{q.id}"] = _(
                "The percentages add up to %(total)s %%, not 100 %% (±%(allowed)s allowed).",
                total=f"{total:.4g}",
                allowed=f"{SHARE_TOLERANCE * 100:g}",
            )
        entry.margins[q.id] = targets


def _percent(text: str) -> tuple[float, str | None]:
    text = text.strip().removesuffix("%").strip()
    if not text:
        return 0.0, _("Enter a percentage (0 when nobody should count).")
    try:
        number = float(text)
    except ValueError:
        return 0.0, _("Not a number: enter a percentage such as 25 or 12.5.")
    if not math.isfinite(number):
        return 0.0, _("Not a number: enter a percentage such as 25 or 12.5.")
    if number < 0:
        return 0.0, _("A percentage cannot be negative.")
    if number > 100:
        return 0.0, _("A percentage cannot be above 100.")
    return number, None


def _read_trim(form, errors: dict[str, str]) -> tuple[float, float] | None:
    low_text, high_text = form.get("trim_low", "").strip(), form.get("trim_high", "").strip()
    if not low_text and not high_text:
        return None
    bounds = []
    for name, text, ok, message in (
        ("trim_low", low_text, lambda b: 0 < b <= 1, _("Enter a number above 0 and at most 1.")),
        ("trim_high", high_text, lambda b: b >= 1, _("Enter a number of at least 1.")),
    ):
        try:
            bound = float(text)
        except ValueError:
            bound = math.nan
        if not text:
            errors[name] = _("Enter both bounds, or leave both empty for no trimming.")
        elif not math.isfinite(bound) or not ok(bound):
            errors[name] = message
        bounds.append(bound)
    low, high = bounds
    return None if "trim_low" in errors or "trim_high" in errors else (low, high)


def _rake(frame: pd.DataFrame, margins: dict, trim) -> RakingResult:
    columns = pd.DataFrame({qid: _answers(frame, qid) for qid in margins}, index=frame.index)
    return rake(columns, margins, trim=trim)


def _answers(frame: pd.DataFrame, qid: str) -> pd.Series:
    """The option values as strings (the definition's values are stringified the same way)."""
    if qid not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    return frame[qid].map(_option_text)


def _option_text(value):
    """1.0 (a numeric column with gaps) reads as "1", as `str` of the definition's 1 does."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _facts(scheme: WeightingScheme) -> dict:
    return {"margins": scheme.margins, "trim": list(scheme.trim) if scheme.trim else None}


def fingerprint(questionnaire: Questionnaire) -> list | None:
    """What the saved scheme rakes to, for cache keys of weighted results."""
    scheme = scheme_of(questionnaire)
    return None if scheme is None else [scheme.margins, scheme.trim_low, scheme.trim_high]
