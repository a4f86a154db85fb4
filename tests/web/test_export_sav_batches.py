"""A `.sav` joined from batches (`export_sav_batches`) is the file pyreadstat writes of the
whole frame at once: the same dictionary, byte for byte the same cases, counts of the total."""

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from app.results.export_sav_batches import SavBatches, SavLayoutError, read_dictionary

LONG = "配送速度很快，包装完好，但是价格偏高，希望多一些优惠活动。" * 10  # 300 characters
OPTIONS = {
    "file_label": "满意度调查",
    "column_labels": {"sat": "您对本次配送的总体满意度", "why": "您的建议", "spend": "花费"},
    "variable_value_labels": {"sat": {1.0: "很不满意", 5.0: "很满意", 99.0: "不知道"}},
    "missing_ranges": {"sat": [99.0]},
    "variable_measure": {"sat": "ordinal", "why": "nominal", "spend": "scale"},
    "variable_format": {"sat": "F3.0", "spend": "F12.3"},
}


def _frame(rows: int) -> pd.DataFrame:
    """Answers whose widest text is in one row only, so most batches are narrower."""
    why = np.array([f"第{i}条：{'好' * (i % 7)}" for i in range(rows)], dtype=object)
    why[rows // 2], why[3] = LONG, ""
    sat = np.array([[1, 5, 99, np.nan][i % 4] for i in range(rows)], dtype=np.float32)
    spend = np.array([np.nan if i % 5 == 0 else i * 1.25 for i in range(rows)])
    return pd.DataFrame({"sat": sat, "why": why, "spend": spend})


def _widths(frame: pd.DataFrame) -> dict[str, int]:
    return {"why": max(len(t.encode("utf-8")) for t in frame["why"])}


def _joined(frame: pd.DataFrame, path, batch: int, widths: dict[str, int]) -> None:
    with SavBatches(path, OPTIONS, widths) as batches:
        for start in range(0, len(frame), batch):
            batches.add(frame.iloc[start : start + batch].reset_index(drop=True))


def _parts(path) -> tuple[bytes, bytes, list[int]]:
    data = path.read_bytes()
    start, counts = read_dictionary(data)
    dictionary = bytearray(data[:start])
    dictionary[92:109] = bytes(17)  # the time it was written
    values = [int.from_bytes(data[at : at + width.size], "little") for at, width in counts]
    return bytes(dictionary), data[start:], values


@pytest.mark.parametrize("batch", [1, 4, 7, 23, 50])
def test_a_file_joined_from_batches_is_the_whole_frames_file(tmp_path, batch):
    frame = _frame(23)
    whole, joined = tmp_path / "whole.sav", tmp_path / "joined.sav"
    pyreadstat.write_sav(frame, str(whole), **OPTIONS)
    _joined(frame, joined, batch, _widths(frame))
    assert _parts(joined) == _parts(whole)
    assert _parts(joined)[2] == [23, 23]  # the header's count and record 7.16's
    data, meta = pyreadstat.read_sav(str(joined), user_missing=True)
    assert meta.number_rows == 23 and data["why"][11] == LONG
    assert meta.column_names_to_labels["sat"] == "您对本次配送的总体满意度"
    assert meta.variable_value_labels["sat"][99.0] == "不知道"
    assert data["sat"].tolist()[:3] == [1.0, 5.0, 99.0] and np.isnan(data["sat"][3])


def test_a_batch_whose_dictionary_differs_is_refused(tmp_path):
    """Without the whole table's widths the batches' strings are sized apart: refused, not
    joined into a file whose cases no reader could find."""
    with pytest.raises(SavLayoutError, match="dictionary differs"):
        _joined(_frame(23), tmp_path / "joined.sav", 5, {"why": 0})


def test_a_compressed_file_is_not_read_as_fixed_cases(tmp_path):
    path = tmp_path / "compressed.sav"
    pyreadstat.write_sav(_frame(6), str(path), row_compress=True)
    with pytest.raises(SavLayoutError, match="compressed"):
        read_dictionary(path.read_bytes())
