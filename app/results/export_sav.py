"""The response table for SPSS and PSPP: a `.sav` written by pyreadstat, the `.sps` syntax
that defines its multiple-response sets (a `.sav` written by pyreadstat cannot hold them), and
the data dictionary as CSV; together in one zip for a download (docs/exports.md).

Names are ASCII (`codebook.spss_names`); variable labels are the Chinese question text, cut to
the 256 bytes SPSS keeps (at a character, never inside one) with the whole text in the
dictionary; value labels are cut to 120 bytes the same way. Text answers are written whole,
however long (pyreadstat writes SPSS's very long strings: 300 Chinese characters are an A900).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
import pandas as pd
import pyreadstat

from analysis.exports.codebook import Codebook, Variable, dictionary_rows, value_key
from app.results.export_xlsx import dictionary_header
from app.results.exports import FORMULA_PREFIXES, csv_bytes, neutralise_cell

VARIABLE_LABEL_BYTES = 256
VALUE_LABEL_BYTES = 120
#: every text that starts with a formula prefix sorts below this one character (and Chinese
#: text, which starts above it, never does): "A", the character after "@"
_FORMULA_BOUND = chr(max(map(ord, FORMULA_PREFIXES)) + 1)
#: seconds from SPSS's day 0, 1582-10-14, to 1970-01-01
SPSS_EPOCH_SECONDS = 141_428 * 86_400
#: the names inside a downloaded bundle
BUNDLE_SAV, BUNDLE_SPS, BUNDLE_DICTIONARY = "data.sav", "mrsets.sps", "dictionary.csv"
#: writes the `.sav` at the path it is given; its rows and codebook
SavWriter = Callable[[Path], tuple[int, Codebook]]


def cut_utf8(text: str, limit: int) -> str:
    """The longest start of *text* whose UTF-8 takes at most *limit* bytes."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def _label(text: str, limit: int) -> str:
    return cut_utf8(neutralise_cell(" ".join(str(text).split())), limit)


def _coded(cells: pd.Series, variable: Variable) -> np.ndarray:
    """Option values to their codes (NaN for a blank), through an index of the few options
    rather than a look-up per cell in Python; float32 when every code is exact in it (half
    the memory; pyreadstat writes the same doubles from it)."""
    codes = {v.value: float(v.code) for v in variable.values}
    compact = all(float(np.float32(c)) == c for c in codes.values())
    dtype = np.float32 if compact else np.float64
    if pd.api.types.is_numeric_dtype(cells.dtype):
        numeric = {float(k): c for k, c in codes.items() if _is_number(k)}
        positions, uniques = pd.factorize(cells.astype(float))
        table = np.array([numeric.get(u, np.nan) for u in uniques] + [np.nan], dtype=dtype)
        return table[positions]  # a blank's position is -1: the NaN at the end
    positions = pd.Index(list(codes), dtype=str).get_indexer(pd.Index(cells))
    out = np.array([*codes.values(), np.nan], dtype=dtype)[positions]
    unmatched = np.flatnonzero(positions < 0)
    stray = unmatched[cells.iloc[unmatched].notna().to_numpy()]
    # 4 where the option is "4", a stray type in an old version's cells
    out[stray] = [codes.get(value_key(v), np.nan) for v in cells.iloc[stray]]
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _text(cells: pd.Series) -> np.ndarray:
    """Text cells as strings ("" for a blank; SPSS strings have no missing value), formulas
    neutralised. Only a text that sorts below `_FORMULA_BOUND` can start with a formula
    prefix, so one array comparison picks the few cells `neutralise_cell` is asked about (the
    result is held equal to the plain per-cell pass in tests/web/test_export_sav_fast.py)."""
    out = cells.astype(str).to_numpy(dtype=object, na_value="")
    risky = np.flatnonzero(out < _FORMULA_BOUND)
    out[risky] = [neutralise_cell(t) for t in out[risky]]
    return out


