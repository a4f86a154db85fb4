# Over 400 lines: every problem code with its Chinese and English message, one table.
"""The error catalogue of `surveys`: one code per kind of problem, with message templates in
Chinese (default) and English.

Every problem carries its code and its place (a JSON path such as ``$.pages[0].questions[2]``,
or a sheet/row/column for spreadsheet imports). Tests assert codes; the wording can change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from surveys import problems
from surveys.problems import DEFAULT_LOCALE, CodedError


class Code(StrEnum):
    # --- definition structure -----------------------------------------------------------
    SCHEMA = "schema"
    INVALID_JSON = "invalid_json"
    UNSUPPORTED_FILE = "unsupported_file"
    OUTPUT_UNWRITABLE = "output_unwritable"
    NOT_AN_OBJECT = "not_an_object"
    TOO_MANY_PAGES = "too_many_pages"
    TOO_MANY_QUESTIONS = "too_many_questions"
    TOO_MANY_OPTIONS = "too_many_options"
    TOO_MANY_OPTIONS_IN_ALL = "too_many_options_in_all"
    UNKNOWN_QUESTION_TYPE = "unknown_question_type"
    QUESTION_TYPE_ALIAS = "question_type_alias"
    DUPLICATE_QUESTION_ID = "duplicate_question_id"
    DUPLICATE_PAGE_ID = "duplicate_page_id"
    DUPLICATE_OPTION_VALUE = "duplicate_option_value"
    DUPLICATE_ROW_VALUE = "duplicate_row_value"
    RESERVED_ID = "reserved_id"
    RANGE_INVERTED = "range_inverted"
    TOO_FEW_OPTIONS_FOR_MIN = "too_few_options_for_min"
    MAX_SELECTED_ABOVE_OPTIONS = "max_selected_above_options"
    INVALID_PATTERN = "invalid_pattern"
    UNSUPPORTED_PATTERN = "unsupported_pattern"
    PATTERN_TOO_LONG = "pattern_too_long"
    INVALID_DATE = "invalid_date"
    MULTIPLE_OTHER_OPTIONS = "multiple_other_options"
    EXCLUSIVE_ON_SINGLE = "exclusive_on_single"
    SCORE_ON_UNSCORED_OPTION = "score_on_unscored_option"
    EMPTY_TITLE = "empty_title"
    EMPTY_PAGE = "empty_page"
    NO_QUESTIONS = "no_questions"
    ATTENTION_CHECK_NOT_AN_OPTION = "attention_check_not_an_option"
    RANDOMIZE_WITHOUT_OPTIONS = "randomize_without_options"
    STEP_NOT_POSITIVE = "step_not_positive"
    QUOTA_UNKNOWN_QUESTION = "quota_unknown_question"
    QUOTA_UNKNOWN_VALUE = "quota_unknown_value"
    CLOSES_BEFORE_OPENS = "closes_before_opens"
    INVALID_MOMENT = "invalid_moment"
    # --- conditions (show_if) and piping, checked against the definition -----------------
    CONDITION_UNKNOWN_QUESTION = "condition_unknown_question"
    CONDITION_FORWARD_REFERENCE = "condition_forward_reference"
    CONDITION_NO_ANSWER = "condition_no_answer"
    CONDITION_UNKNOWN_PART = "condition_unknown_part"
    CONDITION_USE_SELECTED = "condition_use_selected"
    PIPE_UNKNOWN_QUESTION = "pipe_unknown_question"
    PIPE_FORWARD_REFERENCE = "pipe_forward_reference"
    # --- the expression language itself (same codes in app/static/js/conditions.js) -------
    EXPR_EMPTY = "expr_empty"
    EXPR_TOO_LONG = "expr_too_long"
    EXPR_TOO_DEEP = "expr_too_deep"
    EXPR_UNEXPECTED_CHAR = "expr_unexpected_char"
    EXPR_UNCLOSED_STRING = "expr_unclosed_string"
    EXPR_BAD_ESCAPE = "expr_bad_escape"
    EXPR_UNCLOSED_PAREN = "expr_unclosed_paren"
    EXPR_UNEXPECTED_TOKEN = "expr_unexpected_token"  # noqa: S105 - not a password
    EXPR_UNEXPECTED_END = "expr_unexpected_end"
    EXPR_NUMBER_TOO_LARGE = "expr_number_too_large"
    EXPR_OPERATOR_SPELLING = "expr_operator_spelling"
    EXPR_UNKNOWN_FUNCTION = "expr_unknown_function"
    EXPR_ARITY = "expr_arity"
    EXPR_ARG_TYPE = "expr_arg_type"
    EXPR_CHAINED_COMPARISON = "expr_chained_comparison"
    # --- answers ---------------------------------------------------------------------------
    ANSWER_REQUIRED = "answer_required"
    ANSWER_WRONG_TYPE = "answer_wrong_type"
    ANSWER_NOT_AN_OPTION = "answer_not_an_option"
    ANSWER_TOO_FEW = "answer_too_few"
    ANSWER_TOO_MANY = "answer_too_many"
    ANSWER_EXCLUSIVE = "answer_exclusive"
    ANSWER_OTHER_TEXT_REQUIRED = "answer_other_text_required"
    ANSWER_TOO_SMALL = "answer_too_small"
    ANSWER_TOO_LARGE = "answer_too_large"
    ANSWER_NOT_INTEGER = "answer_not_integer"
    ANSWER_OFF_STEP = "answer_off_step"
    ANSWER_TOO_SHORT = "answer_too_short"
    ANSWER_TOO_LONG = "answer_too_long"
    ANSWER_PHONE = "answer_phone"
    ANSWER_EMAIL = "answer_email"
    ANSWER_PATTERN = "answer_pattern"
    ANSWER_BAD_DATE = "answer_bad_date"
    ANSWER_DATE_TOO_EARLY = "answer_date_too_early"
    ANSWER_DATE_TOO_LATE = "answer_date_too_late"
    ANSWER_UNKNOWN_ROW = "answer_unknown_row"
    ANSWER_ROWS_INCOMPLETE = "answer_rows_incomplete"
    ANSWER_RANKING_DUPLICATE = "answer_ranking_duplicate"
    ANSWER_RANKING_INCOMPLETE = "answer_ranking_incomplete"
    ANSWER_KANO_INCOMPLETE = "answer_kano_incomplete"
    ANSWER_CONSENT_REQUIRED = "answer_consent_required"
    ANSWER_CONTROL_CHARACTER = "answer_control_character"
    CONTROL_CHARACTER_REMOVED = "control_character_removed"
    ANSWER_DUPLICATE_OPTION = "answer_duplicate_option"
    # --- XLSForm import / export -------------------------------------------------------------
    XLS_UNREADABLE = "xls_unreadable"
    XLS_NO_SURVEY_SHEET = "xls_no_survey_sheet"
    XLS_TOO_MANY_ROWS = "xls_too_many_rows"
    XLS_TOO_LARGE = "xls_too_large"
    XLS_MISSING_COLUMN = "xls_missing_column"
    XLS_UNSUPPORTED_TYPE = "xls_unsupported_type"
    XLS_METADATA_SKIPPED = "xls_metadata_skipped"
    XLS_REPEAT_FLATTENED = "xls_repeat_flattened"
    XLS_NESTED_GROUP = "xls_nested_group"
    XLS_UNMATCHED_END = "xls_unmatched_end"
    XLS_UNCLOSED_GROUP = "xls_unclosed_group"
    XLS_UNKNOWN_CHOICE_LIST = "xls_unknown_choice_list"
    XLS_EMPTY_CHOICE_LIST = "xls_empty_choice_list"
    XLS_DUPLICATE_CHOICE = "xls_duplicate_choice"
    XLS_CHOICE_WITHOUT_LABEL = "xls_choice_without_label"
    XLS_MISSING_NAME = "xls_missing_name"
    XLS_RENAMED_ID = "xls_renamed_id"
    XLS_CHOICE_RENAMED = "xls_choice_renamed"
    XLS_CONSTRAINT_UNSUPPORTED = "xls_constraint_unsupported"
    XLS_RELEVANT_UNSUPPORTED = "xls_relevant_unsupported"
    XLS_PATTERN_IGNORED = "xls_pattern_ignored"
    XLS_CHOICE_FILTER_IGNORED = "xls_choice_filter_ignored"
    XLS_COLUMN_IGNORED = "xls_column_ignored"
    XLS_SETTING_IGNORED = "xls_setting_ignored"
    XLS_SHEET_IGNORED = "xls_sheet_ignored"
    XLS_LANGUAGE_IGNORED = "xls_language_ignored"
    XLS_PIPE_UNKNOWN = "xls_pipe_unknown"
    XLS_BAD_PARAMETERS = "xls_bad_parameters"
    XLS_EXPORT_APPROXIMATED = "xls_export_approximated"
    XLS_EXPORT_CONDITION_DROPPED = "xls_export_condition_dropped"


# (zh_CN, en) templates; parameters in braces.
MESSAGES: dict[Code, tuple[str, str]] = {
    Code.SCHEMA: (
        "定义结构不符合规范：{detail}",
        "The definition does not match the schema: {detail}",
    ),
    Code.INVALID_JSON: ("无法读取 JSON 文件：{detail}", "Cannot read the JSON file: {detail}"),
    Code.UNSUPPORTED_FILE: (
        "不支持的文件类型“{suffix}”，请使用 .json、.xlsx 或 .xls",
        "Unsupported file type “{suffix}”; use .json, .xlsx or .xls",
    ),
    Code.OUTPUT_UNWRITABLE: (
        "无法写入“{path}”：{detail}",
        "Cannot write “{path}”: {detail}",
    ),
    Code.NOT_AN_OBJECT: ("问卷定义必须是一个 JSON 对象", "A definition must be a JSON object"),
    Code.TOO_MANY_PAGES: (
        "页面过多：共 {count} 页，最多 {max} 页",
        "Too many pages: {count}, at most {max}",
    ),
    Code.TOO_MANY_QUESTIONS: (
        "题目过多：共 {count} 题，一份问卷最多 {max} 题",
        "Too many questions: {count}; a questionnaire has at most {max}",
    ),
    Code.TOO_MANY_OPTIONS: (
        "本题选项过多：共 {count} 项，最多 {max} 项",
        "Too many options in this question: {count}, at most {max}",
    ),
    Code.TOO_MANY_OPTIONS_IN_ALL: (
        "全部题目的选项合计过多：共 {count} 项，最多 {max} 项",
        "Too many options in all questions together: {count}, at most {max}",
    ),
    Code.UNKNOWN_QUESTION_TYPE: ("未知的题型“{type}”", "Unknown question type “{type}”"),
    Code.QUESTION_TYPE_ALIAS: (
        "题型“{type}”应写作“{canonical}”",
        "Question type “{type}” must be spelled “{canonical}”",
    ),
    Code.DUPLICATE_QUESTION_ID: ("题目编号“{id}”重复", "Question id “{id}” is used twice"),
    Code.DUPLICATE_PAGE_ID: ("页面编号“{id}”重复", "Page id “{id}” is used twice"),
    Code.DUPLICATE_OPTION_VALUE: ("选项值“{value}”重复", "Option value “{value}” is used twice"),
    Code.DUPLICATE_ROW_VALUE: ("行值“{value}”重复", "Row value “{value}” is used twice"),
    Code.RESERVED_ID: (
        "题目编号“{id}”是条件表达式的保留字，无法在条件中引用",
        "Question id “{id}” is a reserved word of the condition language",
    ),
    Code.RANGE_INVERTED: ("{low} 不能大于 {high}", "{low} must not be greater than {high}"),
    Code.TOO_FEW_OPTIONS_FOR_MIN: (
        "最少选择 {min} 项，但只有 {count} 个选项",
        "At least {min} selections required but only {count} options exist",
    ),
    Code.MAX_SELECTED_ABOVE_OPTIONS: (
        "最多选择 {max} 项，超过了选项数 {count}",
        "max_selected {max} exceeds the {count} options",
    ),
    Code.INVALID_PATTERN: ("正则表达式无效：{detail}", "Invalid regular expression: {detail}"),
    Code.UNSUPPORTED_PATTERN: (
        "正则表达式无效：不支持反向引用（如 \\1）和前后查找（如 (?=…)、(?<=…)），"
        "也不支持在 […] 中写 \\W、\\S（{detail}）",
        "Invalid regular expression: back-references (such as \\1), look-around (such as "
        "(?=…), (?<=…)) and \\W or \\S inside […] are not supported ({detail})",
    ),
    Code.PATTERN_TOO_LONG: (
        "正则表达式过长或过于复杂（{detail}）：最多 {max} 个字符，重复次数也不宜过大；"
        "限制字数请用“最少字数”“最多字数”",
        "The regular expression is too long or too complex ({detail}): at most {max} "
        "characters and no large repetitions; limit the length with minimum and maximum length",
    ),
    Code.INVALID_DATE: (
        "日期“{value}”无效，应为 YYYY-MM-DD",
        "Date “{value}” is invalid, expected YYYY-MM-DD",
    ),
    Code.MULTIPLE_OTHER_OPTIONS: (
        "只能有一个“其他（请注明）”选项",
        "Only one “other, please specify” option is allowed",
    ),
    Code.EXCLUSIVE_ON_SINGLE: (
        "单选题本身就是互斥的，无需标记互斥选项",
        "Options of a single-answer question are already exclusive",
    ),
    Code.SCORE_ON_UNSCORED_OPTION: (
        "该选项标记为不计分，其分值不会被使用",
        "This option is marked as not scored, so its score is not used",
    ),
    Code.EMPTY_TITLE: ("题目标题为空", "The question has no title"),
    Code.EMPTY_PAGE: ("页面“{id}”没有题目", "Page “{id}” has no questions"),
    Code.NO_QUESTIONS: ("问卷没有任何题目", "The questionnaire has no questions"),
    Code.ATTENTION_CHECK_NOT_AN_OPTION: (
        "注意力检测答案“{value}”不是本题的选项",
        "Attention-check answer “{value}” is not an option of this question",
    ),
    Code.RANDOMIZE_WITHOUT_OPTIONS: (
        "该题型没有选项，随机排序不起作用",
        "Randomisation has no effect on a question without options",
    ),
    Code.STEP_NOT_POSITIVE: ("步长必须大于 0", "step must be greater than 0"),
    Code.QUOTA_UNKNOWN_QUESTION: (
        "配额题“{name}”不是本问卷的单选题或下拉题",
        "The quota question “{name}” is not a single-choice or dropdown question here",
    ),
    Code.QUOTA_UNKNOWN_VALUE: (
        "配额中的“{value}”不是该题的选项",
        "“{value}” in the quota is not an option of that question",
    ),
    Code.CLOSES_BEFORE_OPENS: (
        "截止时间早于开始时间",
        "The closing time is before the opening time",
    ),
    Code.INVALID_MOMENT: (
        "时间“{value}”无效，应为 ISO 8601 格式，如 2026-12-01T09:00:00+08:00",
        "Time “{value}” is invalid, expected ISO 8601 such as 2026-12-01T09:00:00+08:00",
    ),
    Code.CONDITION_UNKNOWN_QUESTION: (
        "条件引用了不存在的题目“{name}”",
        "The condition refers to an unknown question “{name}”",
    ),
    Code.CONDITION_FORWARD_REFERENCE: (
        "条件引用了“{name}”，只能引用在此之前的题目",
        "The condition refers to “{name}”, which does not come before it",
    ),
    Code.CONDITION_NO_ANSWER: (
        "“{name}”是说明文字，没有答案可供条件引用",
        "“{name}” is a text block and has no answer to test",
    ),
    Code.CONDITION_UNKNOWN_PART: (
        "题目“{name}”没有“{part}”这一行",
        "Question “{name}” has no row or part “{part}”",
    ),
    Code.CONDITION_USE_SELECTED: (
        "“{name}”可多选，请用 selected({name}, '值') 判断",
        "“{name}” holds several values; test it with selected({name}, 'value')",
    ),
    Code.PIPE_UNKNOWN_QUESTION: (
        "标题中插入的“{{{name}}}”不是已有题目",
        "Piped “{{{name}}}” is not a question of this questionnaire",
    ),
    Code.PIPE_FORWARD_REFERENCE: (
        "标题中插入的“{{{name}}}”在此之后才作答",
        "Piped “{{{name}}}” is answered only later",
    ),
    Code.EXPR_EMPTY: ("条件表达式为空", "The expression is empty"),
    Code.EXPR_TOO_LONG: (
        "条件表达式过长（最多 {max} 个字符）",
        "The expression is too long (at most {max} characters)",
    ),
    Code.EXPR_TOO_DEEP: (
        "条件表达式嵌套过深（最多 {max} 层）",
        "The expression is nested too deeply (at most {max} levels)",
    ),
    Code.EXPR_UNEXPECTED_CHAR: (
        "第 {position} 个字符“{char}”无法识别",
        "Unexpected character “{char}” at position {position}",
    ),
    Code.EXPR_UNCLOSED_STRING: (
        "第 {position} 个字符开始的字符串缺少结束引号",
        "The string starting at position {position} is not closed",
    ),
    Code.EXPR_BAD_ESCAPE: (
        "第 {position} 个字符处的转义无效，只允许 \\' \\\" \\\\",
        "Invalid escape at position {position}; only \\' \\\" \\\\ are allowed",
    ),
    Code.EXPR_UNCLOSED_PAREN: ("括号没有闭合", "A parenthesis or bracket is not closed"),
    Code.EXPR_UNEXPECTED_TOKEN: (
        "第 {position} 个字符处不应出现“{token}”",
        "Unexpected “{token}” at position {position}",
    ),
    Code.EXPR_UNEXPECTED_END: ("条件表达式不完整", "The expression ends too early"),
    Code.EXPR_NUMBER_TOO_LARGE: ("数字 {token} 过大", "The number {token} is too large"),
    Code.EXPR_OPERATOR_SPELLING: (
        "请把“{found}”写作“{expected}”",
        "Write “{expected}” instead of “{found}”",
    ),
    Code.EXPR_UNKNOWN_FUNCTION: ("未知的函数“{name}”", "Unknown function “{name}”"),
    Code.EXPR_ARITY: (
        "函数 {name} 需要 {expected} 个参数，实际有 {found} 个",
        "Function {name} takes {expected} argument(s), got {found}",
    ),
    Code.EXPR_ARG_TYPE: (
        "函数 {name} 的第 {index} 个参数应为{expected}",
        "Argument {index} of {name} must be {expected}",
    ),
    Code.EXPR_CHAINED_COMPARISON: (
        "比较不能连写（如 a < b < c），请用 and 连接",
        "Comparisons cannot be chained (a < b < c); join them with and",
    ),
    Code.ANSWER_REQUIRED: ("此题为必答题", "This question is required"),
    Code.ANSWER_WRONG_TYPE: ("答案格式不正确", "The answer has the wrong format"),
    Code.ANSWER_NOT_AN_OPTION: ("“{value}”不是本题的选项", "“{value}” is not an option"),
    Code.ANSWER_TOO_FEW: ("请至少选择 {min} 项", "Select at least {min}"),
    Code.ANSWER_TOO_MANY: ("最多只能选择 {max} 项", "Select at most {max}"),
    Code.ANSWER_EXCLUSIVE: (
        "“{label}”不能与其他选项同时选择",
        "“{label}” cannot be combined with other options",
    ),
    Code.ANSWER_OTHER_TEXT_REQUIRED: ("请注明“其他”的具体内容", "Please specify “other”"),
    Code.ANSWER_TOO_SMALL: ("不能小于 {min}", "Must be at least {min}"),
    Code.ANSWER_TOO_LARGE: ("不能大于 {max}", "Must be at most {max}"),
    Code.ANSWER_NOT_INTEGER: ("请输入整数", "Enter a whole number"),
    Code.ANSWER_OFF_STEP: ("取值必须是 {step} 的整数倍", "The value must be in steps of {step}"),
    Code.ANSWER_TOO_SHORT: ("至少需要 {min} 个字", "Enter at least {min} characters"),
    Code.ANSWER_TOO_LONG: ("最多只能输入 {max} 个字", "Enter at most {max} characters"),
    Code.ANSWER_PHONE: ("请输入有效的手机号码", "Enter a valid mobile phone number"),
    Code.ANSWER_EMAIL: ("请输入有效的电子邮箱地址", "Enter a valid email address"),
    Code.ANSWER_PATTERN: ("格式不符合要求", "The answer does not have the required format"),
    Code.ANSWER_BAD_DATE: ("请输入有效日期（YYYY-MM-DD）", "Enter a valid date (YYYY-MM-DD)"),
    Code.ANSWER_DATE_TOO_EARLY: ("日期不能早于 {min}", "The date must not be before {min}"),
    Code.ANSWER_DATE_TOO_LATE: ("日期不能晚于 {max}", "The date must not be after {max}"),
    Code.ANSWER_UNKNOWN_ROW: ("“{row}”不是本题的行", "“{row}” is not a row of this question"),
    Code.ANSWER_ROWS_INCOMPLETE: ("请回答每一行", "Answer every row"),
    Code.ANSWER_RANKING_DUPLICATE: ("排序中有重复的选项", "An option appears twice in the ranking"),
    Code.ANSWER_RANKING_INCOMPLETE: ("请为所有选项排序", "Rank every option"),
    Code.ANSWER_KANO_INCOMPLETE: (
        "请同时回答“具备时”和“不具备时”两个问题",
        "Answer both the functional and the dysfunctional question",
    ),
    Code.ANSWER_CONSENT_REQUIRED: ("需要您同意后才能继续", "Your consent is required to continue"),
    Code.CONTROL_CHARACTER_REMOVED: (
        "此处含有不可见的控制字符（常见于从其他程序粘贴的文字），已删除",
        "An invisible control character (often pasted from another program) was removed here",
    ),
    Code.ANSWER_CONTROL_CHARACTER: (
        "答案中含有无法保存的不可见控制字符（常见于从其他程序粘贴的文字），请删除后重新输入",
        "The answer contains an invisible control character that cannot be stored (often"
        " pasted from another program): please delete it and type the text again",
    ),
    Code.ANSWER_DUPLICATE_OPTION: ("同一选项出现了两次", "An option appears twice"),
    Code.XLS_UNREADABLE: ("无法读取该 Excel 文件：{detail}", "Cannot read the workbook: {detail}"),
    Code.XLS_NO_SURVEY_SHEET: ("缺少 survey 工作表", "The workbook has no survey sheet"),
    Code.XLS_TOO_LARGE: (
        "该 Excel 文件解压后超过 {max} MB",
        "The workbook unpacks to more than {max} MB",
    ),
    Code.XLS_TOO_MANY_ROWS: (
        "工作表行数过多（最多 {max} 行）",
        "The sheet has too many rows (at most {max})",
    ),
    Code.XLS_MISSING_COLUMN: ("缺少“{column}”列", "Column “{column}” is missing"),
    Code.XLS_UNSUPPORTED_TYPE: (
        "不支持题型“{type}”，该行已跳过",
        "Type “{type}” is not supported; the row was skipped",
    ),
    Code.XLS_METADATA_SKIPPED: (
        "元数据字段“{type}”不采集，该行已跳过",
        "Metadata field “{type}” is not collected; the row was skipped",
    ),
    Code.XLS_REPEAT_FLATTENED: (
        "不支持重复组，组内题目只出现一次",
        "Repeats are not supported; their questions are asked once",
    ),
    Code.XLS_NESTED_GROUP: (
        "嵌套分组已并入外层页面",
        "A nested group was merged into its enclosing page",
    ),
    Code.XLS_UNMATCHED_END: ("“{type}”没有对应的开始行", "“{type}” has no matching begin row"),
    Code.XLS_UNCLOSED_GROUP: ("分组没有结束行", "The group is never closed"),
    Code.XLS_UNKNOWN_CHOICE_LIST: (
        "选项列表“{list}”不存在",
        "Choice list “{list}” does not exist",
    ),
    Code.XLS_EMPTY_CHOICE_LIST: ("选项列表“{list}”为空", "Choice list “{list}” is empty"),
    Code.XLS_DUPLICATE_CHOICE: (
        "选项列表“{list}”中“{value}”重复，仅保留第一个",
        "Choice “{value}” appears twice in list “{list}”; the first is kept",
    ),
    Code.XLS_CHOICE_WITHOUT_LABEL: (
        "选项“{value}”没有文字标签，已使用选项值",
        "Choice “{value}” has no text label; its name is used",
    ),
    Code.XLS_MISSING_NAME: ("该行缺少 name，已跳过", "The row has no name and was skipped"),
    Code.XLS_CHOICE_RENAMED: (
        "选项名称“{old}”已改为“{new}”（选项名称不含“/”，最长 100 个字符）",
        "Choice name “{old}” was changed to “{new}” (a choice name has no “/” and at most 100 "
        "characters)",
    ),
    Code.XLS_RENAMED_ID: (
        "名称“{old}”不是有效的题目编号，已改为“{new}”",
        "Name “{old}” is not a valid question id; renamed to “{new}”",
    ),
    Code.XLS_CONSTRAINT_UNSUPPORTED: (
        "约束“{expr}”无法转换，已忽略",
        "Constraint “{expr}” cannot be translated and was ignored",
    ),
    Code.XLS_PATTERN_IGNORED: (
        "约束中的正则表达式“{pattern}”无法使用，已忽略（{detail}）",
        "The regular expression “{pattern}” in the constraint cannot be used and was ignored "
        "({detail})",
    ),
    Code.XLS_RELEVANT_UNSUPPORTED: (
        "显示条件“{expr}”无法转换（{detail}），题目将始终显示",
        "Relevant “{expr}” cannot be translated ({detail}); the question is always shown",
    ),
    Code.XLS_CHOICE_FILTER_IGNORED: (
        "不支持选项过滤“{expr}”，将显示全部选项",
        "Choice filter “{expr}” is not supported; all options are shown",
    ),
    Code.XLS_COLUMN_IGNORED: (
        "“{column}”列不受支持，已忽略",
        "Column “{column}” is not supported and was ignored",
    ),
    Code.XLS_SETTING_IGNORED: ("设置“{name}”不受支持，已忽略", "Setting “{name}” was ignored"),
    Code.XLS_SHEET_IGNORED: ("工作表“{name}”不受支持，已忽略", "Sheet “{name}” was ignored"),
    Code.XLS_LANGUAGE_IGNORED: (
        "“{column}”列是另一种语言，未导入（问卷只有一种语言）",
        "Column “{column}” is in another language and was not imported (a questionnaire has "
        "one language)",
    ),
    Code.XLS_PIPE_UNKNOWN: (
        "标签中的 ${{{name}}} 不是之前的题目，显示为 [{name}]",
        "${{{name}}} in the label is not an earlier question; shown as [{name}]",
    ),
    Code.XLS_BAD_PARAMETERS: ("参数“{value}”无法识别", "Parameters “{value}” not understood"),
    Code.XLS_EXPORT_APPROXIMATED: (
        "题型“{type}”在 XLSForm 中没有对应，已近似导出为“{as_type}”",
        "Type “{type}” has no XLSForm equivalent; exported as “{as_type}”",
    ),
    Code.XLS_EXPORT_CONDITION_DROPPED: (
        "条件无法表示为 XLSForm，已省略：{detail}",
        "The condition cannot be written as XLSForm and was left out: {detail}",
    ),
}


# Words used as parameter values (the argument kinds of expression functions).
PARAMETER_WORDS: dict[str, tuple[str, str]] = {
    "question": ("题目编号", "a question id"),
    "string": ("带引号的文字", "a quoted string"),
    "value": ("一个值", "a value"),
}


problems.register(MESSAGES)


def message(code: Code, locale: str = DEFAULT_LOCALE, **params: Any) -> str:
    """The message for *code* in *locale*, from the shared catalogue (`surveys.problems`)."""
    if "expected" in params and params["expected"] in PARAMETER_WORDS:
        params["expected"] = PARAMETER_WORDS[params["expected"]][problems.is_english(locale)]
    return problems.message(Code(code), locale, **params)


@dataclass(frozen=True)
class Problem:
    """One problem found in a definition or an import, with where it is."""

    code: Code
    path: str = "$"
    severity: str = "error"  # "error" or "warning"
    params: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def message(self, locale: str = DEFAULT_LOCALE) -> str:
        return message(self.code, locale, **self.params)

    def where(self) -> str:
        if self.sheet is not None:
            parts = [f"{self.sheet}"]
            if self.row is not None:
                parts.append(f"row {self.row}")
            if self.column:
                parts.append(f"column {self.column}")
            return ", ".join(parts)
        return self.path

    def to_dict(self, locale: str = DEFAULT_LOCALE) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": str(self.code),
            "severity": self.severity,
            "path": self.path,
            "message": self.message(locale),
        }
        for key in ("sheet", "row", "column"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


class SurveysError(Exception):
    """Base class of the exceptions raised by `surveys`."""


class DefinitionError(SurveysError):
    """A definition that cannot be used; `problems` holds every problem found, with paths."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.is_error]
        summary = "; ".join(f"{p.where()}: {p.code}" for p in errors[:5])
        more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"invalid questionnaire definition: {summary}{more}")


class ExpressionError(SurveysError, CodedError):
    """An expression that cannot be parsed; `position` is a 1-based character position."""

    code: Code

    def __init__(self, code: Code, position: int | None = None, **params: Any):
        self.position = position
        if position is not None:
            params.setdefault("position", position)
        CodedError.__init__(self, Code(code), **params)
        self.args = (f"{self.code}: {self.message('en')}",)

    def message(self, locale: str = DEFAULT_LOCALE) -> str:
        return message(self.code, locale, **self.params)


class ImportFailed(SurveysError, CodedError):
    """A file that cannot be read at all (not a workbook, no survey sheet)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        CodedError.__init__(self, problem.code, **problem.params)

    def message(self, locale: str = DEFAULT_LOCALE) -> str:
        return self.problem.message(locale)
