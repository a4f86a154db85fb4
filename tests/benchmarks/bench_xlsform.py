"""Benchmark of the XLSForm import (issue 25.1): `python tests/benchmarks/bench_xlsform.py`.

Wenfang's `read_xlsform` (sheets → definition → the definition check) against pyxform's
`convert(validate=False)` (sheets → JSON → XForm XML, no Java validator), the reference, on:

- pyxform's `UCL_Biomass_Plot_Form.xlsx`: 16 KB whose sheets declare 1,048,576 rows (the
  survey × 1,024 columns), which took two minutes before the used range was read;
- every form of `tests/data/xlsform/corpus/` that pyxform accepts (100 forms, 67 of them .xls).

Best of 3 in the same process; the ratio (Wenfang / pyxform) is the figure to watch.
"""

from __future__ import annotations

import logging
import platform
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "data" / "xlsform" / "corpus"


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    from surveys.xlsform import read_xlsform

    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")

    def accepted(path: Path) -> bool:
        try:
            convert(xlsform=str(path), validate=False)
            return True
        except PyXFormError:
            return False

    forms = [p for p in sorted(CORPUS.rglob("*.xls*")) if accepted(p)]
    ucl = CORPUS / "pyxform" / "bug_UCL_Biomass_Plot_Form.xlsx"
    print(f"python {platform.python_version()}, {platform.machine()}, {len(forms)} forms")
    for label, paths in (("UCL_Biomass_Plot_Form (1,048,576 rows declared)", [ucl]),
                         (f"corpus ({len(forms)} forms)", forms)):  # fmt: skip
        ours = best_of(3, lambda paths=paths: [read_xlsform(p) for p in paths])
        reference = best_of(3, lambda paths=paths: [convert(xlsform=str(p), validate=False)
                                                    for p in paths])  # fmt: skip
        print(f"{label}: wenfang {ours:.2f} s, pyxform {reference:.2f} s, "
              f"ratio {ours / reference:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
