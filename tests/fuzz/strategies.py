"""Strategies shared by the fuzz tests: JSON-like values as a request body brings them."""

from hypothesis import strategies as st

# What `json.loads` can give: None, booleans, integers (of any size), floats (with the
# non-finite ones Python's reader accepts), strings of any characters, lists and objects.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["1", "2", "r1", "like", "dislike", " 3.5 ", "2026-02-30", "1e400", ""]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.text(max_size=8) | st.sampled_from(["r1", "r2"]), children, max_size=4),
    ),
    max_leaves=12,
)
