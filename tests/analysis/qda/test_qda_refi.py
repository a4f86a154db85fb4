"""REFI-QDA export: schema-valid XML, deterministic GUIDs, a codebook that round-trips."""

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import xmlschema

from analysis.qda import (
    QdaCase,
    QdaCode,
    QdaError,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    read_codebook,
    stable_guid,
    write_codebook,
    write_project,
    write_qdpx,
)

SCHEMAS = Path(__file__).resolve().parents[2] / "data" / "qda"


@pytest.fixture(scope="module")
def project_schema():
    return xmlschema.XMLSchema(SCHEMAS / "Project.xsd")


@pytest.fixture(scope="module")
def codebook_schema():
    return xmlschema.XMLSchema(SCHEMAS / "Codebook.xsd")


def _codes():
    return [
        QdaCode(
            stable_guid("code", 1),
            "价格",
            "对价格的看法 & 比较",
            "#e15759",
            children=[QdaCode(stable_guid("code", 2), "价格波动", "", "#f28e2b")],
        ),
        QdaCode(stable_guid("code", 3), "老年模式 <需求>", "字太小", None),
    ]


def _project():
    text = "王女士：𠮷野家的外卖😀还行\n\n李先生：价格能不能别天天变\n\n"
    start = text.index("价格")
    user = QdaUser(stable_guid("user", 7), "李雷")
    return QdaProject(
        name="买菜 App 研究",
        codes=_codes(),
        users=[user],
        sources=[
            QdaSource(
                stable_guid("source", 1),
                "焦点小组 1",
                text,
                selections=[
                    QdaSelection(
                        stable_guid("selection", 1),
                        start,
                        start + 6,
                        (stable_guid("code", 1), stable_guid("code", 2)),
                        user.guid,
                        memo="典型",
                        created_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
                    ),
                    QdaSelection(stable_guid("selection", 2), 4, 9, (stable_guid("code", 3),)),
                ],
            )
        ],
        cases=[
            QdaCase(
                stable_guid("case", "P01"),
                "P01",
                {"segment": "新用户", "region": "一线"},
                [stable_guid("source", 1)],
            )
        ],
        description="找出买菜 App 的痛点",
        created_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
    )


def test_codebook_validates_and_round_trips(codebook_schema):
    data = write_codebook(_codes())
    codebook_schema.validate(data.decode("utf-8"))
    assert b'xmlns="urn:QDA-XML:codebook:1.0"' in data
    back = read_codebook(data)
    assert [(c.guid, c.name, c.description, c.colour) for c in back] == [
        (c.guid, c.name, c.description, c.colour) for c in _codes()
    ]
    assert back[0].children[0].name == "价格波动"
    assert write_codebook(back) == data  # byte-identical: deterministic writer


def test_project_xml_validates_against_the_refi_qda_schema(project_schema):
    xml, files = write_project(_project())
    project_schema.validate(xml.decode("utf-8"))
    assert list(files) == [f"{stable_guid('source', 1)}.txt"]


def test_selection_positions_are_code_points_into_the_source(project_schema):
    project = _project()
    xml, files = write_project(project)
    text = files[f"{stable_guid('source', 1)}.txt"].decode("utf-8")
    tree = project_schema.to_dict(xml.decode("utf-8"))
    selection = tree["Sources"]["TextSource"][0]["PlainTextSelection"][0]
    start, end = selection["@startPosition"], selection["@endPosition"]
    # 𠮷 and 😀 come before: one code point each, two UTF-16 units, four UTF-8 bytes.
    assert text[start:end] == "价格能不能别"
    assert [c["CodeRef"]["@targetGUID"] for c in selection["Coding"]] == [
        stable_guid("code", 1),
        stable_guid("code", 2),
    ]


def test_qdpx_is_a_zip_with_project_and_sources_and_is_deterministic(project_schema):
    data = write_qdpx(_project())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        project_schema.validate(archive.read("project.qde").decode("utf-8"))
    assert names == ["project.qde", f"sources/{stable_guid('source', 1)}.txt"]
    assert write_qdpx(_project()) == data


def test_guids_are_stable_uuid5():
    assert stable_guid("code", 1) == stable_guid("code", 1)
    assert stable_guid("code", 1) != stable_guid("code", 2)
    assert stable_guid("code", 1)[14] == "5"  # UUID version 5


def test_reading_a_codebook_from_another_tool():
    # As QualCoder writes it: braces around GUIDs, isCodable, a nested code.
    data = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="QualCoder">
<Codes><Code guid="{A1B2C3D4-0000-4000-8000-000000000001}" name="Trust" isCodable="true"
 color="#AABBCC"><Description>信任</Description>
<Code guid="{A1B2C3D4-0000-4000-8000-000000000002}" name="Rumours" isCodable="true"/>
</Code></Codes></CodeBook>""".encode()
    [trust] = read_codebook(data)
    assert (trust.guid, trust.name, trust.description, trust.colour) == (
        "a1b2c3d4-0000-4000-8000-000000000001",
        "Trust",
        "信任",
        "#AABBCC",
    )
    assert trust.children[0].name == "Rumours"


@pytest.mark.parametrize(
    "data",
    [
        b"not xml",
        b'<CodeBook xmlns="urn:other"><Codes/></CodeBook>',
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="x" isCodable="true"/>'
        b"</Codes></CodeBook>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><CodeBook/>',
    ],
)
def test_bad_codebooks_raise_qda_error(data):
    with pytest.raises(QdaError):
        read_codebook(data)


def test_a_codebook_naming_an_unknown_encoding_is_a_qda_error():
    """Found by tests/fuzz: ElementTree's LookupError escaped `read_codebook`."""
    data = b'<?xml version="1.0" encoding="tf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'
    with pytest.raises(QdaError, match="encoding"):
        read_codebook(data)
