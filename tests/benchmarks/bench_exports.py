"""Benchmark of the response exports (issue 24.1): `python tests/benchmarks/bench_exports.py`.

A response table of 100,000 responses × 30 columns (meta, single choices with a 不知道 option
that is not scored, ratings, a multiple choice, a matrix, numbers, NPS, Chinese text, some
cells that look like formulas), built in memory as `app.results.table.response_frame` gives it.

- XLSX: `write_response_xlsx` (cells converted and neutralised a slice at a time, plus the
  codebook sheet) against openpyxl's write-only workbook appending the same cells, already
  prepared as lists of Python values (the bare cost of the library). Target ≤ 1.2×.
- SPSS: `write_sav` (values to codes, labels, missing codes, measures, formats) against
  `pyreadstat.write_sav` of the same coded frame with no metadata. Target ≤ 1.2×. Best of
  `SAV_RUNS`, the two alternating (a run is about a second).
- Memory: tracemalloc's peak while each writer runs, above what was allocated before, at
  20,000 and at 100,000 rows: flat means the XLSX writer's peak does not grow with the rows.
  pyreadstat writes from a whole frame, so the SPSS figure is printed beside the size of the
  coded frame `write_sav` hands it and pyreadstat's own peak writing that frame once built.

XLSX one run each (the machine is shared); timings without tracemalloc, memory in separate runs.

Streamed (`streamed`, also alone with `--streamed`): the responses stored in a real database
(SQLite) through the response store, 20,000 for one questionnaire and 100,000 for another, and
exported with `export_jobs.write_export`, the path of the command line, the job and the
download, so the table building (rows read, blocks joined) is inside what is measured:

- tracemalloc's peak of the streamed CSV, XLSX and `.sav` export, database to file, at both
  sizes (flat: it does not grow with the rows), beside the whole-table reference's (CSV);
- the streamed XLSX against openpyxl write-only appending the same cells (prepared before as
  Python values), target ≤ 1.2×, one run each;
- the `.sav` writer (`export_sav_batches.SavBatches`, `SAV_BATCH_ROWS` at a time) against
  `pyreadstat.write_sav` of the same frame with the same labels and formats in one call,
  target ≤ 1.2×; and the streamed `.sav` export, database to file, against the whole-table
  reference (`write_whole_export`, the same work with every row in memory) and against
  `pyreadstat.write_sav` alone. Best of `SAV_RUNS`, alternating.

Each streamed export runs once before it is measured, so the stored blocks exist (as after the
first results page): what is measured is an export, not the first flattening of the answers.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

ROWS = 100_000
SMALL = 20_000
SAV_RUNS = 3
SATISFACTION = [
    (str(i), w) for i, w in enumerate(["很不满意", "不满意", "一般", "满意", "很满意"], 1)
]
WORDS = "配送速度很快包装完好但是价格偏高希望多一些优惠活动客服态度不错"


def definition() -> dict:
    from tests import definitions as d

    dk = {"value": "dk", "label": "不知道", "scored": False}
    questions = [d.single_choice(f"s{i}", f"单选题{i}", [*SATISFACTION, dk]) for i in range(8)]
    questions += [d.rating(f"r{i}", f"评分{i}") for i in range(4)]
    questions.append(
        d.multiple_choice("uses", "用过的功能", [(f"o{i}", f"功能{i}") for i in range(5)])
    )
    questions.append(d.matrix("grid", "请评价", rows=[(f"row{i}", f"方面{i}") for i in range(4)]))
    questions += [d.number("n0", "月消费"), d.number("n1", "次数"), d.nps("nps")]
    questions += [
        d.long_text("why", "建议"),
        d.short_text("t0", "备注"),
        d.short_text("t1", "其他"),
    ]
    return d.definition(*questions, title="基准问卷")


def frame(rows: int, seed: int = 7):
    import numpy as np
    import pandas as pd

    rng = random.Random(seed)
    values = ["1", "2", "3", "4", "5", "dk"]
    data: dict[str, object] = {
        "response_id": np.arange(1, rows + 1),
        "submitted_at": [f"2026-11-{1 + i % 28:02d}T08:{i % 60:02d}:00+00:00" for i in range(rows)],
        "duration_s": np.array([rng.uniform(30, 900) for _ in range(rows)]),
    }
    for i in range(8):
        data[f"s{i}"] = [rng.choice(values) if rng.random() > 0.05 else np.nan for _ in range(rows)]
    for i in range(4):
        data[f"r{i}"] = np.array([float(rng.randint(1, 5)) for _ in range(rows)])
    for i in range(5):
        data[f"uses/o{i}"] = np.array([float(rng.random() < 0.4) for _ in range(rows)])
    for i in range(4):
        data[f"grid/row{i}"] = [rng.choice(values[:5]) for _ in range(rows)]
    data["n0"] = np.array([rng.uniform(0, 3000) for _ in range(rows)])
    data["n1"] = np.array([float(rng.randint(0, 30)) for _ in range(rows)])
    data["nps"] = np.array([float(rng.randint(0, 10)) for _ in range(rows)])

    def text(length):
        return "".join(rng.choice(WORDS) for _ in range(length))

    data["why"] = [text(rng.randint(10, 80)) for _ in range(rows)]
    data["t0"] = [("=1+" if rng.random() < 0.01 else "") + text(6) for _ in range(rows)]
    data["t1"] = [text(4) if rng.random() < 0.3 else np.nan for _ in range(rows)]
    table = pd.DataFrame(data)
    assert table.shape == (rows, 30), table.shape
    return table


def timed(function, *args, **kwargs) -> float:
    start = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - start


def peak(function, *args, **kwargs) -> float:
    """MiB tracemalloc saw at most while *function* ran, above what was allocated before."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    function(*args, **kwargs)
    top = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (top - before) / 2**20


