"""Word (.docx) transcripts: paragraphs and table rows → lines of text.

The lines then go through the plain-text splitter, so a docx transcript follows the same
speaker rules as a txt one. A table row of two cells reads as `speaker：text`, of three cells
whose first is a timestamp as `[time] speaker：text` (the layout of several transcription
services' Word exports); other rows join their cells with spaces. A paragraph that starts
with bold runs (`访谈者` in bold, then the speech, often with no colon) has its bold start
passed along, for the splitter to try as a label: the text itself is not changed.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analysis.transcripts.errors import ErrorCode, TranscriptError
from analysis.transcripts.labels import TIMESTAMP
from analysis.transcripts.limits import DEFAULT_LIMITS, Limits
from surveys.errors import Code
from surveys.safe_zip import UNREADABLE, ZipRefused, check_zip_archive

if TYPE_CHECKING:  # python-docx is imported lazily (and has no type hints)
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

# Below this many unpacked bytes a compression ratio says nothing (a near-empty document
# compresses very well) and cannot hurt.
RATIO_FLOOR = 1024 * 1024
_CHUNK = 64 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT = f"{_W}t"
_HEADER_WORDS = frozenset((
    "说话人", "发言人", "角色", "姓名", "内容", "发言", "发言内容", "文本", "时间", "时间戳",
    "speaker", "name", "text", "time",
))  # fmt: skip


def is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except UNREADABLE:  # a damaged zip is read as text, and refused there as binary
        return False


def _check_archive(data: bytes, limits: Limits) -> None:
    """Refuse a zip bomb before python-docx unpacks it (issue 30.2).

    First the central directory (`surveys.safe_zip`): the number of parts, what they declare
    together, overlapping parts, and each part's and the whole archive's ratio. Then
    word/document.xml is read in chunks, counting the bytes it actually unpacks to, and
    refused as soon as they pass the limit or the ratio: memory stays at one chunk whatever
    the header claims. (zipfile stops a member at its declared size and fails its CRC when
    more follows, so the other members, read by python-docx, are bounded by the declared
    total checked here.)
    """
    try:
        infos = check_zip_archive(
            data,
            max_members=limits.max_docx_members,
            max_total_bytes=limits.max_docx_unpacked_bytes,
            max_ratio=limits.max_docx_ratio,
            ratio_floor=RATIO_FLOOR,
        )
    except ZipRefused as refused:
        raise _refusal(refused) from refused
    document = next((i for i in infos if i.filename == "word/document.xml"), None)
    if document is None:
        raise TranscriptError(ErrorCode.INVALID_DOCX, detail="no word/document.xml")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(document) as member:
            unpacked = 0
            while chunk := member.read(_CHUNK):
                unpacked += len(chunk)
                if unpacked > limits.max_docx_xml_bytes:
                    raise TranscriptError(
                        ErrorCode.DOCX_TOO_LARGE, size=unpacked, limit=limits.max_docx_xml_bytes
                    )
                _check_ratio(unpacked, document.compress_size, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        detail = str(exc) or type(exc).__name__
        raise TranscriptError(ErrorCode.INVALID_DOCX, detail=detail) from exc


def _refusal(refused: ZipRefused) -> TranscriptError:
    """The transcript error of an archive `surveys.safe_zip` refused."""
    params = refused.params
    if refused.code == Code.ZIP_TOO_LARGE:
        return TranscriptError(ErrorCode.DOCX_TOO_LARGE, size=params["size"], limit=params["limit"])
    if refused.code == Code.ZIP_RATIO:
        return TranscriptError(ErrorCode.DOCX_RATIO, ratio=params["ratio"], limit=params["limit"])
    if refused.code == Code.ZIP_TOO_MANY_MEMBERS:
        return TranscriptError(
            ErrorCode.DOCX_TOO_MANY_PARTS, count=params["count"], limit=params["limit"]
        )
    if refused.code == Code.ZIP_OVERLAPPING:
        return TranscriptError(ErrorCode.DOCX_OVERLAPPING)
    if refused.code == Code.ZIP_XML_DTD:
        return TranscriptError(ErrorCode.DOCX_DTD, part=params["part"])
    return TranscriptError(ErrorCode.INVALID_DOCX, detail=params.get("detail", ""))


def _check_ratio(unpacked: int, packed: int, limits: Limits) -> None:
    if unpacked > RATIO_FLOOR and unpacked > limits.max_docx_ratio * max(packed, 1):
        raise TranscriptError(
            ErrorCode.DOCX_RATIO, ratio=unpacked // max(packed, 1), limit=limits.max_docx_ratio
        )


def _row_line(cells: list[str]) -> str:
    if len(cells) == 2:
        return f"{cells[0]}：{cells[1]}"
    if len(cells) == 3 and re.fullmatch(rf"[\[(]?{TIMESTAMP}[\])]?", cells[0]):
        return f"[{cells[0].strip('[]()')}] {cells[1]}：{cells[2]}"
    return " ".join(cells)


@dataclass(frozen=True)
class DocxText:
    """A document's text, one paragraph or table row per line, and the bold text that lines
    start with (1-based line number → the bold start)."""

    text: str
    bold: dict[int, str] = field(default_factory=dict)


class _Lines:
    """The lines read so far, refusing a document past the block or text limit as it goes."""

    def __init__(self, limits: Limits) -> None:
        self.lines: list[str] = []
        self.bold: dict[int, str] = {}
        self._limits = limits
        self._blocks = self._chars = 0
        self._next_line = 1

    def block(self) -> None:
        self._blocks += 1
        limit = self._limits.max_docx_blocks
        if self._blocks > limit:
            raise TranscriptError(ErrorCode.DOCX_TOO_MANY_BLOCKS, limit=limit)

    def add(self, line: str, bold: str | None = None) -> None:
        self._chars += len(line) + 1
        if self._chars > self._limits.max_text_chars:
            raise TranscriptError(
                ErrorCode.TEXT_TOO_LONG, chars=self._chars, limit=self._limits.max_text_chars
            )
        self.lines.append(line)
        if bold:
            self.bold[self._next_line] = bold
        self._next_line += line.count("\n") + 1


def _is_bold(run: Run, styles: dict[str, bool]) -> bool:
    """Bold set on the run, or by its character style (not a paragraph style: a heading is
    bold all through and no label). `styles` caches each character style's answer: looking a
    style up costs a search of the styles part, a hundred times the rest of the paragraph.
    The run's own properties are read through lxml, as `_run_text` reads its text."""
    properties = run._r.find(f"{_W}rPr")
    if properties is None:
        return False
    bold = properties.find(f"{_W}b")
    if bold is not None:
        return bold.get(f"{_W}val", "true").lower() not in ("0", "false", "off")
    style = properties.find(f"{_W}rStyle")
    style_id = None if style is None else style.get(f"{_W}val")
    if style_id is None:
        return False
    if style_id not in styles:
        style, bold = run.style, False
        while style is not None:
            if style.font.bold is not None:
                bold = bool(style.font.bold)
                break
            style = style.base_style
        styles[style_id] = bold
    return styles[style_id]


