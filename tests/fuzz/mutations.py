"""Damaged copies of an honest file: a few byte edits, as a bad disk, a cut-off upload or a
hand-edited file makes them. Hypothesis shrinks a failure to the fewest and smallest edits."""

from hypothesis import strategies as st


@st.composite
def mutated(draw, data: bytes, max_edits: int = 4) -> bytes:
    """*data* with up to *max_edits* edits: a byte changed, a slice removed, repeated or
    replaced by random bytes, or the end cut off."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, max_edits))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        length = draw(st.integers(1, 64))
        edit = draw(st.sampled_from(["byte", "remove", "repeat", "replace", "cut"]))
        if edit == "byte":
            out[at] = draw(st.integers(0, 255))
        elif edit == "remove":
            del out[at : at + length]
        elif edit == "repeat":
            out[at:at] = out[at : at + length] * draw(st.integers(1, 20))
        elif edit == "replace":
            out[at : at + length] = draw(st.binary(min_size=1, max_size=length))
        else:
            del out[at:]
    return bytes(out)


@st.composite
def mutated_text(draw, text: str, pieces: list[str], max_edits: int = 4) -> str:
    """*text* with up to *max_edits* edits: a slice removed, or one of *pieces* inserted."""
    for _ in range(draw(st.integers(1, max_edits))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        else:
            text = text[:at] + draw(st.sampled_from(pieces)) + text[at:]
    return text
