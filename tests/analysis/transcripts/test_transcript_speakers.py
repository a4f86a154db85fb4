"""Who is the interviewer, and renaming / merging speakers for the preview step."""

import pytest

from analysis.transcripts import Turn, merge_consecutive, rename_speakers, suggest_interviewer


def turns(*pairs):
    return [Turn(speaker, text) for speaker, text in pairs]


@pytest.mark.parametrize(
    "label",
    ["主持人", "访谈员2", "采访者", "Q", "问", "Moderator", "interviewer", "王芳（主持人）"],
)
def test_role_labels_are_suggested_even_without_questions(label):
    conversation = turns(
        ("小李", "我想问问你们最近怎么样？"), (label, "大家好。"), ("小李", "好吗？")
    )
    assert suggest_interviewer(conversation) == label


def test_otherwise_the_speaker_with_most_questions():
    conversation = turns(
        ("张伟", "您平时几点下班？"),
        ("刘洋", "一般七点。"),
        ("张伟", "周末会加班吗"),  # no question mark, ends in 吗
        ("刘洋", "偶尔。你呢？"),
        ("张伟", "那通勤要多久？"),
    )
    assert suggest_interviewer(conversation) == "张伟"


def test_a_tie_or_a_single_speaker_suggests_nobody():
    tie = turns(("甲方", "为什么？"), ("乙方", "怎么了？"))
    assert suggest_interviewer(tie) is None
    assert suggest_interviewer(turns(("张伟", "为什么？"), ("张伟", "怎么办？"))) is None
    assert suggest_interviewer(turns(("甲方", "好的。"), ("乙方", "行。"))) is None
    assert suggest_interviewer([]) is None


def test_rename_keeps_times_and_unmapped_speakers():
    before = [
        Turn("说话人1", "你好。", 0.0, 1.5),
        Turn("说话人2", "你好。", 1.5, 3.0),
        Turn("说话人3", "我也在。", 3.0, None),
    ]
    after = rename_speakers(before, {"说话人1": "主持人", "说话人2": " 受访者 "})
    assert after == [
        Turn("主持人", "你好。", 0.0, 1.5),
        Turn("受访者", "你好。", 1.5, 3.0),
        Turn("说话人3", "我也在。", 3.0, None),
    ]
    assert before[0].speaker == "说话人1"  # the input is not changed


def test_mapping_two_speakers_to_one_merges_them_and_can_join_adjacent_turns():
    before = [
        Turn("Speaker 1", "第一段。", 0.0, 2.0),
        Turn("Speaker 3", "第二段。", 2.0, 5.0),
        Turn("Speaker 2", "回答。", 5.0, 6.0),
    ]
    mapping = {"Speaker 1": "主持人", "Speaker 3": "主持人"}
    assert [t.speaker for t in rename_speakers(before, mapping)] == [
        "主持人",
        "主持人",
        "Speaker 2",
    ]
    merged = rename_speakers(before, mapping, merge_adjacent=True)
    assert merged == [
        Turn("主持人", "第一段。\n第二段。", 0.0, 5.0),
        Turn("Speaker 2", "回答。", 5.0, 6.0),
    ]


def test_rename_refuses_unknown_speakers_and_empty_names():
    conversation = turns(("主持人", "好。"))
    with pytest.raises(ValueError, match="受访者"):
        rename_speakers(conversation, {"受访者": "用户"})
    with pytest.raises(ValueError, match="主持人"):
        rename_speakers(conversation, {"主持人": "  "})


def test_merge_keeps_first_known_start_and_last_known_end():
    merged = merge_consecutive(
        [Turn("A", "一", None, None), Turn("A", "二", 4.0, 6.0), Turn("A", "三", 7.0, None)]
    )
    assert merged == [Turn("A", "一\n二\n三", 4.0, 6.0)]
