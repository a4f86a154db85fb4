"""Turns placed in the file's own text: every turn position maps to the span of the text as
the file wrote it (decomposed accents, CRLF, labels, markup), and masking that text masks it
where the turns are masked."""

import html
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from analysis.transcripts import deidentify_turns, parse_transcript
from analysis.transcripts.decode import CONTROL, normalise
from analysis.transcripts.original import (
    locate_turn,
    locate_turns,
    mask_original,
    plain_view_of,
    view_of,
)

NAME = "Zoe\u0308"  # "Zoë" decomposed: o + combining diaeresis
TEXT = (
    "标题：社区买菜\r\n"
    "\r\n"
    f"**访谈员**：{NAME}，您好！\r\n"
    "受访者：我用ＡＰＰ买菜，\r\n"
    "\u3000\u3000也去菜市场。\r\n"
    "\r\n"
    "访谈员：为什么？\r\n"
)


def _parsed(text: str, name: str = "访谈.md"):
    return parse_transcript(text.encode("utf-8"), name)


def test_each_turn_position_maps_to_the_same_text_as_the_file_writes_it():
    transcript = _parsed(TEXT)
    assert transcript.source_text == TEXT
    places = locate_turns(TEXT, [turn.text for turn in transcript.turns])
    assert places is not None
    for turn, place in zip(transcript.turns, places, strict=True):
        for start in range(len(turn.text)):
            for end in range(start + 1, len(turn.text) + 1):
                piece = turn.text[start:end]
                found = TEXT[place.to_original(start) : place.to_original(end, end=True)]
                if "\n" not in piece:  # a line break covers CRLF and indentation between
                    assert unicodedata.normalize("NFC", found) == piece
    first = places[0]
    assert TEXT[first.start : first.end] == f"{NAME}，您好！"
    assert TEXT[places[1].start : places[1].end] == "我用ＡＰＰ买菜，\r\n\u3000\u3000也去菜市场。"


def test_the_view_is_the_text_the_parser_reads_each_character_mapped_back():
    original = f"甲\r\n{NAME}\x07乙\u2028丙"
    view = view_of(original)
    assert view.text == "甲\nZoë乙\n丙"  # LF, NFC, the bell removed
    spans = [original[s:e] for s, e in zip(view.starts, view.ends, strict=True)]
    assert spans == ["甲", "\r\n", "Z", "o", "e\u0308", "乙", "\u2028", "丙"]  # ë: two


def test_subtitle_turns_are_found_between_timing_lines_and_tags():
    srt = (
        "1\r\n00:00:01,000 --> 00:00:03,000\r\n<i>主持人：</i>您好，<b>请</b>坐。\r\n\r\n"
        "2\r\n00:00:03,500 --> 00:00:05,000\r\n受访者：谢谢。\r\n"
    )
    transcript = parse_transcript(srt.encode("utf-8"), "a.srt")
    places = locate_turns(srt, [turn.text for turn in transcript.turns])
    assert places is not None
    [greeting, thanks] = places
    assert transcript.turns[0].text == "您好，请坐。"
    assert srt[greeting.to_original(3) : greeting.to_original(4, end=True)] == "请"
    assert srt[thanks.start : thanks.end] == "谢谢。"


def test_a_turn_the_text_does_not_hold_is_not_placed():
    assert locate_turns("访谈员：您好\n", ["您好", "再见"]) is None
    assert locate_turn("&lt;b&gt;", "<i>") is None
    assert locate_turns("甲&lt;乙", ["甲<乙"]) is None  # references decoded only if asked


def test_a_reference_maps_to_the_one_character_it_decodes_to():
    original = "您好&nbsp;&lt;请&gt;&#x4E2D;&#20013;&amp\r\n&ampx"
    view = view_of(original, entities=True)
    assert view.text == "您好\xa0<请>中中&\n&x"
    spans = [original[s:e] for s, e in zip(view.starts, view.ends, strict=True)]
    assert spans == [
        "您", "好", "&nbsp;", "&lt;", "请", "&gt;", "&#x4E2D;", "&#20013;", "&amp", "\r\n",
        "&amp", "x",
    ]  # fmt: skip
    assert view_of(original).text == original.replace("\r\n", "\n")  # not decoded unless asked


