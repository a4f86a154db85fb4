"""Reading an untrusted codebook (issue 30.8, 30.9): bounded size and depth, no DTD in any
encoding, so neither an entity bomb nor an external entity is expanded."""

import uuid

import pytest

from analysis.qda import QdaCode, QdaError, QdaTooLarge, read_codebook, write_codebook
from analysis.qda.refi import MAX_CODE_DEPTH, MAX_CODES
from tests.hostile import BILLION_LAUGHS, EXTERNAL, LAUGH, XXE, nested_codebook


def _flat(n: int) -> bytes:
    return write_codebook([QdaCode(guid=str(uuid.uuid4()), name=f"编码{i}") for i in range(n)])


def test_a_codebook_nested_5000_deep_is_refused_as_too_deep():
    with pytest.raises(QdaTooLarge) as refused:
        read_codebook(nested_codebook(5000))
    assert (refused.value.what, refused.value.maximum) == ("depth", MAX_CODE_DEPTH)


def test_a_codebook_at_the_depth_limit_is_read_without_recursion():
    [top] = read_codebook(nested_codebook(MAX_CODE_DEPTH))
    depth = 1
    while top.children:
        [top], depth = top.children, depth + 1
    assert (depth, top.name) == (MAX_CODE_DEPTH, f"层{MAX_CODE_DEPTH - 1}")


def test_a_codebook_past_the_code_limit_is_refused_and_one_at_it_is_read():
    with pytest.raises(QdaTooLarge) as refused:
        read_codebook(_flat(MAX_CODES + 1))
    assert refused.value.what == "codes"
    assert len(read_codebook(_flat(MAX_CODES))) == MAX_CODES


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize(
    ("prologue", "reference"), [(BILLION_LAUGHS, LAUGH), (EXTERNAL, XXE)], ids=["bomb", "xxe"]
)
def test_a_dtd_is_refused_whatever_the_encoding(prologue, reference, encoding):
    body = _flat(1).decode("utf-8").split("?>", 1)[1].replace('name="编码0"', f'name="{reference}"')
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'
    text = prologue.replace('<?xml version="1.0"?>', declaration) + body
    with pytest.raises(QdaError, match="DTD"):
        read_codebook(text.encode(encoding))
