"""The query a finding was computed under: segment filters, weights and exclusions.

An insight, a report and a share link store `Query.to_dict()` so that opening them later
computes the same numbers on the same responses (plus the data version they were made at,
`app.responses.counts.fingerprint`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Query:
    """`segments` {question id: chosen values}: a response is kept when, for every question,
    its answer is one of the values (values as the response table writes them)."""

    segments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude_flagged: bool = False
    weighted: bool = False
    # A participant directory segment (its id): only the responses linked to its members.
    participant_segment: int | None = None

    @classmethod
    def of(
        cls,
        segments: Mapping[str, Any] | None = None,
        *,
        exclude_flagged: bool = False,
        weighted: bool = False,
        participant_segment: int | None = None,
    ) -> Query:
        """A query with its segments normalised: values as sorted strings, empty ones dropped."""
        cleaned = {
            str(qid): tuple(sorted({str(v) for v in values}))
            for qid, values in sorted((segments or {}).items())
            if values
        }
        return cls(
            segments=cleaned,
            exclude_flagged=exclude_flagged,
            weighted=weighted,
            participant_segment=participant_segment,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "segments": {qid: list(values) for qid, values in self.segments.items()},
            "exclude_flagged": self.exclude_flagged,
            "weighted": self.weighted,
        }
        if self.participant_segment is not None:  # absent otherwise: fingerprints unchanged
            out["participant_segment"] = self.participant_segment
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Query:
        return cls.of(
            data.get("segments") or {},
            exclude_flagged=bool(data.get("exclude_flagged")),
            weighted=bool(data.get("weighted")),
            participant_segment=data.get("participant_segment"),
        )

    def fingerprint(self) -> str:
        """16 hex digits naming the query (cache keys, stored insights)."""
        text = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def where(self) -> dict[str, list[str]]:
        """The segments as `analysis.stats.report.segment_mask` takes them."""
        return {qid: list(values) for qid, values in self.segments.items()}
