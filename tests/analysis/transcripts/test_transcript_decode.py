"""Bytes → text: encoding detection, normalisation, and the files that cannot be imported."""

import struct
import zlib
from pathlib import Path

import pytest

from analysis.transcripts import ErrorCode, TranscriptError, parse_transcript, read_transcript

DATA = Path(__file__).parents[2] / "data" / "transcripts"


def png_bytes() -> bytes:
    """A real 1×1 grey PNG (signature, IHDR, IDAT, IEND with their CRCs)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def test_utf8_with_bom_is_reported_as_utf8_and_the_bom_dropped():
    transcript = read_transcript(DATA / "interview_utf8_bom.txt")
    assert transcript.encoding == "utf-8"
    assert transcript.header[0].key == "访谈记录"  # no U+FEFF left in front


def test_gbk_file_with_crlf_is_detected_as_gbk_and_lines_are_lf():
    data = (DATA / "focus_group_gbk_crlf.txt").read_bytes()
    assert b"\r\n" in data  # the fixture really has CRLF line endings
    transcript = parse_transcript(data, "focus_group_gbk_crlf.txt")
    assert transcript.encoding == "gbk"
    assert all("\r" not in turn.text for turn in transcript.turns)
    assert (
        transcript.turns[3].text
        == "我不太会用，扫码付款都是闺女教的。\n有时候点错了，钱就付出去了，挺担心的。"
    )


def test_character_outside_gbk_is_detected_as_gb18030():
    data = (DATA / "interview_gb18030.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("gbk")  # the fixture really needs GB18030
    transcript = parse_transcript(data, "interview_gb18030.txt")
    assert transcript.encoding == "gb18030"
    assert transcript.turns[1].text == "上周五，在𠮷野家吃的牛肉饭。"
    assert len(transcript.turns[1].text) == 14  # 𠮷 is one code point, not a surrogate pair


def test_caller_encoding_overrides_detection():
    data = "主持人：您好。\n受访者：您好。\n".encode("gbk")
    transcript = parse_transcript(data, "a.txt", encoding="GB2312")
    assert transcript.encoding == "gb2312"
    assert [t.text for t in transcript.turns] == ["您好。", "您好。"]


def test_wrong_caller_encoding_is_an_error_with_the_byte_offset():
    data = (DATA / "interview_gb18030.txt").read_bytes()
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, "a.txt", encoding="gbk")
    assert caught.value.code is ErrorCode.WRONG_ENCODING
    assert caught.value.location == f"byte {data.index('𠮷'.encode('gb18030'))}"


def test_unknown_encoding_name():
    with pytest.raises(TranscriptError) as caught:
        parse_transcript("主持人：好".encode(), "a.txt", encoding="no-such-codec")
    assert caught.value.code is ErrorCode.UNKNOWN_ENCODING


def test_utf16_with_bom_is_read():
    data = "主持人：您好吗？\n受访者：挺好。".encode("utf-16")
    transcript = parse_transcript(data, "a.txt")
    assert transcript.encoding == "utf-16"
    assert [t.speaker for t in transcript.turns] == ["主持人", "受访者"]


def test_text_is_nfc_and_old_mac_line_endings_split_lines():
    decomposed = "主持人：cafe\u0301 怎么样？\r受访者：不错。"
    transcript = parse_transcript(decomposed.encode(), "a.txt")
    assert transcript.turns[0].text == "caf\u00e9 怎么样？"
    assert transcript.turns[1].text == "不错。"


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_empty_files(data):
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, "a.txt")
    assert caught.value.code is ErrorCode.EMPTY


def test_png_is_refused_as_binary_even_when_named_txt():
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(png_bytes(), "interview.txt")
    assert caught.value.code is ErrorCode.BINARY
    assert caught.value.params["kind"] == "PNG image"
    assert "PNG" in caught.value.message_en and "不是文本文件" in caught.value.message_zh


def test_nul_bytes_are_binary():
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(b"abc\x00\x01\x02def" * 10, "a.txt")
    assert caught.value.code is ErrorCode.BINARY


def test_oversized_file_is_refused_at_the_limit_plus_one():
    data = "主持人：您好。".encode()
    assert parse_transcript(data, "a.txt", max_bytes=len(data)).turns
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, "a.txt", max_bytes=len(data) - 1)
    assert caught.value.code is ErrorCode.TOO_LARGE
    assert caught.value.params == {"size": len(data), "limit": len(data) - 1}


def test_oversized_file_on_disk_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(TranscriptError) as caught:
        read_transcript(path, max_bytes=1024)
    assert caught.value.code is ErrorCode.TOO_LARGE


def test_undecodable_bytes_name_the_byte_where_both_codecs_fail():
    # 0x80 is not a valid first byte in UTF-8 nor in GBK/GB18030.
    data = "主持人：你好".encode() + b" \x80 " + "谢谢".encode()
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, "a.txt")
    assert caught.value.code is ErrorCode.UNDECODABLE
    assert caught.value.location == "byte 19"  # 主持人 9 + ： 3 + 你好 6 bytes, a space, then 0x80


def test_legacy_word_doc_gets_its_own_message():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(ole, "访谈.doc")
    assert caught.value.code is ErrorCode.LEGACY_DOC


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(TranscriptError) as caught:
        read_transcript(tmp_path / "none.txt")
    assert caught.value.code is ErrorCode.UNREADABLE


def test_errors_carry_both_languages():
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(b"", "a.txt")
    error = caught.value.to_dict()
    assert error["code"] == "empty"
    assert "空" in error["message_zh"] and "empty" in error["message_en"]


def test_control_characters_anywhere_are_removed_with_a_warning():
    """Not only in the first 8 KB that the binary sniff looks at (issue 30.12): a NUL, a
    bell and an escape 10 KB in are removed; tabs and line breaks stay."""
    opening = "".join(
        f"主持人：第{i}个问题，您平时在哪里买菜？\n受访者：菜市场。\n" for i in range(200)
    )
    assert len(opening.encode()) > 10_000
    data = (opening + "受访者：周末\x00去超市，\x07平时\t在\x1b[0m楼下买。\n").encode()
    transcript = parse_transcript(data, "访谈.txt")
    assert transcript.turns[-1].text == "周末去超市，平时\t在[0m楼下买。"
    assert not any(ch in turn.text for turn in transcript.turns for ch in "\x00\x07\x1b")
    [warning] = [w for w in transcript.warnings if w.code.slug == "control_characters_removed"]
    assert warning.line == 401 and "3 个控制字符" in warning.message_zh


def test_text_that_is_mostly_control_characters_is_still_binary():
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(("受访者：好" + "\x01\x02" * 50).encode(), "a.txt")
    assert caught.value.code is ErrorCode.BINARY


def test_file_mixing_utf8_and_gbk_lines_is_read_line_by_line_with_a_warning():
    """A UTF-8 transcript with two answers pasted from a GBK file: each line is read in the
    encoding it is valid in, nothing becomes mojibake, and the GBK lines are named."""
    lines = [
        ("主持人：您一般在哪里买菜？", "utf-8"),
        ("受访者：以前去菜市场，现在多数在手机上买。", "utf-8"),
        ("主持人：为什么换了？", "gbk"),
        ("受访者：送货上门，不用排队，价格也差不多。", "gbk"),
        ("主持人：好的，谢谢您。", "utf-8"),
    ]
    data = b"\r\n".join(text.encode(codec) for text, codec in lines)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    transcript = parse_transcript(data, "混合编码.txt")
    assert transcript.encoding == "utf-8+gb18030"
    assert [f"{t.speaker}：{t.text}" for t in transcript.turns] == [text for text, _ in lines]
    [warning] = transcript.warnings
    assert warning.code.slug == "mixed_encoding"
    assert "第 3、4 行" in warning.message_zh


def test_gbk_file_is_not_taken_for_a_mixed_one():
    data = "主持人：您一般在哪里买菜？\n受访者：菜市场。\n".encode("gbk")
    transcript = parse_transcript(data, "a.txt")
    assert transcript.encoding == "gbk" and not transcript.warnings
