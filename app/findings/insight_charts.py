"""The chart that shows an insight, drawn from its stored claim and cached in the instance
folder (`cache/insights/q<id>/`), named by the insight and a hash of its claim, so a
recomputed insight gets a new chart and an unchanged one is drawn once."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from analysis.charts.comparison import comparison_chart
from analysis.charts.style import save_figure
from app.models import Insight


def _axis_label(claim: dict[str, Any]) -> str:
    if claim["family"] == "nps":
        return _("NPS (points)")
    if claim["family"] in ("share", "choice"):
        return _("Share (%)")
    return _("Mean score")


def _figure(claim: dict[str, Any]):
    segment, others = claim["segment"]["label"], _("Other respondents")
    if claim["family"] == "choice":
        options = claim["options"]
        return comparison_chart(
            [o["label"] for o in options],
            [segment, others],
            [[o[s]["value"] for o in options] for s in ("segment", "rest")],
            [[o[s]["ci"] for o in options] for s in ("segment", "rest")],
            title=claim["title"],
            xlabel=_axis_label(claim),
        )
    groups = claim["groups"]
    digits = "{:.2f}" if claim["family"] == "mean" else "{:.0f}"
    return comparison_chart(
        [f"{segment}\nn={groups['segment']['n']}", f"{others}\nn={groups['rest']['n']}"],
        [claim["title"]],
        [[groups["segment"]["value"], groups["rest"]["value"]]],
        [[groups["segment"]["ci"], groups["rest"]["ci"]]],
        title=claim["title"],
        xlabel=_axis_label(claim),
        value_format=digits,
        note=_("Whiskers show the confidence intervals"),
    )


def chart_file(root: Path, insight: Insight) -> Path:
    """The PNG of *insight*, drawn on first use."""
    text = json.dumps(insight.claim, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    folder = root / f"q{insight.questionnaire_id}"
    path = folder / f"{insight.id}-{digest}.png"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(dir=folder, prefix=".render-", suffix=".png")
        os.close(handle)
        try:
            save_figure(_figure(insight.claim), Path(scratch).with_suffix(""), formats=("png",))
            os.replace(scratch, path)  # a reader never sees half a file
        finally:
            Path(scratch).unlink(missing_ok=True)
    return path
