"""Subtitle cues (SRT, WebVTT) and Word documents → speaker turns."""

import io
from pathlib import Path

import docx
import pytest

from analysis.transcripts import (
    ErrorCode,
    TranscriptError,
    WarningCode,
    parse_transcript,
    read_transcript,
)

DATA = Path(__file__).parents[2] / "data" / "transcripts"


def rows(transcript):
    return [(t.speaker, t.text, t.start, t.end) for t in transcript.turns]


def test_srt_cues_with_speaker_prefixes_inherit_and_split():
    transcript = read_transcript(DATA / "interview.srt")
    assert transcript.format == "srt"
    assert rows(transcript) == [
        ("主持人", "您平时通过什么渠道了解新闻？", 1.0, 4.5),
        ("受访者", "主要是刷抖音，\n有时候也看今日头条。", 5.0, 9.2),
        ("受访者", "不过我不太相信上面的消息。", 9.3, 12.0),  # no prefix: same speaker
        ("主持人", "为什么？", 12.5, 15.0),  # a two-speaker cue
        ("受访者", "标题党太多了。", 12.5, 15.0),
    ]
    assert transcript.warnings == ()


def test_srt_merge_joins_consecutive_cues_of_one_speaker():
    transcript = read_transcript(DATA / "interview.srt", merge=True)
    assert rows(transcript)[1] == (
        "受访者",
        "主要是刷抖音，\n有时候也看今日头条。\n不过我不太相信上面的消息。",
        5.0,
        12.0,
    )
    assert len(transcript.turns) == 4


def test_vtt_voices_settings_notes_and_entities():
    transcript = read_transcript(DATA / "interview.vtt")
    assert transcript.format == "vtt"
    assert rows(transcript) == [
        ("访谈员", "你好，能听到我说话吗？", 0.0, 3.2),
        ("赵敏", "能听到，很清楚。", 3.5, 6.0),
        ("赵敏", "我觉得价格&服务都很重要！", 62.25, 65.75),
        ("访谈员", "明白了。", 66.0, 68.0),
        ("赵敏", "嗯。", 66.0, 68.0),
    ]
    assert transcript.speakers == ["访谈员", "赵敏"]
    assert transcript.suggested_interviewer == "访谈员"


def test_vtt_without_voices_uses_colon_prefixes():
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n主持人：开始吧。\n\n"
        "00:00:02.500 --> 00:00:04.000\n受访者：好。\n"
    )
    transcript = parse_transcript(text.encode(), "a.vtt")
    assert rows(transcript) == [("主持人", "开始吧。", 1.0, 2.0), ("受访者", "好。", 2.5, 4.0)]


def test_srt_block_without_timing_joins_the_previous_cue_with_a_warning():
    text = (
        "1\n00:00:01,000 --> 00:00:03,000\n主持人：第一句。\n\n"
        "多出来的一行\n\n"
        "2\n00:00:03,500 --> 00:00:05,250\n第二句。\n"
    )
    transcript = parse_transcript(text.encode(), "a.srt")
    assert rows(transcript) == [
        ("主持人", "第一句。\n多出来的一行", 1.0, 3.0),
        ("主持人", "第二句。", 3.5, 5.25),
    ]
    assert [(w.code, w.line) for w in transcript.warnings] == [(WarningCode.CUE_WITHOUT_TIMING, 5)]


def test_srt_with_gbk_encoding_and_hours():
    text = "1\r\n01:02:03,040 --> 01:02:04,000\r\n{\\an8}受访者：听不清。\r\n"
    transcript = parse_transcript(text.encode("gbk"), "a.srt")
    assert transcript.encoding == "gbk"
    assert rows(transcript) == [("受访者", "听不清。", 3723.04, 3724.0)]


def test_subtitles_without_speakers_keep_text_and_warn():
    text = "1\n00:00:01,000 --> 00:00:02,000\n-5度的时候电池掉得很快\n"
    transcript = parse_transcript(text.encode(), "a.srt")
    assert rows(transcript) == [("", "-5度的时候电池掉得很快", 1.0, 2.0)]
    assert [w.code for w in transcript.warnings] == [WarningCode.NO_SPEAKERS]


def test_subtitles_without_cues_have_no_turns():
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(b"WEBVTT\n\nNOTE nothing here\n", "a.vtt")
    assert caught.value.code is ErrorCode.NO_TURNS


def make_docx() -> bytes:
    document = docx.Document()
    document.add_heading("用户访谈 · 共享充电宝", level=1)
    document.add_paragraph("主持人：您最近一次借充电宝是在哪里？")
    paragraph = document.add_paragraph("受访者：在商场里。")
    paragraph.add_run().add_break()  # a line break inside one paragraph
    paragraph.add_run("当时手机只剩百分之五的电。")
    document.add_paragraph("")
    table = document.add_table(rows=3, cols=2)
    for row, (speaker, text) in zip(
        table.rows,
        [("说话人", "内容"), ("主持人", "价格能接受吗？"), ("受访者", "一小时四块，有点贵。")],
        strict=True,
    ):
        row.cells[0].text, row.cells[1].text = speaker, text
    document.add_paragraph("[00:12:30] 主持人：好的，谢谢。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_line_breaks_and_tables_in_document_order():
    transcript = parse_transcript(make_docx(), "访谈.docx")
    assert transcript.format == "docx" and transcript.encoding is None
    assert rows(transcript) == [
        ("", "用户访谈 · 共享充电宝", None, None),
        ("主持人", "您最近一次借充电宝是在哪里？", None, None),
        ("受访者", "在商场里。\n当时手机只剩百分之五的电。", None, None),
        ("主持人", "价格能接受吗？", None, None),  # table rows; the header row is dropped
        ("受访者", "一小时四块，有点贵。", None, None),
        ("主持人", "好的，谢谢。", 750.0, None),
    ]


def test_docx_is_recognised_by_content_and_encoding_override_is_ignored():
    transcript = parse_transcript(make_docx(), "upload", encoding="gbk")
    assert transcript.format == "docx"
    assert [w.code for w in transcript.warnings] == [
        WarningCode.ENCODING_IGNORED,
        WarningCode.TEXT_BEFORE_FIRST_SPEAKER,
    ]


def test_damaged_docx_is_an_error():
    data = make_docx()
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data[: len(data) // 2], "a.docx")
    assert caught.value.code is ErrorCode.INVALID_DOCX


def test_text_file_named_docx_is_an_error():
    with pytest.raises(TranscriptError) as caught:
        parse_transcript("主持人：好".encode(), "a.docx")
    assert caught.value.code is ErrorCode.INVALID_DOCX


def test_empty_docx_is_empty():
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(buffer.getvalue(), "a.docx")
    assert caught.value.code is ErrorCode.EMPTY
