"""Subtitles with character references keep the file's text (issue 25): a WebVTT turn holds
`<` where the file wrote `&lt;`, and its codings go out spanning the whole reference; a
SubRip file keeps `&lt;` as written. A highlight across a turn's lines starts and ends at
its first and last characters' places in the file, its CRLF between them as the file has it."""

import pytest

from tests.factories import make_code, study_with_roles
from tests.web.test_qdpx_original_text import _exported, _upload_and_save

VTT = (
    "WEBVTT\r\n\r\n"
    "1\r\n00:00:01.000 --> 00:00:04.000\r\n"
    "<v 主持人>您好，&lt;社区团购&gt;您用过吗？\r\n\r\n"
    "2\r\n00:00:04.500 --> 00:00:09.000\r\n"
    "<v 受访者>用过&nbsp;&amp;&nbsp;还挺好，\r\n王芳推荐的&#x56E2;购群&#20013;午下单。\r\n\r\n"
)
SRT = (
    "1\r\n00:00:01,000 --> 00:00:04,000\r\n"
    "主持人：团购价格&lt;十元&gt;的菜您买吗？\r\n\r\n"
    "2\r\n00:00:04,500 --> 00:00:09,000\r\n"
    "受访者：买，王芳&amp;我\r\n都买&#x4E2D;的。\r\n\r\n"
)
# (file, turn text coded, the file's text that coding must span in the export)
CASES = {
    "vtt": (
        ("社区.vtt", VTT),
        [
            ("<社区团购>", "&lt;社区团购&gt;"),
            ("\xa0&\xa0", "&nbsp;&amp;&nbsp;"),
            ("团购群中午", "&#x56E2;购群&#20013;午"),
            ("还挺好，\n[姓名1]推荐", "还挺好，\r\n[姓名1]推荐"),  # across the turn's lines
        ],
    ),
    "srt": (
        ("价格.srt", SRT),
        [
            ("&lt;十元&gt;", "&lt;十元&gt;"),  # SubRip has no references: as written
            ("[姓名1]&amp;我\n都买", "[姓名1]&amp;我\r\n都买"),
        ],
    ),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_a_subtitle_with_references_keeps_its_text_and_codings_span_them(client, auth, ctx, kind):
    (name, text), codings = CASES[kind]
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    interview = _upload_and_save(client, study, name, text.encode("utf-8"))
    assert interview.plain_text == text.replace("王芳", "[姓名1]")  # masked in place
    code = make_code(study, "团购")
    for coded, _written in codings:
        turn = next(t for t in interview.turns if coded in t.text)
        start = turn.text.index(coded)
        response = client.post(
            f"/studies/{study.id}/interviews/{interview.id}/highlights",
            json={"turn": turn.id, "start": start, "end": start + len(coded), "codes": [code.id]},
        )
        assert response.status_code in (200, 201), response.get_data(True)
    _data, exported, spans = _exported(client, study)
    assert exported == interview.plain_text
    assert sorted(exported[s:e] for s, e in spans) == sorted(w for _c, w in codings)
