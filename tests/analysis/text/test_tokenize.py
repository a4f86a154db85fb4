import tempfile
import threading
from pathlib import Path

from analysis.text import tokenize
from analysis.text.normalise import normalise
from analysis.text.tokenize import content_terms, get_tokenizer, parse_userdict

ROOT = Path(__file__).resolve().parents[3]
SENTENCE = normalise("嗯，那个，我觉得问访的NPS问卷功能就是有点难找，价格3.5元也不便宜。")


def test_tokens_cover_the_text_exactly_with_offsets(tokenizer):
    tokens = tokenizer.tokenize(SENTENCE)
    assert "".join(t.text for t in tokens) == SENTENCE
    for token in tokens:
        assert SENTENCE[token.start : token.end] == token.text
    assert tokens[0].start == 0 and tokens[-1].end == len(SENTENCE)


def test_user_dictionary_keeps_product_names_whole(tmp_path):
    plain = get_tokenizer(cache_dir=tmp_path)
    words = plain.words(SENTENCE)
    assert "NPS问卷" not in words
    userdict = tmp_path / "study.txt"
    userdict.write_text("# study terms\n问访 nz\nNPS问卷 10\n", encoding="utf-8")
    study = get_tokenizer(userdict, cache_dir=tmp_path)
    words = study.words(SENTENCE)
    assert "问访" in words and "NPS问卷" in words
    tags = {t.text: t.pos for t in study.tokenize(SENTENCE)}
    assert tags["问访"] == "nz"
    # the base tokenizer is not changed by a study's dictionary
    assert "NPS问卷" not in plain.words(SENTENCE)


def test_user_dictionary_entries_are_normalised():
    assert parse_userdict(["問訪 nz", "會員權益 5"]) == (
        ("问访", None, "nz"),
        ("会员权益", 5, None),
    )


def test_same_dictionary_gives_the_same_tokenizer_instance(tmp_path):
    assert get_tokenizer(["问访"], cache_dir=tmp_path) is get_tokenizer(
        ["问访"], cache_dir=tmp_path
    )


def test_cache_file_is_written_in_the_chosen_directory(tmp_path):
    get_tokenizer(cache_dir=tmp_path / "cache")
    assert (tmp_path / "cache" / "jieba.cache").is_file()


def test_default_cache_is_under_instance_not_the_temp_dir(monkeypatch):
    monkeypatch.delenv("WENFANG_CACHE_DIR", raising=False)
    project = Path(tokenize.__file__).resolve().parents[2]
    directory = tokenize.default_cache_dir()
    if (project / "instance").is_dir():
        assert directory == project / "instance" / "cache"
    else:  # an installed package: the user's cache, never the shared temp dir
        assert not directory.resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())
    monkeypatch.setenv("WENFANG_CACHE_DIR", "/srv/wenfang/cache")
    assert tokenize.default_cache_dir() == Path("/srv/wenfang/cache")


def test_concurrent_first_use_builds_one_tokenizer(tmp_path):
    found = []
    threads = [
        threading.Thread(
            target=lambda: found.append(get_tokenizer(["访谈提纲"], cache_dir=tmp_path))
        )
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(t) for t in found}) == 1
    assert "访谈提纲" in found[0].words("这是访谈提纲的第一部分")


def test_content_terms_drop_fillers_function_words_punctuation_and_numbers(tokenizer):
    terms = content_terms(tokenizer.tokenize(SENTENCE))
    for dropped in ("嗯", "那个", "我", "觉得", "的", "就是", "，", "3.5", "也"):
        assert dropped not in terms
    for kept in ("nps", "问卷", "功能", "价格"):
        assert kept in terms


def test_english_is_kept_as_words_and_folded_for_counting(tokenizer):
    tokens = tokenizer.tokenize(normalise("你用iPhone连ＷｉＦｉ"))
    assert [t.text for t in tokens if t.pos == "eng"] == ["iPhone", "WiFi"]
    terms = content_terms(tokens)
    assert "iphone" in terms and "wifi" in terms and "iPhone" not in terms


