"""Transcript layouts found in real Chinese interview files (issue 25): header blocks, labels
after a timestamp without a colon, literal and formatted bold labels, 【…】 labels — and the
ordinary labels that must keep working."""

import io
from pathlib import Path

import docx
import pytest

from analysis.transcripts import (
    Relabel,
    WarningCode,
    deidentify_header,
    parse_transcript,
    read_transcript,
)

DATA = Path(__file__).parents[2] / "data" / "transcripts"


def rows(transcript):
    return [(t.speaker, t.text, t.start) for t in transcript.turns]


def header(transcript):
    return [(h.key, h.value) for h in transcript.header]


def parse(text: str, name: str = "a.txt", **options):
    return parse_transcript(text.encode(), name, **options)


def word(*paragraphs) -> bytes:
    """A .docx of paragraphs; a paragraph is a string, or a list of (text, bold) runs."""
    document = docx.Document()
    for paragraph in paragraphs:
        if isinstance(paragraph, str):
            document.add_paragraph(paragraph)
            continue
        made = document.add_paragraph()
        for text, bold in paragraph:
            made.add_run(text).bold = bold
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- header lines -------------------------------------------------------------------------


def test_an_oral_history_header_is_the_files_header_and_a_guan_surname_still_speaks():
    transcript = read_transcript(DATA / "oral_history_header.txt")
    assert header(transcript) == [
        ("标题", "老工业区退休职工口述史访谈（第二次）"),
        ("关键词", "国企改制；下岗再就业；社区养老"),  # 关 is a surname: it was a speaker
        ("访谈时间", "2023年10月14日 上午9:30—11:10"),
        ("访谈地点", "沈阳市铁西区某社区活动室"),
        ("访谈对象", "关先生（化名），68岁，原机床厂钳工"),  # a role naming someone
        ("访谈人", "周敏"),
        ("记录人", "孙晓雨"),
    ]
    assert [h.line for h in transcript.header] == [1, 2, 3, 4, 5, 6, 7]
    assert transcript.speakers == ["访谈者", "关先生"]
    # 访谈人 (an interviewer role) was suggested while the header was read as speakers.
    assert transcript.suggested_interviewer == "访谈者"
    assert len(transcript.turns) == 10
    assert rows(transcript)[1] == (
        "关先生",
        "行。我是一九八三年顶我父亲的班进的厂，那时候进国营大厂是很体面的事。\n"
        "到了九七、九八年，厂里效益就不行了，先是放长假，后来就说要买断工龄。",
        None,
    )
    assert transcript.warnings == ()


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [
        ("关键词：租房；通勤；安全感", "关键词", "租房；通勤；安全感"),
        ("关键字: 养老, 医保", "关键字", "养老, 医保"),
        ("标题：城中村租户访谈", "标题", "城中村租户访谈"),
        ("时　　间：2023年7月5日", "时 间", "2023年7月5日"),  # spaced out to align
        ("地点：杭州市西湖区", "地点", "杭州市西湖区"),
        ("日期：2024-05-12", "日期", "2024-05-12"),
        ("访谈对象：王女士，45岁，小学教师", "访谈对象", "王女士，45岁，小学教师"),
        ("受访者：P07（女，32岁）", "受访者", "P07（女，32岁）"),
        ("访谈员：李明、张华", "访谈员", "李明、张华"),
        ("记录人：孙晓雨", "记录人", "孙晓雨"),
        ("入户时间：上午十点", "入户时间", "上午十点"),
        ("受访者基本信息：", "受访者基本信息", ""),
    ],
)
def test_header_lines_before_the_first_speaker_are_not_speakers(line, key, value):
    transcript = parse(f"{line}\n\n访谈者：您好，我们开始吧。\n受访者：好的。\n")
    assert header(transcript) == [(key, value)]
    assert transcript.speakers == ["访谈者", "受访者"]
    assert rows(transcript)[0] == ("访谈者", "您好，我们开始吧。", None)


@pytest.mark.parametrize(
    "greeting", ["您好", "李老师，您好", "王阿姨，欢迎", "张总，请问现在方便吗"]
)
def test_a_role_saying_something_opens_the_interview_rather_than_the_header(greeting):
    transcript = parse(f"时间：2023年7月5日\n访谈者：{greeting}\n受访者：你好。\n")
    assert header(transcript) == [("时间", "2023年7月5日")]
    assert rows(transcript) == [("访谈者", greeting, None), ("受访者", "你好。", None)]


