# Over 400 lines: one reader of one XML tree; its steps share the users, variables and notes.
"""Reading a REFI-QDA project (.qdpx) from NVivo, ATLAS.ti, MAXQDA, QualCoder or Wenfang.

Plain data out, no database: text sources cut into paragraphs (the turns they become), each
coding placed in the paragraphs it covers, notes sorted into coding memos, source memos, code
memos and the project's own notes, cases' variable values as the sources' attributes. What
Wenfang cannot hold (PDF, picture, audio and video sources, sets, graphs, links, annotations
without a code) is named in `warnings`, never dropped silently.

The archive is untrusted: `archive` bounds its size and what it unpacks to, the XML is
parsed with defusedxml refusing DTDs, and the counts of sources and codings are bounded.
"""

from __future__ import annotations

import bisect
import enum
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree import ElementTree as ET  # nosec B405 # types and ParseError; parsing is defusedxml's

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_untrusted

from analysis.qda.archive import DEFAULT_PROJECT_LIMITS, ProjectLimits, QdpxArchive
from analysis.qda.plaintext import Paragraph, paragraphs
from analysis.qda.refi import (
    _GUID,
    MAX_CODES,
    PROJECT_NS,
    QdaCode,
    QdaError,
    QdaNote,
    QdaTooLarge,
    _read_codes,
    walk,
)

_Q = f"{{{PROJECT_NS}}}"


class WarningCode(enum.StrEnum):
    """What comes in changed or not at all; the web layer words each one."""

    UNSUPPORTED_SOURCE = "unsupported_source"  # name: the source; detail: PDF, Picture …
    EXTERNAL_SOURCE = "external_source"  # its text is outside the archive
    NO_PLAIN_TEXT = "no_plain_text"  # only a rich-text (docx) representation
    MISSING_SOURCE = "missing_source"  # plainTextPath names no member
    UNREADABLE_SOURCE = "unreadable_source"  # not UTF-8
    EMPTY_SOURCE = "empty_source"
    SETS = "sets"  # count
    GRAPHS = "graphs"
    LINKS = "links"
    SELECTION_OUTSIDE = "selection_outside"  # name: the source; count
    UNKNOWN_CODE = "unknown_code"  # count of codings to a code not in the codebook
    ANNOTATION = "annotation"  # name: the source; count of selections with no code
    SPLIT_SELECTION = "split_selection"  # name: the source; count spanning paragraphs
    CASE_WITHOUT_SOURCE = "case_without_source"  # name: the case
    SEVERAL_CASES = "several_cases"  # name: the source
    CASE_CODES = "case_codes"  # name: the case (codes on a case itself)
    UNCODABLE_CODE = "uncodable_code"  # name: the code (a folder, imported as a code)
    ALREADY_IMPORTED = "already_imported"  # name: the source (the study has it from before)


@dataclass(frozen=True)
class ImportWarning:
    code: WarningCode
    name: str = ""
    count: int = 1
    detail: str = ""


@dataclass(frozen=True)
class ParagraphCoding:
    """A code on `[start, end)` of one paragraph's NFC text."""

    paragraph: int
    start: int
    end: int
    code_guid: str
    memo: str = ""
    created_at: datetime | None = None
    coder: str = ""  # the user's name in the file


@dataclass
class ImportedSource:
    guid: str
    name: str
    text: str  # the plain text as the file gave it (a leading BOM removed)
    paragraphs: list[Paragraph]
    memo: str = ""
    created_at: datetime | None = None
    codings: list[ParagraphCoding] = field(default_factory=list)
    case_name: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportedProject:
    name: str
    origin: str
    description: str
    codes: list[QdaCode]
    sources: list[ImportedSource]
    notes: list[QdaNote]
    coders: list[str]
    warnings: list[ImportWarning]

    @property
    def coding_count(self) -> int:
        return sum(len(source.codings) for source in self.sources)

    def code_count(self) -> int:
        return sum(1 for _ in walk(self.codes))


def _guid(value: str | None, location: str) -> str:
    if not value or not _GUID.fullmatch(value):
        raise QdaError(f"missing or malformed guid {value!r}", location)
    return value.strip("{}").lower()


