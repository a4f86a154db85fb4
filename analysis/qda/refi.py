# Over 400 lines: the project writer and the codebook reader share the element rules and GUIDs.
"""REFI-QDA 1.0 exchange: codebooks (.qdc) and projects (.qdpx), the format NVivo, ATLAS.ti,
MAXQDA and QualCoder read.

Written with an XML writer (ElementTree), never by string building (STYLE 26). GUIDs are
deterministic: `stable_guid` is a uuid5 of a fixed namespace and the object's identity, so
exporting the same project twice gives the same file. Positions in a `PlainTextSelection` are
Unicode code points into the source's plain text, which is what the standard calls characters
and what our highlights store (STYLE 25).

Standard: REFI-QDA Project and Codebook, version 1.0 (https://www.qdasoftware.org), schemas
`Project.xsd` (namespace urn:QDA-XML:project:1.0) and `Codebook.xsd` (urn:QDA-XML:codebook:1.0).
A .qdpx is a zip holding `project.qde` and the sources under `sources/`, referenced as
``internal://<file>``.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree import ElementTree as ET  # nosec B405 # writing; reading is defusedxml's

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_untrusted

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
# Fixed namespace of Wenfang's uuid5 GUIDs: never change it, or every export's GUIDs change.
GUID_NAMESPACE = uuid.UUID("5b0d6c1e-8f0a-4f5e-9a57-77656e66616e")
_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")
_GUID = re.compile(
    r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?"
)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
# Bounds of a codebook that is read: far above real ones (a few hundred codes, four or five
# levels), low enough that an import is one short write.
MAX_CODEBOOK_BYTES = 10 * 1024 * 1024
MAX_CODES = 5000
MAX_CODE_DEPTH = 50
# What XML 1.0 does not allow in a document (its `Char` production): C0 controls but tab,
# newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class QdaError(ValueError):
    """A REFI-QDA file that cannot be read; `location` names the element."""

    def __init__(self, message: str, location: str | None = None):
        super().__init__(message if location is None else f"{location}: {message}")
        self.location = location


class QdaTooLarge(QdaError):
    """A codebook past a bound: `what` is "bytes", "codes" or "depth", `maximum` the bound."""

    def __init__(self, what: str, maximum: int):
        super().__init__(f"more {what} than the {maximum} allowed")
        self.what = what
        self.maximum = maximum


def stable_guid(*identity: object) -> str:
    """A GUID that is the same for the same identity on every export."""
    return str(uuid.uuid5(GUID_NAMESPACE, "/".join(str(part) for part in identity)))


@dataclass
class QdaCode:
    guid: str
    name: str
    description: str = ""
    colour: str | None = None  # "#rrggbb"
    children: list[QdaCode] = field(default_factory=list)
    is_codable: bool = True
    memo: str = ""  # written as a Note the code refers to


@dataclass(frozen=True)
class QdaUser:
    guid: str
    name: str


@dataclass(frozen=True)
class QdaSelection:
    """A coded span of a source: `[start, end)` in code points, one `Coding` per code."""

    guid: str
    start: int
    end: int
    code_guids: tuple[str, ...]
    user_guid: str | None = None
    name: str = ""
    memo: str = ""
    created_at: datetime | None = None


@dataclass
class QdaSource:
    """A text source. `verbatim`: `text` is a file as another tool gave it, written back
    byte for byte; otherwise it is built from stored turns and cleaned for XML readers."""

    guid: str
    name: str
    text: str
    description: str = ""
    selections: list[QdaSelection] = field(default_factory=list)
    verbatim: bool = False
    created_at: datetime | None = None


@dataclass(frozen=True)
class QdaNote:
    """A memo of the project itself (a journal entry), not attached to a code or a source."""

    guid: str
    name: str
    text: str
    created_at: datetime | None = None
    user_guid: str | None = None


@dataclass
class QdaCase:
    """A participant: attribute values, and the sources where they speak."""

    guid: str
    name: str
    values: dict[str, str] = field(default_factory=dict)  # variable name → text value
    source_guids: list[str] = field(default_factory=list)


@dataclass
class QdaProject:
    name: str
    codes: list[QdaCode]
    sources: list[QdaSource] = field(default_factory=list)
    users: list[QdaUser] = field(default_factory=list)
    cases: list[QdaCase] = field(default_factory=list)
    description: str = ""
    origin: str = "Wenfang"
    created_at: datetime | None = None
    variable_guids: dict[str, str] = field(default_factory=dict)  # name → GUID; filled if empty
    notes: list[QdaNote] = field(default_factory=list)


def _code_element(
    parent: ET.Element, ns: str, code: QdaCode, notes: list[QdaNote] | None = None
) -> None:
    attributes = {"guid": code.guid, "name": code.name, "isCodable": _bool(code.is_codable)}
    if code.colour and _COLOUR.fullmatch(code.colour):
        attributes["color"] = code.colour
    element = ET.SubElement(parent, f"{{{ns}}}Code", attributes)
    if code.description:
        ET.SubElement(element, f"{{{ns}}}Description").text = code.description
    if code.memo and notes is not None:  # a codebook (.qdc) has no notes
        note = QdaNote(stable_guid("note", code.guid), code.name, code.memo)
        notes.append(note)
        ET.SubElement(element, f"{{{ns}}}NoteRef", {"targetGUID": note.guid})
    for child in code.children:
        _code_element(element, ns, child, notes)


def _codes_element(
    parent: ET.Element, ns: str, codes: list[QdaCode], notes: list[QdaNote] | None = None
) -> None:
    if not codes:
        raise ValueError("a REFI-QDA codebook needs at least one code")
    element = ET.SubElement(parent, f"{{{ns}}}Codes")
    for code in codes:
        _code_element(element, ns, code, notes)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def xml_safe(text: str) -> str:
    """`text` with each character XML 1.0 forbids replaced by U+FFFD, one for one, so that
    offsets into it stay valid. ElementTree writes such characters as they are, making the
    file ill-formed; stored text may hold them from before imports removed them (issue 30.8)."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def _serialise(root: ET.Element) -> bytes:
    """The document, well-formed whatever the texts and attribute values hold."""
    for element in root.iter():
        if element.text:
            element.text = xml_safe(element.text)
        for key, value in list(element.attrib.items()):
            element.set(key, xml_safe(value))
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def write_codebook(codes: list[QdaCode], *, origin: str = "Wenfang") -> bytes:
    """A REFI-QDA codebook (.qdc) document, UTF-8."""
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": origin})
    _codes_element(root, CODEBOOK_NS, codes)
    return _serialise(root)


