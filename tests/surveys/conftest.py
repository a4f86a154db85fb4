import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
# The pyxform test questionnaires, kept in the repository (tests/data/xlsform/README.md).
XLSFORM_DATA = Path(__file__).resolve().parents[1] / "data" / "xlsform"


@pytest.fixture
def definition():
    """A valid definition using every question type, with logic, piping and limits."""
    return json.loads((FIXTURES / "every_type.json").read_text(encoding="utf-8"))
