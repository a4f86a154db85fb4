"""`python -m analysis transcript FILE [--json]` run as a real subprocess."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[3]
DATA = ROOT / "tests" / "data" / "transcripts"


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "analysis", "transcript", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_json_output_of_a_gbk_file():
    done = run(DATA / "focus_group_gbk_crlf.txt", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {
        "turns",
        "encoding",
        "format",
        "header",
        "speakers",
        "suggested_interviewer",
        "warnings",
    }
    assert (out["encoding"], out["format"]) == ("gbk", "txt")
    assert out["speakers"] == ["李老师", "张阿姨", "刘大爷"]
    assert out["suggested_interviewer"] == "李老师"
    assert len(out["turns"]) == 7
    assert out["turns"][1] == {
        "speaker": "李老师",
        "text": "各位叔叔阿姨好，今天我们聊聊大家平时怎么用智能手机。",
        "start": 5.0,
        "end": None,
    }
    assert [w["code"] for w in out["warnings"]] == ["text_before_first_speaker"]


def test_encoding_format_and_merge_options(tmp_path):
    path = tmp_path / "cues.data"
    path.write_bytes((DATA / "interview.srt").read_bytes())
    done = run(path, "--json", "--format", "srt", "--encoding", "utf-8", "--merge")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["format"] == "srt"
    assert [(t["speaker"], t["start"], t["end"]) for t in out["turns"]] == [
        ("主持人", 1.0, 4.5),
        ("受访者", 5.0, 12.0),
        ("主持人", 12.5, 15.0),
        ("受访者", 12.5, 15.0),
    ]


def test_readable_table_without_json():
    done = run(DATA / "interview.vtt")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "vtt" in lines[0] and "utf-8" in lines[0] and "5" in lines[0]
    assert "访谈员、赵敏" in lines[1]
    assert any("00:01:02.250" in line and "赵敏" in line and "价格&服务" in line for line in lines)


def test_deidentify_option_masks_turns(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("主持人：怎么联系您？\n周婷：打我电话 139 0000 1111。\n", encoding="utf-8")
    done = run(path, "--json", "--name", "周婷")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [(t["speaker"], t["text"]) for t in out["turns"]] == [
        ("主持人", "怎么联系您？"),
        ("[姓名1]", "打我电话 [手机号]。"),
    ]
    assert [(r["kind"], r["turn"], r["start"], r["end"]) for r in out["redactions"]] == [
        ("phone", 1, 5, 18)
    ]


def test_errors_exit_1_with_both_languages_and_no_traceback(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    undecodable = tmp_path / "bad.txt"
    undecodable.write_bytes(b"\x80\x80\xffabc")
    big = tmp_path / "big.txt"
    big.write_bytes("主持人：好。\n".encode() * 100)
    cases = [
        ([empty], "empty"),
        ([undecodable], "undecodable"),
        ([big, "--max-bytes", "100"], "too_large"),
        ([tmp_path / "missing.txt"], "unreadable"),
        ([DATA / "interview_gb18030.txt", "--encoding", "gbk"], "wrong_encoding"),
    ]
    for args, code in cases:
        done = run(*args)
        assert done.returncode == 1, (code, done.stderr)
        assert done.stdout == ""
        assert f"({code})" in done.stderr
        assert "错误" in done.stderr and "error" in done.stderr
        assert "Traceback" not in done.stderr


def test_usage_error_exits_2():
    done = run(DATA / "interview.srt", "--format", "pdf")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_header_lines_are_listed_and_masked_like_the_turns():
    done = run(DATA / "oral_history_header.txt")
    assert done.returncode == 0, done.stderr
    assert "  关键词：国企改制；下岗再就业；社区养老" in done.stdout.splitlines()
    done = run(DATA / "oral_history_header.txt", "--json", "--name", "周敏")
    out = json.loads(done.stdout)
    assert {"key": "访谈人", "value": "[姓名1]", "line": 6} in out["header"]
    assert out["speakers"] == ["访谈者", "关先生"]
