"""The analysis builder's form. Question fields do not check their choices themselves: the
engine checks the whole spec (`analysis.stats.analyses.validate_spec`) and the view puts its
translated message beside the field at fault, so one set of rules serves the page, the JSON
endpoint and the CLI."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, SelectMultipleField, SubmitField

from app.forms import Form

KIND_CHOICES = [
    SelectChoice("banner", _l("Banner table (rows × columns)")),
    SelectChoice("compare", _l("Compare groups")),
    SelectChoice("correlation_matrix", _l("Correlation matrix")),
    SelectChoice("drivers", _l("Key drivers")),
]


def _question(label, multiple=False):
    field = SelectMultipleField if multiple else SelectField
    return field(label, choices=[], validate_choice=False)


class AnalysisForm(Form):
    kind = SelectField(_l("Analysis"), choices=KIND_CHOICES, default="banner")
    row = _question(_l("Row question"))
    columns = _question(_l("Banner columns"), multiple=True)
    metric = _question(_l("Compared answer"))
    by = _question(_l("Groups"))
    questions = _question(_l("Questions to correlate"), multiple=True)
    outcome = _question(_l("Outcome"))
    drivers = _question(_l("Drivers"), multiple=True)
    filter_question = _question(_l("Filter: question"))
    filter_values = _question(_l("Filter: keep these answers"), multiple=True)
    weighted = BooleanField(_l("Weighted"))
    exclude_flagged = BooleanField(_l("Exclude flagged responses"))
    submit = SubmitField(_l("Run"))

    def offer(self, questions: dict, filters: dict) -> None:
        """Fill the question choices from `analysis.question_choices` / `filter_choices`."""
        category = [SelectChoice(qid, title) for qid, title in questions["category"]]
        scored = [SelectChoice(qid, title) for qid, title in questions["scored"]]
        for name in ("row", "columns", "by"):
            getattr(self, name).choices = category
        for name in ("metric", "questions", "outcome", "drivers"):
            getattr(self, name).choices = scored
        self.filter_question.choices = [SelectChoice("", _l("No filter")), *category]
        self.filter_values.choices = [
            SelectChoice(value, label, optgroup=title)
            for title, values in filters.items()
            for value, label in values
        ]
