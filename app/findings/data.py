"""The responses a finding rests on: one questionnaire's complete responses, typed, with the
quality flags, the weights and the segment filters of a `Query` applied, in one place.

Every findings page (dashboard, insights, waves, reports, share links) reads through
`findings_data`, so a number means the same thing wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.findings.query import Query
from analysis.stats.errors import StatsInputError
from analysis.stats.quality import flag_responses
from analysis.stats.report import segment_mask
from analysis.stats.table import prepare_frame
from app.models import Questionnaire
from app.responses import counts
from app.results import weighting
from app.results.services import analysis_frame


@dataclass(frozen=True)
class FindingsData:
    definition: dict
    frame: pd.DataFrame  # prepared (`analysis.stats.table.prepare_frame`), filtered rows
    weights: np.ndarray | None  # aligned with `frame`; None when unweighted
    query: Query
    n_total: int  # complete responses before any filter
    n_flagged: int  # of those, flagged by the quality checks
    data_version: str  # `app.responses.counts.fingerprint` when it was read
    weighting_problem: str | None = None  # why the weights asked for could not be applied
    min_n: int = 30

    @property
    def n(self) -> int:
        return len(self.frame)


def findings_data(questionnaire: Questionnaire, query: Query) -> FindingsData:
    """The filtered responses of *questionnaire* under *query*. Weights are raked on the whole
    sample and then filtered with it, as a survey design's domains are."""
    definition = questionnaire.published_version.analysis_definition
    version = counts.fingerprint(questionnaire)
    raw = analysis_frame(questionnaire)
    frame = prepare_frame(definition, raw)
    weights, problem = None, None
    if query.weighted:
        try:
            weights = weighting.current_weights(questionnaire, raw)
        except StatsInputError as error:
            problem = weighting.stale_message(questionnaire, error)
    flagged = (
        flag_responses(definition, frame)["flagged"].to_numpy(dtype=bool)
        if len(frame)
        else np.zeros(0, dtype=bool)
    )
    keep = segment_mask(frame, {q: v for q, v in query.where.items() if q in frame.columns})
    if query.exclude_flagged:
        keep &= ~flagged
    if query.participant_segment is not None and len(frame):
        from app.outreach.filters import segment_response_ids  # app.outreach imports findings

        linked = segment_response_ids(questionnaire, query.participant_segment)
        keep &= frame["response_id"].isin(linked).to_numpy(dtype=bool)
    return FindingsData(
        definition=definition,
        frame=frame[keep].reset_index(drop=True),
        weights=None if weights is None else np.asarray(weights, dtype=float)[keep],
        query=query,
        n_total=len(frame),
        n_flagged=int(flagged.sum()),
        data_version=version,
        weighting_problem=problem,
        min_n=questionnaire.study.min_n,
    )
