"""An uploaded transcript goes out to REFI-QDA as the researcher's file said it (issue 25):
the source's plain text is the file's text as decoded (decomposed accents, full-width
letters, CRLF and all, masked where the upload masks), and every coding's offsets count in
that text, through an import and a second export unchanged."""

import io
import re
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
import xmlschema

from analysis.transcripts import deidentify_turns, parse_transcript
from app.extensions import db
from app.interviews import privacy
from app.models import Interview
from tests.factories import make_code, make_study, study_with_roles

QDA = Path(__file__).resolve().parents[1] / "data" / "qda"
SCHEMA = xmlschema.XMLSchema(QDA / "Project.xsd")
NFD_NAME = "Jose\u0301"  # "José" with a combining acute: five code points, four in NFC

# (file name, its text as the researcher wrote it, encoding); decoded, each gives back
# exactly this text. Coded spans are written as the file has them.
TXT = (
    "关键词：买菜，配送\r\n"
    "\r\n"
    f"访谈员：{NFD_NAME}您好，最近一次用ＡＰＰ买菜是什么时候？\r\n"
    "受访者：昨天晚上，用App买的，花了１２３元。\r\n"
    "  我的电话是13812345678，王芳也常用。\r\n"
    "\r\n"
    f"访谈员：为什么不去菜市场？{NFD_NAME}说菜市场更新鲜。\r\n"
    "受访者：太远了，ＡＢＣ超市就在楼下。\r\n"
)
GBK = (
    "访谈员：您平时在哪里买菜？\r\n"
    "受访者：一般在楼下的菜市场，有时候用ＡＰＰ。\r\n"
    "\r\n"
    "访谈员：价格怎么样？\r\n"
    "受访者：价格天天变，配送经常迟到，王芳也这么说。\r\n"
)
SRT = (
    "1\r\n00:00:01,000 --> 00:00:04,000\r\n"
    f"主持人：{NFD_NAME}，说说您买菜的习惯。\r\n\r\n"
    "2\r\n00:00:04,500 --> 00:00:09,000\r\n"
    "受访者：我一般用ＡＰＰ，\r\n晚上十点下单。\r\n\r\n"
)
SPANS = {
    "txt": [f"{NFD_NAME}您好", "用ＡＰＰ买菜", "１２３元", "[手机号]，[姓名1]也常用", "ＡＢＣ超市"],
    "gbk": ["楼下的菜市场", "有时候用ＡＰＰ", "配送经常迟到，[姓名1]"],
    "srt": [f"{NFD_NAME}，说说", "ＡＰＰ", "十点下单"],
    "docx": [f"{NFD_NAME}女士", "Ｗｉ-Ｆｉ信号"],
}
DOCX_PARAGRAPHS = [
    "标题：社区买菜访谈",
    f"访谈员：{NFD_NAME}女士，您家的网络好吗？",
    "受访者：Ｗｉ-Ｆｉ信号不好，王芳家也是。",
]


def _docx() -> bytes:
    document = docx.Document()
    for paragraph in DOCX_PARAGRAPHS:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _masked(text: str) -> str:
    """The masking the upload asks for, written out: the phone number and the listed name."""
    return text.replace("13812345678", "[手机号]").replace("王芳", "[姓名1]")


FILES = {
    "txt": ("买菜访谈.txt", b"\xef\xbb\xbf" + TXT.encode("utf-8"), _masked(TXT)),
    "gbk": ("价格访谈.txt", GBK.encode("gbk"), _masked(GBK)),
    "srt": ("习惯.srt", SRT.encode("utf-8"), SRT),
    "docx": ("网络.docx", _docx(), _masked("\n".join(DOCX_PARAGRAPHS))),
}


