"""Generated answers for the demo questionnaire (surveys/templates/app_satisfaction.json).

The numbers are made up but shaped like a real study, so the summary page has something true
to show: loyal users recommend more, lower-tier cities rate delivery worse, younger users use
live shopping and group buying more, and users aged 25–34 recommend clearly less (the
difference the insights scan should find). In the second wave the checkout was redone: it is
rated higher and recommendation rises. Deterministic for a given seed.
"""

import random
from typing import Any

from app.demo_texts import nps_reason, suggestion

USER_TYPES = [("new", 0.3), ("regular", 0.4), ("loyal", 0.3)]
CITY_TIERS = [("tier1", 0.35), ("tier2", 0.4), ("tier3", 0.25)]
AGE_GROUPS = [("18-24", 0.25), ("25-34", 0.4), ("35-44", 0.22), ("45+", 0.13)]
FEATURE_BASE = {"search": 0.85, "coupons": 0.55, "group_buy": 0.3, "live": 0.2, "member": 0.35}


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _likert(rng: random.Random, mean: float) -> str:
    return str(min(5, max(1, round(rng.gauss(mean, 0.9)))))


#: wave → (shift of the NPS answer's mean, shift of the checkout rating's mean)
WAVE_SHIFTS = {1: (0.0, 0.0), 2: (0.5, 0.7)}
#: how much lower users aged 25–34 answer the NPS question (about 20 NPS points)
AGE_25_34_NPS_SHIFT = -1.6


def demo_answers(rng: random.Random, wave: int = 1) -> tuple[dict[str, Any], float]:
    """One respondent's answers in *wave* and how long they took, in seconds."""
    nps_shift, checkout_shift = WAVE_SHIFTS[wave]
    user_type = _pick(rng, USER_TYPES)
    city = _pick(rng, CITY_TIERS)
    age = _pick(rng, AGE_GROUPS)
    loyalty = {"new": -1.0, "regular": 0.0, "loyal": 1.2}[user_type]
    delivery_penalty = {"tier1": 0.3, "tier2": 0.0, "tier3": -0.9}[city]

    age_shift = AGE_25_34_NPS_SHIFT if age == "25-34" else 0.0
    nps_mean = 8.2 + loyalty + delivery_penalty / 2 + age_shift + nps_shift
    nps = min(10, max(0, round(rng.gauss(nps_mean, 1.9))))
    reason = nps_reason(rng, nps)
    aspects = {
        "speed": _likert(rng, 3.6 + loyalty / 3),
        "checkout": _likert(rng, 3.1 + loyalty / 3 + checkout_shift),
        "price": _likert(rng, 3.3 - (0.4 if city == "tier1" else 0)),
        "delivery": _likert(rng, 3.7 + delivery_penalty),
        "support": _likert(rng, 3.4),
    }
    young = age == "18-24"
    features = [
        feature
        for feature, base in FEATURE_BASE.items()
        if rng.random() < base + (0.25 if young and feature in ("live", "group_buy") else 0)
    ] or ["search"]
    answers: dict[str, Any] = {
        "user_type": user_type,
        "city_tier": city,
        "age_group": age,
        "nps": nps,
        "aspects": aspects,
        "features": features,
        "satisfaction": min(5, max(1, round((nps + 1) / 2.2 + rng.gauss(0, 0.6)))),
    }
    if rng.random() < 0.8:
        answers["nps_reason"] = reason
    improve = suggestion(rng)
    if improve:
        answers["suggestion"] = improve
    if rng.random() < 0.04:
        answers["features"] = [*features, "other"]
        answers["features/other_text"] = rng.choice(["扫码比价", "二手回收"])
    duration = max(25.0, rng.lognormvariate(5.0, 0.45))  # median ≈ 150 s
    if rng.random() < 0.03:
        duration = rng.uniform(12, 35)  # a few speeders for the quality checks
    return answers, duration
