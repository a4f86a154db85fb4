import pandas as pd
import pytest

from analysis.text.inputs import InputError, decode, read_input


@pytest.mark.parametrize("name", ["interview_gbk.txt", "interview_utf8.txt"])
def test_transcript_in_gbk_and_utf8_with_bom_and_crlf(data_dir, name):
    data = read_input(data_dir / name)
    frame = data.frame
    assert list(frame.columns) == ["speaker", "text"]
    assert frame["speaker"].tolist()[:2] == ["主持人", "受访者"]
    assert frame["text"][3] == "价格有点贵，会员一个月要三十块钱，我觉得不太值。"
    assert len(frame) == 7


def test_plain_text_is_one_row_per_line(tmp_path):
    path = tmp_path / "answers.txt"
    path.write_bytes("价格太贵\n\n客服很好：回复快\n界面清爽\n".encode("gbk"))
    frame = read_input(path).frame
    assert frame["text"].tolist() == ["价格太贵", "客服很好：回复快", "界面清爽"]


def test_csv_in_gbk_and_xlsx_column(tmp_path):
    frame = pd.DataFrame({"id": ["1", "2"], "answer": ["太贵了", "很满意"]})
    gbk = tmp_path / "open.csv"
    gbk.write_bytes(frame.to_csv(index=False).encode("gbk"))
    assert read_input(gbk, column="answer").frame["answer"].tolist() == ["太贵了", "很满意"]
    xlsx = tmp_path / "open.xlsx"
    frame.to_excel(xlsx, index=False)
    data = read_input(xlsx, column="answer")
    assert data.frame["answer"].tolist() == ["太贵了", "很满意"]


def test_errors_name_the_file_and_the_problem(tmp_path):
    frame = pd.DataFrame({"a": ["x"], "b": ["y"]})
    path = tmp_path / "two.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match="--column"):
        read_input(path)
    with pytest.raises(InputError, match="'c'"):
        read_input(path, column="c")
    with pytest.raises(InputError, match="no such file"):
        read_input(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="unsupported"):
        read_input(path.with_suffix(".pdf").write_bytes(b"%PDF") and path.with_suffix(".pdf"))


def test_undecodable_bytes_are_an_input_error():
    assert decode("中文".encode("gb18030")) == "中文"
    with pytest.raises(InputError):
        decode(b"\xff\xfe\x00\xd8\x81")


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.csv", b"", "no rows"),
        ("blank.csv", b"\n\n", "no rows"),
        ("quote.csv", 'text\n"没有结束的引号'.encode(), "not a readable csv"),
        ("junk.xlsx", b"PK\x03\x04junk", "not a readable zip"),
        ("text.xlsx", "评论\n很好".encode(), "not a readable zip"),
    ],
)
def test_damaged_tables_are_an_input_error_naming_the_file(tmp_path, name, data, problem):
    """Found with tests/fuzz: pandas' EmptyDataError and ParserError, and zipfile's BadZipFile,
    reached the command line as tracebacks."""
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=problem) as caught:
        read_input(path)
    assert name in str(caught.value)


def test_a_workbook_bomb_is_refused_before_pandas_opens_it(tmp_path):
    from tests.hostile import zip_of

    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_of({"xl/worksheets/sheet1.xml": b"0" * (4 * 1024 * 1024)}))
    with pytest.raises(InputError, match="compressed abnormally"):
        read_input(path)
