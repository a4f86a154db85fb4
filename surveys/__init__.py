"""The questionnaire domain of Wenfang: definitions, question types, logic, answer
validation, versioning rules, templates and import/export (JSON, XLSForm).

No Flask here: plain dicts and dataclasses in and out, errors carrying their location.
"""

from .answers import AnswerCheck, partial_answers, validate_answers, visible_questions
from .definition import (
    definition_schema,
    load_definition,
    validate_definition,
    without_control_characters,
)
from .diff import DefinitionDiff, diff_definitions
from .errors import Code, DefinitionError, ExpressionError, ImportFailed, Problem, SurveysError
from .logic import condition_holds, evaluate, parse, pipe
from .models import Option, Page, Question, Questionnaire, Row
from .randomize import option_order, row_order
from .templates import list_templates, load_template
from .types import ALIASES, QUESTION_TYPES, QuestionType, canonical_type
from .xlsform import ImportResult, read_xlsform, write_xlsform

__all__ = [
    "ALIASES",
    "QUESTION_TYPES",
    "AnswerCheck",
    "Code",
    "DefinitionDiff",
    "DefinitionError",
    "ExpressionError",
    "ImportFailed",
    "ImportResult",
    "Option",
    "Page",
    "Problem",
    "Question",
    "QuestionType",
    "Questionnaire",
    "Row",
    "SurveysError",
    "canonical_type",
    "condition_holds",
    "definition_schema",
    "diff_definitions",
    "evaluate",
    "list_templates",
    "load_definition",
    "load_template",
    "option_order",
    "parse",
    "partial_answers",
    "pipe",
    "read_xlsform",
    "row_order",
    "validate_answers",
    "validate_definition",
    "visible_questions",
    "without_control_characters",
    "write_xlsform",
]