def plain_rows(table) -> list[list]:
    """The table's cells as Python values (None for a blank), not numpy scalars, which
    openpyxl writes more slowly: the baseline gets the cells in their cheapest form."""
    columns = [table[c].astype(object).where(table[c].notna(), None).tolist() for c in table]
    return [list(row) for row in zip(*columns, strict=True)]


def bare_xlsx(rows: list[list], header: list[str], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("responses")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def main() -> int:
    import pyreadstat

    from analysis.exports.codebook import codebook
    from app import create_app
    from app.results.export_sav import sav_frame, write_sav
    from app.results.export_xlsx import write_response_xlsx
    from surveys.response_table import column_labels
    from tests.benchmarks.bench_table import _config

    survey = definition()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(_config(f"sqlite:///{tmp}/bench.sqlite3"), instance_path=f"{tmp}/i")
        with app.test_request_context():  # the sheet names and dictionary words: gettext
            out = Path(tmp)
            table = frame(ROWS)
            labels = column_labels([survey])
            start = time.perf_counter()
            book = codebook([survey], table, labels)
            codebook_s = time.perf_counter() - start
            rows = plain_rows(table)
            header = [str(c) for c in table.columns]
            bare_x = timed(bare_xlsx, rows, header, out / "bare.xlsx")
            del rows
            ours_x = timed(write_response_xlsx, table, out / "ours.xlsx", labels=None, book=book)
            coded = sav_frame(table, book)
            bare_runs, ours_runs = [], []
            for _ in range(SAV_RUNS):
                bare_runs.append(timed(pyreadstat.write_sav, coded, str(out / "bare.sav")))
                ours_runs.append(timed(write_sav, table, book, out / "ours.sav"))
            bare_s, ours_s = min(bare_runs), min(ours_runs)
            del coded
            frame_mib = table.memory_usage(deep=True).sum() / 2**20
            small = frame(SMALL)
            small_book = codebook([survey], small, labels)
            memory = {
                "xlsx": [
                    peak(write_response_xlsx, small, out / "m.xlsx", labels=None, book=small_book),
                    peak(write_response_xlsx, table, out / "m.xlsx", labels=None, book=book),
                ],
                "sav": [
                    peak(write_sav, small, small_book, out / "m.sav"),
                    peak(write_sav, table, book, out / "m.sav"),
                ],
            }
            sav_memory = [sav_peaks(t, b, out) for t, b in ((small, small_book), (table, book))]
    print(f"python {platform.python_version()}, {ROWS:,} responses × 30 columns, "
          f"XLSX one run, SAV best of {SAV_RUNS}")  # fmt: skip
    print(f"codebook (data dictionary) of the table: {codebook_s:.2f} s")
    print(f"XLSX  openpyxl write-only, same cells: {bare_x:.2f} s   write_response_xlsx: "
          f"{ours_x:.2f} s   ratio {ours_x / bare_x:.2f}× (target ≤ 1.2×)")  # fmt: skip
    print(f"SAV   pyreadstat.write_sav, same frame: {bare_s:.2f} s   write_sav: "
          f"{ours_s:.2f} s   ratio {ours_s / bare_s:.2f}× (target ≤ 1.2×)")  # fmt: skip
    print(f"the table in memory: {frame_mib:.0f} MiB")
    print(f"SAV runs (s): pyreadstat {', '.join(f'{t:.2f}' for t in bare_runs)}; "
          f"write_sav {', '.join(f'{t:.2f}' for t in ours_runs)}")  # fmt: skip
    for name, (at_small, at_full) in memory.items():
        print(f"peak above the table while writing {name}: {at_small:.1f} MiB at {SMALL:,} rows, "
              f"{at_full:.1f} MiB at {ROWS:,} rows")  # fmt: skip
    for rows, (coded_mib, bare_mib) in zip((SMALL, ROWS), sav_memory, strict=True):
        print(f"SAV at {rows:,} rows: the coded frame write_sav builds {coded_mib:.1f} MiB; "
              f"pyreadstat.write_sav's own peak writing it {bare_mib:.1f} MiB")  # fmt: skip
    return 0


def sav_peaks(table, book, out: Path) -> tuple[float, float]:
    """The coded frame's size (its arrays; the text cells are the table's own strings) and
    pyreadstat's peak writing it, once built: what any `.sav` writer through pyreadstat needs."""
    import pyreadstat

    from app.results.export_sav import sav_frame

    coded = sav_frame(table, book)
    size = coded.memory_usage(deep=False).sum() / 2**20
    return size, peak(pyreadstat.write_sav, coded, str(out / "p.sav"))


# ---- streamed: from the database, a block at a time -----------------------------------------

INSERT_BATCH = 5000


def documents(rows: int, seed: int = 7) -> list[dict]:
    """Answer documents that flatten to the 30 columns of `bench_exports.frame`."""
    rng = random.Random(seed)
    values = ["1", "2", "3", "4", "5", "dk"]

    def text(length):
        return "".join(rng.choice(WORDS) for _ in range(length))

    out = []
    for _ in range(rows):
        a: dict = {f"s{i}": rng.choice(values) for i in range(8) if rng.random() > 0.05}
        a.update({f"r{i}": rng.randint(1, 5) for i in range(4)})
        a["uses"] = [f"o{i}" for i in range(5) if rng.random() < 0.4]
        a["grid"] = {f"row{i}": rng.choice(values[:5]) for i in range(4)}
        a["n0"] = round(rng.uniform(0, 3000), 2)
        a["n1"] = rng.randint(0, 30)
        a["nps"] = rng.randint(0, 10)
        a["why"] = text(rng.randint(10, 80))
        a["t0"] = ("=1+" if rng.random() < 0.01 else "") + text(6)
        if rng.random() < 0.3:
            a["t1"] = text(4)
        out.append(a)
    return out


def store(questionnaire, rows: int, seed: int) -> None:
    """*rows* complete responses, one bulk INSERT per 5,000 (setup speed is not measured)."""
    from app.extensions import db
    from app.models import Response, ResponseStatus

    answers = documents(rows, seed)
    version_id = questionnaire.latest_version.id
    began = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    for start in range(0, rows, INSERT_BATCH):
        batch = []
        for i in range(start, min(start + INSERT_BATCH, rows)):
            started = began + timedelta(seconds=30 * i)
            done = started + timedelta(seconds=60 + i % 600)
            key = f"{questionnaire.id}-{i}"
            batch.append({"questionnaire_id": questionnaire.id, "version_id": version_id,
                          "status": ResponseStatus.COMPLETE, "answers": answers[i],
                          "page_id": "", "started_at": started, "updated_at": done,
                          "submitted_at": done, "idempotency_key": f"bench-{key}",
                          "resume_token_hash": f"{key:0>64}",
                          "receipt_hash": f"r{key:0>63}"})  # fmt: skip
        db.session.execute(Response.__table__.insert(), batch)
    db.session.commit()


def same_cells(questionnaire, zone: str):
    """The response sheet's cells as the streamed writer writes them, as Python values, from
    the whole-table reference: the baseline's input, prepared before it is timed."""
    from app.results.export_table import ExportFilters, filtered_frame, for_people
    from app.results.export_xlsx import cells_of

    frame = filtered_frame(questionnaire, ExportFilters(), zone)
    shown, _labels = for_people(questionnaire, frame, None, label_row=False, label_cells=False,
                                locale="zh_CN", zone=zone)  # fmt: skip
    header = [str(c) for c in shown.columns]
    columns = [cells_of(shown[c]) for c in shown.columns]
    return header, [list(row) for row in zip(*columns, strict=True)], frame


def streamed(rows_large: int = ROWS, rows_small: int = SMALL) -> int:
    import pyreadstat

    from analysis.exports.codebook import codebook
    from app import create_app
    from app.extensions import db
    from app.results.export_jobs import ExportSpec, write_export, write_whole_export
    from app.results.export_sav import sav_formats, sav_frame, sav_options
    from app.results.export_sav_batches import SavBatches
    from app.results.export_stream_files import SAV_BATCH_ROWS
    from app.results.export_table import column_words, table_definitions
    from tests.benchmarks.bench_table import _config
    from tests.factories import make_published, make_study, make_user

    zone, results = "Asia/Shanghai", {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        app = create_app(_config(f"sqlite:///{tmp}/bench.sqlite3"), instance_path=f"{tmp}/i")
        with app.test_request_context():  # the sheet names and dictionary words: gettext
            db.create_all()
            study = make_study(make_user("bench@example.cn"))
            small = make_published(definition(), study=study)
            large = make_published(definition(), study=study)
            started = time.perf_counter()
            store(small, rows_small, 1)
            store(large, rows_large, 2)
            stored_s = time.perf_counter() - started
            print(f"stored {rows_small + rows_large:,} responses in {stored_s:.0f} s")

            def export(q, fmt, path):
                return write_export(q, ExportSpec(format=fmt), path, locale="zh_CN", zone=zone)

            for q in (small, large):  # the stored blocks, once
                export(q, "csv", out / "warm.csv")
            for fmt in ("csv", "xlsx", "sav"):
                results[f"peak {fmt}"] = [
                    peak(export, q, fmt, out / f"m.{fmt}") for q in (small, large)
                ]
            results["peak whole csv"] = [
                peak(write_whole_export, q, ExportSpec(), out / "w.csv", locale="zh_CN", zone=zone)
                for q in (small, large)
            ]
            header, rows, frame = same_cells(large, zone)
            bare_x = timed(bare_xlsx, rows, header, out / "bare.xlsx")
            del rows
            ours_x = timed(export, large, "xlsx", out / "ours.xlsx")
            words = column_words(large, None, "zh_CN")
            words["submitted_at"] = f"{words['submitted_at']} (UTC)"
            book = codebook(table_definitions(large, None), frame, words, "zh_CN")
            coded = sav_frame(frame, book)
            del frame
            options = sav_options(book, sav_formats(coded, book), large.title)
            widths = {v.name: int(coded[v.name].map(lambda t: len(t.encode())).max())
                      for v in book.variables if v.storage == "text"}  # fmt: skip

            def batches(path):
                with SavBatches(path, options, widths) as writer:
                    for start in range(0, len(coded), SAV_BATCH_ROWS):
                        writer.add(coded.iloc[start : start + SAV_BATCH_ROWS])

            def whole(path):
                write_whole_export(large, ExportSpec(format="sav"), path, locale="zh_CN",
                                   zone=zone)  # fmt: skip

            runs: dict[str, list[float]] = {k: [] for k in ("bare", "labelled", "batches",
                                                            "export", "whole")}  # fmt: skip
            for _ in range(SAV_RUNS):
                runs["bare"].append(timed(pyreadstat.write_sav, coded, str(out / "bare.sav")))
                runs["labelled"].append(
                    timed(pyreadstat.write_sav, coded, str(out / "one.sav"), **options)
                )
                runs["batches"].append(timed(batches, out / "batches.sav"))
                runs["export"].append(timed(export, large, "sav", out / "ours.sav"))
                runs["whole"].append(timed(whole, out / "whole.sav"))
    load = os.getloadavg()
    print(f"streamed: python {platform.python_version()}, {rows_large:,} responses × 30 "
          f"columns from SQLite; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")  # fmt: skip
    for name, (at_small, at_large) in results.items():
        print(f"{name}: {at_small:.1f} MiB at {rows_small:,} rows, {at_large:.1f} MiB at "
              f"{rows_large:,} rows (×{at_large / at_small:.2f})")  # fmt: skip
    print(f"XLSX  openpyxl write-only, same cells: {bare_x:.2f} s   streamed write_export: "
          f"{ours_x:.2f} s   ratio {ours_x / bare_x:.2f}× (target ≤ 1.2×)")  # fmt: skip
    best = {k: min(v) for k, v in runs.items()}
    print(f"SAV   writer: pyreadstat.write_sav of the frame, same labels, one call "
          f"{best['labelled']:.2f} s   SavBatches of {SAV_BATCH_ROWS:,} rows "
          f"{best['batches']:.2f} s   ratio {best['batches'] / best['labelled']:.2f}× "
          f"(target ≤ 1.2×)")  # fmt: skip
    print(f"SAV   export, database to file: streamed {best['export']:.2f} s   whole-table "
          f"reference {best['whole']:.2f} s   ratio {best['export'] / best['whole']:.2f}×; "
          f"against pyreadstat.write_sav alone ({best['bare']:.2f} s, no labels) "
          f"{best['export'] / best['bare']:.2f}×")  # fmt: skip
    for name, times in runs.items():
        print(f"SAV runs (s), {name}: {', '.join(f'{t:.2f}' for t in times)}")
    return 0


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streamed", action="store_true", help="only the streamed exports")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--small", type=int, default=SMALL)
    options = parser.parse_args()
    if not options.streamed:
        main()
    raise SystemExit(streamed(options.rows, options.small))
