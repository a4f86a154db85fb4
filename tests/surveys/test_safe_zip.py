"""Zip archives from uploads are checked from their central directory before anything is
unpacked (issue 29.7): too many parts, too much declared, overlapping parts, a ratio past 100;
and no XML part may declare a DTD.
The XLSForm and docx readers refuse such files with their own codes."""

import io
import re
import zipfile

import pytest

from analysis.transcripts import ErrorCode, TranscriptError, parse_transcript
from surveys.errors import Code, ImportFailed
from surveys.safe_zip import RATIO_FLOOR, ZipRefused, check_zip_archive
from surveys.xlsform.sheets import read_sheets
from tests.analysis.transcripts.test_transcript_subtitles_docx import make_docx
from tests.hostile import BILLION_LAUGHS, EXTERNAL, overlapping_zip, xlsform, zip_of

# 4 MiB of one byte deflates to about 4 KB: a ratio near 1,000.
BOMB_PART = b"0" * (4 * 1024 * 1024)


def refusal(source, **limits) -> ZipRefused:
    with pytest.raises(ZipRefused) as caught:
        check_zip_archive(source, **limits)
    return caught.value


def test_honest_workbooks_and_documents_pass_and_list_their_parts():
    for data in (xlsform(2000), make_docx()):
        names = [member.filename for member in check_zip_archive(data)]
        assert "[Content_Types].xml" in names


def test_a_part_that_inflates_a_thousand_times_is_refused_with_its_ratio():
    error = refusal(zip_of({"xl/sharedStrings.xml": BOMB_PART}))
    assert error.code == Code.ZIP_RATIO
    assert error.params["ratio"] > 500 and error.params["limit"] == 100
    assert "压缩比" in error.message("zh_CN") and "compressed" in error.message("en")


def test_small_parts_are_not_judged_by_their_ratio():
    """Below the floor a ratio says nothing: an empty sheet compresses very well."""
    check_zip_archive(zip_of({"a.xml": b"0" * (RATIO_FLOOR - 1)}))


