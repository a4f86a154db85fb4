"""A findings `Query` in a URL: `seg.<question id>=<value>` (repeated for several values),
`exclude_flagged=1`, `weighted=1`, `participant_segment=<segment id>` (a directory segment,
kept only for a member who may use the study's directory: `permissions.segment_filter`).
Every findings page reads and writes its query this way, so a link keeps the filters it was
made under."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from analysis.findings.query import Query
from app.permissions import segment_filter

SEGMENT_PREFIX = "seg."


def query_from_args(args: MultiDict[str, str]) -> Query:
    segments = {
        key[len(SEGMENT_PREFIX) :]: args.getlist(key)
        for key in args
        if key.startswith(SEGMENT_PREFIX) and len(key) > len(SEGMENT_PREFIX)
    }
    return Query.of(
        segments,
        exclude_flagged=args.get("exclude_flagged") == "1",
        weighted=args.get("weighted") == "1",
        participant_segment=segment_filter(args.get("participant_segment")),
    )


def query_args(query: Query) -> dict[str, Any]:
    """Keyword arguments for `url_for` that carry *query* (values: a string or a list)."""
    out: dict[str, Any] = {
        SEGMENT_PREFIX + qid: list(values) for qid, values in query.segments.items()
    }
    if query.exclude_flagged:
        out["exclude_flagged"] = "1"
    if query.weighted:
        out["weighted"] = "1"
    if query.participant_segment is not None:
        out["participant_segment"] = str(query.participant_segment)
    return out