def test_a_webvtt_turn_with_references_is_placed_and_masked_through_them():
    vtt = (
        "WEBVTT\r\n\r\n00:00:01.000 --> 00:00:03.000\r\n"
        "<v 主持人>王芳&nbsp;&lt;您好&gt;，&#x4E2D;午好。\r\n"
    )
    transcript = parse_transcript(vtt.encode("utf-8"), "a.vtt")
    [turn] = transcript.turns
    assert turn.text == "王芳\xa0<您好>，中午好。"
    [place] = locate_turns(vtt, [turn.text], entities=True) or []
    assert vtt[place.start : place.end] == "王芳&nbsp;&lt;您好&gt;，&#x4E2D;午好。"
    assert vtt[place.to_original(2) : place.to_original(4, end=True)] == "&nbsp;&lt;"
    masked = mask_original(vtt, names=["王芳"], entities=True)
    assert masked == vtt.replace("王芳", "[姓名1]")
    [masked_turn] = deidentify_turns(transcript.turns, names=["王芳"]).turns
    assert locate_turns(masked, [masked_turn.text], entities=True) is not None


def test_a_highlight_across_lines_starts_and_ends_at_its_characters_in_the_file():
    """A span crossing a turn's lines is the file's text from its first character's place to
    its last's: here the CRLF and the indentation between the lines, as REFI-QDA counts."""
    transcript = _parsed(TEXT)
    [_first, turn, _last] = transcript.turns
    [place] = locate_turns(TEXT, [turn.text]) or []
    start, end = turn.text.index("买菜"), turn.text.index("也去") + 2  # "买菜，\n也去"
    begin, stop = place.to_original(start), place.to_original(end, end=True)
    assert TEXT[begin : begin + 2] == "买菜" and TEXT[stop - 2 : stop] == "也去"
    assert TEXT[begin:stop] == "买菜，\r\n\u3000\u3000也去"
    srt = (
        "1\r\n00:00:01,000 --> 00:00:03,000\r\n受访者：我一般用Ａ\r\n"
        "PP下单。\r\n\r\n2\r\n00:00:03,500 --> 00:00:05,000\r\n晚上十点。\r\n"
    )
    turns = parse_transcript(srt.encode("utf-8"), "a.srt").turns
    [place] = locate_turns(srt, [turns[0].text]) or []
    stop = place.to_original(turns[0].text.index("PP") + 2, end=True)
    assert srt[place.to_original(turns[0].text.index("Ａ")) : stop] == "Ａ\r\nPP"


def test_the_file_text_is_masked_where_its_turns_are():
    text = f"访谈员：{NAME}您好\r\n受访者：我是王芳，电话 138 1234 5678。\r\n"
    transcript = _parsed(text, "a.txt")
    masked = deidentify_turns(transcript.turns, names=["王芳", "Zoë"])
    kept = mask_original(text, names=["王芳", "Zoë"])
    assert kept == "访谈员：[姓名2]您好\r\n受访者：我是[姓名1]，电话 [手机号]。\r\n"
    assert locate_turns(kept, [turn.text for turn in masked.turns]) is not None


# Letters, CJK, full width, combining marks (Latin, kana), Hangul jamo, line breaks, controls.
_LETTERS = (
    "aeoAZ张王ＡＰ１　，。\u0301\u0308\u0323\u3099かは\u1100\u1161\u11a8\uac00 \r\n\u2028\x07\x85"
)


@given(st.text(alphabet=_LETTERS + "&#;xX4E2D0ampltgnbs", max_size=40))
def test_the_decoded_view_is_what_the_webvtt_parser_reads(original):
    view = view_of(original, entities=True)
    assert view.text == html.unescape(CONTROL.sub("", normalise(original)))
    assert list(view.starts) == sorted(view.starts)
    assert all(0 <= s < e <= len(original) for s, e in zip(view.starts, view.ends, strict=True))


@given(st.text(alphabet=_LETTERS, max_size=40))
def test_the_view_is_what_the_parser_normalises_the_text_to(original):
    view = view_of(original)
    assert view.text == CONTROL.sub("", normalise(original))
    assert len(view.starts) == len(view.ends) == len(view.text)
    assert list(view.starts) == sorted(view.starts)  # in the file's order, spans in it
    assert all(0 <= s < e <= len(original) for s, e in zip(view.starts, view.ends, strict=True))


@given(st.text(alphabet=_LETTERS + "é\u00e9\u1e0d\u0300\x9f\ufffe", max_size=60))
def test_the_fast_view_agrees_with_the_line_by_line_one(original):
    fast, plain = view_of(original), plain_view_of(original)
    assert fast.text == plain.text
    assert list(fast.starts) == list(plain.starts) and list(fast.ends) == list(plain.ends)
