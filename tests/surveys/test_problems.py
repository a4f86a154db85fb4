"""One shape for problems: surveys', the transcript importer's and the stats engine's errors
are all a code with parameters, rendered from the one catalogue in `surveys.problems`."""

import pandas as pd
import pytest

from analysis.stats import crosstab
from analysis.stats.errors import Code as StatsCode
from analysis.stats.errors import StatsInputError, UnknownColumnError
from analysis.stats.report import summarise
from analysis.transcripts import parse_transcript
from analysis.transcripts.errors import ErrorCode, TranscriptError, WarningCode
from surveys import problems
from surveys.errors import Code as SurveysCode
from surveys.errors import ExpressionError


def test_every_code_of_every_package_has_a_chinese_and_an_english_message():
    codes = [*SurveysCode, *StatsCode, *ErrorCode, *WarningCode]
    assert len({str(c) for c in codes}) == len(codes)  # unique across packages
    for code in codes:
        zh, en = problems.CATALOGUE[str(code)]
        assert (zh and en and zh != en) or code is StatsCode.INVALID_INPUT


def test_registering_a_code_twice_with_other_text_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        problems.register({"stats_unknown_column": ("别的", "other")})


def test_an_unknown_column_is_a_coded_problem_with_its_place():
    frame = pd.DataFrame({"a": ["1", "2"]})
    with pytest.raises(UnknownColumnError) as caught:
        crosstab(frame, "a", "无此列")
    error = caught.value
    assert error.code is StatsCode.UNKNOWN_COLUMN and error.location == "无此列"
    assert str(error) == "无此列: no such column in the response table"
    assert error.message("zh_CN") == "响应表中没有这一列"


def test_bad_weights_have_their_own_code_in_both_languages():
    definition = {"pages": [{"id": "p", "questions": [{"id": "a", "type": "number"}]}]}
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(StatsInputError) as caught:
        summarise(definition, frame, weights=[1.0])
    assert caught.value.code is StatsCode.WEIGHTS_LENGTH
    assert caught.value.message("zh_CN") == "权重的个数必须与答卷数相同"
    assert caught.value.message("en") == "weights must have one value per response"


def test_a_rare_engine_problem_keeps_its_english_text_as_a_parameter():
    error = StatsInputError("alpha lies between 0 and 1", "alpha")
    assert error.code is StatsCode.INVALID_INPUT
    assert error.params == {"detail": "alpha lies between 0 and 1"}
    assert str(error) == "alpha: alpha lies between 0 and 1"


def test_transcript_and_expression_errors_render_through_the_same_catalogue():
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(b"", "empty.txt")
    error = caught.value
    assert error.code is ErrorCode.EMPTY
    assert error.message("zh_CN") == problems.message("empty", "zh_CN") == error.message_zh
    assert error.message("en") == "The file is empty: there is no text to import"
    expression = ExpressionError(SurveysCode.EXPR_EMPTY)
    assert expression.message("en") == problems.message("expr_empty", "en")


def test_a_refused_analysis_spec_is_worded_from_the_same_catalogue():
    from analysis.stats.analyses import SpecError

    error = SpecError("unknown_question", "not a question", "questions", id="q9")
    assert error.code == "unknown_question" and error.field == "questions"
    assert error.message("zh_CN") == "“q9”不是本问卷的问题。"
    assert error.message("en") == "“q9” is not a question of this questionnaire."
    unknown = SpecError("some_new_code", "whatever")
    assert unknown.message("en") == "This analysis cannot be run with these settings."
