from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "text"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def tokenizer(tmp_path_factory):
    """The process-wide tokenizer with its jieba cache in a temporary directory."""
    from analysis.text.tokenize import get_tokenizer

    return get_tokenizer(cache_dir=tmp_path_factory.mktemp("jieba-cache"))
