"""Hostile files for the import tests, built in the test: XML with entity declarations (a
billion-laughs bomb, an external entity naming a local file), deep nesting, honest but huge
questionnaires and codebooks."""

import io
import re
import struct
import uuid
import zipfile
import zlib

import openpyxl

from analysis.qda import QdaCode, write_codebook

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "\n".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "\n]>\n"
)
LAUGH = "&lol9;"
# An external entity naming a file every machine has; its text must never come back.
EXTERNAL = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
XXE = "&xxe;"


def with_entities(xlsx: bytes, member: str, prologue: str, cell: str, reference: str) -> bytes:
    """*xlsx* with *member* (a sheet XML) given a DTD *prologue*, and the string *cell* in it
    replaced by the entity *reference*."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == member:
                text = re.sub(r"^<\?xml[^>]*\?>\s*", "", data.decode("utf-8"))
                assert f"<t>{cell}</t>" in text
                text = text.replace(f"<t>{cell}</t>", f"<t>{reference}</t>")
                data = (prologue + text).encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def nested_codebook(depth: int) -> bytes:
    """A REFI-QDA codebook whose codes are nested *depth* levels deep."""
    ns = "urn:QDA-XML:codebook:1.0"
    guid = "{:08x}-0000-4000-8000-000000000000"
    opening = "".join(f'<Code guid="{guid.format(i)}" name="层{i}">' for i in range(depth))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="{ns}" origin="t"><Codes>'
        + opening
        + "</Code>" * depth
        + "</Codes></CodeBook>"
    ).encode()


def xlsform(questions: int, *, list_size: int = 2) -> bytes:
    """An honest XLSForm: *questions* rows, every other one a select_one of a list of
    *list_size* choices."""
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    for i in range(questions):
        survey.append(["select_one yn" if i % 2 else "text", f"q{i}", f"第{i}题：您对配送满意吗？"])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for i in range(list_size):
        choices.append(["yn", f"c{i}", f"选项{i}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def codebook(codes: int) -> bytes:
    """An honest .qdc of *codes* codes: themes of ten sub-codes each."""
    themes = []
    for i in range(codes // 10):
        children = [QdaCode(guid=str(uuid.uuid4()), name=f"子编码{j}") for j in range(9)]
        themes.append(QdaCode(guid=str(uuid.uuid4()), name=f"主题{i}", children=children))
    themes += [QdaCode(guid=str(uuid.uuid4()), name=f"其他{i}") for i in range(codes % 10)]
    return write_codebook(themes)


def overlapping_zip(name: str, data: bytes, copies: int) -> bytes:
    """A zip whose central directory lists *copies* members, every one pointing at the same
    compressed bytes of *data* (David Fifield's overlapping zip bomb in miniature): the first
    member is called *name*, the others ``name.<i>``."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = compressor.compress(data) + compressor.flush()
    crc = zlib.crc32(data)
    encoded = name.encode()
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(packed), len(data), len(encoded), 0
    )
    body = local + encoded + packed
    directory = b""
    for i in range(copies):
        member = encoded if i == 0 else f"{name}.{i}".encode()
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(packed), len(data),
            len(member), 0, 0, 0, 0, 0, 0,
        ) + member  # fmt: skip
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, copies, copies, len(directory), len(body), 0)
    return body + directory + end


def zip_of(members: dict[str, bytes]) -> bytes:
    """A deflated zip of *members* (name → bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
