"""Responses from other survey tools' exports (问卷星, 腾讯问卷, Qualtrics, KoboToolbox,
SurveyMonkey) and Wenfang's own response table, in pure stages:

file → rows of strings (`grid`) → the tool's layout read into columns and records
(`layouts`) → columns matched to the questionnaire's questions (`matching`) → answers checked
against the questionnaire, with every misfit (`convert`). Storing is the web layer's
(`app.responses.importing`), all or nothing.
"""

from .convert import ImportPlan, PlannedResponse, check_mapping, plan_import
from .errors import FileRefused, ImportCode, RowProblem
from .grid import MAX_BYTES, MAX_ROWS, read_grid
from .layouts import SourceColumn, SourceRecord, SourceTable, detect_tool, read_table
from .matching import Target, propose_mapping, targets
from .tools import TOOLS

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "TOOLS",
    "FileRefused",
    "ImportCode",
    "ImportPlan",
    "PlannedResponse",
    "RowProblem",
    "SourceColumn",
    "SourceRecord",
    "SourceTable",
    "Target",
    "check_mapping",
    "detect_tool",
    "plan_import",
    "propose_mapping",
    "read_grid",
    "read_table",
    "targets",
]
