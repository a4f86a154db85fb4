"""Plain-text and Markdown transcripts: speaker labels, continuation lines, timestamps."""

from pathlib import Path

import pytest

from analysis.transcripts import WarningCode, parse_transcript, read_transcript

DATA = Path(__file__).parents[2] / "data" / "transcripts"


def rows(transcript):
    return [(t.speaker, t.text, t.start, t.end) for t in transcript.turns]


def parse(text: str, name: str = "a.txt"):
    return parse_transcript(text.encode(), name)


def test_moderator_and_respondent_with_header_lines_and_continuations():
    transcript = read_transcript(DATA / "interview_utf8_bom.txt")
    assert transcript.format == "txt"
    assert [(h.key, h.value, h.line) for h in transcript.header] == [
        ("访谈记录", "外卖平台骑手访谈（第 3 场）", 1),
        ("时间", "2024年5月12日 14:00", 2),
        ("地点", "北京市朝阳区某咖啡馆", 3),
    ]
    assert rows(transcript) == [
        (
            "主持人",
            "您好，感谢您今天抽时间参加我们的访谈。可以先简单介绍一下您自己吗？",
            None,
            None,
        ),
        (
            "受访者A",
            "好的。我姓王，今年三十二岁，在这个平台送外卖快三年了。\n"
            "之前在工厂上班，后来觉得送外卖时间比较自由，就转过来了。",
            None,
            None,
        ),
        ("主持人", "您平时一天大概跑多少单？", None, None),
        (
            "受访者A",
            "忙的时候一天六七十单，平时四十单左右。\n我老婆说：你别太拼了，身体要紧。\n"
            "但是没办法，房租和孩子上学都要钱。",
            None,
            None,
        ),
        ("主持人", "在送餐过程中，您觉得最困难的是什么？", None, None),
        (
            "受访者A",
            "最难的是系统派单的时间太紧。原因是：它算的是直线距离，根本没考虑小区里不让电动车进。",
            None,
            None,
        ),
        ("主持人", "好的，今天就到这里，谢谢您！", None, None),
        ("受访者A", "不客气。", None, None),
    ]
    assert transcript.speakers == ["主持人", "受访者A"]
    assert transcript.suggested_interviewer == "主持人"
    assert transcript.warnings == ()  # the header is not text before the first speaker


def test_bracketed_timestamps_before_the_speaker():
    transcript = read_transcript(DATA / "focus_group_gbk_crlf.txt")
    assert rows(transcript)[1:] == [
        ("李老师", "各位叔叔阿姨好，今天我们聊聊大家平时怎么用智能手机。", 5.0, None),
        ("张阿姨", "我主要用微信，跟孙子视频。", 12.0, None),
        (
            "刘大爷",
            "我不太会用，扫码付款都是闺女教的。\n有时候点错了，钱就付出去了，挺担心的。",
            20.0,
            None,
        ),
        ("李老师", "那遇到不会的，一般找谁帮忙？", 41.0, None),
        ("张阿姨", "问孩子呗，可是他们工作忙，说两遍就不耐烦了。", 47.0, None),
        ("刘大爷", "我就去营业厅问，那里的小姑娘挺耐心。", 62.0, None),
    ]
    assert rows(transcript)[0] == ("", "【焦点小组】老年人使用智能手机情况", None, None)
    assert transcript.speakers == ["李老师", "张阿姨", "刘大爷"]
    # No role label: the speaker asking the questions is suggested.
    assert transcript.suggested_interviewer == "李老师"


def test_meeting_export_header_lines():
    transcript = read_transcript(DATA / "meeting_export.txt")
    assert rows(transcript) == [
        ("", "产品需求访谈 2024-06-03", None, None),
        (
            "王磊",
            "陈老师您好，我们今天主要想了解一下您在课堂上使用在线作业系统的体验。\n"
            "先问一个简单的问题，您一般多久布置一次线上作业？",
            3.0,
            None,
        ),
        ("陈静", "基本上每周两次吧。\n周一布置，周四讲评。", 15.0, None),
        ("王磊", "批改的时候遇到过什么麻烦吗？", 24.0, None),
        ("陈静", "最头疼的是拍照上传的作业，字迹看不清，还得一张张放大。", 29.0, None),
    ]
    assert transcript.suggested_interviewer == "王磊"
    assert [(h.key, h.value) for h in transcript.header] == [("参会人", "王磊、陈静")]


def test_meeting_export_variants_with_brackets_ranges_and_minutes_only():
    transcript = parse(
        "发言人1 00:01\n大家好，我们开始吧。\n"
        "发言人2（00:00:08.5 - 00:00:12）\n好的。\n"
        "张伟(01:02:03)：这个功能我每天都用。\n"
    )
    assert rows(transcript) == [
        ("发言人1", "大家好，我们开始吧。", 1.0, None),
        ("发言人2", "好的。", 8.5, 12.0),
        ("张伟", "这个功能我每天都用。", 3723.0, None),
    ]


