"""The export layout of each tool, as data: one `Layout` per tool, saying how many header
rows it has, which columns hold the respondent's id, times and duration, which are further
facts about the respondent, and how its cells spell a multiple choice, a skipped question and
an "other" text (`Conventions`). `surveys.imports.layouts` reads a file by one of them; where
each layout is documented: tests/data/imports/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Conventions:
    """How a tool's cells spell answers."""

    separators: tuple[str, ...] = ()  # between the choices of a multiple choice in one cell
    ranking_separators: tuple[str, ...] = ()
    missing: frozenset[str] = frozenset()  # codes for skipped / not shown, read as no answer
    # …and those that are no answer only where a number is not one (a choice, a matrix row):
    # Qualtrics's -99 (seen, not answered) in a number question stays -99.
    missing_codes: frozenset[str] = frozenset()
    other_brackets: tuple[str, str] | None = None  # 问卷星: 其他〖text〗
    position_codes: bool = False  # an option may be given by its position 1..k
    # 腾讯问卷 with option letters shown: "B.女" for the second option, 女 (letter and label
    # must both fit)
    letter_prefixes: bool = False


@dataclass(frozen=True)
class Layout:
    tool: str
    header_rows: int
    id_column: str
    submitted_column: str
    started_column: str = ""
    duration_column: str = ""
    meta: frozenset[str] = frozenset()  # further columns about the respondent, not answers
    meta_prefixes: tuple[str, ...] = ()
    conventions: Conventions = field(default_factory=Conventions)
    # between a question and its option or row in one column's header, besides the dashes
    # every numbered layout takes ("题目—行")
    part_marks: tuple[str, ...] = ()
    submitted_zone: str | None = None  # the zone of the submitted column, when it is fixed


# 问卷星: (跳过) / -3 skipped by a jump, -2 not shown by a display condition, (空) left empty.
# Its numeric download writes -3 and -2 in every kind of column, so a number question's own
# -3 cannot be told from a skip: it reads as no answer.
WJX_MISSING = frozenset({"(跳过)", "（跳过）", "(空)", "（空）", "-3", "-2"})
LAYOUTS: dict[str, Layout] = {
    # 问卷星 (wjx.cn) "按选项文本" and "按选项序号" downloads.
    "wjx": Layout(
        tool="wjx",
        header_rows=1,
        id_column="序号",
        submitted_column="提交答卷时间",
        duration_column="所用时间",
        meta=frozenset({"来源", "来源详情", "来自IP", "总分", "用户ID", "昵称", "答题序号"}),
        conventions=Conventions(
            separators=("┋",),
            ranking_separators=("→",),
            missing=WJX_MISSING,
            other_brackets=("〖", "〗"),
            position_codes=True,
        ),
    ),
    # 腾讯问卷 (wj.qq.com) "导出数据", as public code reading these exports shows it
    # (tests/data/imports/README.md): the meta columns below, "N.题目" per question, one
    # "N.题目:选项" column per option of a multiple choice (the option when chosen, else
    # empty) and "N.题目:其他_填空" for the text typed in its blank, "N.题目_填空K" per blank
    # of a multi-blank question (left to the mapping screen), times as "02-Feb-2021 20:26:58"
    # or ISO, a last column without a header (every row ends with a comma).
    "tencent": Layout(
        tool="tencent",
        header_rows=1,
        id_column="编号",
        submitted_column="结束答题时间",
        started_column="开始答题时间",
        duration_column="答题时长",
        meta=frozenset(
            {
                "地理位置国家和地区",
                "地理位置省",
                "地理位置市",
                "用户类型",
                "用户标识",
                "昵称",
                "自定义字段",
                "IP",
                "UA",
                "Referrer",
                "语言",
                "清洗数据结果",
                "智能清洗数据无效概率",
                "审核状态",
                "中奖时间",
                "中奖金额",
                "来源",
                "原始记录编号",
                "数据版本",
            }
        ),
        conventions=Conventions(
            separators=("┋", "|"),
            ranking_separators=("→", ">"),
            missing=frozenset({"(跳过)", "(空)", "-"}),
            position_codes=True,
            letter_prefixes=True,
        ),
        part_marks=(":",),
    ),
    # Qualtrics "Download Data", CSV/Excel: names, question texts, ImportId JSON.
    "qualtrics": Layout(
        tool="qualtrics",
        header_rows=3,
        id_column="ResponseId",
        submitted_column="RecordedDate",
        started_column="StartDate",
        duration_column="Duration (in seconds)",
        meta=frozenset(
            {
                "EndDate",
                "Status",
                "IPAddress",
                "Progress",
                "Finished",
                "RecipientLastName",
                "RecipientFirstName",
                "RecipientEmail",
                "ExternalReference",
                "ExternalDataReference",
                "LocationLatitude",
                "LocationLongitude",
                "DistributionChannel",
                "UserLanguage",
            }
        ),
        conventions=Conventions(
            separators=(",",), missing_codes=frozenset({"-99"}), position_codes=True
        ),
    ),
    # KoboToolbox "Downloads", CSV (";" by default) or XLS, XML values or labels.
    "kobo": Layout(
        tool="kobo",
        header_rows=1,
        id_column="_uuid",
        submitted_column="_submission_time",
        meta=frozenset(
            {
                "start",
                "end",
                "today",
                "deviceid",
                "username",
                "phonenumber",
                "simserial",
                "subscriberid",
                "audit",
                "__version__",
                "instanceID",
                "meta/instanceID",
                "meta/deprecatedID",
            }
        ),
        meta_prefixes=("_",),
        conventions=Conventions(separators=(" ",), ranking_separators=(" ",)),
        submitted_zone="UTC",  # the server's time, without an offset
    ),
    # SurveyMonkey "Export", "All individual responses", CSV or XLS: question, then sub-label.
    "surveymonkey": Layout(
        tool="surveymonkey",
        header_rows=2,
        id_column="Respondent ID",
        submitted_column="End Date",
        started_column="Start Date",
        meta=frozenset({"Collector ID", "IP Address", "Email Address", "First Name", "Last Name"}),
        meta_prefixes=("Custom Data",),
    ),
    # Wenfang's own response table (`surveys.response_table`), values or labels in the cells.
    "wenfang": Layout(
        tool="wenfang",
        header_rows=1,
        id_column="response_id",
        submitted_column="submitted_at",
        duration_column="duration_s",
        meta=frozenset({"status", "_weight"}),
        conventions=Conventions(separators=("；",)),
    ),
    # Any other table: one header row, columns chosen on the mapping screen.
    "csv": Layout(tool="csv", header_rows=1, id_column="", submitted_column=""),
}
TOOLS = tuple(LAYOUTS)
# Qualtrics's Status of a response given in preview or by the test-response generator.
QUALTRICS_TESTS = frozenset({"1", "2", "Survey Preview", "Survey Test"})
