"""The response table an export writes: which responses (`ExportFilters`) and, for people,
labels in the cells and local times. Every format (CSV, XLSX, SPSS) starts here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from flask_babel import gettext as _

from analysis.stats.errors import StatsInputError
from analysis.stats.report import segment_mask
from app.findings.waves import series_waves
from app.models import Questionnaire
from app.results.services import flagged_ids
from app.results.table import (
    chosen_versions,
    definitions_newest_first,
    readable_frame,
    response_frame,
    table_labels,
)

STATUS_COLUMN = "status"  # only in a table that includes unfinished responses


class ExportFilterError(ValueError):
    """A filter names something the questionnaire does not have; the message is the user's."""


@dataclass(frozen=True)
class ExportFilters:
    """Which responses an export holds. Dates are days in the install's time zone, both ends
    included, and apply to the submission time (so they leave unfinished responses out);
    `segments` {column: values} keep a response whose cell is one of the values (as the
    findings' segments do, `analysis.findings.query.Query`)."""

    version: int | None = None
    include_partial: bool = False
    submitted_from: date | None = None
    submitted_until: date | None = None
    segments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude_flagged: bool = False
    # The answers to questions flagged personal or sensitive in clear: only when a member
    # whose role may asked for it (`app.permissions.reveals_personal`); otherwise masked.
    reveal_personal: bool = False
    # A directory segment (`Segment.id`): only responses linked to its members
    # (`app.outreach.filters`); None: every response.
    participant_segment: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "include_partial": self.include_partial,
            "submitted_from": self.submitted_from.isoformat() if self.submitted_from else None,
            "submitted_until": self.submitted_until.isoformat() if self.submitted_until else None,
            "segments": {k: list(v) for k, v in self.segments.items()},
            "exclude_flagged": self.exclude_flagged,
            "reveal_personal": self.reveal_personal,
            "participant_segment": self.participant_segment,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExportFilters:
        def day(value):
            return date.fromisoformat(value) if value else None

        return cls(
            version=data.get("version"),
            include_partial=bool(data.get("include_partial")),
            submitted_from=day(data.get("submitted_from")),
            submitted_until=day(data.get("submitted_until")),
            segments={str(k): tuple(map(str, v)) for k, v in (data.get("segments") or {}).items()},
            exclude_flagged=bool(data.get("exclude_flagged")),
            reveal_personal=bool(data.get("reveal_personal")),
            participant_segment=data.get("participant_segment"),
        )


def wave_of(questionnaire: Questionnaire, wave: int | None) -> Questionnaire | None:
    """The published questionnaire of wave *wave* in *questionnaire*'s series (itself when
    *wave* is None); None when there is no such published wave."""
    if wave is None:
        return questionnaire
    return next(
        (q for q in series_waves(questionnaire) if q.wave == wave and q.latest_version is not None),
        None,
    )


def check_filters(questionnaire: Questionnaire, filters: ExportFilters) -> None:
    """ExportFilterError when the version or a segment question does not exist."""
    if filters.version is not None and not chosen_versions(questionnaire, filters.version):
        raise ExportFilterError(_("This questionnaire has no version %(n)d.", n=filters.version))
    start, end = filters.submitted_from, filters.submitted_until
    if start and end and start > end:
        raise ExportFilterError(_("The date range ends before it starts."))


