"""Regenerate the example charts in docs/charts/ from the seeded demo responses.

    .venv/bin/python tests/analysis/charts/make_doc_charts.py

Not a test: it writes into the repository so that reviewers can look at the house style.
"""

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from analysis.charts import render_summary_charts  # noqa: E402
from analysis.stats import summarise  # noqa: E402

KEEP = {
    "question_channels",
    "question_nps",
    "question_attrs",
    "question_age",
    "crosstab_1",
    "kano",
    "ipa",
}


def main() -> int:
    spec = importlib.util.spec_from_file_location(
        "stats_helpers", ROOT / "tests/analysis/stats/stats_helpers.py"
    )
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    definition = json.loads((helpers.DATA / "demo_definition.json").read_text(encoding="utf-8"))
    frame = helpers.make_responses(400, seed=4)
    frame["city"] = frame["city"].where(frame["sat"] < 4, "t1")  # a visible crosstab effect
    summary = summarise(definition, frame, crosstabs=[("sat", "city")], ipa=("imp", "attrs"))
    out = ROOT / "docs" / "charts"
    for path in render_summary_charts(summary, out, formats=("png",)):
        if path.stem not in KEEP:
            path.unlink()
        else:
            print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
