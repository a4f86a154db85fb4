"""Transcripts as people write them, through the real upload flow (issue 25): the header
lines become the interview's metadata, and the preview corrects what was taken for a
speaker before the transcript is saved."""

import io
from datetime import date

import docx

from app.extensions import db
from app.models import AuditEvent, ImportStatus, Interview, InterviewKind
from tests.factories import study_with_roles

# An oral-history interview as a Word file: a header block, bold labels without a colon, a
# quoted official (王主任：…, a name, so taken for a speaker) and the transcriber's notes
# (补记：…, seen twice, so taken for a speaker too).
PARAGRAPHS = [
    "标题：老工业区退休职工口述史访谈",
    "关键词：国企改制；下岗再就业",
    "访谈时间：2023年10月14日 上午9:30",
    "访谈对象：关先生（化名），68岁，原机床厂钳工",
    "访谈人：周敏",
    [("访谈者", True), ("关师傅，买断工龄的时候，厂里是怎么跟你们说的？", False)],
    [("关先生", True), ("开大会讲，车间主任念的文件。", False)],
    "王主任：签了字就跟厂里没关系了，谁也别来找。",
    "他就是这么说的，一个字都没改。",
    "补记：受访者说到这里停顿了很久。",
    [("访谈者", True), ("您当时签了吗？", False)],
    [("关先生", True), ("签了。不签也没办法，车间都停了。", False)],
    "补记：受访者的老伴在一旁补充了几句。",
]


def _word() -> bytes:
    document = docx.Document()
    for paragraph in PARAGRAPHS:
        if isinstance(paragraph, str):
            document.add_paragraph(paragraph)
        else:
            made = document.add_paragraph()
            for text, bold in paragraph:
                made.add_run(text).bold = bold
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _upload(client, study_id, names=""):
    data = {
        "files": [(io.BytesIO(_word()), "关师傅口述.docx")],
        "kind": "interview",
        "encoding": "",
        "mask": "y",
        "names": names,
    }
    return client.post(
        f"/studies/{study_id}/interviews/upload", data=data, content_type="multipart/form-data"
    )


def _rows(interview):
    return [(t.speaker, t.text, t.is_interviewer) for t in interview.turns]


def _form(interview, action, **choices):
    """The preview form as the page posts it: one row per speaker found."""
    form = {"action": action, "title": "关师傅口述", "kind": "interview", "consent": "given"}
    for index, speaker in enumerate(interview.speakers, 1):
        form[f"speaker-{index}"] = speaker
        form[f"rename-{index}"] = speaker
        for key, value in choices.get(speaker, {}).items():
            form[f"{key}-{index}"] = value
    return form


def _post(client, study, interview, form):
    return client.post(f"/studies/{study.id}/interviews/{interview.id}/preview", data=form)


