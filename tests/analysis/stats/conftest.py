"""Fixtures of the statistics tests: the demo definition and a seeded response table."""

import json

import pandas as pd
import pytest
from stats_helpers import DATA, make_responses


@pytest.fixture
def definition() -> dict:
    return json.loads((DATA / "demo_definition.json").read_text(encoding="utf-8"))


@pytest.fixture
def responses() -> pd.DataFrame:
    return make_responses()