def _run_text(run: Run) -> str:
    # The w:t texts read through lxml: run.text (an XPath per run) would double the cost of
    # reading a long document. A tab or break it leaves out makes the bold start no prefix
    # of the paragraph's text, and it is then not used.
    return "".join(t.text or "" for t in run._r.iter(_TEXT))


def _bold_start(paragraph: Paragraph, text: str, styles: dict[str, bool]) -> str | None:
    """The text of the bold runs the paragraph of `text` starts with, without leading
    spaces; None when it starts with none."""
    pieces: list[str] = []
    for run in paragraph.runs:
        if _is_bold(run, styles):
            pieces.append(_run_text(run))
        elif pieces or _run_text(run).strip():
            break
    bold = "".join(pieces).lstrip()
    if not bold.strip() or not text.lstrip().startswith(bold):
        return None
    return bold


def _table_lines(table: Table, lines: _Lines) -> None:
    for row in table.rows:
        lines.block()
        seen: set[int] = set()
        cells = []
        for cell in row.cells:  # a merged cell is repeated once per grid column
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        cells = [c for c in cells if c]
        if cells and not all(c.lower() in _HEADER_WORDS for c in cells):
            lines.add(_row_line(cells))


def docx_text(data: bytes, limits: Limits = DEFAULT_LIMITS) -> DocxText:
    """The text of a docx, one paragraph or table row per line (not yet normalised)."""
    _check_archive(data, limits)
    import docx  # python-docx; imported here so text formats never pay for lxml
    from docx.table import Table

    lines = _Lines(limits)
    styles: dict[str, bool] = {}
    try:
        document = docx.Document(io.BytesIO(data))
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                _table_lines(block, lines)
            else:
                lines.block()
                text = block.text
                lines.add(text, _bold_start(block, text, styles))
    except TranscriptError:
        raise
    except Exception as exc:  # python-docx and lxml raise many types on a damaged file
        raise TranscriptError(ErrorCode.INVALID_DOCX, detail=type(exc).__name__) from exc
    return DocxText("\n".join(lines.lines), lines.bold)