def test_staff_and_other_speakers_named_by_what_they_do_still_speak():
    transcript = parse("工作人员：请大家先签一下到。\n参与者1：好的。\n工作人员：谢谢。\n")
    assert transcript.header == ()
    assert transcript.speakers == ["工作人员", "参与者1"]


def test_a_header_key_inside_the_interview_stays_in_its_turn():
    transcript = parse("访谈者：那天是几点？\n受访者：我记得很清楚。\n时间：晚上十一点多。\n")
    assert transcript.header == ()
    assert rows(transcript)[1] == ("受访者", "我记得很清楚。\n时间：晚上十一点多。", None)


def test_a_title_line_before_the_header_stays_a_turn_without_speaker():
    transcript = read_transcript(DATA / "word_bold_labels.txt")
    assert header(transcript) == [("时间", "2024年3月2日")]
    assert rows(transcript)[0] == ("", "社区团购用户访谈", None)
    assert [w.code for w in transcript.warnings] == [WarningCode.TEXT_BEFORE_FIRST_SPEAKER]


# --- a label after a timestamp, no colon --------------------------------------------------


def test_timestamp_then_label_without_a_colon_starts_a_turn():
    transcript = read_transcript(DATA / "asr_timestamps_no_colon.txt")
    assert header(transcript) == [("关键词", "外卖骑手；平台算法；劳动保障")]
    assert [(t.speaker, t.start) for t in transcript.turns] == [
        ("采访者", 3.0),
        ("受访者", 11.0),
        ("采访者", 24.0),
        ("受访者", 29.0),
        ("采访者", 45.0),
        ("受访者", 50.0),
        ("采访者", 72.0),
        ("受访者", 77.0),
    ]
    assert transcript.turns[3].text == (
        "早上十点上线，晚上九点多下线，中午和晚上高峰最忙。\n一天跑下来差不多十一个小时吧。"
    )
    assert transcript.suggested_interviewer == "采访者"
    assert transcript.warnings == ()


def test_timestamp_then_a_numbered_speaker_in_english():
    transcript = parse("[00:00:01] Speaker 1\n您好，我们开始吧。\n[00:00:04] Speaker 2 好的。\n")
    assert rows(transcript) == [
        ("Speaker 1", "您好，我们开始吧。", 1.0),
        ("Speaker 2", "好的。", 4.0),
    ]


def test_timestamp_then_a_name_or_a_role_with_the_speech_on_the_same_line():
    transcript = parse(
        "00:00:01 王磊\n您好，先说说您的工作吧。\n"
        "[00:00:06] 受访者 我在一家物流公司做调度。\n"
        "[00:00:15] 我们 那时候还没有这个系统\n"  # words after a clock time: not a label
    )
    assert rows(transcript) == [
        ("王磊", "您好，先说说您的工作吧。", 1.0),
        ("受访者", "我在一家物流公司做调度。\n[00:00:15] 我们 那时候还没有这个系统", 6.0),
    ]


# --- 【…】 labels ---------------------------------------------------------------------------


def test_bracketed_labels_of_speech_recognition_output():
    transcript = read_transcript(DATA / "asr_bracket_labels.txt")
    assert transcript.speakers == ["访谈者", "受访者"]
    assert [t.speaker for t in transcript.turns] == ["访谈者", "受访者"] * 4
    # Transcriber's notes in brackets are no speakers: they stay in the text.
    assert transcript.turns[3].text == (
        "英语一个，数学思维一个，还有周末的舞蹈。【笑】\n"
        "说实话我也觉得有点多，但是班里的同学基本都在上。"
    )
    assert transcript.turns[5].text == (
        "英语最贵，一学期八千多。加起来一年得两万多吧。\n【停顿】\n"
        "我跟她爸商量过，舞蹈是她自己喜欢的，这个不能停。"
    )
    assert transcript.suggested_interviewer == "访谈者"


def test_bracketed_labels_with_a_timestamp_square_brackets_and_notes():
    transcript = parse(
        "【说话人1 00:01:02】最近一次网购是什么时候？\n"
        "【说话人2 00:01:09】：上周，买了个电饭煲。\n"
        "[张伟] 我补充一句，是拼多多上买的。\n"
        "[图片]\n[图片]\n"
        "【焦点】价格\n"
    )
    assert rows(transcript) == [
        ("说话人1", "最近一次网购是什么时候？", 62.0),
        ("说话人2", "上周，买了个电饭煲。", 69.0),
        ("张伟", "我补充一句，是拼多多上买的。\n[图片]\n[图片]\n【焦点】价格", None),
    ]