def write_project(project: QdaProject) -> tuple[bytes, dict[str, bytes]]:
    """The project XML (`project.qde`) and the source files it references by path."""
    ns = PROJECT_NS
    ET.register_namespace("", ns)
    attributes = {"name": project.name, "origin": project.origin}
    if project.created_at is not None:
        attributes["creationDateTime"] = _datetime(project.created_at)
    root = ET.Element(f"{{{ns}}}Project", attributes)
    if project.users:
        users = ET.SubElement(root, f"{{{ns}}}Users")
        for user in project.users:
            ET.SubElement(users, f"{{{ns}}}User", {"guid": user.guid, "name": user.name})
    notes: list[QdaNote] = list(project.notes)
    codebook = ET.SubElement(root, f"{{{ns}}}CodeBook")
    _codes_element(codebook, ns, project.codes, notes)

    variable_names = list(dict.fromkeys(n for case in project.cases for n in case.values))
    guids = dict(project.variable_guids)
    for name in variable_names:
        guids.setdefault(name, stable_guid("variable", project.name, name))
    if variable_names:
        variables = ET.SubElement(root, f"{{{ns}}}Variables")
        for name in variable_names:
            ET.SubElement(
                variables,
                f"{{{ns}}}Variable",
                {"guid": guids[name], "name": name, "typeOfVariable": "Text"},
            )
    if project.cases:
        cases = ET.SubElement(root, f"{{{ns}}}Cases")
        for case in project.cases:
            element = ET.SubElement(cases, f"{{{ns}}}Case", {"guid": case.guid, "name": case.name})
            for name, value in case.values.items():
                holder = ET.SubElement(element, f"{{{ns}}}VariableValue")
                ET.SubElement(holder, f"{{{ns}}}VariableRef", {"targetGUID": guids[name]})
                ET.SubElement(holder, f"{{{ns}}}TextValue").text = value
            for source_guid in case.source_guids:
                ET.SubElement(element, f"{{{ns}}}SourceRef", {"targetGUID": source_guid})

    files: dict[str, bytes] = {}
    if project.sources:
        sources = ET.SubElement(root, f"{{{ns}}}Sources")
        for source in project.sources:
            filename = f"{source.guid}.txt"
            # Plain text, not XML: a file another tool gave goes back as it came; one built
            # from stored turns gets the one-for-one swap of `xml_safe` (offsets unchanged),
            # for readers that load it into an XML or rich-text widget.
            text = source.text if source.verbatim else xml_safe(source.text)
            files[filename] = text.encode("utf-8")
            attributes = {
                "guid": source.guid,
                "name": source.name,
                "plainTextPath": f"internal://{filename}",
            }
            if source.created_at is not None:
                attributes["creationDateTime"] = _datetime(source.created_at)
            element = ET.SubElement(sources, f"{{{ns}}}TextSource", attributes)
            if source.description:
                ET.SubElement(element, f"{{{ns}}}Description").text = source.description
            for selection in source.selections:
                _selection_element(element, ns, source, selection, notes)
    if notes:
        journal = {note.guid for note in project.notes}
        _notes_element(root, ns, notes, project.created_at, journal, files)
    if project.description:
        ET.SubElement(root, f"{{{ns}}}Description").text = project.description
    return _serialise(root), files


