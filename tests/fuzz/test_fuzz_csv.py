"""Fuzz of the CSV readers (issue 29.7): participant attributes uploaded to a study, the
statistics engine's response table, and the text engine's command-line input. Any bytes give
a result or the reader's own error (with a code or a message naming the file), never another
exception. (The web import of responses is not on main yet; its reader belongs here.)"""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.stats.errors import StatsInputError
from analysis.stats.table import read_responses
from analysis.text.inputs import InputError, read_input
from app.extensions import db
from app.interviews.participants import import_attributes_csv
from app.interviews.services import InterviewError
from surveys.problems import CATALOGUE
from tests.factories import make_interview, study_with_roles
from tests.question_samples import sample_definition

PIECES = [
    *("participant", "参与者", "受访者", "年龄", "城市", "text", "评论", "P01", "张三"),
    *(",", ";", "\t", '"', '""', "\n", "\r\n", "\r", "\ufeff", "\x00", "=cmd|' /C calc'!A0"),
    *("配送很快", "1e400", "", " ", "\u3000", "\ud800"),
]
csv_texts = st.lists(st.sampled_from(PIECES), max_size=50).map("".join)
csv_bytes = st.one_of(
    st.tuples(csv_texts, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])).map(
        lambda pair: pair[0].encode(pair[1], "replace")
    ),
    st.binary(max_size=300),
)


@pytest.fixture
def study(ctx):
    """A study with one interview of participant P01, shared by the examples of a test."""
    study, _ = study_with_roles()
    make_interview(study, participant="P01")
    return study


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_bytes)
@example(data="participant,城市\rP01,上\r海\n".encode())
@example(data=b"participant\n" + b"x" * 200_000)
def test_any_participant_csv_updates_or_is_refused_with_a_code(study, data):
    try:
        result = import_attributes_csv(study, data)
    except InterviewError as error:
        assert error.code.startswith("csv_")
        db.session.rollback()
        return
    assert set(result.updated) <= {"P01"}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_bytes, suffix=st.sampled_from([".csv", ".tsv", ".txt", ".xlsx"]))
def test_any_text_input_is_read_or_refused_naming_the_file(tmp_path, data, suffix):
    path = tmp_path / f"评论{suffix}"
    path.write_bytes(data)
    try:
        read_input(path)
    except InputError as error:
        assert str(path) in str(error)


RESPONSE_PIECES = [
    *("response_id", "submitted_at", "duration_s", "q_rating", "q_nps", "q_multiple_choice"),
    *("q_multiple_choice/1", "q_matrix/r1", "attr:城市", "paradata:", "时长", "用时（秒）"),
    *(",", "\n", "\r\n", '"', "1", "4.5", "-3", "1e400", "NaN", "inf", "是", "10", " ", ""),
]
response_tables = st.one_of(
    st.lists(st.sampled_from(RESPONSE_PIECES), max_size=60).map(lambda p: "".join(p).encode()),
    st.binary(max_size=300),
)


@pytest.mark.filterwarnings("ignore::analysis.stats.errors.StatsWarning")
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=response_tables, suffix=st.sampled_from([".csv", ".xlsx"]), typed=st.booleans())
def test_any_response_table_is_read_or_refused_with_a_stats_error(tmp_path, data, suffix, typed):
    """The statistics engine's response table (CSV or XLSX, as exported)."""
    path = tmp_path / f"responses{suffix}"
    path.write_bytes(data)
    try:
        read_responses(path, sample_definition() if typed else None)
    except StatsInputError as error:
        assert str(error.code) in CATALOGUE
