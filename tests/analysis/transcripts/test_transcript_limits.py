"""Bounds of one transcript file (issue 30.2): a zip bomb, too many paragraphs, turns or
characters are refused as soon as the limit is passed, with bounded memory."""

import io
import struct
import tracemalloc
import zipfile

import pytest

from analysis.transcripts import (
    DEFAULT_LIMITS,
    ErrorCode,
    Limits,
    TranscriptError,
    parse_transcript,
)
from tests.analysis.transcripts.test_transcript_subtitles_docx import make_docx

PARAGRAPH = "<w:p><w:r><w:t>" + "好" * 1000 + "</w:t></w:r></w:p>"


def docx_with_body(paragraphs: int, paragraph: str = PARAGRAPH) -> bytes:
    """A real docx whose body is `paragraphs` copies of `paragraph`, written to the zip in
    pieces so that the test itself never holds the unpacked document.xml."""
    base = zipfile.ZipFile(io.BytesIO(make_docx()))
    xml = base.read("word/document.xml").decode()
    head = xml[: xml.index("<w:body>") + len("<w:body>")]
    tail = xml[xml.rindex("<w:sectPr") :]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info.filename, base.read(info.filename))
        with archive.open("word/document.xml", "w") as member:
            member.write(head.encode())
            piece = (paragraph * 100).encode()
            for _ in range(paragraphs // 100):
                member.write(piece)
            member.write((paragraph * (paragraphs % 100) + tail).encode())
    return buffer.getvalue()


def refused(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[ErrorCode, int]:
    """The error code of parsing `data`, and the peak memory the parse allocated."""
    tracemalloc.start()
    try:
        with pytest.raises(TranscriptError) as caught:
            parse_transcript(data, "炸弹.docx", limits=limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return caught.value.code, peak


# 8,000 paragraphs of 1,000 characters: document.xml unpacks to 24 MB from about 30 KB.
BOMB_PARAGRAPHS = 8_000


def test_docx_bomb_is_refused_by_its_ratio_before_it_is_unpacked():
    data = docx_with_body(BOMB_PARAGRAPHS)
    assert len(data) < 200_000
    code, peak = refused(data)
    assert code is ErrorCode.DOCX_RATIO
    assert peak < 1_000_000  # nothing near the 24 MB it unpacks to


def test_docx_reader_stops_at_the_document_size_limit():
    """With the ratio check out of the way, document.xml is read in chunks and refused as
    soon as its actual bytes pass the limit: memory stays at a chunk or two."""
    limits = Limits(max_docx_ratio=10**9)
    code, peak = refused(docx_with_body(BOMB_PARAGRAPHS), limits)
    assert code is ErrorCode.DOCX_TOO_LARGE
    assert peak < 1_000_000


def _lie_about_size(data: bytes, name: bytes, size: int) -> bytes:
    """`data` with the uncompressed size of member `name` set to `size` in both the local
    header and the central directory (the sizes a zip reader is told to trust)."""
    data = bytearray(data)
    headers = ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46))
    for signature, size_at, length_at, name_at in headers:
        at = data.find(signature)
        while at != -1:
            (length,) = struct.unpack_from("<H", data, at + length_at)
            if data[at + name_at : at + name_at + length] == name:
                struct.pack_into("<I", data, at + size_at, size)
            at = data.find(signature, at + 4)
    return bytes(data)


def test_docx_that_lies_about_its_size_is_refused_with_bounded_memory():
    data = _lie_about_size(docx_with_body(BOMB_PARAGRAPHS), b"word/document.xml", 4_000)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size == 4_000
    code, peak = refused(data)
    assert code is ErrorCode.INVALID_DOCX  # the reader stopped at 4,000 bytes: CRC mismatch
    assert peak < 1_000_000


def test_docx_whose_parts_declare_too_much_is_refused():
    code, _ = refused(docx_with_body(10), Limits(max_docx_unpacked_bytes=20_000))
    assert code is ErrorCode.DOCX_TOO_LARGE


def test_docx_with_too_many_empty_paragraphs_is_refused():
    """Empty paragraphs make no text and no turn, but each costs python-docx an object."""
    limits = Limits(max_docx_blocks=100)
    assert refused(docx_with_body(101, "<w:p/>"), limits)[0] is ErrorCode.DOCX_TOO_MANY_BLOCKS
    assert refused(docx_with_body(100, "<w:p/>"), limits)[0] is ErrorCode.EMPTY  # read through


def test_docx_text_past_the_limit_is_refused():
    code, _ = refused(docx_with_body(3), Limits(max_text_chars=2_500))
    assert code is ErrorCode.TEXT_TOO_LONG


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.txt", "主持人：您好\n受访者：你好\n主持人：开始吧\n受访者：好的\n"),
        (
            "a.srt",
            "1\n00:00:01,000 --> 00:00:02,000\n主持人：您好\n\n"
            "2\n00:00:03,000 --> 00:00:04,000\n受访者：你好\n\n"
            "3\n00:00:05,000 --> 00:00:06,000\n主持人：开始吧\n\n"
            "4\n00:00:07,000 --> 00:00:08,000\n受访者：好的\n",
        ),
    ],
)
def test_turns_past_the_limit_are_refused(name, text):
    assert len(parse_transcript(text.encode(), name, limits=Limits(max_turns=4)).turns) == 4
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(text.encode(), name, limits=Limits(max_turns=3))
    assert caught.value.code is ErrorCode.TOO_MANY_TURNS
    assert "3" in caught.value.message_zh


def test_text_past_the_limit_is_refused_before_it_is_split():
    text = "受访者：" + "我们每周末去超市买菜。" * 10
    assert parse_transcript(text.encode(), "a.txt", limits=Limits(max_text_chars=len(text)))
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(text.encode(), "a.txt", limits=Limits(max_text_chars=len(text) - 1))
    assert caught.value.code is ErrorCode.TEXT_TOO_LONG