def test_many_honest_parts_whose_sum_inflates_past_the_ratio_are_refused():
    parts = {f"p{i}.xml": b"0" * (RATIO_FLOOR // 4) for i in range(8)}
    error = refusal(zip_of(parts), max_ratio=100)
    assert error.code == Code.ZIP_RATIO


def test_declared_total_past_the_limit_is_refused_before_reading():
    error = refusal(zip_of({"a.xml": b"x" * 2000}), max_total_bytes=1000)
    assert error.code == Code.ZIP_TOO_LARGE
    assert error.params == {"size": 2000, "limit": 1000}


def test_too_many_parts_are_refused():
    error = refusal(zip_of({f"{i}.xml": b"" for i in range(11)}), max_members=10)
    assert error.code == Code.ZIP_TOO_MANY_MEMBERS
    assert error.params == {"count": 11, "limit": 10}


def test_parts_sharing_one_compressed_body_are_refused_as_overlapping():
    bomb = overlapping_zip("xl/worksheets/sheet1.xml", b"<row/>" * 1000, 200)
    assert refusal(bomb).code == Code.ZIP_OVERLAPPING


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 not a zip", "中文".encode() * 100])
def test_what_is_no_zip_is_refused_as_unreadable(data):
    assert refusal(data).code == Code.ZIP_UNREADABLE


def test_a_file_object_is_left_where_it_was_and_a_path_is_read(tmp_path):
    data = xlsform(10)
    stream = io.BytesIO(data)
    check_zip_archive(stream)
    assert stream.tell() == 0
    path = tmp_path / "问卷.xlsx"
    path.write_bytes(zip_of({"a.xml": BOMB_PART}))
    assert refusal(path).code == Code.ZIP_RATIO
    assert refusal(tmp_path / "missing.xlsx").code == Code.ZIP_UNREADABLE


def test_the_error_is_a_value_error_with_an_english_str():
    error = refusal(b"")
    assert isinstance(error, ValueError)
    assert "zip" in str(error)


def test_an_xlsform_bomb_is_refused_before_openpyxl_opens_it():
    workbook = zipfile.ZipFile(io.BytesIO(xlsform(3)))
    parts = {info.filename: workbook.read(info) for info in workbook.infolist()}
    parts["xl/worksheets/sheet1.xml"] += b"<!--" + BOMB_PART + b"-->"
    with pytest.raises(ImportFailed) as caught:
        read_sheets(zip_of(parts))
    assert caught.value.problem.code == Code.ZIP_RATIO


def test_an_overlapping_xlsx_is_refused_by_the_xlsform_reader():
    with pytest.raises(ImportFailed) as caught:
        read_sheets(overlapping_zip("xl/workbook.xml", b"<a/>" * 500, 100))
    assert caught.value.problem.code == Code.ZIP_OVERLAPPING


def test_a_docx_with_too_many_parts_is_refused_with_the_transcript_code():
    document = zipfile.ZipFile(io.BytesIO(make_docx()))
    parts = {info.filename: document.read(info) for info in document.infolist()}
    parts.update({f"word/media/image{i}.png": b"" for i in range(10_001)})
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(zip_of(parts), "访谈.docx")
    assert caught.value.code is ErrorCode.DOCX_TOO_MANY_PARTS


def test_an_overlapping_docx_is_refused_with_the_transcript_code():
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(overlapping_zip("word/document.xml", b"<w:p/>" * 500, 100), "访谈.docx")
    assert caught.value.code is ErrorCode.DOCX_OVERLAPPING


def _with_prologue(data: bytes, member: str, prologue: str) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[member] = prologue.encode() + re.sub(rb"^<\?xml[^>]*\?>\s*", b"", parts[member])
    return zip_of(parts)


@pytest.mark.parametrize("prologue", [BILLION_LAUGHS, EXTERNAL], ids=["bomb", "xxe"])
@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/_rels/workbook.xml.rels"])
def test_an_xlsx_part_declaring_a_dtd_is_refused_before_openpyxl_parses_it(prologue, member):
    """openpyxl reads workbook.xml and the relationships with lxml, not defusedxml."""
    with pytest.raises(ImportFailed) as caught:
        read_sheets(_with_prologue(xlsform(3), member, prologue))
    assert caught.value.problem.code == Code.ZIP_XML_DTD
    assert caught.value.problem.params == {"part": member}


def test_a_dtd_in_utf16_is_found_too():
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w [<!ENTITY a "b">]><w/>'
    error = refusal(zip_of({"word/document.xml": text.encode("utf-16")}))
    assert error.code == Code.ZIP_XML_DTD


def test_a_docx_part_declaring_a_dtd_is_refused_with_the_transcript_code():
    data = _with_prologue(make_docx(), "word/document.xml", EXTERNAL)
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, "访谈.docx")
    assert caught.value.code is ErrorCode.DOCX_DTD
    assert "root:" not in str(caught.value)


def test_parts_not_read_as_xml_may_hold_anything():
    check_zip_archive(zip_of({"word/media/image1.png": b"<!DOCTYPE x []><x/>"}))


# ---- found by tests/fuzz ---------------------------------------------------------------------


def _misnamed(data: bytes) -> bytes:
    """*data* (a zip with a member named 配置.xml, flagged UTF-8) with that name's first byte
    made invalid UTF-8."""
    name = "配置.xml".encode()
    return data.replace(name, b"\x80" + name[1:])


def test_a_member_name_that_is_not_the_utf8_it_claims_is_unreadable():
    """zipfile raised UnicodeDecodeError from the central directory."""
    bad = _misnamed(zip_of({"配置.xml": b"<a/>"}))
    assert refusal(bad).code == Code.ZIP_UNREADABLE
    with pytest.raises(ImportFailed) as caught:
        read_sheets(bad)
    assert caught.value.problem.code == Code.XLS_UNREADABLE


def test_a_docx_with_a_misnamed_member_is_refused_as_a_transcript_error():
    document = zipfile.ZipFile(io.BytesIO(make_docx()))
    parts = {info.filename: document.read(info) for info in document.infolist()}
    parts["配置.xml"] = b"<a/>"
    with pytest.raises(TranscriptError):
        parse_transcript(_misnamed(zip_of(parts)), "访谈.docx")


def _with_part(data: bytes, member: str, edit) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[member] = edit(parts[member])
    return zip_of(parts)


def test_a_cell_naming_a_shared_string_past_the_table_is_an_unreadable_workbook():
    """openpyxl's IndexError escaped `read_sheets`."""
    honest = xlsform(2)
    names = zipfile.ZipFile(io.BytesIO(honest)).namelist()
    assert "xl/sharedStrings.xml" not in names  # openpyxl writes inline strings: add a table
    bad = _with_part(
        honest,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<c r="A1" t="inlineStr"><is><t>[^<]*</t></is></c>',
                           b'<c r="A1" t="s"><v>99999</v></c>', xml),
    )  # fmt: skip
    with pytest.raises(ImportFailed) as caught:
        read_sheets(bad)
    assert caught.value.problem.code == Code.XLS_UNREADABLE


def test_a_workbook_part_naming_an_unknown_encoding_is_an_unreadable_workbook():
    """ElementTree's LookupError escaped `read_sheets`."""
    bad = _with_part(
        xlsform(2),
        "xl/worksheets/sheet1.xml",
        lambda xml: (
            b'<?xml version="1.0" encoding="tf-8"?>' + re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
        ),
    )
    with pytest.raises(ImportFailed) as caught:
        read_sheets(bad)
    assert caught.value.problem.code == Code.XLS_UNREADABLE


def test_a_workbook_element_with_an_attribute_openpyxl_does_not_know_is_unreadable():
    """openpyxl's TypeError (`SheetView.__init__() got an unexpected keyword argument`)
    escaped `read_sheets`."""
    bad = _with_part(
        xlsform(2),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"workbookViewId=", b"workbookV\xe4\xb8\xadiewId=", 1),
    )
    with pytest.raises(ImportFailed) as caught:
        read_sheets(bad)
    assert caught.value.problem.code == Code.XLS_UNREADABLE
