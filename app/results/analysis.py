"""The analysis builder's service: which questions each field offers, the spec a form makes,
and the run of `analysis.stats.analyses.run_analysis` on the questionnaire's response table
(the same function `python -m analysis stats --analysis` runs, so both give one dict)."""

from collections.abc import Mapping

from analysis.stats.analyses import CATEGORY_KINDS, SCORED_KINDS, SpecError, run_analysis
from analysis.stats.errors import StatsInputError
from analysis.stats.table import iter_questions, kind_of, option_labels
from app.models import Questionnaire
from app.problems import translate
from app.results.table import response_frame
from app.results.weighting import current_weights

#: spec key at fault → the form field the message goes beside
FORM_FIELD = {"where": "filter_values", "kind": "kind"}


def question_choices(definition: dict) -> dict[str, list[tuple[str, str]]]:
    """(id, title) of the questions each kind of field may take, in page order."""
    questions = iter_questions(definition)

    def offered(kinds):
        return [(q["id"], str(q.get("title") or q["id"])) for q in questions if kind_of(q) in kinds]

    return {"category": offered(CATEGORY_KINDS), "scored": offered(SCORED_KINDS)}


def filter_choices(definition: dict) -> dict[str, list[tuple[str, str]]]:
    """{question title: [("qid=value", option label)]}: the values a filter can keep."""
    out = {}
    for q in iter_questions(definition):
        if kind_of(q) in CATEGORY_KINDS:
            values = _values(q)
            labels = option_labels(q)
            title = str(q.get("title") or q["id"])
            out[title] = [(f"{q['id']}={v}", labels.get(v, v)) for v in values]
    return out


def _values(question: dict) -> list[str]:
    if question.get("options"):
        return [str(o["value"]) for o in question["options"]]
    if kind_of(question) == "nps":
        return [str(k) for k in range(11)]
    return [str(k) for k in range(1, int(question.get("max", 5)) + 1)]


def spec_from_form(form) -> dict:
    """The analysis spec (docs/analysis-builder.md) that the builder's form describes."""
    kind = form.kind.data
    spec: dict = {"kind": kind}
    fields = {
        "banner": ("row", "columns"),
        "compare": ("metric", "by"),
        "correlation_matrix": ("questions",),
        "drivers": ("outcome", "drivers"),
    }.get(kind, ())
    for name in fields:
        spec[name] = getattr(form, name).data
    if form.filter_question.data:
        chosen = [
            v.partition("=")[2]
            for v in form.filter_values.data or []
            if v.partition("=")[0] == form.filter_question.data
        ]
        if not chosen:
            raise SpecError("filter_values", "choose values of the filter question", "where")
        spec["where"] = {form.filter_question.data: chosen}
    spec["weighted"] = bool(form.weighted.data)
    spec["exclude_flagged"] = bool(form.exclude_flagged.data)
    return spec


def run(questionnaire: Questionnaire, spec) -> dict:
    """Run `spec` on the questionnaire's complete responses (latest definition), weighted by
    the raked weights of its weighting page when the spec asks for weights. Every refusal is
    a `SpecError`: a saved weighting that no longer fits the answers points at `weighted`."""
    definition = questionnaire.published_version.analysis_definition
    frame = response_frame(questionnaire)
    weights = None
    if isinstance(spec, Mapping) and spec.get("weighted") is True:
        try:
            weights = current_weights(questionnaire, frame)
        except StatsInputError as error:
            raise SpecError("weights_stale", str(error), "weighted") from error
    try:
        return run_analysis(definition, frame, spec, weights=weights)
    except SpecError:
        raise
    except StatsInputError as error:  # a limit of the engine itself, said in general terms
        raise SpecError("engine", str(error)) from error


def error_message(error: SpecError) -> str:
    """The translated message of a refused spec (codes of `analysis.stats.analyses`), from the
    shared problem catalogue."""
    return translate(error)


def field_of(error: SpecError) -> str | None:
    """The builder's form field a refused spec points at (None: the form as a whole)."""
    if error.field is None:
        return None
    return FORM_FIELD.get(error.field, error.field)