def test_clock_times_in_text_are_not_headers():
    transcript = parse("主持人：我们约几点？\n受访者：明天\n10:30 我们开始\n上午 10:30\n")
    assert rows(transcript) == [
        ("主持人", "我们约几点？", None, None),
        ("受访者", "明天\n10:30 我们开始\n上午 10:30", None, None),
    ]


def test_question_and_answer_labels_with_numbered_questions():
    transcript = read_transcript(DATA / "qa_style.txt")
    assert [t.speaker for t in transcript.turns] == ["Q", "A"] * 3
    assert transcript.turns[4].text == "为什么不骑了？"
    assert transcript.turns[5].text == "公司附近的停车点经常被占满，找车也麻烦。"
    assert transcript.suggested_interviewer == "Q"


def test_wen_da_labels():
    transcript = parse("问：您用过哪些记账软件？\n答：随手记，还有支付宝自带的。\n")
    assert rows(transcript) == [
        ("问", "您用过哪些记账软件？", None, None),
        ("答", "随手记，还有支付宝自带的。", None, None),
    ]
    assert transcript.suggested_interviewer == "问"


@pytest.mark.parametrize(
    "line",
    [
        "他说：这个太贵了。",  # reported speech
        "我的想法是：先试用再说。",  # a phrase ending in 是
        "网址：https://example.com",  # metadata key and a URL
        "比如：打车、点外卖。",
        "最后一点需要补充的内容：价格",  # once, not a role, not a name
    ],
)
def test_phrases_with_a_colon_stay_inside_the_turn(line):
    transcript = parse(f"受访者：我先讲一下。\n{line}\n")
    assert rows(transcript) == [("受访者", f"我先讲一下。\n{line}", None, None)]


def test_a_label_seen_twice_is_believed_even_if_unknown():
    transcript = parse("小蓝：第一句。\n老师甲：第二句。\n小蓝：第三句。\n")
    # 小蓝 is neither a role nor a common name but labels two lines; 老师甲 appears once.
    assert rows(transcript) == [
        ("小蓝", "第一句。\n老师甲：第二句。", None, None),
        ("小蓝", "第三句。", None, None),
    ]


def test_name_with_role_in_brackets_is_the_interviewer():
    transcript = parse("李娜（主持人）：最近在用什么 App？\n受访者2：小红书。\n")
    assert transcript.speakers == ["李娜（主持人）", "受访者2"]
    assert transcript.suggested_interviewer == "李娜（主持人）"


def test_text_without_any_speaker_is_one_turn_with_a_warning():
    transcript = parse("我觉得这个产品还可以。\n就是价格有点高。\n")
    assert rows(transcript) == [("", "我觉得这个产品还可以。\n就是价格有点高。", None, None)]
    assert [w.code for w in transcript.warnings] == [WarningCode.NO_SPEAKERS]
    assert transcript.speakers == [] and transcript.suggested_interviewer is None


def test_label_with_empty_text_takes_the_following_lines():
    transcript = parse("主持人：\n  请先做个自我介绍。\n受访者：\n我叫小周。\n")
    assert rows(transcript) == [
        ("主持人", "请先做个自我介绍。", None, None),
        ("受访者", "我叫小周。", None, None),
    ]


def test_merge_joins_consecutive_turns_of_one_speaker():
    text = "[00:00:01] 主持人：第一问？\n[00:00:05] 受访者：答一。\n[00:00:09] 受访者：答二。\n"
    assert len(parse(text).turns) == 3
    merged = parse_transcript(text.encode(), "a.txt", merge=True)
    assert rows(merged) == [
        ("主持人", "第一问？", 1.0, None),
        ("受访者", "答一。\n答二。", 5.0, None),
    ]


def test_markdown_headings_emphasis_quotes_and_lists():
    transcript = read_transcript(DATA / "interview.md")
    assert transcript.format == "md"
    assert rows(transcript) == [
        ("访谈员", "您家里的音箱平时主要用来做什么？", None, None),
        ("用户B", "听歌和定闹钟，偶尔问问天气。", None, None),
        ("访谈员", "孩子会用吗？", None, None),
        ("用户B", "会，他喜欢让音箱讲故事。\n有时候一讲就是一个小时。", None, None),
    ]
    assert [(w.code, w.line) for w in transcript.warnings] == [
        (WarningCode.HEADING_SKIPPED, 1),
        (WarningCode.HEADING_SKIPPED, 3),
    ]


def test_format_from_content_when_the_name_has_no_known_extension():
    srt = (DATA / "interview.srt").read_bytes()
    vtt = (DATA / "interview.vtt").read_bytes()
    assert parse_transcript(srt, "upload.bin").format == "srt"
    assert parse_transcript(vtt, "").format == "vtt"
    assert parse_transcript("主持人：好".encode(), "notes").format == "txt"
    # The caller's format wins over the extension.
    assert parse_transcript("主持人：**好**".encode(), "a.txt", fmt="md").turns[0].text == "好"