# --- bold labels -----------------------------------------------------------------------------


def test_literal_markdown_bold_labels_in_a_word_file():
    lines = (DATA / "word_bold_labels.txt").read_text(encoding="utf-8").splitlines()
    transcript = parse_transcript(word(*lines), "团购.docx")
    assert transcript.format == "docx"
    assert header(transcript) == [("时间", "2024年3月2日")]
    assert rows(transcript)[1:] == [
        ("访谈者", "您第一次用社区团购是什么时候？", None),
        ("受访者", "疫情那年吧，小区封了，团长在群里发链接，大家都在上面买菜。", None),
        ("访谈者", "现在还经常用吗？", None),
        (
            "受访者",
            "用得少了。菜的质量不太稳定，有一次买的西红柿一半是烂的。\n"
            "不过买纸巾、洗衣液这种还是会在上面买，便宜。",
            None,
        ),
        ("访谈者", "团长跟您熟吗？", None),  # `**访谈者：**`: the colon inside the bold
        ("受访者", "熟，就是楼下开小卖部的王姐。有问题找她，她会帮着退。", None),
    ]


def test_bold_label_runs_in_a_word_file_need_no_colon():
    data = word(
        [("访谈日期", True), ("  2024年1月9日", False)],  # a bold header key, no colon
        [("一、基本情况", True)],  # a bold heading: no speaker
        [("访谈者", True), ("您平时在哪里看病？", False)],
        [("关先生：", True), ("一般去社区医院，拿药方便。", False)],
        [("访谈者", True), ("：", False), ("大医院呢？", False)],
        [("关先生", True), ("  大病才去，挂号太难了。", False)],
        [("其实", True), ("我觉得社区医院的医生挺负责的。", False)],  # emphasis, not a label
    )
    transcript = parse_transcript(data, "看病.docx")
    assert header(transcript) == [("访谈日期", "2024年1月9日")]
    assert rows(transcript) == [
        ("", "一、基本情况", None),
        ("访谈者", "您平时在哪里看病？", None),
        ("关先生", "一般去社区医院，拿药方便。", None),
        ("访谈者", "大医院呢？", None),
        ("关先生", "大病才去，挂号太难了。\n其实我觉得社区医院的医生挺负责的。", None),
    ]
    assert transcript.suggested_interviewer == "访谈者"


def test_a_whole_bold_paragraph_of_speech_is_read_by_its_colon():
    data = word(
        [("主持人：您觉得这个价格贵吗？", True)],  # questions in bold
        "受访者：有点贵，不过能接受。",
        [("主持人：为什么？", True)],
        "受访者：质量好。",
    )
    transcript = parse_transcript(data, "a.docx")
    assert [t.speaker for t in transcript.turns] == ["主持人", "受访者"] * 2
    assert transcript.turns[0].text == "您觉得这个价格贵吗？"


# --- ordinary labels keep working ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "访谈者：您平时用什么软件记账？\n受访者：用随手记，用了三年了。\n",
            [("访谈者", "您平时用什么软件记账？"), ("受访者", "用随手记，用了三年了。")],
        ),
        (
            "张三：我们先从您的工作说起。\n李四：我在医院做护士。\n",
            [("张三", "我们先从您的工作说起。"), ("李四", "我在医院做护士。")],
        ),
        (
            "Q：您一周网购几次？\nA：两三次吧。\nQ: 主要买什么？\nA: 日用品。\n",
            [
                ("Q", "您一周网购几次？"),
                ("A", "两三次吧。"),
                ("Q", "主要买什么？"),
                ("A", "日用品。"),
            ],
        ),
        (
            "A：您好。\nB：您好，请问怎么称呼？\nA：叫我小林就行。\nB：小林您好。\n",
            [
                ("A", "您好。"),
                ("B", "您好，请问怎么称呼？"),
                ("A", "叫我小林就行。"),
                ("B", "小林您好。"),
            ],
        ),
        (
            "关先生：我是一九八三年进的厂。\n关师傅：那时候进厂很难吧？\n",
            [("关先生", "我是一九八三年进的厂。"), ("关师傅", "那时候进厂很难吧？")],
        ),
    ],
)
def test_ordinary_labels_still_make_turns(text, expected):
    transcript = parse(text)
    assert [(t.speaker, t.text) for t in transcript.turns] == expected
    assert transcript.header == ()


