"""The wave comparison page's numbers: every published wave of a series read through
`findings_data` under the same query (so segment filters apply to every wave), compared by
`analysis.findings.waves.compare_waves`, and the trend charts over three or more waves,
cached under instance/cache/charts like the results charts."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from analysis.charts import save_figure, trend_chart
from analysis.findings.metrics import default_metrics
from analysis.findings.query import Query
from analysis.findings.waves import Wave, compare_waves
from app.findings.data import FindingsData, findings_data
from app.findings.waves import series_waves
from app.models import Questionnaire

TREND_MIN_WAVES = 3
CHART_NAME = re.compile(r"trend-\d{1,3}\.png")


@dataclass(frozen=True)
class WaveComparison:
    waves: list[Questionnaire]  # published waves, oldest first
    data: list[FindingsData]
    result: dict[str, Any]  # `compare_waves`
    chart_key: str  # "" when there are fewer than TREND_MIN_WAVES waves
    charts: dict[int, str]  # metric index → chart file name


def published_waves(questionnaire: Questionnaire) -> list[Questionnaire]:
    return [q for q in series_waves(questionnaire) if q.latest_version is not None]


def metric_specs(latest: Questionnaire) -> list[dict[str, str]]:
    """The latest wave's key metrics, or the defaults of its definition."""
    return list(latest.key_metrics) or default_metrics(latest.published_version.analysis_definition)


def unit_label(unit: str) -> str:
    return {"points": _("NPS points"), "percent": _("Percent"), "score": _("Score")}[unit]


def wave_label(number: int) -> str:
    return _("Wave %(number)d", number=number)


def compare_series(questionnaire: Questionnaire, query: Query, chart_root: Path) -> WaveComparison:
    waves = published_waves(questionnaire)
    data = [findings_data(q, query) for q in waves]
    result = compare_waves(
        [Wave(q.wave, d.definition, d.frame, d.weights) for q, d in zip(waves, data, strict=True)],
        metric_specs(waves[-1]) if waves else [],
        min_n=questionnaire.study.min_n,
    )
    if len(waves) < TREND_MIN_WAVES or not result["metrics"]:
        return WaveComparison(waves, data, result, "", {})
    key = _chart_key(questionnaire, waves, data, query)
    folder = chart_root / f"series{questionnaire.series_root_id}" / key
    if not folder.exists():
        _render_atomically(result, folder)
    charts = {i: f"trend-{i}.png" for i in range(len(result["metrics"]))}
    return WaveComparison(waves, data, result, key, charts)


def chart_path(chart_root: Path, questionnaire: Questionnaire, key: str, name: str) -> Path | None:
    if not CHART_NAME.fullmatch(name) or not re.fullmatch(r"[0-9a-f]{16}", key):
        return None
    path = chart_root / f"series{questionnaire.series_root_id}" / key / name
    return path if path.is_file() else None


def _chart_key(questionnaire, waves, data, query: Query) -> str:
    state = {
        "waves": [
            [q.id, q.published_version.id, d.data_version] for q, d in zip(waves, data, strict=True)
        ],
        "query": query.fingerprint(),
        "weights": [d.weights is not None for d in data],
        "metrics": metric_specs(waves[-1]),
        "min_n": questionnaire.study.min_n,
        "language": _("Wave %(number)d", number=0),  # labels are drawn in the reader's language
    }
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()[:16]


def _render_atomically(result: dict[str, Any], folder: Path) -> None:
    """Render into a temporary folder and rename it, so a reader never sees half a set."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".render-"))
    labels = [wave_label(w["wave"]) for w in result["waves"]]
    try:
        for i, row in enumerate(result["metrics"]):
            values = row["values"]
            fig = trend_chart(
                labels,
                [v["value"] if v else None for v in values],
                [v["ci"] if v else None for v in values],
                title=row["title"],
                ylabel=unit_label(row["unit"]),
                note=_("Bars: the %(level)s interval", level="95%"),
            )
            save_figure(fig, scratch / f"trend-{i}", formats=("png",))
        os.replace(scratch, folder)
    except OSError:
        pass  # another request rendered the same key first: keep theirs
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
