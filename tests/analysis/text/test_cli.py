import json

import pandas as pd

from analysis.__main__ import main as analysis_main
from analysis.text.cli import main


def test_sentiment_out_copies_the_input_with_score_and_label(data_dir, tmp_path, capsys):
    out = tmp_path / "scored.csv"
    assert main(["sentiment", str(data_dir / "interview_gbk.txt"), "--out", str(out)]) == 0
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert list(frame.columns) == ["speaker", "text", "sentiment_score", "sentiment_label"]
    assert frame["sentiment_score"].between(0, 1).all()
    assert set(frame["sentiment_label"]) <= {"positive", "neutral", "negative"}
    labels = dict(zip(frame["text"], frame["sentiment_label"], strict=True))
    assert labels["客服态度挺好的，回复也很快。然后界面也很清爽。"] == "positive"
    assert labels["就是广告太多了，每次打开都要等。"] == "negative"
    assert "wrote" in capsys.readouterr().out


def test_sentiment_json_by_speaker_with_aspects(data_dir, capsys):
    code = main(
        [
            "sentiment",
            str(data_dir / "interview_utf8.txt"),
            "--group",
            "speaker",
            "--aspect",
            "价格",
            "--json",
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert {g["speaker"] for g in result["by_group"]} == {"主持人", "受访者"}
    assert result["aspects"]["价格"]["negative"] >= 1


def test_keywords_kwic_and_cooccur_through_the_dispatcher(data_dir, capsys):
    path = str(data_dir / "reviews_slice.csv")
    assert analysis_main(["text", "keywords", path, "--json", "--top", "5"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5 and {"term", "tfidf"} <= rows[0].keys()
    assert analysis_main(["text", "kwic", path, "--keyword", "质量", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    frame = pd.read_csv(path)
    for hit in hits:
        text = frame["text"][hit["row"] - 1]
        assert text[hit["start"] : hit["end"]] == "质量"
    assert analysis_main(["text", "cooccur", path, "--min-count", "2", "--json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), list)


def test_keywords_by_group_is_keyness(data_dir, tmp_path, capsys):
    out = tmp_path / "key.csv"
    code = main(
        [
            "keywords",
            str(data_dir / "reviews_slice.csv"),
            "--group",
            "label",
            "--target",
            "0",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert {"term", "g2", "log_ratio", "p_value"} <= set(table.columns)
    assert (table["log_ratio"] > 0).all()


def test_bad_input_exits_1_with_a_message(tmp_path, capsys):
    assert main(["keywords", str(tmp_path / "missing.txt")]) == 1
    assert "no such file" in capsys.readouterr().err
    path = tmp_path / "a.csv"
    path.write_text("text\n好\n", encoding="utf-8")
    assert main(["kwic", str(path), "--keyword", "好", "--group", "nope"]) == 1


def test_the_sentiment_command_loads_no_training_stack_and_no_pos_tags(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "reviews.txt"
    path.write_text("屏幕很清楚，用着顺手。\n电池太不耐用了，很失望。\n", encoding="utf-8")
    wrapper = (
        "import runpy, sys\n"
        f"sys.argv = ['analysis', 'text', 'sentiment', {str(path)!r}]\n"
        "try:\n"
        "    runpy.run_module('analysis', run_name='__main__')\n"
        "except SystemExit as stop:\n"
        "    assert not stop.code, stop.code\n"
        "print('MODULES', *sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('scipy', 'sklearn')))\n"
        "from analysis.text import tokenize\n"
        "print('TAGS', any(b._tags is not None for b in tokenize._bases.values()))\n"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", wrapper], cwd=root, capture_output=True, text=True, check=True
    )
    assert "texts: positive 1, neutral 0, negative 1" in result.stdout
    loaded = result.stdout.split("MODULES", 1)[1].split("TAGS", 1)[0].split()
    assert loaded == []  # scipy.optimize / .sparse: fitting and matrices only; no sklearn
    assert result.stdout.split("TAGS", 1)[1].split() == ["False"]  # POS tags never read


def test_the_sentiment_command_segments_each_text_once(data_dir, monkeypatch, capsys):
    from analysis.text.tokenize import ChineseTokenizer

    calls = []
    original = ChineseTokenizer.words  # what tokenize() segments with, too

    def counted(self, text):
        calls.append(text)
        return original(self, text)

    monkeypatch.setattr(ChineseTokenizer, "words", counted)
    assert main(["sentiment", str(data_dir / "interview_utf8.txt"), "--group", "speaker"]) == 0
    texts = [c for c in calls if c.strip()]
    assert len(texts) == len(set(texts))  # no text segmented twice
