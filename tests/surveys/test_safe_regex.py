"""User-written regular expressions: linear time, Python's meaning, clear refusals (issue 30.3)."""

import pytest

from surveys import Code, load_definition, safe_regex, validate_answers, validate_definition
from surveys.xlsform import read_xlsform

from .test_xlsform_import import questions, warnings_at, workbook_bytes

# Nested quantifiers: Python's re doubles its time with each character before the "!"
# (issue 30: 12 s at 25 characters). RE2 answers at once; the test asserts the answer only.
EVIL = [r"(a+)+$", r"([A-Za-z0-9]+)+$", r"(a|aa)+$", r"(.*a){12}$", r"^(\w+\s?)*$"]


@pytest.mark.parametrize("pattern", EVIL)
@pytest.mark.parametrize("length", [30, 60])
def test_nested_quantifiers_answer_on_long_text(pattern, length):
    compiled = safe_regex.compile(pattern)
    assert compiled.fullmatch("a" * length + "!") is None
    assert compiled.search("a" * length + "!") is None


def test_nested_quantifier_still_matches_what_it_should():
    assert safe_regex.compile(r"([A-Za-z0-9]+)+$").fullmatch("a1" * 30)
    assert safe_regex.compile(r"(a+)+$").search("!" + "a" * 60).span() == (1, 61)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"^\w{2,4}$", "张小凡"),  # \w is Unicode, as in Python (RE2's own \w is ASCII)
        (r"^[\u4e00-\u9fa5]{2,4}$", "李小龙"),  # \uXXXX, the usual spelling in Chinese forms
        (r"^\d{3}$", "１２３"),  # full-width digits are digits in Python
        (r"^[\w\s]+$", "张三\u3000李四"),  # the ideographic space is a space
        (r"^\W+$", "，。！"),
        (r"^[\w-\.]+@qq\.com$", "zhang-san.li@qq.com"),  # valid in XPath and JavaScript too
        (r"^[]a]+\Z", "a]a"),
    ],
)
def test_patterns_written_for_python_keep_their_meaning(pattern, text):
    assert safe_regex.compile(pattern).fullmatch(text)


def test_ascii_classes_still_refuse_what_they_refused():
    assert safe_regex.compile(r"^\d+$").fullmatch("12a") is None
    assert safe_regex.compile(r"^\w+$").fullmatch("张 三") is None
    assert safe_regex.compile(r"^\\w$").fullmatch("\\w")  # an escaped backslash stays one


@pytest.mark.parametrize("pattern", [r"(a)\1", r"^(?=.*\d).+$", r"(?<!0)1", r"(?P<x>a)(?P=x)",
                                     r"(?>a+)b", r"[\W_]"])  # fmt: skip
def test_backtracking_features_are_refused_with_a_message(pattern):
    with pytest.raises(safe_regex.PatternError) as caught:
        safe_regex.compile(pattern)
    assert caught.value.code == Code.UNSUPPORTED_PATTERN
    assert "不支持反向引用" in caught.value.message("zh_CN")
    assert "back-references" in caught.value.message("en")


def test_invalid_and_overlong_patterns_are_refused_with_a_message():
    with pytest.raises(safe_regex.PatternError) as caught:
        safe_regex.compile("[未闭合")
    assert caught.value.code == Code.INVALID_PATTERN
    assert caught.value.message("zh_CN").startswith("正则表达式无效：missing ]")
    with pytest.raises(safe_regex.PatternError) as caught:
        safe_regex.compile("a" * (safe_regex.MAX_PATTERN_LENGTH + 1))
    assert caught.value.code == Code.PATTERN_TOO_LONG
    assert safe_regex.compile("a" * safe_regex.MAX_PATTERN_LENGTH)


def test_pattern_past_the_memory_budget_is_refused_with_a_message():
    assert safe_regex.compile(r"^\w{1,100}$").fullmatch("张" * 100)
    with pytest.raises(safe_regex.PatternError) as caught:
        safe_regex.compile(r"^\w{1,300}$")
    assert caught.value.code == Code.PATTERN_TOO_LONG
    assert "过于复杂（pattern too large" in caught.value.message("zh_CN")


def form(pattern):
    return {
        "schema_version": 1,
        "title": "会员信息",
        "language": "zh_CN",
        "pages": [
            {
                "id": "p1",
                "questions": [
                    {"id": "code", "type": "short_text", "title": "会员号", "pattern": pattern}
                ],
            }
        ],
    }


def test_definition_check_reports_unsupported_pattern_at_its_path():
    problems = [p for p in validate_definition(form(r"^(\d)\1+$")) if p.is_error]
    assert [(p.code, p.path) for p in problems] == [
        (Code.UNSUPPORTED_PATTERN, "$.pages[0].questions[0].pattern")
    ]


@pytest.mark.parametrize("pattern", [r"([A-Za-z0-9]+)+$", r"(a+)+$"])
def test_evil_answer_pattern_checks_a_long_answer(pattern):
    result = validate_answers(form(pattern), {"code": "a" * 60 + "!"})
    assert result.codes == {"code": Code.ANSWER_PATTERN}
    assert validate_answers(form(pattern), {"code": "a" * 60}).ok


def test_stored_version_with_backreference_still_takes_answers():
    """Published before RE2 (Python's re accepted it): the respondent is not shut out; the
    pattern is skipped and the builder shows the error to the researcher."""
    load_definition(form(r"^(ab)\1$"))
    assert validate_answers(form(r"^(ab)\1$"), {"code": "abab"}).ok


def test_xlsform_pattern_valid_in_xpath_imports():
    data = workbook_bytes(
        [["type", "name", "label", "constraint"],
         ["text", "mail", "邮箱", r"regex(., '^[\w-\.]+@[\w-\.]+$')"]]
    )  # fmt: skip
    result = read_xlsform(data)
    assert result.ok, [p.to_dict() for p in result.errors]
    assert questions(result)["mail"]["pattern"] == r"^[\w-\.]+@[\w-\.]+$"


def test_xlsform_pattern_that_cannot_compile_is_a_row_warning_not_a_refusal():
    data = workbook_bytes(
        [["type", "name", "label", "constraint"],
         ["text", "pin", "密码", r"regex(., '^(\d)\1{5}$') and string-length(.) <= 6"],
         ["text", "name", "姓名", "regex(., '[未闭合')"],
         ["text", "city", "城市"]]
    )  # fmt: skip
    result = read_xlsform(data)
    assert result.ok, [p.to_dict() for p in result.errors]
    qs = questions(result)
    assert "pattern" not in qs["pin"] and qs["pin"]["max_length"] == 6
    assert "pattern" not in qs["name"] and "city" in qs
    assert warnings_at(result, Code.XLS_PATTERN_IGNORED) == [
        ("survey", 2, "constraint"),
        ("survey", 3, "constraint"),
    ]
    warning = next(w for w in result.warnings if w.code == Code.XLS_PATTERN_IGNORED)
    assert "无法使用，已忽略" in warning.message("zh_CN")
