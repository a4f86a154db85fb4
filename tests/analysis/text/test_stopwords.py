from importlib.resources import files

from analysis.text.stopwords import stopwords, with_extra


def test_spoken_fillers_and_function_words_are_stop_words():
    stop = stopwords()
    for word in ("嗯", "那个", "就是", "然后", "的", "了", "吧", "我们", "请问", "the"):
        assert word in stop, word


def test_content_words_are_not_stop_words():
    stop = stopwords()
    for word in ("价格", "客服", "质量", "满意", "失望", "贵", "推荐", "界面"):
        assert word not in stop, word


def test_shipped_file_has_no_duplicates_and_only_simplified_entries():
    from analysis.text.normalise import normalise

    text = (files("analysis.text") / "data" / "stopwords_zh.txt").read_text(encoding="utf-8")
    entries = [w for line in text.splitlines() for w in line.split("#", 1)[0].split()]
    assert len(entries) == len(set(entries))
    assert all(normalise(w) == w for w in entries)
    assert len(entries) > 300


def test_study_additions_and_exceptions():
    stop = with_extra(["问访"], remove=["问题"])
    assert "问访" in stop and "问题" not in stop and "问题" in stopwords()