def test_upload_preview_correct_the_speakers_and_save(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    _upload(client, study.id)
    interview = db.session.scalar(db.select(Interview))
    assert interview.source_header == [
        {"key": "标题", "value": "老工业区退休职工口述史访谈"},
        {"key": "关键词", "value": "国企改制；下岗再就业"},
        {"key": "访谈时间", "value": "2023年10月14日 上午9:30"},
        {"key": "访谈对象", "value": "关先生（化名），68岁，原机床厂钳工"},
        {"key": "访谈人", "value": "周敏"},
    ]
    assert interview.held_on == date(2023, 10, 14)  # from the header
    assert interview.speakers == ["访谈者", "关先生", "王主任", "补记"]
    assert interview.kind is InterviewKind.FOCUS_GROUP

    page = client.get(f"/studies/{study.id}/interviews/{interview.id}/preview").get_data(True)
    assert "文件开头信息" in page and "国企改制；下岗再就业" in page
    assert 'value="2023-10-14"' in page
    assert '<option value="text">不是说话人：这些行并入上一段发言</option>' in page
    assert "更新预览" in page

    # 王主任 is quoted speech: back into 关先生's turn; 补记 are the transcriber's notes.
    choices = {"王主任": {"use": "text"}, "补记": {"use": "header"}}
    response = _post(client, study, interview, _form(interview, "reread", **choices))
    assert response.headers["Location"].endswith(f"/interviews/{interview.id}/preview")
    db.session.refresh(interview)
    assert interview.status is ImportStatus.PREVIEW
    assert interview.speakers == ["访谈者", "关先生"]
    assert interview.kind is InterviewKind.INTERVIEW  # four speakers made it a focus group
    assert interview.turns[1].text == (
        "开大会讲，车间主任念的文件。\n王主任：签了字就跟厂里没关系了，谁也别来找。\n"
        "他就是这么说的，一个字都没改。"
    )
    assert interview.source_header[-2:] == [
        {"key": "补记", "value": "受访者说到这里停顿了很久。"},
        {"key": "补记", "value": "受访者的老伴在一旁补充了几句。"},
    ]
    page = client.get(f"/studies/{study.id}/interviews/{interview.id}/preview").get_data(True)
    assert 'name="restore" value="王主任"' in page and 'name="restore" value="补记"' in page

    # Save: 关先生 gets a code name, 访谈者 is the interviewer.
    form = _form(interview, "save", 访谈者={"interviewer": "1"}, 关先生={"rename": "R01"})
    response = _post(client, study, interview, form)
    assert response.headers["Location"].endswith(f"/interviews/{interview.id}")
    db.session.refresh(interview)
    assert interview.status is ImportStatus.SAVED
    assert _rows(interview) == [
        ("访谈者", "关师傅，买断工龄的时候，厂里是怎么跟你们说的？", True),
        (
            "R01",
            "开大会讲，车间主任念的文件。\n王主任：签了字就跟厂里没关系了，谁也别来找。\n"
            "他就是这么说的，一个字都没改。",
            False,
        ),
        ("访谈者", "您当时签了吗？", True),
        ("R01", "签了。不签也没办法，车间都停了。", False),
    ]
    assert len(interview.source_header) == 7
    [event] = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "interview.import")
    ).all()
    assert event.detail["after"]["header_lines"] == 7

    page = client.get(f"/studies/{study.id}/interviews/{interview.id}").get_data(True)
    assert (
        "文件开头信息" in page
        and "原机床厂钳工" in page
        and "受访者的老伴在一旁补充了几句。" in page
    )
    assert 'name="use-' not in client.get(
        f"/studies/{study.id}/interviews/{interview.id}/edit"
    ).get_data(True)  # a saved transcript's file is gone: no re-reading


def test_choices_made_at_save_are_applied_before_the_renames(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    _upload(client, study.id)
    interview = db.session.scalar(db.select(Interview))
    form = _form(
        interview,
        "save",
        访谈者={"interviewer": "1"},
        王主任={"use": "text"},
        补记={"use": "text"},
    )
    _post(client, study, interview, form)
    db.session.refresh(interview)
    assert interview.status is ImportStatus.SAVED
    assert interview.speakers == ["访谈者", "关先生"]
    assert interview.turns[1].text.endswith(
        "他就是这么说的，一个字都没改。\n补记：受访者说到这里停顿了很久。"
    )
    assert [t.is_interviewer for t in interview.turns] == [True, False, True, False]
    assert interview.import_options["text_labels"] == ["王主任", "补记"]


def test_a_label_marked_as_no_speaker_can_be_restored(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    _upload(client, study.id)
    interview = db.session.scalar(db.select(Interview))
    _post(client, study, interview, _form(interview, "reread", 王主任={"use": "text"}))
    db.session.refresh(interview)
    assert "王主任" not in interview.speakers
    _post(client, study, interview, {**_form(interview, "reread"), "restore": "王主任"})
    db.session.refresh(interview)
    assert interview.speakers == ["访谈者", "关先生", "王主任", "补记"]
    assert interview.import_options["text_labels"] == []


def test_names_masked_at_upload_are_masked_in_the_header_and_in_the_choices(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    _upload(client, study.id, names="周敏\n王主任")
    interview = db.session.scalar(db.select(Interview))
    assert {"key": "访谈人", "value": "[姓名1]"} in interview.source_header
    assert "[姓名2]" in interview.speakers  # 王主任, masked
    _post(client, study, interview, _form(interview, "reread", **{"[姓名2]": {"use": "text"}}))
    db.session.refresh(interview)
    assert interview.speakers == ["访谈者", "关先生", "补记"]
    assert "[姓名2]：签了字就跟厂里没关系了" in interview.turns[1].text
    assert interview.import_options["text_labels"] == ["[姓名2]"]
    assert "周敏" not in str(interview.source_header)


def test_a_preview_whose_file_is_gone_says_so(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    _upload(client, study.id)
    interview = db.session.scalar(db.select(Interview))
    interview.original = None  # an unsaved preview forgets its upload after a day
    db.session.commit()
    page = client.get(f"/studies/{study.id}/interviews/{interview.id}/preview").get_data(True)
    assert 'name="use-' not in page and "更新预览" not in page
    response = _post(client, study, interview, _form(interview, "reread"))
    assert response.status_code == 302
    page = client.get(f"/studies/{study.id}/interviews/{interview.id}/preview").get_data(True)
    assert "上传的文件已不再保留" in page