def _upload_and_save(client, study, name, data, **fields):
    response = client.post(
        f"/studies/{study.id}/interviews/upload",
        data={
            "files": [(io.BytesIO(data), name)],
            "kind": "interview",
            "encoding": "",
            "mask": "y",
            "names": "王芳",
            **fields,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(True)
    interview = db.session.scalars(
        db.select(Interview).where(Interview.study_id == study.id).order_by(Interview.id.desc())
    ).first()
    saved = client.post(
        f"/studies/{study.id}/interviews/{interview.id}/preview",
        data={"action": "save", "title": interview.title, "kind": "interview", "encoding": ""},
    )
    assert saved.status_code == 302
    db.session.refresh(interview)
    return interview


def _code(client, study, interview, spans):
    """Each span (as the file writes it) coded where the turn holds its NFC form."""
    code = make_code(study, "买菜渠道")
    for span in spans:
        wanted = unicodedata.normalize("NFC", span)
        turn = next(t for t in interview.turns if wanted in t.text)
        start = turn.text.index(wanted)
        response = client.post(
            f"/studies/{study.id}/interviews/{interview.id}/highlights",
            json={"turn": turn.id, "start": start, "end": start + len(wanted), "codes": [code.id]},
        )
        assert response.status_code in (200, 201), response.get_data(True)


def _exported(client, study, query=""):
    data = client.get(f"/studies/{study.id}/interviews/export/project.qdpx{query}").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("project.qde").decode("utf-8")
        SCHEMA.validate(xml)
        [source] = SCHEMA.to_dict(xml)["Sources"]["TextSource"]
        member = "sources/" + source["@plainTextPath"].removeprefix("internal://")
        text = archive.read(member).decode("utf-8")
    spans = sorted((s["@startPosition"], s["@endPosition"]) for s in source["PlainTextSelection"])
    return data, text, spans


@pytest.mark.parametrize("kind", list(FILES))
def test_an_upload_goes_out_as_decoded_with_each_coding_at_its_place_in_it(client, auth, ctx, kind):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    name, data, expected = FILES[kind]
    interview = _upload_and_save(client, study, name, data)
    assert interview.plain_text == expected
    _code(client, study, interview, SPANS[kind])
    _data, text, spans = _exported(client, study)
    assert text == expected  # byte for byte: NFD, full width, CRLF; the BOM is no text
    assert sorted(text[start:end] for start, end in spans) == sorted(SPANS[kind])


def test_export_import_export_keeps_the_text_and_every_offset(client, auth, ctx):
    study, users = study_with_roles()
    auth.login("researcher@example.cn")
    name, data, expected = FILES["txt"]
    interview = _upload_and_save(client, study, name, data)
    _code(client, study, interview, SPANS["txt"])
    first, text, spans = _exported(client, study)

    fresh = make_study(users["researcher"], title="第二轮")
    page = client.post(
        f"/studies/{fresh.id}/interviews/import/project",
        data={"file": (io.BytesIO(first), "project.qdpx")},
        content_type="multipart/form-data",
    )
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page.get_data(True))
    assert token is not None, page.get_data(True)
    client.post(
        f"/studies/{fresh.id}/interviews/import/project/confirm", data={"token": token.group(1)}
    )
    [copy] = db.session.scalars(db.select(Interview).where(Interview.study_id == fresh.id))
    assert copy.plain_text == expected  # the imported source kept as it came
    _again, text_again, spans_again = _exported(client, fresh)
    assert text_again == text == expected
    assert spans_again == spans
    assert sorted(text_again[s:e] for s, e in spans_again) == sorted(SPANS["txt"])


def test_an_edited_turn_reaches_the_kept_text_and_the_rest_stays(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    name, data, expected = FILES["gbk"]
    interview = _upload_and_save(client, study, name, data)
    turn = interview.turns[1]
    client.post(
        f"/studies/{study.id}/interviews/{interview.id}/turns/{turn.id}",
        data={"text": "一般在小区楼下的菜市场，有时候用ＡＰＰ。"},
    )
    _code(client, study, interview, ["小区楼下", "配送经常迟到"])
    _data, text, spans = _exported(client, study)
    assert text == expected.replace("一般在楼下", "一般在小区楼下")
    assert sorted(text[s:e] for s, e in spans) == ["小区楼下", "配送经常迟到"]


def test_unmasked_text_is_kept_only_beside_a_kept_original(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    name, data, _expected = FILES["gbk"]
    unmasked = {"mask": "", "names": ""}
    plain = _upload_and_save(client, study, name, data, **unmasked)
    assert plain.plain_text is None  # nothing masked, no original kept: no text beside it
    _code(client, study, plain, ["楼下的菜市场"])
    _data, text, spans = _exported(client, study)
    assert text.startswith("访谈员：您平时在哪里买菜？\n\n")  # built from the turns, as before
    assert [text[s:e] for s, e in spans] == ["楼下的菜市场"]

    privacy.update_policy(study, keep_originals=True, mask_names=[])
    kept = _upload_and_save(client, study, name, data, keep_original="y", **unmasked)
    assert kept.plain_text == GBK and kept.original == data
    privacy.update_policy(study, keep_originals=False, mask_names=[])
    db.session.refresh(kept)
    assert kept.original is None and kept.plain_text is None  # gone with the original


def test_deidentified_export_still_builds_the_source_from_masked_turns(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    name, data, _expected = FILES["txt"]
    interview = _upload_and_save(client, study, name, data)
    _code(client, study, interview, ["ＡＢＣ超市"])
    _data, text, spans = _exported(client, study, "?deidentified=1")
    assert "13812345678" not in text and "王芳" not in text and "\r\n" not in text
    assert [text[s:e] for s, e in spans] == ["ＡＢＣ超市"]


def test_no_text_is_kept_where_its_masking_and_the_turns_disagree():
    """`**张**三` is 张三 in the turn (masked) but not in the file's text: keep nothing."""
    source = "访谈员：您好\n受访者：我是**张**三，住在北京。\n"
    transcript = parse_transcript(source.encode("utf-8"), "a.md")
    turns = deidentify_turns(transcript.turns, names=["张三"]).turns
    assert turns[1].text == "我是[姓名1]，住在北京。"
    kept = privacy.source_text_to_keep(
        transcript.source_text, turns, names=["张三"], kinds=("name",), keep_original=True
    )
    assert kept.text is None
    agreeing = source.replace("**张**三", "张三")
    kept = privacy.source_text_to_keep(
        agreeing, turns, names=["张三"], kinds=("name",), keep_original=False
    )
    assert kept.text == agreeing.replace("张三", "[姓名1]") and kept.kind == privacy.MASKED
