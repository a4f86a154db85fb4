"""Insights in words: a stored claim (`analysis.findings.claims`) as one plain sentence with
its numbers, in the reader's language. The numbers come from the claim alone, so a sentence
reopened later says what it said when it was made.

    25–34 岁用户的 NPS 比其他用户低 18 分（95% 区间 −27 至 −9，n=412）
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from analysis.findings.query import Query
from app.models import Questionnaire

MINUS = "\u2212"


def signed(value: float | None, digits: int = 0) -> str:
    """A number with a real minus sign (−9, not -9), rounded to *digits*."""
    if value is None:
        return "—"
    text = f"{abs(value):.{digits}f}"
    return f"{MINUS}{text}" if round(value, digits) < 0 else text


def _digits(claim: dict[str, Any]) -> int:
    return 2 if claim["family"] == "mean" and claim["metric"]["kind"] != "sus" else 0


def _numbers(claim: dict[str, Any]) -> dict[str, Any]:
    digits = _digits(claim)
    low, high = claim["ci"] or (None, None)
    return {
        "segment": claim["segment"]["label"],
        "title": claim["title"],
        "amount": signed(abs(claim["difference"] or 0), digits),
        "low": signed(low, digits),
        "high": signed(high, digits),
        "confidence": round(claim["confidence"] * 100),
        "n": claim["n"]["segment"],
    }


def _metric_sentence(claim: dict[str, Any]) -> str:
    lower = (claim["difference"] or 0) < 0
    values = _numbers(claim)
    if claim["family"] == "nps":
        if lower:
            return _(
                "%(segment)s respondents have an NPS %(amount)s points lower than the others "
                "(%(confidence)s%% CI %(low)s to %(high)s, n=%(n)s)",
                **values,
            )
        return _(
            "%(segment)s respondents have an NPS %(amount)s points higher than the others "
            "(%(confidence)s%% CI %(low)s to %(high)s, n=%(n)s)",
            **values,
        )
    if claim["family"] == "share":
        if lower:
            return _(
                "%(segment)s respondents give “%(title)s” a top-two answer %(amount)s "
                "percentage points less often than the others "
                "(%(confidence)s%% CI %(low)s to %(high)s, n=%(n)s)",
                **values,
            )
        return _(
            "%(segment)s respondents give “%(title)s” a top-two answer %(amount)s "
            "percentage points more often than the others "
            "(%(confidence)s%% CI %(low)s to %(high)s, n=%(n)s)",
            **values,
        )
    if lower:
        return _(
            "%(segment)s respondents score “%(title)s” %(amount)s lower on average than the "
            "others (%(confidence)s%% CI %(low)s to %(high)s, n=%(n)s)",
            **values,
        )
    return _(
        "%(segment)s respondents score “%(title)s” %(amount)s higher on average than the "
        "others (%(confidence)s%% CI %(low)s to %(high)s, n=%(n)s)",
        **values,
    )


def _choice_sentence(claim: dict[str, Any]) -> str:
    option = claim.get("option") or {}
    strength = "{:.2f}".format(claim["effect"]["value"] or 0)
    return _(
        "%(segment)s respondents answer “%(title)s” differently from the others: "
        "%(share)s%% of them chose “%(option)s”, against %(rest)s%% of the others "
        "(Cramér's V = %(v)s, n=%(n)s)",
        segment=claim["segment"]["label"],
        title=claim["title"],
        option=option.get("label", ""),
        share=signed((option.get("segment") or {}).get("value")),
        rest=signed((option.get("rest") or {}).get("value")),
        v=strength,
        n=claim["n"]["segment"],
    )


def effect_label(name: str) -> str:
    """The effect-size measure of a claim, named for the reader."""
    return {
        "nps_points": _("NPS points"),
        "cohens_h": _("Cohen's h"),
        "cohens_d": _("Cohen's d"),
        "cramers_v": _("Cramér's V"),
    }.get(name, name)


def insight_sentence(claim: dict[str, Any]) -> str:
    """The claim as one sentence with its numbers."""
    if claim["family"] == "choice":
        return _choice_sentence(claim)
    return _metric_sentence(claim)


def small_sample_sentence(claim: dict[str, Any], min_n: int) -> str:
    """A notable-looking cell with too few respondents: said, and said not to be a claim."""
    n = min(claim["n"]["segment"], claim["n"]["rest"])
    return _(
        "%(segment)s respondents may differ on “%(title)s”, but one side has only %(n)s "
        "respondents (fewer than %(min_n)s): flagged, not claimed",
        segment=claim["segment"]["label"],
        title=claim["title"],
        n=n,
        min_n=min_n,
    )


def stored_insight_sentences(questionnaire: Questionnaire, query: Query) -> list[str]:
    """The sentences of the insights stored for *questionnaire* under *query*, largest
    effect first (the reports' insights section). Needs a request or `force_locale`."""
    return [row["sentence"] for row in insight_summaries(questionnaire, query)]


def insight_summaries(
    questionnaire: Questionnaire, query: Query, limit: int | None = None
) -> list[dict[str, Any]]:
    """[{"id", "rank", "sentence", "claim", "data_version", "stale"}] of the stored insights
    under *query*, largest effect first, at most *limit* (the dashboard's "top insights")."""
    from app.findings.insights import is_stale, stored_insights

    rows = stored_insights(questionnaire, query)[:limit]
    stale = bool(rows) and is_stale(questionnaire, rows[0].data_version)
    return [
        {
            "id": i.id,
            "rank": i.rank,
            "sentence": insight_sentence(i.claim),
            "claim": i.claim,
            "data_version": i.data_version,
            "stale": stale,
        }
        for i in rows
    ]