def spss_seconds(times: pd.Series) -> np.ndarray:
    """Times as SPSS holds them, seconds since 1582-10-14 (NaN for none), computed as
    pyreadstat does for a datetime64 column. Given numbers with a DATE or DATETIME format,
    pyreadstat writes the frame as it is; given datetime64 columns it copies the whole frame
    to convert them (40 MiB at 100,000 × 30)."""
    stamps = times.to_numpy()
    unit_ticks = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[np.datetime_data(stamps.dtype)[0]]
    ticks = stamps.view("int64")
    seconds = (ticks // unit_ticks + SPSS_EPOCH_SECONDS).astype(float)
    seconds += (ticks % unit_ticks) / unit_ticks
    seconds[times.isna().to_numpy()] = np.nan
    return seconds


def sav_frame(frame: pd.DataFrame, book: Codebook) -> pd.DataFrame:
    """*frame* (option values, ISO times) as the `.sav` holds it, columns named for SPSS: one
    array per column, not consolidated into blocks (which would copy them all again), so the
    only copy of the answers beyond *frame* is the one pyreadstat writes from."""
    out = {v.name: sav_column(frame[v.column], v) for v in book.variables}
    return pd.DataFrame(out, index=frame.index, copy=False)  # no second copy of the columns


def sav_column(cells: pd.Series, v: Variable) -> np.ndarray:
    """One column's cells as the `.sav` holds them (each cell on its own: a column may be
    converted a block at a time, `export_stream_files.sav_data`)."""
    if v.storage == "coded":
        return _coded(cells, v)
    if v.storage == "number":
        return pd.to_numeric(cells, errors="coerce").astype(float).to_numpy()
    if v.storage == "datetime":
        times = pd.to_datetime(cells, utc=True, format="ISO8601", errors="coerce")
        return spss_seconds(times.dt.tz_localize(None))
    if v.storage == "date":
        return spss_seconds(pd.to_datetime(cells, format="%Y-%m-%d", errors="coerce"))
    return _text(cells)


def number_stats(values: np.ndarray) -> tuple[bool, float]:
    """(whether every present value is whole, the largest absolute one, 0 for none): what a
    number's format is chosen from, and what two batches of a column combine into (`and`,
    `max`)."""
    present = values[~np.isnan(values)]
    largest = float(np.abs(present).max()) if len(present) else 0.0
    return bool((np.mod(present, 1) == 0).all()), largest


def number_format(variable: Variable, whole: bool, largest: float) -> str | None:
    """The SPSS format of *variable*, given `number_stats` of its values (None for text:
    pyreadstat sizes it to the longest answer)."""
    if variable.storage == "date":
        return "DATE11"
    if variable.storage == "datetime":
        return "DATETIME20"
    if variable.storage in ("coded", "number"):
        if whole:
            return f"F{max(len(str(int(largest))) + 1, 3)}.0"
        return "F12.3"
    return None


def sav_formats(data: pd.DataFrame, book: Codebook) -> dict[str, str | None]:
    """Each variable's format, from the whole of *data* (`sav_frame`'s)."""
    return {
        v.name: number_format(v, *number_stats(data[v.name].to_numpy(dtype=float)))
        if v.storage in ("coded", "number")
        else number_format(v, True, 0.0)
        for v in book.variables
    }


def write_sav(frame: pd.DataFrame, book: Codebook, path: Path, *, title: str = "") -> None:
    write_sav_data(sav_frame(frame, book), book, path, title=title)


def write_sav_data(data: pd.DataFrame, book: Codebook, path: Path, *, title: str = "") -> None:
    """The `.sav` of *data* (`sav_frame`'s) in one write, with the labels, missing codes,
    measures and formats of *book*: the reference `export_sav_batches` is held equal to."""
    pyreadstat.write_sav(data, str(path), **sav_options(book, sav_formats(data, book), title))


def sav_options(book: Codebook, formats: dict[str, str | None], title: str) -> dict:
    """`pyreadstat.write_sav`'s keyword arguments for *book*: labels, missing codes, measures
    and the *formats* of `sav_formats`."""
    coded = [v for v in book.variables if v.storage == "coded"]
    missing: dict[str, list] = {}
    for v in coded:
        codes = sorted(v.missing_codes)
        if 0 < len(codes) <= 3:
            missing[v.name] = codes
        elif codes:  # more than SPSS's three discrete values: they are consecutive
            missing[v.name] = [{"lo": codes[0], "hi": codes[-1]}]
    return {
        "file_label": _label(title, 64),
        "column_labels": {v.name: _label(v.label, VARIABLE_LABEL_BYTES) for v in book.variables},
        "variable_value_labels": {
            v.name: {x.code: _label(x.label, VALUE_LABEL_BYTES) for x in v.values} for v in coded
        },
        "missing_ranges": missing,
        "variable_measure": {v.name: v.measure for v in book.variables},
        "variable_format": {name: f for name, f in formats.items() if f},
    }


def _quoted(text: str) -> str:
    return "'" + _label(text, VARIABLE_LABEL_BYTES).replace("'", "''") + "'"


def mrsets_syntax(book: Codebook, sav_name: str = BUNDLE_SAV) -> str:
    """SPSS syntax defining the multiple-response sets: run it with the `.sav` open (and save
    the file to keep them); each set counts the value 1 of its 0/1 variables."""
    lines = [
        f"* Multiple-response sets of {sav_name}: open it (GET FILE='{sav_name}'.), run this",
        "* file, then SAVE OUTFILE to keep them. Written by Wenfang (docs/exports.md).",
    ]
    if not book.response_sets:
        lines.append("* This questionnaire has no multiple-choice question.")
        return "\n".join(lines) + "\n"
    lines.append("MRSETS")
    for rs in book.response_sets:
        lines.append(
            f"  /MDGROUP NAME={rs.name} LABEL={_quoted(rs.label)} CATEGORYLABELS=VARLABELS"
        )
        lines.append(f"    VARIABLES={' '.join(rs.variables)} VALUE=1")
    lines.append(".")
    return "\n".join(lines) + "\n"


def dictionary_csv(book: Codebook) -> bytes:
    """The data dictionary (`codebook.dictionary_rows`) as CSV, UTF-8 with BOM."""
    text = [["" if v is None else str(v) for v in row] for row in dictionary_rows(book)]
    return csv_bytes(pd.DataFrame(text, columns=dictionary_header()))  # 99, not 99.0


def write_sav_export(write: SavWriter, path: Path) -> tuple[int, list[Path]]:
    """The `.sav` that *write* writes, with its syntax and dictionary: beside it when *path*
    ends in `.sav` (for the command line: <stem>.sps, <stem>.dictionary.csv), else in one zip
    at *path*. The rows and the files written. The syntax is UTF-8 with a BOM, which SPSS
    needs to read it as UTF-8 (PSPP takes it too)."""
    if path.suffix.lower() == ".sav":
        rows, book = write(path)
        sps = path.with_suffix(".sps")
        sps.write_text(mrsets_syntax(book, path.name), encoding="utf-8-sig")
        dictionary = path.with_name(f"{path.stem}.dictionary.csv")
        dictionary.write_bytes(dictionary_csv(book))
        return rows, [path, sps, dictionary]
    with TemporaryDirectory() as folder:
        sav = Path(folder) / BUNDLE_SAV
        rows, book = write(sav)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            bundle.write(sav, BUNDLE_SAV)
            bundle.writestr(BUNDLE_SPS, mrsets_syntax(book).encode("utf-8-sig"))
            bundle.writestr(BUNDLE_DICTIONARY, dictionary_csv(book))
    return rows, [path]