def _refs(element: ET.Element, tag: str) -> list[str]:
    return [
        _guid(ref.get("targetGUID"), f"{element.tag}/{tag}")
        for ref in element.findall(f"{_Q}{tag}")
    ]


def _text_of(element: ET.Element, tag: str) -> str:
    child = element.find(f"{_Q}{tag}")
    return (child.text or "").strip() if child is not None else ""


def _datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _when(element: ET.Element) -> datetime | None:
    return _datetime(element.get("creationDateTime") or element.get("modifiedDateTime"))


def _join(*texts: str) -> str:
    """Memo texts joined once each: Wenfang and others write a memo in two places."""
    return "\n\n".join(dict.fromkeys(t.strip() for t in texts if t and t.strip()))


def read_qdpx(data: bytes, limits: ProjectLimits = DEFAULT_PROJECT_LIMITS) -> ImportedProject:
    """The project in a .qdpx, ready to write; `QdaError` (`QdaTooLarge`) when it cannot be
    read at all. Everything read but not representable is in the result's warnings."""
    archive = QdpxArchive(data, limits)
    xml = archive.read(archive.project_member())
    try:
        root = parse_untrusted(xml, forbid_dtd=True)
    except DefusedXmlException:
        raise QdaError("DTDs are not allowed in a REFI-QDA file") from None
    except ET.ParseError as error:
        raise QdaError(f"not well-formed XML ({error})") from error
    if root.tag != f"{_Q}Project":
        raise QdaError("not a REFI-QDA project (urn:QDA-XML:project:1.0)", root.tag)
    return _Reader(root, archive, limits).project()