# --- the researcher's corrections -------------------------------------------------------------

REMARKS = (
    "访谈者：您平时怎么安排孩子的周末？\n"
    "受访者：上午写作业，下午去公园。\n"
    "补充：受访者的爱人中途加入。\n"
    "访谈者：您爱人怎么看？\n"
    "受访者：他觉得应该多报几个班。\n"
    "补充：访谈在此中断约五分钟。\n"
)


def test_a_label_seen_twice_can_be_read_as_text_again_verbatim():
    transcript = parse(REMARKS)
    assert transcript.speakers == ["访谈者", "受访者", "补充"]
    corrected = parse(REMARKS, relabel=Relabel(as_text=["补充"]))
    assert rows(corrected) == [
        ("访谈者", "您平时怎么安排孩子的周末？", None),
        ("受访者", "上午写作业，下午去公园。\n补充：受访者的爱人中途加入。", None),
        ("访谈者", "您爱人怎么看？", None),
        ("受访者", "他觉得应该多报几个班。\n补充：访谈在此中断约五分钟。", None),
    ]


def test_a_label_can_be_read_as_header_lines_wherever_it_is():
    corrected = parse(REMARKS, relabel=Relabel(as_header=["补充"]))
    assert header(corrected) == [
        ("补充", "受访者的爱人中途加入。"),
        ("补充", "访谈在此中断约五分钟。"),
    ]
    assert [h.line for h in corrected.header] == [3, 6]
    assert corrected.speakers == ["访谈者", "受访者"]
    assert len(corrected.turns) == 4


def test_corrections_name_labels_by_an_alias_and_apply_to_subtitles():
    text = (
        "1\n00:00:01,000 --> 00:00:03,000\n张三：开始吧。\n\n"
        "2\n00:00:03,000 --> 00:00:05,000\n李四：好。\n"
    )
    corrected = parse(
        text, "a.srt", relabel=Relabel(as_text=["[姓名1]"], alias={"张三": "[姓名1]"}.get)
    )
    assert [(t.speaker, t.text) for t in corrected.turns] == [
        ("", "张三：开始吧。"),
        ("李四", "好。"),
    ]


def test_header_lines_are_de_identified_like_turns():
    transcript = read_transcript(DATA / "oral_history_header.txt")
    masked, count = deidentify_header(transcript.header, names=["周敏", "孙晓雨"])
    assert [(h.key, h.value) for h in masked][4:] == [
        ("访谈对象", "关先生（化名），68岁，原机床厂钳工"),
        ("访谈人", "[姓名1]"),
        ("记录人", "[姓名2]"),
    ]
    assert count == 2


def test_a_header_table_at_the_top_of_a_word_file():
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(
        table.rows,
        [
            ("访谈时间", "2024年4月8日"),
            ("访谈地点", "成都市武侯区某茶馆"),
            ("受访者", "刘女士，52岁"),
        ],
        strict=True,
    ):
        row.cells[0].text, row.cells[1].text = cells
    document.add_paragraph("访谈者：您开茶馆多少年了？")
    document.add_paragraph("受访者：十五年了，从我婆婆手里接过来的。")
    buffer = io.BytesIO()
    document.save(buffer)
    transcript = parse_transcript(buffer.getvalue(), "茶馆.docx")
    assert header(transcript) == [
        ("访谈时间", "2024年4月8日"),
        ("访谈地点", "成都市武侯区某茶馆"),
        ("受访者", "刘女士，52岁"),
    ]
    assert rows(transcript) == [
        ("访谈者", "您开茶馆多少年了？", None),
        ("受访者", "十五年了，从我婆婆手里接过来的。", None),
    ]


def test_bold_by_a_character_style_counts_and_bold_switched_off_does_not():
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("访谈者", style="Strong")  # bold through the style, not the run
    paragraph.add_run("您孩子几岁了？")
    paragraph = document.add_paragraph()
    paragraph.add_run("受访者").bold = True
    paragraph.add_run("七岁，刚上一年级。")
    paragraph = document.add_paragraph()
    paragraph.add_run("王芳").bold = False  # <w:b w:val="0"/>: not bold
    paragraph.add_run("老师也这么说。")
    buffer = io.BytesIO()
    document.save(buffer)
    transcript = parse_transcript(buffer.getvalue(), "a.docx")
    assert rows(transcript) == [
        ("访谈者", "您孩子几岁了？", None),
        ("受访者", "七岁，刚上一年级。\n王芳老师也这么说。", None),
    ]
