"""The segment rule editor and the outreach forms. A rule row is plain fields; the rules they
describe are checked by `surveys.segment_rules`, whose problems are put beside the field of
the row they concern, in the reader's language."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import Form
from surveys.segment_rules import RuleError, RuleProblem

ATTRIBUTE_LABELS = {
    "age_band": _l("Age band"),
    "gender": _l("Gender"),
    "income_band": _l("Income band"),
    "occupation": _l("Occupation"),
    "city": _l("City"),
    "city_tier": _l("City tier"),
}
KIND_LABELS = {
    "attribute": _l("Profile attribute"),
    "tag": _l("Tag"),
    "custom": _l("Custom field"),
    "answer": _l("Past answer"),
}
OPERATOR_LABELS = {
    "equals": _l("is"),
    "in": _l("is one of"),
    "range": _l("is in the range"),
    "has": _l("has the tag"),
    "lacks": _l("does not have the tag"),
    "chose": _l("answered"),
}
PROBLEM_MESSAGES = {
    RuleProblem.NOT_AN_OBJECT: _l("This rule cannot be read."),
    RuleProblem.BAD_MATCH: _l("Choose whether all rules or any rule must hold."),
    RuleProblem.NO_RULES: _l("Add at least one rule."),
    RuleProblem.TOO_MANY_RULES: _l("A segment has at most 20 rules."),
    RuleProblem.BAD_KIND: _l("Choose what the rule looks at."),
    RuleProblem.BAD_FIELD: _l("Choose an attribute or a custom field of this directory."),
    RuleProblem.BAD_OPERATOR: _l("This comparison does not fit this kind of rule."),
    RuleProblem.NO_VALUE: _l("Enter a value."),
    RuleProblem.ONE_VALUE: _l("“is” takes exactly one value; use “is one of” for several."),
    RuleProblem.RANGE_ENDS: _l("A range takes two ends, separated by a comma: 25-34, 45-54."),
    RuleProblem.NOT_BANDED: _l("Only age band and income band have a range."),
    RuleProblem.VALUE_TOO_LONG: _l("Too many values, or a value longer than 200 characters."),
    RuleProblem.BAD_QUESTIONNAIRE: _l("Choose a questionnaire of this organisation."),
    RuleProblem.BAD_QUESTION: _l("Enter the id of a question of that questionnaire, such as q1."),
}
SEPARATORS = re.compile(r"[,，、;；\n]")
ROWS = 5


def split_values(text: str | None) -> list[str]:
    return [part.strip() for part in SEPARATORS.split(text or "") if part.strip()]


class RuleForm(SubForm):
    kind = SelectField(
        _l("Rule"),
        choices=[SelectChoice("", "—"), *(SelectChoice(k, v) for k, v in KIND_LABELS.items())],
        default="",
        validate_choice=False,
    )
    field = SelectField(_l("Field"), choices=[], validate_choice=False)
    op = SelectField(
        _l("Comparison"),
        choices=[SelectChoice(k, v) for k, v in OPERATOR_LABELS.items()],
        validate_choice=False,
    )
    values = StringField(
        _l("Values"),
        validators=[Length(max=5000)],
        description=_l("Several values separated by commas"),
    )
    questionnaire = SelectField(_l("Questionnaire"), choices=[], validate_choice=False)
    question = StringField(_l("Question id"), validators=[Length(max=100)])

    def to_rule(self) -> dict[str, Any] | None:
        """The rule this row describes; None for an empty row."""
        kind = self.kind.data or ""
        if not kind:
            return None
        rule: dict[str, Any] = {
            "kind": kind,
            "op": self.op.data,
            "values": split_values(self.values.data),
        }
        if kind in ("attribute", "custom"):
            rule["field"] = self.field.data or ""
        if kind == "answer":
            rule["questionnaire_id"] = self.questionnaire.data or ""
            rule["question"] = self.question.data or ""
        return rule


class SegmentForm(Form):
    name = StringField(_l("Segment name"), validators=[DataRequired(), Length(max=200)])
    match = SelectField(
        _l("Members meet"),
        choices=[
            SelectChoice("all", _l("all of the rules")),
            SelectChoice("any", _l("any of the rules")),
        ],
        default="all",
    )
    rules = FieldList(FormField(RuleForm), min_entries=ROWS, max_entries=20)
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save segment"))

    def setup(self, custom_fields: list[tuple[str, str]], questionnaires: list[tuple[str, str]]):
        fields = [SelectChoice("", "—"), *(SelectChoice(k, v) for k, v in ATTRIBUTE_LABELS.items())]
        fields += [
            SelectChoice(key, _l("Custom: %(label)s", label=label)) for key, label in custom_fields
        ]
        listed = [SelectChoice("", "—"), *(SelectChoice(k, v) for k, v in questionnaires)]
        for row in self.rules:
            row.form.field.choices = fields
            row.form.questionnaire.choices = listed

    def load(self, name: str, rules: dict[str, Any]) -> None:
        """Fill the rows from saved rules (on GET)."""
        self.name.data = name
        self.match.data = rules.get("match", "all")
        listed = list(rules.get("rules") or [])
        while len(self.rules) < min(len(listed) + 1, 20):
            self.rules.append_entry()
        for row, rule in zip(self.rules, listed, strict=False):
            row.form.kind.data = rule.get("kind", "")
            row.form.field.data = rule.get("field", "")
            row.form.op.data = rule.get("op", "")
            row.form.values.data = ", ".join(rule.get("values") or [])
            row.form.questionnaire.data = str(rule.get("questionnaire_id") or "")
            row.form.question.data = rule.get("question", "")

    def raw_rules(self) -> tuple[dict[str, Any], list[int]]:
        """The rules the rows describe, and for each the index of its row."""
        described, rows = [], []
        for index, row in enumerate(self.rules):
            rule = row.form.to_rule()
            if rule is not None:
                described.append(rule)
                rows.append(index)
        return {"match": self.match.data, "rules": described}, rows

    def show_errors(self, errors: list[RuleError], rows: list[int]) -> None:
        """Put each problem beside the field it concerns."""
        names = {"questionnaire_id": "questionnaire"}
        for error in errors:
            message = PROBLEM_MESSAGES[error.code]
            if error.index is None:
                target = self.match if error.field == "match" else self.name
                if error.field == "rules":
                    self.rules.errors = [*list(self.rules.errors or []), message]
                    continue
                target.errors = [*target.errors, message]
                continue
            row = self.rules[rows[error.index]].form
            field = getattr(row, names.get(error.field, error.field), row.kind)
            field.errors = [*field.errors, message]


class InviteForm(Form):
    segment = SelectField(_l("Segment"), coerce=int, validate_choice=True)
    questionnaire = SelectField(_l("Questionnaire"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Invite the segment"))


class TargetForm(Form):
    target_count = IntegerField(
        _l("Complete responses wanted"),
        validators=[Optional(), NumberRange(min=1, max=10_000_000)],
    )
    split_field = SelectField(
        _l("Split by"),
        choices=[SelectChoice("", "—"), *(SelectChoice(k, v) for k, v in ATTRIBUTE_LABELS.items())],
        default="",
    )
    split_targets = TextAreaField(
        _l("Responses wanted per value"),
        validators=[Length(max=5000)],
        description=_l("One per line, such as 一线 = 100"),
    )
    submit = SubmitField(_l("Save target"))

    def split(self) -> dict[str, int] | None:
        """{value: count} from the lines, or None (with the message set) when one is wrong."""
        out: dict[str, int] = {}
        for line in (self.split_targets.data or "").splitlines():
            if not line.strip():
                continue
            match = re.match(r"^\s*(.+?)\s*[=＝:：]\s*(\d{1,8})\s*$", line)
            if match is None:
                self.split_targets.errors = [
                    *self.split_targets.errors,
                    _l("Write each line as value = number, such as 一线 = 100."),
                ]
                return None
            out[match.group(1)] = int(match.group(2))
        if out and not self.split_field.data:
            self.split_field.errors = [
                *self.split_field.errors,
                _l("Choose the attribute the targets per value are for."),
            ]
            return None
        return out