class _Reader:
    def __init__(self, root: ET.Element, archive: QdpxArchive, limits: ProjectLimits):
        self.root = root
        self.archive = archive
        self.limits = limits
        self.warnings: list[ImportWarning] = []
        self.users = {
            _guid(u.get("guid"), "Users/User"): u.get("name") or ""
            for u in root.iterfind(f"{_Q}Users/{_Q}User")
        }
        self.notes = {
            _guid(n.get("guid"), "Notes/Note"): n for n in root.iterfind(f"{_Q}Notes/{_Q}Note")
        }
        self.used_notes: set[str] = set()
        self.origin = (root.get("origin") or "").strip().lower()
        self.variables = {
            _guid(v.get("guid"), "Variables/Variable"): v.get("name") or ""
            for v in root.iterfind(f"{_Q}Variables/{_Q}Variable")
        }

    def warn(self, code: WarningCode, name: str = "", count: int = 1, detail: str = "") -> None:
        if count:
            self.warnings.append(ImportWarning(code, name, count, detail))

    def note_text(self, guid: str) -> str:
        """A note's text (inline, in its plain-text file, or its description), marked used."""
        note = self.notes.get(guid)
        if note is None:
            return ""
        self.used_notes.add(guid)
        content = note.find(f"{_Q}PlainTextContent")
        if content is not None and content.text:
            return content.text.strip()
        path = note.get("plainTextPath")
        if path:
            data = self.archive.source(path)
            if data is not None:
                return data.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
        return _text_of(note, "Description")

    def memo_of(self, element: ET.Element) -> str:
        return _join(
            _text_of(element, "Description"),
            *(self.note_text(g) for g in _refs(element, "NoteRef")),
        )

    def project(self) -> ImportedProject:
        root = self.root
        codes = self.codes()
        known = {code.guid for _, code in walk(codes)}
        cases = self.cases()
        sources = self.sources(known, cases)
        # Annotation notes (QualCoder, NVivo) hold a PlainTextSelection of their own.
        for guid, note in self.notes.items():
            if guid not in self.used_notes and note.find(f"{_Q}PlainTextSelection") is not None:
                self.used_notes.add(guid)
                self.warn(WarningCode.ANNOTATION, note.get("name") or "")
        notes = [
            QdaNote(guid, note.get("name") or "", self.note_text(guid), _when(note))
            for guid, note in self.notes.items()
            if guid not in self.used_notes
        ]
        notes = [note for note in notes if note.text]
        for tag, code in (
            ("Sets", WarningCode.SETS),
            ("Graphs", WarningCode.GRAPHS),
            ("Links", WarningCode.LINKS),
        ):
            holder = root.find(f"{_Q}{tag}")
            if holder is not None:
                self.warn(code, count=len(holder))
        description = _join(
            _text_of(root, "Description"),
            *(self.note_text(g) for g in _refs(root, "NoteRef")),
        )
        return ImportedProject(
            name=root.get("name") or "",
            origin=root.get("origin") or "",
            description=description,
            codes=codes,
            sources=sources,
            notes=notes,
            coders=sorted({name for name in self.users.values() if name}),
            warnings=self.warnings,
        )

    def codes(self) -> list[QdaCode]:
        holder = self.root.find(f"{_Q}CodeBook/{_Q}Codes")
        if holder is None:
            return []
        elements = list(holder.iter(f"{_Q}Code"))
        if len(elements) > MAX_CODES:
            raise QdaTooLarge("codes", MAX_CODES)
        tree = _read_codes(holder, _Q)
        by_guid = {code.guid: code for _, code in walk(tree)}
        for element in elements:
            code = by_guid[_guid(element.get("guid"), "Code")]
            code.memo = _join(*(self.note_text(g) for g in _refs(element, "NoteRef")))
            if not code.is_codable:
                self.warn(WarningCode.UNCODABLE_CODE, code.name)
        return tree

    def cases(self) -> dict[str, list[tuple[str, dict[str, str]]]]:
        """Source GUID → [(case name, values)] of the cases that name it."""
        by_source: dict[str, list[tuple[str, dict[str, str]]]] = {}
        for case in self.root.iterfind(f"{_Q}Cases/{_Q}Case"):
            name = case.get("name") or ""
            values = self.values(case)
            sources = _refs(case, "SourceRef")
            if not sources:
                self.warn(WarningCode.CASE_WITHOUT_SOURCE, name)
            if case.find(f"{_Q}CodeRef") is not None:
                self.warn(WarningCode.CASE_CODES, name)
            for guid in sources:
                by_source.setdefault(guid, []).append((name, values))
        return by_source

    def values(self, element: ET.Element) -> dict[str, str]:
        values = {}
        for holder in element.iterfind(f"{_Q}VariableValue"):
            ref = holder.find(f"{_Q}VariableRef")
            if ref is None:
                continue
            name = self.variables.get(_guid(ref.get("targetGUID"), "VariableRef"), "")
            value = next((child.text for child in holder if child is not ref), None)
            if name and value is not None and value.strip():
                values[name] = value.strip()
        return values

    def sources(
        self, known: set[str], cases: dict[str, list[tuple[str, dict[str, str]]]]
    ) -> list[ImportedSource]:
        holder = self.root.find(f"{_Q}Sources")
        elements = list(holder) if holder is not None else []
        if len(elements) > self.limits.max_sources:
            raise QdaTooLarge("sources", self.limits.max_sources)
        selections = sum(1 for e in elements for _ in e.iterfind(f"{_Q}PlainTextSelection"))
        if selections > self.limits.max_selections:
            raise QdaTooLarge("selections", self.limits.max_selections)
        result = []
        for element in elements:
            kind = element.tag.removeprefix(_Q)
            name = element.get("name") or ""
            if kind != "TextSource":
                self.warn(WarningCode.UNSUPPORTED_SOURCE, name, detail=kind.removesuffix("Source"))
                continue
            source = self.text_source(element, known)
            if source is None:
                continue
            for case_name, values in cases.get(source.guid, []):
                source.case_name = source.case_name or case_name
                source.attributes.update(values)
            if len(cases.get(source.guid, [])) > 1:
                self.warn(WarningCode.SEVERAL_CASES, name)
            result.append(source)
        return result

    def plain_text(self, element: ET.Element, name: str) -> str | None:
        content = element.find(f"{_Q}PlainTextContent")
        if content is not None and content.text:
            return content.text
        path = element.get("plainTextPath") or element.get("path") or ""
        if not path:
            self.warn(WarningCode.NO_PLAIN_TEXT, name, detail=element.get("richTextPath") or "")
            return None
        if not path.startswith("internal://"):
            self.warn(WarningCode.EXTERNAL_SOURCE, name, detail=path)
            return None
        data = self.archive.source(path)
        if data is None:
            self.warn(WarningCode.MISSING_SOURCE, name, detail=path)
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.warn(WarningCode.UNREADABLE_SOURCE, name)
            return None
        if len(text) > self.limits.max_source_chars:
            raise QdaTooLarge("characters in a source", self.limits.max_source_chars)
        return text.removeprefix("\ufeff")

    def text_source(self, element: ET.Element, known: set[str]) -> ImportedSource | None:
        guid = _guid(element.get("guid"), "TextSource")
        name = element.get("name") or guid
        text = self.plain_text(element, name)
        if text is None:
            return None
        # PostgreSQL stores no NUL in text; XML forbids it anyway: one for one, offsets hold.
        text = text.replace("\x00", "\ufffd")
        parts = paragraphs(text)
        if not parts:
            self.warn(WarningCode.EMPTY_SOURCE, name)
            return None
        source = ImportedSource(
            guid=guid,
            name=name,
            text=text,
            paragraphs=parts,
            memo=self.memo_of(element),
            created_at=_when(element),
            attributes=self.values(element),  # MAXQDA puts them on the source
        )
        to_file = _crlf_as_one(text) if self.origin.startswith("atlas") else _as_is
        outside = annotations = split = unknown = 0
        ends = [paragraph.end for paragraph in parts]
        for selection in element.iterfind(f"{_Q}PlainTextSelection"):
            try:
                start = to_file(int(selection.get("startPosition", "")))
                end = to_file(int(selection.get("endPosition", "")))
            except ValueError:
                location = "PlainTextSelection"
                raise QdaError("a selection needs integer positions", location) from None
            codings = selection.findall(f"{_Q}Coding")
            if not 0 <= start < end <= len(text):
                outside += 1
                continue
            code_guids = [g for c in codings for g in _refs(c, "CodeRef")]
            unknown += sum(1 for g in code_guids if g not in known)
            code_guids = [g for g in code_guids if g in known]
            memo = _join(
                _text_of(selection, "Description"),
                *(self.note_text(g) for g in _refs(selection, "NoteRef")),
                *(self.note_text(g) for c in codings for g in _refs(c, "NoteRef")),
            )
            if not codings:
                annotations += 1
                continue
            user = selection.get("creatingUser") or selection.get("modifyingUser")
            coder = self.users.get(user.strip("{}").lower(), "") if user else ""
            pieces = list(_pieces(parts, ends, start, end))
            if not pieces:  # only blank lines or a speaker's label
                outside += 1
                continue
            split += len(pieces) > 1
            for index, local_start, local_end in pieces:
                for code_guid in dict.fromkeys(code_guids):
                    source.codings.append(
                        ParagraphCoding(
                            index, local_start, local_end, code_guid, memo, _when(selection), coder
                        )
                    )
        self.warn(WarningCode.SELECTION_OUTSIDE, name, outside)
        self.warn(WarningCode.ANNOTATION, name, annotations)
        self.warn(WarningCode.SPLIT_SELECTION, name, split)
        self.warn(WarningCode.UNKNOWN_CODE, name, unknown)
        return source


def _as_is(position: int) -> int:
    return position


def _crlf_as_one(text: str) -> Callable[[int], int]:
    """ATLAS.ti writes a source's CRLF line ends but counts each as one character (QualCoder's
    importer makes the same exception): its positions as positions in the file."""
    # Where each line end stands once the CRs before it are removed.
    collapsed = [m.start() - seen for seen, m in enumerate(re.finditer("\r\n", text))]
    return lambda position: position + bisect.bisect_left(collapsed, position)


def _pieces(
    parts: list[Paragraph], ends: list[int], start: int, end: int
) -> Iterator[tuple[int, int, int]]:
    """(paragraph, start, end) in each paragraph's NFC text that `[start, end)` covers;
    `ends` are the paragraphs' ends, for a binary search."""
    first = bisect.bisect_right(ends, start)
    for index in range(first, len(parts)):
        paragraph = parts[index]
        if paragraph.text_start >= end:
            break
        local_start = paragraph.to_local(start)
        local_end = paragraph.to_local(end, end=True)
        if local_end > local_start:
            yield index, local_start, local_end
