"""What the results pages show: the engine's summary of the response table, and its charts.

The web layer computes no statistic: it builds the table (`app.results.table`), hands it with
the definition to `analysis.stats.summarise`, and caches the charts `analysis.charts` draws
in the instance folder, keyed by a fingerprint of the responses so new data rebuilds them.
"""

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask import current_app

from analysis.charts import render_summary_charts
from analysis.stats.errors import StatsInputError
from analysis.stats.quality import (
    THRESHOLD,
    Reason,
    explain_responses,
    flag_responses,
    metric_shift,
    score_of,
)
from analysis.stats.report import summarise
from analysis.stats.table import prepare_frame
from app import audit
from app.extensions import db
from app.models import Questionnaire, ResponseStatus
from app.responses import counts, listing
from app.results import weighting
from app.results.table import response_frame, with_paradata
from app.webhooks import delivery as webhook_delivery

CHART_NAME = re.compile(r"^[A-Za-z0-9_./-]+\.png$")
CROSSTAB_TYPES = ("single_choice", "dropdown", "rating", "nps")


@dataclass(frozen=True)
class Summary:
    figures: dict
    chart_key: str
    charts: frozenset[str]
    weighting_problem: str | None = None  # why the weights asked for could not be applied
    # The key numbers with and without the flagged responses (`quality.metric_shift`);
    # empty when nothing is flagged.
    shift: list = field(default_factory=list)


@dataclass(frozen=True)
class Quality:
    """One response's quality: its reasons with their evidence, the score, and the verdict."""

    reasons: list[Reason]
    score: float
    flagged: bool
    threshold: float = THRESHOLD


def chart_root() -> Path:
    """Where the charts of the results pages and the dashboards are cached (by content key)."""
    return Path(current_app.instance_path) / "cache" / "charts"


def analysis_frame(questionnaire: Questionnaire):
    """The response table with the paradata the quality checks read."""
    return with_paradata(questionnaire, response_frame(questionnaire))


def latest_definition(questionnaire: Questionnaire) -> dict:
    return questionnaire.published_version.analysis_definition


def crosstab_candidates(definition: dict) -> list[dict]:
    """Questions that can be a crosstab dimension: one answer from a fixed set."""
    return [
        q
        for page in definition.get("pages", [])
        for q in page.get("questions", [])
        if q["type"] in CROSSTAB_TYPES
    ]


def summary(
    questionnaire: Questionnaire,
    chart_root: Path,
    *,
    exclude_flagged: bool = False,
    crosstab: tuple[str, str] | None = None,
    weighted: bool = False,
) -> Summary:
    """With *weighted*, the saved weighting scheme's raked weights (`app.results.weighting`)."""
    definition = latest_definition(questionnaire)
    frame = analysis_frame(questionnaire)
    crosstabs = [crosstab] if crosstab else []
    weights, problem = None, None
    if weighted:
        try:
            weights = weighting.current_weights(questionnaire, frame)
        except StatsInputError as error:
            problem = weighting.stale_message(questionnaire, error)
    figures = summarise(
        definition, frame, exclude_flagged=exclude_flagged, crosstabs=crosstabs, weights=weights
    )
    shift = []
    if figures["quality"]["flagged"]:
        other = summarise(definition, frame, exclude_flagged=not exclude_flagged, weights=weights)
        included, excluded = (other, figures) if exclude_flagged else (figures, other)
        shift = metric_shift(included, excluded)
    key = _chart_key(questionnaire, exclude_flagged, crosstab, weights is not None)
    folder = chart_root / f"q{questionnaire.id}" / key
    if not folder.exists():
        render_atomically(figures, folder)
    charts = frozenset(p.name for p in folder.glob("*.png"))
    return Summary(
        figures=figures, chart_key=key, charts=charts, weighting_problem=problem, shift=shift
    )


def chart_path(chart_root: Path, questionnaire: Questionnaire, key: str, name: str) -> Path | None:
    if not CHART_NAME.match(name) or not re.fullmatch(r"[0-9a-f]{16}", key) or ".." in name:
        return None
    path = chart_root / f"q{questionnaire.id}" / key / name
    return path if path.is_file() else None


