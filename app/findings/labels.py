"""Names of the findings' metrics and units in the reader's language."""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

METRIC_KIND_LABELS = {
    "nps": _l("NPS"),
    "csat": _l("CSAT (top two points)"),
    "top2": _l("Top-2 box"),
    "mean": _l("Mean"),
    "sus": _l("SUS score"),
}


def metric_label(spec: Mapping[str, str]) -> str:
    return str(METRIC_KIND_LABELS[spec["kind"]])


def metric_value(unit: str, value: float) -> str:
    """A metric's value as a product manager reads it: NPS in points, shares in %, scores to
    two decimals; "—" when nobody answered."""
    if value != value:  # NaN
        return "—"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "points":
        return f"{value:+.0f}"
    return f"{value:.2f}"
