"""The catalogue of transcript import problems: one code, a Chinese and an English message.

Errors stop the import (the file cannot be read at all); warnings ride along with a parsed
`Transcript` (the file was read, but something deserves the researcher's eye). Tests assert the
code, never the wording. The messages live in the shared catalogue (`surveys.problems`) under
each code's slug, so the web layer translates these like every other problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from surveys import problems
from surveys.problems import CodedError


class ErrorCode(Enum):
    EMPTY = ("文件是空的，没有可导入的文字", "The file is empty: there is no text to import")
    TOO_LARGE = (
        "文件过大（{size} 字节），上限为 {limit} 字节",
        "The file is too large ({size} bytes); the limit is {limit} bytes",
    )
    BINARY = (
        "这不是文本文件（看起来是 {kind}），请上传 txt、docx、srt、vtt 或 md 文件",
        "This is not a text file (it looks like {kind}); upload a txt, docx, srt, vtt or md file",
    )
    UNDECODABLE = (
        "无法识别文件编码：第 {byte} 个字节起既不是 UTF-8 也不是 GBK/GB18030，请另存为 UTF-8",
        "Cannot decode the file: from byte {byte} it is neither UTF-8 nor GBK/GB18030; "
        "save it as UTF-8",
    )
    WRONG_ENCODING = (
        "文件不能按指定的编码 {encoding} 解码（第 {byte} 个字节）",
        "The file cannot be decoded as {encoding} (byte {byte})",
    )
    UNKNOWN_ENCODING = ("未知的编码名称：{encoding}", "Unknown encoding name: {encoding}")
    UNSUPPORTED_FORMAT = (
        "不支持的格式：{format}（支持 txt、docx、srt、vtt、md）",
        "Unsupported format: {format} (supported: txt, docx, srt, vtt, md)",
    )
    LEGACY_DOC = (
        "这是旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后再上传",
        "This is a legacy Word (.doc) file; save it as .docx in Word and upload again",
    )
    INVALID_DOCX = ("无法读取该 docx 文件：{detail}", "Cannot read this docx file: {detail}")
    TEXT_TOO_LONG = (
        "文字过长（{chars} 个字符），一个文件最多 {limit} 个字符；请把它拆成几个文件上传",
        "The text is too long ({chars} characters); a file may hold at most {limit} "
        "characters: split it into several files",
    )
    TOO_MANY_TURNS = (
        "发言过多：一个文件最多 {limit} 段发言；请把它拆成几个文件上传",
        "Too many turns: a file may hold at most {limit} turns; split it into several files",
    )
    DOCX_TOO_LARGE = (
        "docx 文件解压后过大：超过 {limit} 字节（已读到 {size} 字节）",
        "The docx file unpacks to too much: over {limit} bytes ({size} bytes read)",
    )
    DOCX_RATIO = (
        "docx 文件的压缩比异常：解压后是压缩时的 {ratio} 倍以上（上限 {limit} 倍），"
        "不像是 Word 文档，已拒绝",
        "The docx file is compressed abnormally: it unpacks to over {ratio} times its "
        "compressed size (the limit is {limit}); it does not look like a Word document",
    )
    DOCX_TOO_MANY_PARTS = (
        "docx 文件中的部分过多（{count} 个，上限 {limit} 个），不像是 Word 文档，已拒绝",
        "The docx file holds too many parts ({count}; the limit is {limit}); it does not look "
        "like a Word document",
    )
    DOCX_OVERLAPPING = (
        "docx 文件的各部分互相重叠（常见于“压缩炸弹”），不像是 Word 文档，已拒绝",
        "The parts of the docx file overlap (as in a zip bomb); it does not look like a Word "
        "document",
    )
    DOCX_DTD = (
        "docx 文件的 {part} 含有 DTD 声明（Word 文档从不含有，可被用来读取服务器上的文件），已拒绝",
        "The part {part} of the docx file declares a DTD (Word never writes one; it can read "
        "files on the server)",
    )
    DOCX_TOO_MANY_BLOCKS = (
        "docx 文件的段落和表格行过多：最多 {limit} 个；请把它拆成几个文件上传",
        "The docx file has too many paragraphs and table rows: at most {limit}; "
        "split it into several files",
    )
    TOO_MANY_FILES = (
        "一次最多上传 {limit} 个文件，这个文件没有读取。",
        "At most {limit} files per upload; this one was not read.",
    )
    NO_TURNS = ("文件中没有找到任何发言", "No speaker turns were found in the file")
    UNREADABLE = ("无法打开文件：{detail}", "Cannot open the file: {detail}")

    @property
    def slug(self) -> str:
        return self.name.lower()

    def __str__(self) -> str:
        return self.slug


class WarningCode(Enum):
    TEXT_BEFORE_FIRST_SPEAKER = (
        "第 {line} 行起的文字出现在第一位说话人之前，已保留为无说话人的发言",
        "Text from line {line} comes before the first speaker; kept as a turn without speaker",
    )
    NO_SPEAKERS = (
        "没有识别出说话人，全文作为一段发言导入",
        "No speakers were recognised; the whole text is imported as one turn",
    )
    HEADING_SKIPPED = (
        "第 {line} 行的 Markdown 标题不是发言，已跳过：{text}",
        "Line {line} is a Markdown heading, not speech; skipped: {text}",
    )
    CUE_WITHOUT_TIMING = (
        "第 {line} 行的字幕块没有时间轴，已并入上一条发言",
        "The subtitle block at line {line} has no timing; joined to the previous turn",
    )
    CONTROL_CHARACTERS_REMOVED = (
        "删除了 {count} 个控制字符（第一个在第 {line} 行），它们不是文字",
        "{count} control characters were removed (the first on line {line}); they are not text",
    )
    MIXED_ENCODING = (
        "文件混用了两种编码：第 {lines} 行按 GBK/GB18030 读取，其余按 UTF-8，请核对这些行",
        "The file mixes two encodings: line(s) {lines} were read as GBK/GB18030, the rest as "
        "UTF-8; check those lines",
    )
    ENCODING_IGNORED = (
        "docx 文件自带编码，忽略指定的编码 {encoding}",
        "A docx file carries its own encoding; the given encoding {encoding} was ignored",
    )

    @property
    def slug(self) -> str:
        return self.name.lower()

    def __str__(self) -> str:
        return self.slug


problems.register({code: code.value for code in (*ErrorCode, *WarningCode)})


def _render(code: ErrorCode | WarningCode, params: dict[str, object]) -> tuple[str, str]:
    return problems.message(code, "zh_CN", **params), problems.message(code, "en", **params)


class TranscriptError(CodedError, ValueError):
    """A transcript file that cannot be imported; `code` says why, `location` says where."""

    code: ErrorCode

    def __init__(self, code: ErrorCode, location: str | None = None, **params: object) -> None:
        super().__init__(code, location, **params)
        self.message_zh, self.message_en = self.message("zh_CN"), self.message("en")
        self.args = (f"{self.message_zh} / {self.message_en}",)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code.slug,
            "location": self.location,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something the researcher should check in the preview; `line` is 1-based, or None."""

    code: WarningCode
    line: int | None
    message_zh: str
    message_en: str

    @classmethod
    def make(cls, code: WarningCode, line: int | None = None, **params: object) -> ParseWarning:
        zh, en = _render(code, {"line": line, **params})
        return cls(code, line, zh, en)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code.slug,
            "line": self.line,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }
