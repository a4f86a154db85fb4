"""Exception and warning types of the statistics engine, with their problem codes.

The web layer turns a `StatsInputError` into a message beside the field it names, translated by
its `code` (`app.problems`); the CLI prints `str(error)`, the English message. A `StatsWarning`
marks a result that was computed but deserves a caveat (too few answers, a test that cannot
run). Both carry the place of the problem (a question id or column name).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from surveys import problems
from surveys.problems import CodedError


class Code(StrEnum):
    INVALID_INPUT = "stats_invalid_input"  # rare raise sites: the English text is `detail`
    UNKNOWN_COLUMN = "stats_unknown_column"
    UNKNOWN_QUESTION = "stats_unknown_question"
    UNKNOWN_QUESTION_OR_COLUMN = "stats_unknown_question_or_column"
    UNKNOWN_FILTER_COLUMN = "stats_unknown_filter_column"
    UNKNOWN_WEIGHTS_COLUMN = "stats_unknown_weights_column"
    WEIGHTS_LENGTH = "stats_weights_length"
    WEIGHTS_INVALID = "stats_weights_invalid"
    WEIGHTS_PER_RESPONSE = "stats_weights_per_response"
    WEIGHTS_NOT_NUMERIC = "stats_weights_not_numeric"
    WEIGHTS_COUNT = "stats_weights_count"
    WEIGHTS_NOT_FINITE = "stats_weights_not_finite"
    WEIGHTS_NEGATIVE = "stats_weights_negative"
    NOT_NUMERIC = "stats_not_numeric"
    CELLS_NOT_NUMERIC = "stats_cells_not_numeric"
    METRIC_NOT_NUMERIC = "stats_metric_not_numeric"
    TESTED_NOT_NUMERIC = "stats_tested_not_numeric"
    TYPE_NOT_NUMERIC = "stats_type_not_numeric"
    NO_RESPONSES = "stats_no_responses"
    TOO_FEW_ITEMS = "stats_too_few_items"
    TOO_FEW_COLUMNS = "stats_too_few_columns"
    TOO_FEW_DRIVERS = "stats_too_few_drivers"
    CORRELATION_METHOD = "stats_correlation_method"
    CONFIDENCE_RANGE = "stats_confidence_range"
    CONFIDENCE_VALUE = "stats_confidence_value"
    ALPHA_RANGE = "stats_alpha_range"
    ALTERNATIVE = "stats_alternative"
    METHOD_CHOICE = "stats_method_choice"
    CORRECTION_CHOICE = "stats_correction_choice"
    TEST_VALUE = "stats_test_value"
    REVERSE_NOT_ITEM = "stats_reverse_not_item"
    REVERSE_NO_RANGE = "stats_reverse_no_range"
    REVERSE_NO_SCALE = "stats_reverse_no_scale"
    BANNER_ROW_TYPE = "stats_banner_row_type"
    BANNER_COLUMN_TYPE = "stats_banner_column_type"
    BANNER_MATRIX_COLUMN = "stats_banner_matrix_column"
    WHOLE_NUMBERS = "stats_whole_numbers"
    NPS_ANSWERS = "stats_nps_answers"
    SUS_ANSWERS = "stats_sus_answers"
    DRIVERS_OVERLAP = "stats_drivers_overlap"
    TARGET_NOT_NUMBER = "stats_target_not_number"
    TARGET_NEGATIVE = "stats_target_negative"
    STRAY_ANSWERS = "stats_stray_answers"
    UNREADABLE_DEFINITION = "stats_unreadable_definition"
    UNREADABLE_RESPONSES = "stats_unreadable_responses"
    DEFINITION_SHAPE = "stats_definition_shape"
    QUESTION_WITHOUT_ID = "stats_question_without_id"
    UNKNOWN_TYPE = "stats_unknown_type"
    DUPLICATE_ID = "stats_duplicate_id"
    BANNER_MATRIX_ROW = "stats_banner_matrix_row"
    BANNER_MULTIPLE_ROW = "stats_banner_multiple_row"
    BANNER_NO_COLUMNS = "stats_banner_no_columns"
    BANNER_OWN_COLUMN = "stats_banner_own_column"
    SUS_ITEMS = "stats_sus_items"
    SUS_MATRIX = "stats_sus_matrix"
    RAKE_MISSING = "stats_rake_missing"
    SHARES_SUM = "stats_shares_sum"
    NOBODY_ANSWERED = "stats_nobody_answered"
    ZERO_TARGET = "stats_zero_target"
    MIXED_TARGETS = "stats_mixed_targets"
    TRIM_BOUNDS = "stats_trim_bounds"
    BASE_WEIGHTS_COUNT = "stats_base_weights_count"
    BASE_WEIGHTS_INVALID = "stats_base_weights_invalid"
    NOT_CONVERGED = "stats_not_converged"
    NOT_CONVERGED_TRIM = "stats_not_converged_trim"


# (zh_CN, en) templates; the English text is what the engine has always said.
MESSAGES: dict[Code, tuple[str, str]] = {
    Code.INVALID_INPUT: ("{detail}", "{detail}"),  # no Chinese text yet: the English detail
    Code.UNKNOWN_COLUMN: ("响应表中没有这一列", "no such column in the response table"),
    Code.UNKNOWN_QUESTION: ("问卷中没有这道题", "not a question of this questionnaire"),
    Code.UNKNOWN_QUESTION_OR_COLUMN: (
        "问卷中没有这道题或这一列",
        "not a question or column of this questionnaire",
    ),
    Code.UNKNOWN_FILTER_COLUMN: ("没有可用于筛选的这一列", "no such column to filter on"),
    Code.UNKNOWN_WEIGHTS_COLUMN: ("没有可用作权重的这一列", "no such column for the weights"),
    Code.WEIGHTS_LENGTH: (
        "权重的个数必须与答卷数相同",
        "weights must have one value per response",
    ),
    Code.WEIGHTS_INVALID: (
        "权重必须是有限的非负数，且不能全为 0",
        "weights must be finite, non-negative and not all zero",
    ),
    Code.WEIGHTS_PER_RESPONSE: (
        "每份答卷需要一个有限的非负权重",
        "one finite, non-negative weight per response",
    ),
    Code.WEIGHTS_NOT_NUMERIC: ("权重必须是数字", "weights must be numbers"),
    Code.WEIGHTS_COUNT: (
        "每个答案需要一个权重（{expected} 个），实际有 {got} 个",
        "need one weight per answer ({expected}), got {got}",
    ),
    Code.WEIGHTS_NOT_FINITE: (
        "有 {count} 个权重为空或为无穷大",
        "{count} weight(s) blank or infinite",
    ),
    Code.WEIGHTS_NEGATIVE: ("有 {count} 个权重为负数", "{count} negative weight(s)"),
    Code.NOT_NUMERIC: ("答案必须是数字", "answers must be numbers"),
    Code.CELLS_NOT_NUMERIC: (
        "有 {count} 个单元格不是数字，例如 {example!r}",
        "{count} cell(s) are not numbers, e.g. {example!r}",
    ),
    Code.METRIC_NOT_NUMERIC: (
        "被比较的答案必须是数值（或已计分）",
        "the compared answer must be numeric (or scored)",
    ),
    Code.TESTED_NOT_NUMERIC: (
        "被检验的答案必须是数值（或已计分）",
        "the tested answer must be numeric (or scored)",
    ),
    Code.TYPE_NOT_NUMERIC: (
        "{type} 题的答案不能作为数值比较",
        "a {type} answer cannot be compared as a number",
    ),
    Code.NO_RESPONSES: ("没有可加权的答卷", "no responses to weight"),
    Code.TOO_FEW_ITEMS: ("量表至少需要两道不同的题", "a scale needs at least two different items"),
    Code.TOO_FEW_COLUMNS: (
        "相关矩阵至少需要两个不同的列",
        "a correlation matrix needs two or more different columns",
    ),
    Code.TOO_FEW_DRIVERS: ("请至少指定一个驱动因素", "name at least one driver"),
    Code.CORRELATION_METHOD: (
        "相关方法只能是 pearson 或 spearman",
        "method is pearson or spearman",
    ),
    Code.CONFIDENCE_RANGE: ("置信水平必须在 0 和 1 之间", "confidence lies between 0 and 1"),
    Code.CONFIDENCE_VALUE: (
        "置信水平必须在 0 和 1 之间，实际为 {confidence!r}",
        "confidence must be between 0 and 1, got {confidence!r}",
    ),
    Code.ALPHA_RANGE: ("显著性水平必须在 0 和 1 之间", "alpha lies between 0 and 1"),
    Code.ALTERNATIVE: (
        "备择假设只能是 two-sided、less 或 greater",
        "alternative is two-sided, less or greater",
    ),
    Code.METHOD_CHOICE: ("方法必须是 {methods} 之一", "method must be one of {methods}"),
    Code.CORRECTION_CHOICE: ("校正方法只能是 {corrections}", "correction is one of {corrections}"),
    Code.TEST_VALUE: (
        "检验的对比值必须是有限的数",
        "the value to test against is a finite number",
    ),
    Code.REVERSE_NOT_ITEM: (
        "反向计分的题目必须是量表中的题目",
        "a reverse-keyed item must be one of the items",
    ),
    Code.REVERSE_NO_RANGE: (
        "反向计分的题目需要其量表的（最小值，最大值）",
        "a reverse-keyed item needs its scale's (min, max)",
    ),
    Code.REVERSE_NO_SCALE: (
        "反向计分的题目需要有明确最小值和最大值的量表",
        "a reverse-keyed item needs a scale with a defined min and max",
    ),
    Code.BANNER_ROW_TYPE: (
        "{type} 题的答案不能作为横幅表的行",
        "a {type} answer cannot be the rows of a banner",
    ),
    Code.BANNER_COLUMN_TYPE: (
        "{type} 题的答案不能作为横幅表的列",
        "a {type} answer cannot be a banner column",
    ),
    Code.BANNER_MATRIX_COLUMN: (
        "矩阵题要按行作为横幅表的列（qid/row）",
        "a {type} answer cannot be a banner column (use qid/row for a matrix)",
    ),
    Code.WHOLE_NUMBERS: (
        "答案必须是 {low}–{high} 的整数",
        "answers must be whole numbers {low}–{high}",
    ),
    Code.NPS_ANSWERS: ("NPS 答案必须是 0–10 的整数", "NPS answers are whole numbers 0–10"),
    Code.SUS_ANSWERS: ("SUS 各题的答案必须是 1–5", "SUS items are answered 1–5"),
    Code.DRIVERS_OVERLAP: (
        "结果变量与驱动因素必须是不同的列",
        "the outcome and the drivers must be different columns",
    ),
    Code.TARGET_NOT_NUMBER: (
        "“{category}”的目标值不是数字",
        "target for {category!r} is not a number",
    ),
    Code.TARGET_NEGATIVE: (
        "“{category}”的目标值必须是不小于 0 的数",
        "target for {category!r} must be a number ≥ 0",
    ),
    Code.STRAY_ANSWERS: ("这些答案没有目标值：{answers}", "answers without a target: {answers}"),
    Code.UNREADABLE_DEFINITION: (
        "无法读取问卷定义：{error}",
        "cannot read the definition: {error}",
    ),
    Code.UNREADABLE_RESPONSES: (
        "无法读取答卷表：{error}",
        "cannot read the response table: {error}",
    ),
    Code.DEFINITION_SHAPE: (
        "问卷定义必须是含有页面列表（pages）的对象",
        "a definition is an object with a list of pages",
    ),
    Code.QUESTION_WITHOUT_ID: ("每道题都需要一个 id", "a question needs an id"),
    Code.UNKNOWN_TYPE: ("未知的题型 {type!r}", "unknown question type {type!r}"),
    Code.DUPLICATE_ID: ("题目 id {id!r} 重复", "duplicate question id {id!r}"),
    Code.BANNER_MATRIX_ROW: (
        "矩阵题要按行（qid/row）作为横幅表的行",
        "a matrix question is tabulated one row at a time (qid/row)",
    ),
    Code.BANNER_MULTIPLE_ROW: (
        "多选题作为一个整体列表：请写题目 id",
        "a multiple choice is tabulated as a set: name its id",
    ),
    Code.BANNER_NO_COLUMNS: (
        "横幅表至少需要一道列变量题",
        "a banner needs at least one column question",
    ),
    Code.BANNER_OWN_COLUMN: (
        "一道题不能作为自己的横幅表列",
        "a question cannot be its own banner column",
    ),
    Code.SUS_ITEMS: ("SUS 恰好有 10 道题", "the SUS has exactly 10 items"),
    Code.SUS_MATRIX: ("SUS 题必须是有 10 行的矩阵题", "the SUS question is a matrix with 10 rows"),
    Code.RAKE_MISSING: (
        "有 {missing} 份答卷没有回答这道题；加权要求每位受访者都属于某一类别"
        "（请先插补，或选择所有人都回答了的题）",
        "{missing} responses have no answer; raking needs every respondent in a category "
        "(impute first, or choose a question everyone answered)",
    ),
    Code.SHARES_SUM: (
        "目标比例之和为 {total:.4g}，不是 1（允许 ±{tolerance:g}）",
        "target shares sum to {total:.4g}, not 1 (±{tolerance:g} allowed)",
    ),
    Code.NOBODY_ANSWERED: (
        "没有人回答“{value}”，任何权重都无法达到它的目标",
        "nobody answered {value!r}, so no weight can reach its target",
    ),
    Code.ZERO_TARGET: (
        "“{value}”的目标为 0，但有 {count} 位受访者",
        "{value!r} has a target of 0 but {count} respondents",
    ),
    Code.MIXED_TARGETS: (
        "目标必须全部是比例，或全部是合计为同一总体人数的人数",
        "targets must be all shares, or all counts summing to the same population total",
    ),
    Code.TRIM_BOUNDS: (
        "截尾界限必须满足 0 < 下限 ≤ 1 ≤ 上限（以平均权重计），实际为 ({low}, {high})",
        "trimming bounds must satisfy 0 < low ≤ 1 ≤ high (times the mean weight), "
        "got ({low}, {high})",
    ),
    Code.BASE_WEIGHTS_COUNT: (
        "有 {count} 个基础权重，但有 {n} 行",
        "{count} base weights for {n} rows",
    ),
    Code.NOT_CONVERGED: (
        "加权在 {passes} 轮内未达到目标（最大差距 {gap:.2%}）；各边际分布可能相互矛盾",
        "raking did not reach the targets in {passes} passes (largest gap {gap:.2%}); the "
        "margins may contradict each other",
    ),
    Code.NOT_CONVERGED_TRIM: (
        "加权在 {passes} 轮内未达到目标（最大差距 {gap:.2%}）；各边际分布可能相互矛盾，"
        "或截尾界限太紧",
        "raking did not reach the targets in {passes} passes (largest gap {gap:.2%}); the "
        "margins may contradict each other or the trimming bounds are too tight",
    ),
    Code.BASE_WEIGHTS_INVALID: (
        "基础权重必须是有限的正数",
        "base weights must be positive finite numbers",
    ),
}
problems.register(MESSAGES)


# (zh_CN, en) messages of `analyses.SpecError` codes, under "analysis_<code>" (the codes
# themselves are the spec contract and stay short).
SPEC_MESSAGES: dict[str, tuple[str, str]] = {
    "analysis_unknown_kind": (
        "请选择一种分析。",
        "Choose an analysis.",
    ),
    "analysis_unknown_key": (
        "这种分析没有这项设置。",
        "This analysis does not take that setting.",
    ),
    "analysis_missing": (
        "请至少选择一个问题。",
        "Choose at least one question.",
    ),
    "analysis_unknown_question": (
        "“{id}”不是本问卷的问题。",
        "“{id}” is not a question of this questionnaire.",
    ),
    "analysis_wrong_type": (
        "这种类型的问题不能用在这里。",
        "A question of this type cannot be used here.",
    ),
    "analysis_same_question": (
        "请换一个问题：它已经用在这个分析里了。",
        "Choose a different question: it is already used in this analysis.",
    ),
    "analysis_bad_filter": (
        "请选择筛选问题要保留的答案。",
        "Choose the values of the filter question to keep.",
    ),
    "analysis_filter_values": (
        "请选择筛选问题要保留的答案。",
        "Choose the values of the filter question to keep.",
    ),
    "analysis_not_boolean": (
        "这项设置只能打开或关闭。",
        "This setting is on or off.",
    ),
    "analysis_bad_alpha": (
        "显著性水平是 0 到 0.5 之间的数。",
        "The significance level is a number between 0 and 0.5.",
    ),
    "analysis_no_responses": (
        "还没有可以分析的完整回答。",
        "There are no complete responses to analyse yet.",
    ),
    "analysis_no_weights": (
        "尚未为本问卷设置权重：请先在“加权”页面设置目标边际分布。",
        "No survey weights are set up for this questionnaire: set target margins on the "
        "Weighting page first.",
    ),
    "analysis_weights_stale": (
        "已保存的加权方案与现有答卷不再匹配：请在“加权”页面检查。",
        "The saved weighting no longer fits the responses: check it on the Weighting page.",
    ),
    "analysis_empty_filter": (
        "筛选后没有剩下任何回答：请多保留一些答案。",
        "No response is left after the filter: keep more values.",
    ),
    "analysis_all_missing": (
        "参与分析的回答中没有人回答这个问题。",
        "Nobody in the analysed responses answered this question.",
    ),
    "analysis_too_few": (
        "相关矩阵至少需要两个可以求相关的答案。",
        "A correlation matrix needs at least two answers to correlate.",
    ),
    "analysis_engine": (
        "无法按这些设置运行这个分析。",
        "This analysis cannot be run with these settings.",
    ),
}
problems.register(SPEC_MESSAGES)


class StatsInputError(CodedError, ValueError):
    """Bad input to a statistic: `code` and `params` say what, `location` says where.

    `StatsInputError("free English text", location)` is the generic code with the text as its
    `detail`; common problems are raised as `StatsInputError(location=..., code=Code.X, ...)`.
    """

    default_code = Code.INVALID_INPUT

    def __init__(
        self,
        message: str | None = None,
        location: str | None = None,
        *,
        code: Code | None = None,
        **params: Any,
    ) -> None:
        if message is not None:
            code, params = code or Code.INVALID_INPUT, {"detail": message, **params}
        super().__init__(code or self.default_code, location, **params)


class UnknownColumnError(StatsInputError):
    """A name that is not a column of the response table: a usage error (CLI exit code 2)."""

    default_code = Code.UNKNOWN_COLUMN


class StatsWarning(UserWarning):
    """A caveat on a computed statistic (never silenced by the engine itself)."""
