"""The catalogue of response-import problems: one code, a Chinese and an English message.

A `FileRefused` stops the import before any row is read (not a table, too large, nothing to
import into); a `RowProblem` is one cell or row of a readable file that does not fit the
questionnaire, and the dry run lists every one. Tests assert the code, never the wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from surveys import problems
from surveys.problems import DEFAULT_LOCALE, CodedError


class ImportCode(StrEnum):
    # --- the file as a whole ---------------------------------------------------------------
    EMPTY_FILE = "import_empty_file"
    UNSUPPORTED_FILE = "import_unsupported_file"
    TOO_LARGE = "import_too_large"
    TOO_MANY_ROWS = "import_too_many_rows"
    TOO_MANY_COLUMNS = "import_too_many_columns"
    UNREADABLE = "import_unreadable"
    UNDECODABLE = "import_undecodable"
    NO_HEADER = "import_no_header"
    NO_ROWS = "import_no_rows"
    NOTHING_MAPPED = "import_nothing_mapped"
    UNKNOWN_TARGET = "import_unknown_target"
    TARGET_TWICE = "import_target_twice"
    WRONG_LAYOUT = "import_wrong_layout"
    # --- one row or one cell ---------------------------------------------------------------
    NOT_AN_OPTION = "import_not_an_option"
    NOT_A_NUMBER = "import_not_a_number"
    NOT_A_DATE = "import_not_a_date"
    NOT_A_MARK = "import_not_a_mark"
    NOT_A_TIME = "import_not_a_time"
    NOT_A_DURATION = "import_not_a_duration"
    NOT_AN_ANSWER = "import_not_an_answer"
    ANSWER_HIDDEN = "import_answer_hidden"
    DUPLICATE_SOURCE_ID = "import_duplicate_source_id"
    SOURCE_ID_TOO_LONG = "import_source_id_too_long"
    CELL_TOO_LONG = "import_cell_too_long"


MESSAGES: dict[ImportCode, tuple[str, str]] = {
    ImportCode.EMPTY_FILE: ("文件是空的", "The file is empty"),
    ImportCode.UNSUPPORTED_FILE: (
        "不支持的文件类型“{suffix}”，请上传 .csv 或 .xlsx（.xls 请先另存为 .xlsx）",
        "Unsupported file type “{suffix}”; upload a .csv or .xlsx (save an .xls as .xlsx first)",
    ),
    ImportCode.TOO_LARGE: (
        "文件过大（{size} MB），上限为 {max} MB",
        "The file is too large ({size} MB); the limit is {max} MB",
    ),
    ImportCode.TOO_MANY_ROWS: (
        "答卷过多：文件超过 {max} 行，请分批导入",
        "Too many responses: the file has more than {max} rows; import it in parts",
    ),
    ImportCode.TOO_MANY_COLUMNS: (
        "列过多：文件有 {count} 列，最多 {max} 列",
        "Too many columns: the file has {count}, at most {max}",
    ),
    ImportCode.UNREADABLE: (
        "无法读取文件：{detail}",
        "Cannot read the file: {detail}",
    ),
    ImportCode.UNDECODABLE: (
        "无法识别 CSV 文件的编码（既不是 UTF-8 也不是 GBK/GB18030），请另存为 UTF-8",
        "Cannot decode the CSV file (neither UTF-8 nor GBK/GB18030); save it as UTF-8",
    ),
    ImportCode.NO_HEADER: (
        "文件第一行没有列名",
        "The first row of the file has no column names",
    ),
    ImportCode.NO_ROWS: ("文件中没有答卷", "The file holds no responses"),
    ImportCode.NOTHING_MAPPED: (
        "没有任何一列对应到问卷的题目，请在列对应表中选择",
        "No column is matched to a question of the questionnaire; choose them in the mapping",
    ),
    ImportCode.UNKNOWN_TARGET: (
        "列“{column}”对应的“{target}”不是本问卷的题目或列",
        "Column “{column}” is matched to “{target}”, which is not a column of this questionnaire",
    ),
    ImportCode.TARGET_TWICE: (
        "“{target}”同时对应了列“{first}”和“{second}”，一题只能对应一列",
        "“{target}” is matched to both “{first}” and “{second}”; choose one",
    ),
    ImportCode.WRONG_LAYOUT: (
        "文件不是 {tool} 的导出格式：{detail}",
        "The file is not in the export layout of {tool}: {detail}",
    ),
    ImportCode.NOT_AN_OPTION: (
        "“{value}”不是本题的选项",
        "“{value}” is not an option of this question",
    ),
    ImportCode.NOT_A_NUMBER: ("“{value}”不是数字", "“{value}” is not a number"),
    ImportCode.NOT_A_DATE: ("“{value}”不是日期", "“{value}” is not a date"),
    ImportCode.NOT_A_MARK: (
        "“{value}”不是选中标记（应为 1/0 或选项文字）",
        "“{value}” is not a selection mark (1/0 or the option's text)",
    ),
    ImportCode.NOT_A_TIME: (
        "“{value}”不是可识别的时间",
        "“{value}” is not a time that can be read",
    ),
    ImportCode.NOT_A_DURATION: (
        "“{value}”不是可识别的用时",
        "“{value}” is not a duration that can be read",
    ),
    ImportCode.NOT_AN_ANSWER: (
        "本题不符合问卷：{detail}",
        "The answer does not fit the questionnaire: {detail}",
    ),
    ImportCode.ANSWER_HIDDEN: (
        "按本问卷的显示条件，这一题对该答卷不显示，但文件中有答案“{value}”",
        "By this questionnaire's conditions this question is not shown to this response, "
        "but the file answers it: “{value}”",
    ),
    ImportCode.DUPLICATE_SOURCE_ID: (
        "答卷编号“{value}”在文件中重复（第 {first} 行已出现）",
        "Response id “{value}” appears twice in the file (first in row {first})",
    ),
    ImportCode.SOURCE_ID_TOO_LONG: (
        "答卷编号过长（最多 {max} 个字符）",
        "The response id is too long (at most {max} characters)",
    ),
    ImportCode.CELL_TOO_LONG: (
        "单元格过长（最多 {max} 个字符）",
        "The cell is too long (at most {max} characters)",
    ),
}

problems.register(MESSAGES)


class FileRefused(CodedError):
    """The file cannot be imported at all; nothing of it is read further."""

    code: ImportCode

    def __init__(self, code: ImportCode, **params: Any) -> None:
        CodedError.__init__(self, ImportCode(code), **params)


@dataclass(frozen=True)
class RowProblem:
    """One cell or row that does not fit: *row* is the file's own row number (1 = first line),
    *column* the header text of the cell (or "" for the whole row), *value* what it holds."""

    row: int
    column: str
    value: str
    code: ImportCode
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, locale: str = DEFAULT_LOCALE) -> str:
        return problems.message(self.code, locale, value=self.value, **self.params)
