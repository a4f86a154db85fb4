"""Ready-made questionnaires (in Chinese) for the research methods our users run.

Each template is a definition JSON file in this package; the registry lists them in a fixed
order. `load_template` returns a fresh copy that the caller may change.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

TEMPLATE_IDS = (
    "app_satisfaction",
    "csat",
    "nps",
    "kano",
    "product_requirements",
    "user_profile",
    "sus",
    "interview_screener",
)


@dataclass(frozen=True)
class TemplateInfo:
    id: str
    title: str
    description: str


@cache
def _read(template_id: str) -> dict[str, Any]:
    path = resources.files("surveys.templates").joinpath(f"{template_id}.json")
    template: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return template


def list_templates() -> list[TemplateInfo]:
    """Every template with its id, title and description."""
    return [
        TemplateInfo(tid, _read(tid)["title"], _read(tid).get("notes", "")) for tid in TEMPLATE_IDS
    ]


def load_template(template_id: str) -> dict[str, Any]:
    """A copy of the template's definition; `KeyError` for an unknown id."""
    if template_id not in TEMPLATE_IDS:
        raise KeyError(template_id)
    return copy.deepcopy(_read(template_id))
