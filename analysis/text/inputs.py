"""Read the command line's input into a frame of texts: .txt, .csv, .xlsx, or a transcript.

Kept in one small module so the full transcript parser (``analysis/transcripts``) can replace
:func:`read_transcript_txt` later. Files may be UTF-8 (with or without BOM), GBK or GB18030.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from surveys.safe_zip import UNREADABLE, ZipRefused, check_zip_archive

ENCODINGS = ("utf-8-sig", "gb18030")
# 说话人：内容 — a speaker label of up to 20 characters, then a full- or half-width colon.
_TURN = re.compile(r"^\s*([^\s：:]{1,20})\s*[：:]\s*(.*)$")


class InputError(ValueError):
    """An input file the text engine cannot read; the message names the file and the problem."""


@dataclass(frozen=True)
class TextInput:
    frame: pd.DataFrame
    text_column: str
    source: str


def decode(data: bytes, *, name: str = "input") -> str:
    """UTF-8 (BOM or not), else GB18030 (a superset of GBK); an error names the file."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: not UTF-8, GBK or GB18030 text")


def read_transcript_txt(text: str) -> pd.DataFrame | None:
    """Turns of a ``说话人：内容`` transcript, or None when most lines are not turns.

    A line without a speaker continues the previous turn.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return None
    matches = [_TURN.match(line) for line in lines]
    if sum(m is not None for m in matches) < 0.6 * len(lines) or matches[0] is None:
        return None
    turns: list[dict[str, str]] = []
    for line, match in zip(lines, matches, strict=True):
        if match:
            turns.append({"speaker": match.group(1), "text": match.group(2).strip()})
        else:
            turns[-1]["text"] += "\n" + line.strip()
    return pd.DataFrame(turns, columns=["speaker", "text"])


def read_input(path: str | Path, *, column: str | None = None) -> TextInput:
    """The texts of ``path``: one row per line of a .txt, per turn of a transcript, or per
    row of a .csv/.xlsx (text in ``column``, default ``text`` or the only string column)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        frame = _read_workbook(path)
    elif suffix in (".csv", ".tsv"):
        text = decode(path.read_bytes(), name=str(path))
        sep = "\t" if suffix == ".tsv" else ","
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, sep=sep, keep_default_na=False)
        except pd.errors.EmptyDataError:
            raise InputError(f"{path}: the file holds no rows") from None
        except pd.errors.ParserError as error:
            raise InputError(f"{path}: not a readable {suffix[1:]} file ({error})") from None
    elif suffix in (".txt", ".md", ""):
        text = decode(path.read_bytes(), name=str(path)).replace("\r\n", "\n")
        turns = read_transcript_txt(text)
        if turns is not None:
            frame = turns
        else:
            lines = [line.strip() for line in text.split("\n") if line.strip()]
            frame = pd.DataFrame({"text": lines})
        if column is None:
            column = "text"
    else:
        raise InputError(f"{path}: unsupported file type {suffix!r} (use .txt, .csv or .xlsx)")
    frame = frame.fillna("")
    column = column or _guess_text_column(frame, path)
    if column not in frame.columns:
        raise InputError(f"{path}: no column {column!r} (columns: {', '.join(frame.columns)})")
    return TextInput(frame, column, str(path))


def _read_workbook(path: Path) -> pd.DataFrame:
    """The first sheet of a workbook, checked for a zip bomb and DTDs before pandas opens it."""
    try:
        check_zip_archive(path)
        return pd.read_excel(path, dtype=str)
    except ZipRefused as refused:
        raise InputError(f"{path}: {refused.message('en')}") from None
    except (*UNREADABLE, KeyError, ValueError, SyntaxError) as error:  # damaged parts, no sheet
        raise InputError(f"{path}: not a readable workbook ({error})") from None


def _guess_text_column(frame: pd.DataFrame, path: Path) -> str:
    if "text" in frame.columns:
        return "text"
    if len(frame.columns) == 1:
        return str(frame.columns[0])
    raise InputError(f"{path}: several columns; choose the text with --column")
