"""Word (.docx) transcripts: paragraphs and table rows → lines of text.

The lines then go through the plain-text splitter, so a docx transcript follows the same
speaker rules as a txt one. A table row of two cells reads as `speaker：text`, of three cells
whose first is a timestamp as `[time] speaker：text` (the layout of several transcription
services' Word exports); other rows join their cells with spaces.
"""

from __future__ import annotations

import io
import re
import zipfile

from analysis.transcripts.errors import ErrorCode, TranscriptError
from analysis.transcripts.labels import TIMESTAMP

# A docx is compressed XML; its unpacked size is bounded by this many times the file limit,
# so a zip bomb is refused before python-docx unpacks it.
UNPACKED_FACTOR = 10
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
    except zipfile.BadZipFile:
        return False


def _check_archive(data: bytes, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise TranscriptError(ErrorCode.INVALID_DOCX, detail="not a zip archive") from exc
    if "word/document.xml" not in {info.filename for info in infos}:
        raise TranscriptError(ErrorCode.INVALID_DOCX, detail="no word/document.xml")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > UNPACKED_FACTOR * max_bytes:
        raise TranscriptError(ErrorCode.TOO_LARGE, size=unpacked, limit=UNPACKED_FACTOR * max_bytes)


def _row_line(cells: list[str]) -> str:
    if len(cells) == 2:
        return f"{cells[0]}：{cells[1]}"
    if len(cells) == 3 and re.fullmatch(rf"[\[(]?{TIMESTAMP}[\])]?", cells[0]):
        return f"[{cells[0].strip('[]()')}] {cells[1]}：{cells[2]}"
    return " ".join(cells)


def _table_lines(table) -> list[str]:  # type: ignore[no-untyped-def]
    lines = []
    for row in table.rows:
        seen: set[int] = set()
        cells = []
        for cell in row.cells:  # a merged cell is repeated once per grid column
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        cells = [c for c in cells if c]
        if cells and not all(c.lower() in _HEADER_WORDS for c in cells):
            lines.append(_row_line(cells))
    return lines


def docx_text(data: bytes, max_bytes: int) -> str:
    """The text of a docx, one paragraph or table row per line (not yet normalised)."""
    _check_archive(data, max_bytes)
    import docx  # python-docx; imported here so text formats never pay for lxml
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
            else:
                lines.append(block.text)
    except Exception as exc:  # python-docx and lxml raise many types on a damaged file
        raise TranscriptError(ErrorCode.INVALID_DOCX, detail=type(exc).__name__) from exc
    return "\n".join(lines)