def test_pos_filter_can_be_switched_off(tokenizer):
    tokens = tokenizer.tokenize("非常快")
    assert "快" in content_terms(tokens, pos=None)


def _sample_texts(data_dir) -> list[str]:
    """Reviews, interview sentences and a transcript, plus the odd cases of jieba's blocks:
    English, numbers with points and percent signs, CRLF and other blanks, names jieba's
    HMM has to find, symbols."""
    import pandas as pd

    texts = pd.read_csv(data_dir / "reviews_slice.csv")["text"].dropna().tolist()
    texts += pd.read_csv(data_dir / "interview_sentences.csv")["text"].tolist()
    texts += (data_dir / "interview_utf8.txt").read_text(encoding="utf-8-sig").splitlines()
    texts += [
        "",
        " ",
        "a\r\nb\tc  d",
        "iPhone 12 Pro Max很好用，3.5%的人说C++和C#都行。",
        "李小福是创新办主任也是云计算方面的专家",
        "e.g. 问访NPS问卷...真的!!!@#¥%",
        "１２３ＡＢＣ，「你好」『世界』",
    ]
    return texts


def test_words_are_jiebas_words_with_and_without_a_user_dictionary(data_dir, tmp_path):
    # The tokenizer runs jieba's method in fewer steps: the words must be exactly lcut's.
    userdict = ["问访 nz", "NPS问卷 10", "好用 0", "客服回复 5"]  # 好用 0: jieba splits it
    for tokenizer in (
        get_tokenizer(cache_dir=tmp_path),
        get_tokenizer(userdict, cache_dir=tmp_path),
    ):
        for text in _sample_texts(data_dir):
            for variant in (text, normalise(text)):
                assert tokenizer.words(variant) == tokenizer.reference_words(variant)


def test_the_fast_path_runs_only_on_the_pinned_jieba(monkeypatch, caplog, tokenizer):
    # The fast segmentation follows one jieba release's internals; on any other release the
    # tokenizer says so once and uses jieba's own lcut (setup.cfg pins the release exactly).
    import jieba

    assert jieba.__version__ == tokenize.JIEBA_VERSION
    assert f"jieba=={tokenize.JIEBA_VERSION}" in (ROOT / "setup.cfg").read_text()
    tokenize.fast_path_usable.cache_clear()
    monkeypatch.setattr(tokenize, "JIEBA_VERSION", "0.41.0")
    monkeypatch.setattr(tokenize, "_cut_block", None)  # the fast path would fail if reached
    try:
        with caplog.at_level("WARNING", logger="analysis.text.tokenize"):
            assert tokenizer.words("客服回复很快，物流也不错") == tokenizer.reference_words(
                "客服回复很快，物流也不错"
            )
            tokenizer.words("第二句")
        assert len([r for r in caplog.records if "0.41.0" in r.getMessage()]) == 1
    finally:
        tokenize.fast_path_usable.cache_clear()


def test_dictionary_words_get_the_tags_jieba_posseg_gives_them(data_dir, tokenizer):
    # jieba.posseg tags a word of its dictionary route from its table of the dictionary
    # file (word_tag_tab); runs it hands to its HMM get the HMM's tags (很 → zg, not d), which
    # we do not copy: a dictionary word keeps its dictionary tag wherever it stands.
    import jieba.posseg

    table = jieba.posseg.POSTokenizer(tokenizer._jieba).word_tag_tab
    checked = 0
    for text in _sample_texts(data_dir):
        for token in tokenizer.tokenize(normalise(text)):
            if tokenizer.dictionary.get(token.text):
                assert token.pos == table[token.text], token
                checked += 1
    assert checked > 5000


def test_words_outside_the_dictionary_get_sensible_tags(tokenizer):
    text = normalise("李小福是主任，他用iPhone付了3.5元！")
    tags = {t.text: t.pos for t in tokenizer.tokenize(text)}
    assert tags["iPhone"] == "eng" and tags["3.5"] == "m"
    assert tags["，"] == "x" and tags["！"] == "x"
    assert tags["李小福"] == "un"  # a name found by jieba's HMM
