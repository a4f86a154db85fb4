"""The words for the needs' statuses, types, kinds, Kano categories and evidence kinds."""

from flask_babel import lazy_gettext as _l

from app.models import EvidenceKind, NeedKind, NeedStatus, NeedType

STATUS_LABELS = {
    NeedStatus.NEW: _l("New"),
    NeedStatus.ACCEPTED: _l("Accepted"),
    NeedStatus.SCHEDULED: _l("Scheduled"),
    NeedStatus.IN_PROGRESS: _l("Under way"),
    NeedStatus.DONE: _l("Done"),
    NeedStatus.REJECTED: _l("Rejected"),
}
TYPE_LABELS = {NeedType.EXPLICIT: _l("Explicit"), NeedType.IMPLICIT: _l("Implicit")}
KIND_LABELS = {
    NeedKind.FUNCTIONAL: _l("Functional"),
    NeedKind.EXPERIENCE: _l("Experience"),
    NeedKind.PERFORMANCE: _l("Performance"),
}
KANO_LABELS = {
    "": _l("Not classified"),
    "M": _l("Must-be"),
    "O": _l("One-dimensional"),
    "A": _l("Attractive"),
    "I": _l("Indifferent"),
    "R": _l("Reverse"),
    "Q": _l("Questionable"),
}
EVIDENCE_LABELS = {
    EvidenceKind.INSIGHT: _l("Insight"),
    EvidenceKind.QUESTION: _l("Question result"),
    EvidenceKind.ANSWER_CODE: _l("Coded open answers"),
    EvidenceKind.HIGHLIGHT: _l("Interview highlight"),
}
ERRORS = {
    "reason": _l("Say why the need is rejected."),
    "override_reason": _l("Give the reason for overriding the priority."),
    "merge": _l("Pick another need of this study to merge."),
    "kano": _l("Pick a Kano category from the list."),
    "evidence": _l("That evidence could not be linked: check the question and the metric."),
}
QUADRANT_LABELS = {  # importance–performance (analysis.stats.scores.IPA_QUADRANTS)
    "concentrate_here": _l("Concentrate here"),
    "keep_up": _l("Keep up the good work"),
    "low_priority": _l("Low priority"),
    "possible_overkill": _l("Possible overkill"),
}
PRIORITY_BAND_LABELS = {
    "high": _l("Priority: high"),
    "medium": _l("Priority: medium"),
    "low": _l("Priority: low"),
    "none": _l("Priority: not set"),
}
