"""Reading a .qdpx: NFC maps that keep the file's offsets, paragraphs as turns, notes sorted
into memos, warnings for everything left out, and the bounds of an untrusted archive; and
the export's side of the exchange (note dates, coding memos where QualCoder reads them)."""

import io
import unicodedata
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import xmlschema

from analysis.qda import QdaCode, QdaProject, QdaSelection, QdaSource, stable_guid, write_qdpx
from analysis.qda.archive import ProjectLimits
from analysis.qda.plaintext import normalise, paragraphs
from analysis.qda.project_import import WarningCode, read_qdpx
from analysis.qda.refi import QdaError, QdaTooLarge, write_project

QDA = Path(__file__).resolve().parents[2] / "data" / "qda"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _nvivo() -> bytes:
    root = QDA / "nvivo_project"
    return _zip(
        {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    )


@pytest.mark.parametrize(
    "original",
    [
        "Zoe\u0308 说：配送经常迟到",  # e + combining diaeresis → ë
        "\u1100\u1161\u11a8 한국어 \u1100\u1161",  # conjoining jamo → 각, 가
        "A\u030a\u0301ngstro\u0308m",  # two marks on one base
        "没有要规范化的字",
    ],
)
def test_nfc_map_sends_each_position_to_the_same_character(original):
    mapped = normalise(original)
    assert mapped.text == unicodedata.normalize("NFC", original)
    for start in range(len(mapped.text) + 1):
        back = mapped.to_original(start)
        # The original from there normalises to the NFC text from there: same place.
        assert unicodedata.normalize("NFC", original[back:]) == mapped.text[start:]
        assert mapped.to_normalised(back) == start


def test_paragraphs_keep_their_place_in_the_original_and_find_repeated_speakers():
    text = "主持人：大家好\r\n\r\n  A：我先说。注意：这是一句话\r\nB：我同意\r\n主持人：好的\n"
    parts = paragraphs(text)
    assert [(p.speaker, p.text.text) for p in parts] == [
        ("主持人", "大家好"),
        ("", "A：我先说。注意：这是一句话"),  # A and B start one paragraph each: no speakers
        ("", "B：我同意"),
        ("主持人", "好的"),
    ]
    for part in parts:
        assert text[part.text_start : part.end] == part.text.text


def test_nvivo_project_reads_codes_codings_memos_cases_and_warnings():
    project = read_qdpx(_nvivo())
    assert (project.name, project.origin, project.coders) == (
        "买菜 App 用户研究",
        "NVivo 14.23.0",
        ["张研究员"],
    )
    [source] = project.sources
    text = (QDA / "nvivo_project/Sources/9f3c2a1e-4b5d-4c6e-8f70-112233445566.txt").read_bytes()
    assert source.text.encode("utf-8") == text
    found = {
        (source.paragraphs[c.paragraph].text.text[c.start : c.end], c.memo) for c in source.codings
    }
    assert ("楼下的菜市场", "她只在早上去菜市场，图新鲜。") in found
    assert ("配送经常迟到", "") in found  # after a decomposed ë: one code point less in NFC
    assert (source.case_name, source.attributes["年龄"]) == ("P01 王女士", "34")
    assert [(n.name, n.text) for n in project.notes] == [
        ("研究日志", "第二次访谈前要补问配送的细节。")
    ]
    assert {(w.code, w.name, w.count) for w in project.warnings} == {
        (WarningCode.UNSUPPORTED_SOURCE, "问卷说明.pdf", 1),
        (WarningCode.SETS, "", 1),
        (WarningCode.SPLIT_SELECTION, "访谈 P01", 1),
    }


def _project_xml(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="p">{body}</Project>'
    ).encode()


def test_codings_outside_the_text_unknown_codes_and_annotations_are_counted():
    guid = "9f3c2a1e-4b5d-4c6e-8f70-112233445566"
    code = "c0de0001-0000-4000-8000-000000000001"
    other = "c0de0001-0000-4000-8000-000000000099"

    def selection(n, start, end, ref=None):
        coding = (
            f'<Coding guid="c0d10001-0000-4000-8000-00000000000{n}"><CodeRef targetGUID="{ref}"/>'
            "</Coding>"
            if ref
            else ""
        )
        return (
            f'<PlainTextSelection guid="5e1e0001-0000-4000-8000-00000000000{n}" '
            f'startPosition="{start}" endPosition="{end}">{coding}</PlainTextSelection>'
        )

    xml = _project_xml(
        f'<CodeBook><Codes><Code guid="{code}" name="价格" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{guid}" name="访谈" plainTextPath="internal://{guid}.txt">'
        + selection(1, 0, 2, code)
        + selection(2, 0, 500, code)
        + selection(3, 0, 2, other)
        + selection(4, 0, 2)
        + "</TextSource>"
        '<TextSource guid="9f3c2a1e-4b5d-4c6e-8f70-000000000003" name="富文本" '
        'richTextPath="internal://x.docx"/>'
        '<AudioSource guid="9f3c2a1e-4b5d-4c6e-8f70-000000000001" name="录音.m4a"/></Sources>'
        '<Graphs><Graph guid="9f3c2a1e-4b5d-4c6e-8f70-000000000002"/></Graphs>'
    )
    project = read_qdpx(_zip({"project.qde": xml, f"sources/{guid}.txt": "价格太贵".encode()}))
    assert len(project.sources[0].codings) == 1
    assert {(w.code, w.count) for w in project.warnings} == {
        (WarningCode.SELECTION_OUTSIDE, 1),
        (WarningCode.UNKNOWN_CODE, 1),
        (WarningCode.ANNOTATION, 1),  # no Coding: kept only as a warning
        (WarningCode.UNSUPPORTED_SOURCE, 1),
        (WarningCode.NO_PLAIN_TEXT, 1),
        (WarningCode.GRAPHS, 1),
    }


def test_a_zip_bomb_is_refused_while_it_is_read_whatever_its_headers_say():
    bomb = _zip({"project.qde": b"<" + b" " * (20 * 1024 * 1024)})
    with pytest.raises(QdaTooLarge) as error:
        read_qdpx(bomb)
    assert error.value.what == "compression ratio"
    small = ProjectLimits(max_unpacked_bytes=1000, max_ratio=10**6)
    with pytest.raises(QdaTooLarge) as error:
        read_qdpx(_nvivo(), small)
    assert error.value.what == "unpacked bytes"
    with pytest.raises(QdaTooLarge):
        read_qdpx(_nvivo(), ProjectLimits(max_archive_bytes=100))


@pytest.mark.parametrize(
    "data",
    [
        b"not a zip",
        _zip({"other.txt": b""}),
        _zip({"project.qde": b"<Project"}),
        _zip({"project.qde": b'<!DOCTYPE x [<!ENTITY a "b">]><Project/>'}),
        _zip({"project.qde": b'<Project xmlns="urn:QDA-XML:codebook:1.0"/>'}),
    ],
    ids=["not-zip", "no-qde", "broken-xml", "dtd", "wrong-namespace"],
)
def test_unreadable_projects_raise_qda_error(data):
    with pytest.raises(QdaError):
        read_qdpx(data)


def _memo_project() -> QdaProject:
    code = QdaCode(stable_guid("code", 1), "价格", memo="包括配送费")
    text = "受访者：配送费太贵了"
    return QdaProject(
        name="研究",
        codes=[code],
        sources=[
            QdaSource(
                stable_guid("source", 1),
                "访谈",
                text,
                selections=[
                    QdaSelection(
                        stable_guid("selection", 1),
                        4,
                        10,
                        (code.guid,),
                        memo="价格敏感",
                        created_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
                    )
                ],
            )
        ],
        created_at=datetime(2026, 10, 1, tzinfo=UTC),
    )


def test_export_gives_every_note_a_date_and_the_coding_memo_a_description():
    schema = xmlschema.XMLSchema(QDA / "Project.xsd")
    xml, _files = write_project(_memo_project())
    schema.validate(xml.decode("utf-8"))
    tree = schema.to_dict(xml.decode("utf-8"))
    [selection] = tree["Sources"]["TextSource"][0]["PlainTextSelection"]
    assert selection["Description"] == "价格敏感"  # where QualCoder reads a coding memo
    notes = {n["PlainTextContent"]: n["@creationDateTime"] for n in tree["Notes"]["Note"]}
    assert notes == {"价格敏感": "2026-11-01T08:00:00Z", "包括配送费": "2026-10-01T00:00:00Z"}


def test_exported_memos_come_back_once():
    project = read_qdpx(write_qdpx(_memo_project()))
    [coding] = project.sources[0].codings
    assert coding.memo == "价格敏感"  # in Description and in a Note: read once
    assert project.codes[0].memo == "包括配送费"
    assert project.notes == []


def test_a_verbatim_source_is_written_byte_for_byte():
    project = _memo_project()
    project.sources[0].text = "受访者：配送费\x0b太贵了\r\n"
    project.sources[0].verbatim = True
    _xml, files = write_project(project)
    assert files[f"{project.sources[0].guid}.txt"] == "受访者：配送费\x0b太贵了\r\n".encode()


def test_atlas_ti_positions_count_a_crlf_as_one_character():
    """ATLAS.ti writes CRLF line ends and counts each as one (QualCoder's importer has the
    same exception); NVivo's positions count both characters, as the file has them."""
    guid = "9f3c2a1e-4b5d-4c6e-8f70-112233445566"
    code = "c0de0001-0000-4000-8000-000000000001"
    text = (
        "访谈者：您在哪里买菜？\r\n受访者：楼下的菜市场。\r\n访谈者：为什么？\r\n受访者：新鲜。\r\n"
    )
    collapsed = text.replace("\r\n", "\n")
    start = collapsed.index("新鲜")

    def project(origin):
        xml = _project_xml(
            f'<CodeBook><Codes><Code guid="{code}" name="新鲜" isCodable="true"/></Codes>'
            f'</CodeBook><Sources><TextSource guid="{guid}" name="访谈" '
            f'plainTextPath="internal://{guid}.txt"><PlainTextSelection '
            f'guid="5e1e0001-0000-4000-8000-000000000001" startPosition="{start}" '
            f'endPosition="{start + 2}"><Coding guid="c0d10001-0000-4000-8000-000000000001">'
            f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection></TextSource>'
            "</Sources>"
        ).replace(b'name="p"', f'name="p" origin="{origin}"'.encode())
        return read_qdpx(_zip({"project.qde": xml, f"sources/{guid}.txt": text.encode()}))

    [source] = project("ATLAS.ti 24.1.0").sources
    [coding] = source.codings
    assert source.paragraphs[coding.paragraph].text.text[coding.start : coding.end] == "新鲜"
    # From NVivo the same numbers count two characters per line end: three earlier, on
    # the speaker's label "访者", which no highlight can hold (and a warning says so).
    nvivo = project("NVivo 14")
    assert text[start : start + 2] == "访者" and nvivo.sources[0].codings == []
    assert [w.code for w in nvivo.warnings] == [WarningCode.SELECTION_OUTSIDE]