def _notes_element(
    root: ET.Element,
    ns: str,
    notes: list[QdaNote],
    fallback: datetime | None,
    journal: set[str],
    files: dict[str, bytes],
) -> None:
    """Every note with a date: optional in the schema, but QualCoder's importer stops at a
    note without one; a note without its own date takes the project's. The project's own
    notes (`journal`) are also files, as NVivo writes them and QualCoder reads journals;
    memos on codes and codings are not, or QualCoder would take them for journals."""
    holder = ET.SubElement(root, f"{{{ns}}}Notes")
    for note in notes:
        attributes = {"guid": note.guid, "name": note.name}
        if note.guid in journal:
            files[f"{note.guid}.txt"] = note.text.encode("utf-8")
            attributes["plainTextPath"] = f"internal://{note.guid}.txt"
        if note.user_guid:
            attributes["creatingUser"] = note.user_guid
        attributes["creationDateTime"] = _datetime(note.created_at or fallback or _EPOCH)
        element = ET.SubElement(holder, f"{{{ns}}}Note", attributes)
        ET.SubElement(element, f"{{{ns}}}PlainTextContent").text = note.text


def _selection_element(
    parent: ET.Element,
    ns: str,
    source: QdaSource,
    selection: QdaSelection,
    notes: list[QdaNote],
) -> None:
    if not 0 <= selection.start <= selection.end <= len(source.text):
        raise ValueError(
            f"selection {selection.guid} [{selection.start}, {selection.end}) is outside "
            f"source {source.name!r} ({len(source.text)} characters)"
        )
    attributes = {
        "guid": selection.guid,
        "name": selection.name or source.text[selection.start : selection.end][:60],
        "startPosition": str(selection.start),
        "endPosition": str(selection.end),
    }
    if selection.user_guid:
        attributes["creatingUser"] = selection.user_guid
    if selection.created_at is not None:
        attributes["creationDateTime"] = _datetime(selection.created_at)
    element = ET.SubElement(parent, f"{{{ns}}}PlainTextSelection", attributes)
    if selection.memo:
        # Where QualCoder and MAXQDA read a coding memo; the Note below is where NVivo and
        # ATLAS.ti look. A reader of both (Wenfang's own import) takes the text once.
        ET.SubElement(element, f"{{{ns}}}Description").text = selection.memo
    for code_guid in selection.code_guids:
        coding = {"guid": stable_guid("coding", selection.guid, code_guid)}
        if selection.user_guid:
            coding["creatingUser"] = selection.user_guid
        holder = ET.SubElement(element, f"{{{ns}}}Coding", coding)
        ET.SubElement(holder, f"{{{ns}}}CodeRef", {"targetGUID": code_guid})
    if selection.memo:
        note = QdaNote(
            stable_guid("note", selection.guid),
            attributes["name"],
            selection.memo,
            selection.created_at,
            selection.user_guid,
        )
        notes.append(note)
        ET.SubElement(element, f"{{{ns}}}NoteRef", {"targetGUID": note.guid})


