import io
import pickle

import pytest

from analysis.text.lexicon import _WordListUnpickler, polarity, polarity_lexicon


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        # HowNet's positive and negative evaluation/emotion lists, DUTIR's 好/乐 and 哀/恶
        ("感动", 1),
        ("精彩", 1),
        ("感人", 1),
        ("失望", -1),
        ("无聊", -1),
        ("枯燥", -1),
        # listed as positive and as negative by HowNet (precious / expensive): left out
        ("贵", 0),
        ("桌子", 0),
        ("", 0),
    ],
)
def test_polarity_of_words_from_the_hownet_and_dutir_lists(word, expected):
    assert polarity(word) == expected


def test_lexicon_is_large_and_has_no_word_on_both_sides():
    lexicon = polarity_lexicon()
    assert len(lexicon) > 30000
    assert set(lexicon.values()) == {1, -1}
    assert all(word == word.strip() and word for word in lexicon)


def test_lexicon_files_can_only_build_lists_and_sets_of_strings():
    assert _WordListUnpickler(io.BytesIO(pickle.dumps({"好", "差"}, protocol=3))).load() == {
        "好",
        "差",
    }
    import os

    with pytest.raises(pickle.UnpicklingError):
        _WordListUnpickler(io.BytesIO(pickle.dumps(os.getcwd))).load()
