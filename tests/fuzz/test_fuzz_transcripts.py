"""Fuzz of the transcript parser (issue 29.7): any bytes, any text of speakers, colons and
timestamps in Chinese and English, in every format and encoding, give a `Transcript` or a
`TranscriptError` with a catalogued message, never another exception; a parsed transcript
keeps every character of speech the file held."""

import io
import zipfile

from hypothesis import example, given
from hypothesis import strategies as st

from analysis.transcripts import (
    FORMATS,
    Limits,
    TranscriptError,
    deidentify_turns,
    parse_transcript,
)
from tests.analysis.transcripts.test_transcript_subtitles_docx import make_docx
from tests.fuzz.mutations import mutated

PIECES = [
    *("访谈者", "受访者", "主持人", "A", "B", "Q", "Interviewer", "说话人1", "[笑]"),
    *("：", ":", "：：", " : ", "\n", "\r\n", "\r", "\n\n", "\t", "\u3000", " "),
    *("00:01:02", "[00:01:02]", "(1:02)", "00:00:01,000 --> 00:00:02,500", "99:99:99"),
    *("1", "WEBVTT", "NOTE", "-->", "# 标题", "**访谈者**", "- ", "> "),
    *("我觉得配送太慢了", "价格还可以。", "嗯。", "13812345678", "110101199003077777"),
    *("\x00", "\x1b", "\ufeff", "\ud800", "\u202e", "😀", "é"),
]
texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
    st.text(max_size=400),
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])
names = st.sampled_from(["访谈.txt", "a.md", "b.srt", "c.vtt", "d.docx", "e", "f.doc", "g.rtf"])
formats = st.sampled_from([None, *FORMATS, "pdf"])
SMALL = Limits(max_text_chars=2_000, max_turns=50, max_docx_blocks=200)


def _parsed_or_refused(data: bytes, name: str, fmt, **options):
    try:
        return parse_transcript(data, name, fmt=fmt, limits=SMALL, **options)
    except TranscriptError as error:
        assert error.message_zh and error.message_en
        assert error.to_dict()["code"] == error.code.slug
        return None


def _encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="surrogatepass" if encoding == "utf-8" else "replace")


@given(texts, encodings, names, formats, st.booleans())
@example("访谈者：" + "好" * 3000, "utf-8", "a.txt", None, False)
@example("1\n00:00:01,000 --> 00:00:02,000\n" * 100, "utf-8", "a.srt", None, True)
@example("WEBVTT\n\n00:01.000 --> 99:99.999\n嗯\n", "utf-16", "a.vtt", None, False)
def test_any_text_parses_or_is_refused_with_a_message(text, encoding, name, fmt, merge):
    transcript = _parsed_or_refused(_encoded(text, encoding), name, fmt, merge=merge)
    if transcript is not None:
        assert transcript.turns
        assert len(transcript.turns) <= SMALL.max_turns
        deidentify_turns(transcript.turns)


@given(st.binary(max_size=2000), names, st.sampled_from([None, "utf-8", "gbk", "latin-1", "x"]))
@example(b"PK\x03\x04" + b"\x00" * 100, "a.docx", None)
@example(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a.txt", None)
def test_any_bytes_parse_or_are_refused_with_a_message(data, name, encoding):
    _parsed_or_refused(data, name, None, encoding=encoding)


HONEST_DOCX = make_docx()


@given(mutated(HONEST_DOCX))
def test_a_damaged_docx_is_refused_with_a_message(data):
    _parsed_or_refused(data, "访谈.docx", "docx")


@given(texts)
def test_any_text_inside_a_docx_parses_or_is_refused(text):
    source = zipfile.ZipFile(io.BytesIO(HONEST_DOCX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                paragraph = f"<w:p><w:r><w:t>{escaped}</w:t></w:r></w:p><w:sectPr"
                data = data.replace(b"<w:sectPr", paragraph.encode("utf-8", "surrogatepass"), 1)
            target.writestr(item, data)
    _parsed_or_refused(out.getvalue(), "访谈.docx", None)