def _datetime(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_qdpx(project: QdaProject) -> bytes:
    """A .qdpx archive: `project.qde` plus `sources/<guid>.txt`, with fixed zip timestamps."""
    xml, files = write_project(project)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", _ZIP_TIME), xml)
        for name, data in sorted(files.items()):
            archive.writestr(zipfile.ZipInfo(f"sources/{name}", _ZIP_TIME), data)
    return buffer.getvalue()


def read_codebook(data: bytes) -> list[QdaCode]:
    """The code tree of a .qdc codebook (or of a project.qde's CodeBook).

    Parsed with defusedxml, refusing any DTD (REFI-QDA files have none), whatever the file's
    encoding: no entity is expanded and nothing outside the file is read. Past
    `MAX_CODEBOOK_BYTES`, `MAX_CODES` codes or `MAX_CODE_DEPTH` levels: `QdaTooLarge`.
    """
    if len(data) > MAX_CODEBOOK_BYTES:
        raise QdaTooLarge("bytes", MAX_CODEBOOK_BYTES)
    try:
        root = parse_untrusted(data, forbid_dtd=True)
    except DefusedXmlException:
        raise QdaError("DTDs are not allowed in a REFI-QDA file") from None
    except ET.ParseError as error:
        raise QdaError(f"not well-formed XML ({error})") from error
    except LookupError as error:  # <?xml encoding="tf-8"?> (found by tests/fuzz)
        raise QdaError(f"unknown encoding ({error})") from error
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if namespace not in (CODEBOOK_NS, PROJECT_NS):
        raise QdaError(f"unexpected namespace {namespace!r}", root.tag)
    q = f"{{{namespace}}}"
    codebook = root if root.tag == f"{q}CodeBook" else root.find(f"{q}CodeBook")
    codes = codebook.find(f"{q}Codes") if codebook is not None else None
    if codes is None:
        raise QdaError("no Codes element", "CodeBook")
    if sum(1 for _ in codes.iter(f"{q}Code")) > MAX_CODES:
        raise QdaTooLarge("codes", MAX_CODES)
    return _read_codes(codes, q)


def _read_codes(codes: ET.Element, q: str) -> list[QdaCode]:
    """The tree under `Codes`, depth first without recursion (a file may nest thousands)."""
    roots: list[QdaCode] = []
    stack = [(element, f"Codes/Code[{i}]", roots, 1) for i, element in enumerate(codes, 1)]
    stack.reverse()
    while stack:
        element, location, siblings, depth = stack.pop()
        if depth > MAX_CODE_DEPTH:
            raise QdaTooLarge("depth", MAX_CODE_DEPTH)
        code = _read_code(element, q, location)
        siblings.append(code)
        children = element.findall(f"{q}Code")
        stack.extend(
            (child, f"{location}/Code[{i}]", code.children, depth + 1)
            for i, child in reversed(list(enumerate(children, 1)))
        )
    return roots


def _read_code(element: ET.Element, q: str, location: str) -> QdaCode:
    """One code without its children."""
    guid, name = element.get("guid"), element.get("name")
    if element.tag != f"{q}Code":
        raise QdaError(f"unexpected element {element.tag}", location)
    if not guid or not _GUID.fullmatch(guid):
        raise QdaError(f"missing or malformed guid {guid!r}", location)
    if not name or not name.strip():
        raise QdaError("a code needs a name", location)
    description = element.find(f"{q}Description")
    colour = element.get("color")
    return QdaCode(
        guid=guid.strip("{}").lower(),
        name=name,
        description=(description.text or "") if description is not None else "",
        colour=colour if colour and _COLOUR.fullmatch(colour) else None,
        is_codable=element.get("isCodable", "true") == "true",
    )


def walk(
    codes: Iterable[QdaCode], parent: QdaCode | None = None
) -> Iterator[tuple[QdaCode | None, QdaCode]]:
    """(parent, code) pairs of a code tree, parents before their children."""
    for code in codes:
        yield parent, code
        yield from walk(code.children, code)
