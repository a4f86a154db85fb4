"""Hostile files for the import tests, built in the test from real ones: XML with entity
declarations (a billion-laughs bomb, an external entity naming a local file) and deep nesting."""

import io
import re
import zipfile

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