def flagged_ids(questionnaire: Questionnaire, frame) -> dict[int, str]:
    """{response id: "speeder;straight_liner"} for complete responses the engine flags."""
    if frame.empty:
        return {}
    definition = latest_definition(questionnaire)
    frame = with_paradata(questionnaire, frame)
    flags = flag_responses(definition, prepare_frame(definition, frame))
    return {
        int(rid): reasons
        for rid, flagged, reasons in zip(
            frame["response_id"], flags["flagged"], flags["reasons"], strict=True
        )
        if flagged
    }


def response_quality(questionnaire: Questionnaire, response_id: int) -> Quality | None:
    """The quality of one complete response, judged among all complete responses (several
    reasons compare respondents); None for a response not in the table (a partial)."""
    frame = analysis_frame(questionnaire)
    if frame.empty:
        return None
    rows = [i for i, rid in enumerate(frame["response_id"].tolist()) if int(rid) == response_id]
    if not rows:
        return None
    definition = latest_definition(questionnaire)
    reasons = explain_responses(definition, prepare_frame(definition, frame))[rows[0]]
    score = score_of(reasons)
    return Quality(reasons, score, score >= THRESHOLD - 1e-9)


def delete_response(questionnaire: Questionnaire, response_id: int) -> bool:
    deleted = listing.delete_response(questionnaire, response_id)
    if deleted is None:
        return False
    audit.record(
        "response.delete",
        deleted.record,
        study_id=questionnaire.study_id,
        before={"response_id": response_id, "status": deleted.status, "version": deleted.version},
    )
    db.session.commit()
    if deleted.event_id is not None:
        webhook_delivery.dispatch_soon()
    return True


def audit_reveal(questionnaire: Questionnaire, response_id: int) -> None:
    """Record that the current member had the personal answers of one response shown."""
    audit.record(
        "response.reveal_personal",
        questionnaire,
        study_id=questionnaire.study_id,
        detail={"response_id": response_id},
    )
    db.session.commit()


def audit_export_reveal(questionnaire: Questionnaire, job_id: int) -> None:
    """Record that the current member asked for an export with personal answers shown."""
    audit.record(
        "responses.export_personal",
        questionnaire,
        study_id=questionnaire.study_id,
        detail={"job_id": job_id},
    )
    db.session.commit()


def _chart_key(questionnaire: Questionnaire, exclude_flagged: bool, crosstab, weighted) -> str:
    state = {
        "weighted": weighted and weighting.fingerprint(questionnaire),
        "responses": counts.fingerprint(questionnaire),
        "version": questionnaire.published_version.id,
        "exclude_flagged": exclude_flagged,
        "crosstab": crosstab,
    }
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()[:16]


def render_atomically(figures: dict, folder: Path) -> None:
    """Render into a temporary folder and rename it, so a reader never sees half a set."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".render-"))
    try:
        render_summary_charts(figures, scratch, formats=("png",))
        os.replace(scratch, folder)
    except OSError:
        pass  # another request rendered the same key first: keep theirs
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@dataclass(frozen=True)
class Listing:
    rows: list
    total: int
    page: int
    pages: int
    flagged: dict[int, str]


def response_listing(
    questionnaire: Questionnaire,
    *,
    status: str,
    version: int | None,
    submitted_from: date | None,
    submitted_until: date | None,
    page: int,
    per_page: int,
) -> Listing:
    """One page of the responses table with the engine's quality flags beside each row."""
    flagged = flagged_ids(questionnaire, response_frame(questionnaire))
    statuses = {
        "complete": (ResponseStatus.COMPLETE,),
        "partial": (ResponseStatus.PARTIAL,),
        "flagged": (ResponseStatus.COMPLETE,),
    }.get(status, tuple(ResponseStatus))
    rows, total = listing.list_responses(
        questionnaire,
        statuses=statuses,
        version_number=version,
        submitted_from=_day_start(submitted_from),
        submitted_until=_day_start(submitted_until + timedelta(days=1))
        if submitted_until
        else None,
        only_ids=sorted(flagged) if status == "flagged" else None,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    return Listing(rows, total, page, max(1, -(-total // per_page)), flagged)


def _day_start(day: date | None) -> datetime | None:
    """Midnight at the start of *day* in the install's time zone (dates are local)."""
    if day is None:
        return None
    from flask_babel import get_timezone

    return datetime.combine(day, time.min, tzinfo=get_timezone())
