"""Fuzz of the importers (issue 29.7): XLSForm workbooks (damaged files, damaged XML, random
cells), REFI-QDA codebooks (damaged XML) and the zip check in front of them. Each gives a
result or its documented error (`ImportFailed`, `QdaError`, `ZipRefused`) with a message,
never another exception."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from analysis.qda import QdaCode, QdaError, read_codebook, write_codebook
from surveys.errors import ImportFailed
from surveys.problems import CATALOGUE
from surveys.safe_zip import ZipRefused, check_zip_archive
from surveys.xlsform import Sheet, read_xlsform, sheets_to_definition
from tests.fuzz.mutations import mutated, mutated_text
from tests.hostile import BILLION_LAUGHS, EXTERNAL

XLSFORM_DATA = Path(__file__).parents[1] / "data" / "xlsform"
HONEST_XLSX = (XLSFORM_DATA / "xlsform_spec_test.xlsx").read_bytes()
# Workbooks are slow to build and read: a quarter of the profile's examples for these, and a
# deadline that a loaded machine meets (it still ends an example that hangs).
FEWER = settings(
    max_examples=max(10, settings().max_examples // 4),
    deadline=timedelta(seconds=15),
    suppress_health_check=[HealthCheck.too_slow],
)


def _imported_or_refused(data: bytes) -> None:
    try:
        result = read_xlsform(data)
    except ImportFailed as failure:
        assert str(failure.problem.code) in CATALOGUE
        assert failure.problem.message("zh_CN") and failure.problem.message("en")
        return
    for problem in result.warnings + result.errors:
        assert str(problem.code) in CATALOGUE


def _rezipped(data: bytes, member: str, edit) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item.filename, edit(content) if item.filename == member else content)
    return out.getvalue()


@FEWER
@given(mutated(HONEST_XLSX))
def test_a_damaged_workbook_file_is_imported_or_refused(data):
    _imported_or_refused(data)


XML_PIECES = [
    *("<", ">", "</", "/>", "&", "&amp;", "&#0;", "&#xD800;", '"', "'", "=", "]]>", "<!--"),
    *('<c r="A1" t="s"><v>99999</v></c>', '<c r="XFD1048577"><v>1</v></c>', "<v>1e400</v>"),
    *('<row r="0">', '<row r="99999999">', "<sheetData/>", '<c t="b"><v>2</v></c>'),
    *('<c t="d"><v>not a date</v></c>', '<c t="n"><v>NaN</v></c>', "<is><t>选项</t></is>"),
    *(BILLION_LAUGHS, EXTERNAL, "<?xml version='1.0' encoding='gbk'?>", "\x00", "中文"),
]
PARTS = ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml"]


@FEWER
@given(st.sampled_from(PARTS).flatmap(lambda part: st.tuples(st.just(part), st.data())))
def test_a_workbook_whose_xml_is_damaged_is_imported_or_refused(case):
    part, data = case
    original = zipfile.ZipFile(io.BytesIO(HONEST_XLSX)).read(part).decode("utf-8")
    text = data.draw(mutated_text(original, XML_PIECES))
    _imported_or_refused(_rezipped(HONEST_XLSX, part, lambda _: text.encode("utf-8", "replace")))


TYPES = [
    *("text", "integer", "decimal", "select_one yn", "select_multiple yn", "select_one", "note"),
    *("begin group", "end group", "begin repeat", "end repeat", "rank yn", "range", "date"),
    *("select_one_from_file x.csv", "geopoint", "calculate", "acknowledge", "选择题", ""),
]
HEADERS = [
    *("type", "name", "label", "label::Chinese (zh)", "label::English (en)", "hint"),
    *("required", "relevant", "constraint", "choice_filter", "parameters", "appearance"),
]
cells = st.one_of(
    st.sampled_from(TYPES),
    st.sampled_from(["yes", "true()", "${q1} > 3", "selected(${q1}, 'a')", "q1", "start=1 end=0"]),
    st.text(max_size=12),
)


@st.composite
def sheet_sets(draw):
    survey_columns = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6, unique=True))
    rows = [
        (number, draw(st.fixed_dictionaries({}, optional=dict.fromkeys(survey_columns, cells))))
        for number in range(2, 2 + draw(st.integers(0, 15)))
    ]
    choice_rows = [
        (n, {"list_name": "yn", "name": draw(cells), "label": draw(cells)})
        for n in range(2, 2 + draw(st.integers(0, 5)))
    ]
    return {
        "survey": Sheet("survey", survey_columns, rows),
        "choices": Sheet("choices", ["list_name", "name", "label"], choice_rows),
        "settings": Sheet(
            "settings", ["form_title", "version"], [(2, {"form_title": draw(cells)})]
        ),
    }


@given(sheet_sets())
def test_any_rows_of_an_xlsform_translate_with_catalogued_warnings(sheets):
    definition, warnings = sheets_to_definition(sheets, "导入的问卷")
    assert isinstance(definition, dict)
    assert all(str(problem.code) in CATALOGUE for problem in warnings)


workbook_cells = st.one_of(
    cells,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(),
    st.just("=1/0"),
    st.none(),
)


def _writable(value):
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", value).encode("utf-8", "ignore").decode("utf-8")


@FEWER
@given(st.lists(st.lists(workbook_cells, min_size=1, max_size=5), min_size=1, max_size=8))
def test_a_workbook_of_any_cells_is_imported_or_refused(rows):
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    for row in rows:  # as a spreadsheet program can write them: no control characters
        survey.append([_writable(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _imported_or_refused(buffer.getvalue())


@FEWER
@given(mutated(HONEST_XLSX, max_edits=2))
def test_the_zip_check_refuses_a_damaged_archive_with_its_own_error(data):
    try:
        check_zip_archive(data)
    except ZipRefused as refused:
        assert str(refused.code) in CATALOGUE


# ---- REFI-QDA codebooks ----------------------------------------------------------------------

HONEST_CODEBOOK = write_codebook(
    [
        QdaCode(
            guid="c8b3a9e2-4f5d-4a1b-9c7e-2d3f4a5b6c7d",
            name="配送",
            description="关于配送速度的发言",
            colour="#ff0000",
            children=[QdaCode(guid="d9c4b0f3-5a6e-4b2c-8d8f-3e4a5b6c7d8e", name="太慢")],
        )
    ]
).decode("utf-8")
CODEBOOK_PIECES = [
    *XML_PIECES[:13],
    *('<Code guid="x" name="坏">', '<Code name="">', "<Code/>", "</Code>", "<Codes>", "</Codes>"),
    *('guid="{C8B3A9E2-4F5D-4A1B-9C7E-2D3F4A5B6C7D}"', 'color="red"', 'isCodable="no"'),
    *('xmlns="urn:QDA-XML:project:1.0"', 'xmlns="urn:other"', "<Description/>", BILLION_LAUGHS),
    *(EXTERNAL, "<?xml version='1.0' encoding='utf-16'?>", "<!DOCTYPE CodeBook>"),
]


@given(mutated_text(HONEST_CODEBOOK, CODEBOOK_PIECES, max_edits=6))
@example(HONEST_CODEBOOK.replace("<Codes>", "<Codes>" + BILLION_LAUGHS))
@example(HONEST_CODEBOOK.replace('<?xml version="1.0" encoding="utf-8"?>', EXTERNAL))
def test_a_damaged_codebook_is_read_or_refused_with_a_qda_error(text):
    try:
        codes = read_codebook(text.encode("utf-8", "replace"))
    except QdaError as error:
        assert str(error)
        return
    assert all(code.name.strip() for code in codes)


@given(mutated(HONEST_CODEBOOK.encode("utf-8")))
def test_damaged_codebook_bytes_are_read_or_refused_with_a_qda_error(data):
    try:
        read_codebook(data)
    except QdaError as error:
        assert str(error)