def filtered_frame(questionnaire: Questionnaire, filters: ExportFilters, zone: str) -> pd.DataFrame:
    """The response table (option values in the cells, UTC times as ISO strings) of the
    responses *filters* keep, in response id order."""
    check_filters(questionnaire, filters)
    personal = "reveal" if filters.reveal_personal else "mask"
    frame = response_frame(questionnaire, filters.version, personal=personal)
    if filters.exclude_flagged:
        flagged = flagged_ids(questionnaire, frame)
        frame = frame[~frame["response_id"].isin(list(flagged))]
    if filters.include_partial:
        partial = response_frame(questionnaire, filters.version, partial=True, personal=personal)
        frame = with_partials(frame, partial)
    if filters.participant_segment is not None:
        # Only complete responses are linked to a participant: unfinished ones go too.
        # (Imported here: app.outreach's pages import the export helpers of this package.)
        from app.outreach.filters import segment_response_ids

        linked = segment_response_ids(questionnaire, filters.participant_segment)
        frame = frame[frame["response_id"].isin(linked)]
    frame = frame.reset_index(drop=True)
    keep = np.ones(len(frame), dtype=bool)
    if filters.submitted_from or filters.submitted_until:
        times = pd.to_datetime(frame["submitted_at"], utc=True, format="ISO8601")
        tz = ZoneInfo(zone)
        if filters.submitted_from:
            start = datetime.combine(filters.submitted_from, time.min, tzinfo=tz)
            keep &= (times >= start).to_numpy()
        if filters.submitted_until:
            end = datetime.combine(filters.submitted_until + timedelta(days=1), time.min, tz)
            keep &= (times < end).to_numpy()
    if filters.segments:
        try:
            keep &= segment_mask(frame, {k: list(v) for k, v in filters.segments.items()})
        except StatsInputError as error:
            raise ExportFilterError(
                _("No question %(id)s to filter by.", id=error.location)
            ) from error
    if not keep.all():
        frame = frame[keep].reset_index(drop=True)
    return frame


def with_partials(frame: pd.DataFrame, partial: pd.DataFrame) -> pd.DataFrame:
    """The complete and the unfinished responses in one table, in response id order, the
    status column second."""
    frame = pd.concat(
        [
            frame.assign(**{STATUS_COLUMN: "complete"}),
            partial.assign(**{STATUS_COLUMN: "partial"}),
        ],
        ignore_index=True,
    ).sort_values("response_id", kind="stable")
    ordered = ["response_id", STATUS_COLUMN] + [
        c for c in frame.columns if c not in ("response_id", STATUS_COLUMN)
    ]
    return frame[ordered]


def table_definitions(questionnaire: Questionnaire, version: int | None) -> list[dict]:
    """The definitions of the versions a table shows, newest first (with the flagged
    questions, whose columns an export has, masked or revealed)."""
    definitions = definitions_newest_first(questionnaire, personal=True)
    return [definitions[vid] for vid in chosen_versions(questionnaire, version)]


def column_words(
    questionnaire: Questionnaire, version: int | None, locale: str, *, readable: bool = False
) -> dict[str, str]:
    """Column labels (`table_labels`), with the status column of a table with partials."""
    labels = table_labels(questionnaire, locale, version, readable=readable)
    labels[STATUS_COLUMN] = _("Status")
    return labels


def for_people(
    questionnaire: Questionnaire,
    frame: pd.DataFrame,
    version: int | None,
    *,
    label_row: bool,
    label_cells: bool,
    locale: str,
    zone: str,
) -> tuple[pd.DataFrame, dict[str, str] | None]:
    """The table as a file shows it, and the labels of its second header row (None: none).

    The plain table (the input of `python -m analysis stats`) has option values in its cells
    and UTC times to the second. With *label_row* a second header row names the columns in
    words; with *label_cells* the cells hold option labels (`readable_frame`). Both are for
    people, so they show the time in *zone* (WENFANG_TIMEZONE), the zone named in the header.
    """
    frame = frame.copy()
    times = pd.to_datetime(frame["submitted_at"], utc=True, format="ISO8601")
    if not (label_row or label_cells):
        frame["submitted_at"] = times.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        return frame, None
    labels = None
    if label_row:
        labels = column_words(questionnaire, version, locale, readable=label_cells)
    if label_cells:
        frame = readable_frame(questionnaire, frame, locale, version)
    for column in frame.columns:  # 9, not the 9.0 that a blank makes of a number column
        values = frame[column]
        if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            frame[column] = values.astype("Int64")
    local = f"submitted_at ({zone})"
    frame["submitted_at"] = times.dt.tz_convert(zone).dt.strftime("%Y-%m-%d %H:%M:%S")
    frame = frame.rename(columns={"submitted_at": local})
    if labels is not None:
        labels[local] = f"{labels['submitted_at']} ({zone})"
    return frame, labels
