"""Transcript import: upload → preview (rename, merge, interviewer) → save; participants."""

import io
import re
from pathlib import Path

import pytest

from app.extensions import db
from app.models import AuditEvent, ImportStatus, Interview, InterviewKind
from tests.factories import make_interview, study_with_roles

DATA = Path(__file__).resolve().parents[1] / "data" / "interviews"


def _upload(client, study_id, *files, **fields):
    data = {
        "files": [(io.BytesIO(content), name) for name, content in files],
        "kind": "interview",
        "encoding": "",
        "mask": "y",
        **fields,
    }
    return client.post(
        f"/studies/{study_id}/interviews/upload", data=data, content_type="multipart/form-data"
    )


def _events(action):
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_focus_group_preview_counts_four_speakers_and_saves(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    content = (DATA / "focus_group_4.txt").read_bytes()
    response = _upload(client, study.id, ("买菜焦点小组.txt", content))
    interview = db.session.scalar(db.select(Interview))
    assert response.headers["Location"].endswith(f"/interviews/{interview.id}/preview")
    assert interview.status is ImportStatus.PREVIEW
    assert interview.kind is InterviewKind.FOCUS_GROUP  # four speakers

    page = client.get(f"/studies/{study.id}/interviews/{interview.id}/preview").get_data(True)
    assert "4 位说话人" in page and "12 段发言" in page
    counts = {s: n for s, n, _ in _speakers(interview)}
    assert counts == {"主持人": 3, "王女士": 3, "李先生": 3, "赵阿姨": 3}

    # Rename 主持人 → 研究员, merge 李先生 into 王女士 (same new name), mark the interviewer.
    order = [s for s, _, _ in _speakers(interview)]
    form = {
        "action": "save",
        "title": "买菜焦点小组",
        "participant_label": "FG1",
        "kind": "focus_group",
        "consent": "given",
        "held_on": "2026-11-20",
        "encoding": "",
    }
    for i, speaker in enumerate(order, 1):
        form[f"speaker-{i}"] = speaker
        form[f"rename-{i}"] = {"主持人": "研究员", "李先生": "王女士"}.get(speaker, speaker)
    form["interviewer-1"] = "1"
    response = client.post(f"/studies/{study.id}/interviews/{interview.id}/preview", data=form)
    assert response.headers["Location"].endswith(f"/interviews/{interview.id}")
    db.session.refresh(interview)
    assert interview.status is ImportStatus.SAVED
    assert interview.speakers == ["研究员", "王女士", "赵阿姨"]
    assert sum(t.is_interviewer for t in interview.turns) == 3
    assert all(t.speaker == "研究员" for t in interview.turns if t.is_interviewer)
    assert interview.original is None  # not asked to keep it
    assert interview.keywords  # computed at import
    [event] = _events("interview.import")
    assert event.detail["after"]["turns"] == 12
    assert event.detail["after"]["consent"] == "given"


TRANSCRIPTS = Path(__file__).resolve().parents[1] / "data" / "transcripts"


def _docx() -> bytes:
    from tests.analysis.transcripts.test_transcript_subtitles_docx import make_docx

    return make_docx()


def test_code_name_fields_are_labelled_as_code_names_not_personal_names(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    _upload(client, study.id, ("访谈.txt", "主持人：您好。\n受访者：你好。\n".encode()))
    interview = db.session.scalar(db.select(Interview))
    base = f"/studies/{study.id}/interviews"
    preview = client.get(f"{base}/{interview.id}/preview").get_data(True)
    assert '<label class="form-label" for="participant_label">受访者代号</label>' in preview
    assert "<th>说话人代号</th>" in preview
    codes = client.get(f"{base}/codes").get_data(True)
    assert '<label class="form-label" for="name">编码名称</label>' in codes
    assert "姓名" not in preview + codes


# Counted by hand from the files in tests/data/transcripts (see the README there).
@pytest.mark.parametrize(
    ("name", "encoding", "fmt", "found", "speakers", "interviewer"),
    [
        (
            "interview_utf8_bom.txt",
            "",
            "txt",
            "utf-8",
            {"主持人": 4, "受访者A": 4},  # its first three lines are the file's header
            "主持人",
        ),
        ("interview_gb18030.txt", "", "txt", "gb18030", {"主持人": 2, "受访者": 2}, "主持人"),
        (
            "focus_group_gbk_crlf.txt",
            "",
            "txt",
            "gbk",
            {"": 1, "李老师": 2, "张阿姨": 2, "刘大爷": 2},
            "李老师",
        ),
        (  # the researcher's choice at upload wins over detection
            "focus_group_gbk_crlf.txt",
            "gb18030",
            "txt",
            "gb18030",
            {"": 1, "李老师": 2, "张阿姨": 2, "刘大爷": 2},
            "李老师",
        ),
        ("qa_style.txt", "", "txt", "utf-8", {"Q": 3, "A": 3}, "Q"),
        ("interview.md", "", "md", "utf-8", {"访谈员": 2, "用户B": 2}, "访谈员"),
        ("interview.srt", "", "srt", "utf-8", {"主持人": 2, "受访者": 3}, "主持人"),
        ("interview.vtt", "", "vtt", "utf-8", {"访谈员": 2, "赵敏": 3}, "访谈员"),
        ("访谈.docx", "", "docx", None, {"": 1, "主持人": 3, "受访者": 2}, "主持人"),
    ],
)
def test_each_format_and_encoding_uploads_with_speakers_counted(
    client, auth, ctx, name, encoding, fmt, found, speakers, interviewer
):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    content = _docx() if name.endswith(".docx") else (TRANSCRIPTS / name).read_bytes()
    response = _upload(client, study.id, (name, content), encoding=encoding)
    interview = db.session.scalar(db.select(Interview))
    assert response.headers["Location"].endswith(f"/interviews/{interview.id}/preview")
    assert (interview.source_format, interview.source_encoding) == (fmt, found)
    assert {s: n for s, n, _ in _speakers(interview)} == speakers
    assert {s for s, _, flag in _speakers(interview) if flag} == {interviewer}
    page = client.get(f"/studies/{study.id}/interviews/{interview.id}/preview").get_data(True)
    assert f"{len(speakers)} 位说话人" in page
    assert f"{sum(speakers.values())} 段发言" in page


def test_files_past_the_batch_limit_are_reported_not_dropped(client, auth, ctx, monkeypatch):
    from app.interviews import services

    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    monkeypatch.setattr(services, "MAX_FILES", 2)
    srt = (DATA / "delivery.srt").read_bytes()
    reply = _upload(client, study.id, ("1.srt", srt), ("2.srt", srt), ("3.srt", srt))
    assert db.session.scalar(db.select(db.func.count(Interview.id))) == 2
    page = client.get(reply.location).get_data(True)  # the import job's page
    assert "3.srt</strong>: 一次最多上传 2 个文件" in page


def test_attributes_filter_the_transcript_list(client, auth, ctx):
    study, _ = study_with_roles()
    make_interview(study, participant="P01", attributes={"用户类型": "新用户"})
    make_interview(study, participant="P02", attributes={"用户类型": "老用户"})
    auth.login("viewer@example.cn")
    url = f"/studies/{study.id}/interviews/"

    # A label as a word of its own: a random CSRF token may contain "P01" (…DPP01Yzk).
    def shows(label, page):
        return re.search(rf"(?<![A-Za-z0-9._-]){label}(?![A-Za-z0-9._-])", page) is not None

    page = client.get(url).get_data(True)
    assert shows("P01", page) and shows("P02", page) and 'name="attr-用户类型"' in page
    page = client.get(url, query_string={"attr-用户类型": "老用户"}).get_data(True)
    assert not shows("P01", page) and shows("P02", page)


def _speakers(interview):
    from app.interviews.services import speaker_counts

    return speaker_counts(interview)


def test_gbk_transcript_is_detected_and_encoding_can_be_overridden(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    content = (DATA / "budget_app_gbk.txt").read_bytes()
    _upload(client, study.id, ("记账.txt", content))
    interview = db.session.scalar(db.select(Interview))
    assert interview.source_encoding == "gbk"
    assert interview.turns[3].text == "广告太多，每次打开都要等五秒。"
    page = client.get(f"/studies/{study.id}/interviews/{interview.id}/preview").get_data(True)
    assert "gbk" in page

    # Read again as Big5: garbage but readable, the researcher sees it in the preview …
    client.post(
        f"/studies/{study.id}/interviews/{interview.id}/preview",
        data={
            "action": "reread",
            "encoding": "big5",
            "title": "记账",
            "kind": "interview",
            "consent": "unknown",
        },
    )
    db.session.refresh(interview)
    assert interview.source_encoding == "big5"
    assert "广告" not in interview.turns[-1].text
    # … and back to GB18030.
    client.post(
        f"/studies/{study.id}/interviews/{interview.id}/preview",
        data={
            "action": "reread",
            "encoding": "gb18030",
            "title": "记账",
            "kind": "interview",
            "consent": "unknown",
        },
    )
    db.session.refresh(interview)
    assert interview.turns[-1].text == "广告太多，每次打开都要等五秒。"


def test_srt_keeps_timestamps_and_batch_upload_reports_bad_files(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    response = _upload(
        client,
        study.id,
        ("外卖.srt", (DATA / "delivery.srt").read_bytes()),
        ("空.txt", b"   \n"),
        ("照片.txt", b"\x89PNG\r\n\x1a\n\x00\x00binary"),
        ("坏编码.txt", "你好".encode()[:-1] + b"\xff\xfe\x81"),
        ("焦点小组.txt", (DATA / "focus_group_4.txt").read_bytes()),
    )
    assert response.status_code == 302
    interviews = db.session.scalars(db.select(Interview).order_by(Interview.id)).all()
    assert [i.source_filename for i in interviews] == ["外卖.srt", "焦点小组.txt"]
    srt = interviews[0]
    assert srt.source_format == "srt"
    assert [(t.speaker, t.start_s, t.end_s) for t in srt.turns][:2] == [
        ("访谈员", 1.0, 4.2),
        ("受访者", 4.8, 9.5),
    ]
    page = client.get(response.location).get_data(True)  # the import job's page
    assert "空.txt</strong>: 文件是空的" in page
    assert "照片.txt</strong>: 这不是文本文件" in page
    assert "坏编码.txt</strong>: 无法识别文件编码" in page
    assert "2 份访谈记录可以预览" in page


def test_oversized_file_is_refused(client, auth, ctx, monkeypatch):
    from app.interviews import services

    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    monkeypatch.setattr(services, "MAX_BYTES", 100)
    _upload(client, study.id, ("长.txt", ("受访者：" + "很长" * 100).encode()))
    assert db.session.scalar(db.select(db.func.count(Interview.id))) == 0
    page = client.get(f"/studies/{study.id}/interviews/").get_data(True)
    assert "文件过大" in page


def test_deidentification_masks_phones_ids_emails_and_names(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    text = (
        "访谈员：请问怎么联系您？\n"
        "张伟：我手机 13812345678，邮箱 zhangwei@example.com，"
        "身份证 11010519491231002X，找张先生就行。\n"
    )
    _upload(client, study.id, ("联系.txt", text.encode()), names="张伟")
    interview = db.session.scalar(db.select(Interview))
    body = interview.turns[1].text
    assert "13812345678" not in body and "[手机号]" in body
    assert "[邮箱]" in body and "[身份证号]" in body
    assert "[姓名1]" in body  # 张先生: surname + title of a listed name
    assert interview.turns[1].speaker == "[姓名1]"
    assert interview.import_options["redactions"] >= 4


def _save(client, study, interview, **fields):
    data = {"action": "save", "title": "a", "kind": "interview", "consent": "given", **fields}
    return client.post(f"/studies/{study.id}/interviews/{interview.id}/preview", data=data)


def test_original_is_kept_only_when_the_study_allows_it(client, auth, ctx):
    study, _ = study_with_roles()
    content = (DATA / "delivery.srt").read_bytes()
    auth.login("researcher@example.cn")
    # The study's default: asking to keep the original is refused, with a message.
    page = client.get(f"/studies/{study.id}/interviews/").get_data(True)
    assert 'name="keep_original"' not in page and "原始文件一律不保留" in page
    _upload(client, study.id, ("a.srt", content), keep_original="y")
    first = db.session.scalar(db.select(Interview))
    assert first.import_options["keep_original"] is False
    _save(client, study, first)
    db.session.refresh(first)
    assert first.status is ImportStatus.SAVED and first.original is None
    assert "本研究不保留原始文件" in client.get(f"/studies/{study.id}/interviews/").get_data(True)
    # Only the owner sets the study's rules.
    policy_url = f"/studies/{study.id}/interviews/policy"
    assert client.post(policy_url, data={"keep_originals": "y"}).status_code == 403
    auth.logout()

    auth.login("owner@example.cn")
    client.post(policy_url, data={"keep_originals": "y", "mask_names": "刘洋，陈静"})
    _upload(client, study.id, ("b.srt", content), keep_original="y")
    _upload(client, study.id, ("c.srt", content))
    kept, not_asked = db.session.scalars(
        db.select(Interview).where(Interview.id != first.id).order_by(Interview.id)
    ).all()
    _save(client, study, kept)
    _save(client, study, not_asked)
    db.session.refresh(kept)
    db.session.refresh(not_asked)
    assert kept.original == content and not_asked.original is None

    # Forbidding originals again deletes those kept, and says so in the audit trail.
    client.post(policy_url, data={"mask_names": "刘洋"})
    db.session.refresh(kept)
    assert kept.original is None
    events = _events("interview.policy")
    assert [e.detail["after"] for e in events] == [
        {"keep_originals": True, "mask_names": ["刘洋", "陈静"]},
        {"keep_originals": False, "mask_names": ["刘洋"]},
    ]
    assert events[1].detail["originals_deleted"] == 1


def test_names_the_study_always_masks_are_masked_in_every_upload(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    client.post(f"/studies/{study.id}/interviews/policy", data={"mask_names": "陈静"})
    text = "访谈员：陈静您好，刘洋也在吗？\n陈静：在的，刘洋的电话是 021-62345678。\n"
    _upload(client, study.id, ("t.txt", text.encode()), names="刘洋")
    interview = db.session.scalar(db.select(Interview))
    assert [t.text for t in interview.turns] == [
        "[姓名2]您好，[姓名1]也在吗？",
        "在的，[姓名1]的电话是 [固定电话]。",
    ]
    assert interview.speakers == ["访谈员", "[姓名2]"]


def test_discarding_a_preview_deletes_it(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    _upload(client, study.id, ("a.srt", (DATA / "delivery.srt").read_bytes()))
    interview = db.session.scalar(db.select(Interview))
    client.post(
        f"/studies/{study.id}/interviews/{interview.id}/preview",
        data={"action": "discard", "title": "a", "kind": "interview", "consent": "unknown"},
    )
    assert db.session.scalar(db.select(db.func.count(Interview.id))) == 0
    assert len(_events("interview.discard")) == 1


def test_participant_attributes_by_hand_and_from_csv(client, auth, ctx):
    study, _ = study_with_roles()
    first = make_interview(study, participant="P01")
    second = make_interview(study, participant="P02")
    auth.login("researcher@example.cn")
    response = client.post(
        f"/studies/{study.id}/interviews/{first.id}/edit",
        data={
            "title": "P01 访谈",
            "participant_label": "P01",
            "kind": "user_test",
            "consent": "given",
            "held_on": "2026-11-02",
            "attributes": "年龄段=25-34\n城市：上海",
            "memo": "说话很快",
        },
    )
    assert response.status_code == 302
    db.session.refresh(first)
    assert first.attributes == {"年龄段": "25-34", "城市": "上海"}
    assert first.kind is InterviewKind.USER_TEST and first.memo == "说话很快"

    csv_text = "participant,用户类型,城市\nP01,老用户,上海\nP02,新用户,成都\nP99,新用户,北京\n"
    client.post(
        f"/studies/{study.id}/interviews/attributes/import",
        data={"file": (io.BytesIO(csv_text.encode("gb18030")), "attrs.csv")},
        content_type="multipart/form-data",
    )
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.attributes == {"年龄段": "25-34", "城市": "上海", "用户类型": "老用户"}
    assert second.attributes == {"用户类型": "新用户", "城市": "成都"}
    page = client.get(f"/studies/{study.id}/interviews/").get_data(True)
    assert "P99" in page  # reported as unknown
    assert len(_events("interview.attributes")) == 2


def test_bad_attribute_line_is_shown_beside_the_field(client, auth, ctx):
    study, _ = study_with_roles()
    interview = make_interview(study)
    auth.login("owner@example.cn")
    page = client.post(
        f"/studies/{study.id}/interviews/{interview.id}/edit",
        data={"title": "x", "kind": "interview", "consent": "unknown", "attributes": "没有等号"},
    ).get_data(True)
    assert "每个属性写成 名称=取值" in page


@pytest.mark.parametrize(
    ("who", "path", "method", "expected"),
    [
        (None, "/", "get", 302),
        ("outsider", "/", "get", 404),
        ("viewer", "/", "get", 200),
        ("viewer", "/upload", "post", 403),
        ("researcher", "/upload", "post", 302),
        ("viewer", "/codes", "post", 403),
        ("viewer", "/quotes", "get", 200),
        ("viewer", "/analysis", "get", 200),
        ("viewer", "/export/quotes.csv", "get", 403),
        ("owner", "/export/quotes.csv", "get", 200),
        ("outsider", "/export/codebook.qdc", "get", 404),
        ("researcher", "/policy", "post", 403),
        ("owner", "/policy", "post", 302),
        ("viewer", "/export/project.qdpx", "get", 403),
    ],
)
def test_access_matrix(client, auth, ctx, who, path, method, expected):
    study, _ = study_with_roles()
    if who:
        auth.login(f"{who}@example.cn")
    response = getattr(client, method)(f"/studies/{study.id}/interviews{path}")
    assert response.status_code == expected


def test_interview_of_another_study_is_404(client, auth, ctx):
    study, _ = study_with_roles()
    from tests.factories import make_study

    foreign = make_study(title="别人的研究")
    interview = make_interview(foreign)
    auth.login("owner@example.cn")
    assert client.get(f"/studies/{study.id}/interviews/{interview.id}").status_code == 404


def test_speakers_of_a_saved_transcript_can_be_merged_and_it_is_audited(client, auth, ctx):
    study, _ = study_with_roles()
    text = (DATA / "focus_group_4.txt").read_text(encoding="utf-8")
    interview = make_interview(study, text)
    auth.login("owner@example.cn")
    order = interview.speakers
    form = {f"speaker-{i}": s for i, s in enumerate(order, 1)}
    form |= {f"rename-{i}": ("老年用户" if s == "赵阿姨" else s) for i, s in enumerate(order, 1)}
    form |= {f"rename-{order.index('李先生') + 1}": "老年用户", "interviewer-1": "1"}
    client.post(f"/studies/{study.id}/interviews/{interview.id}/speakers", data=form)
    db.session.refresh(interview)
    assert interview.speakers == ["主持人", "王女士", "老年用户"]
    assert _speakers(interview)[2] == ("老年用户", 6, False)
    [event] = _events("interview.speakers")
    assert ["赵阿姨", 3, False] in event.detail["before"]["speakers"]


def test_an_unsaved_preview_forgets_its_upload_after_a_day(client, auth, ctx):
    from datetime import timedelta

    from app.models.types import utcnow

    study, _ = study_with_roles()
    content = (DATA / "delivery.srt").read_bytes()
    auth.login("researcher@example.cn")
    _upload(client, study.id, ("old.srt", content))
    stale = db.session.scalar(db.select(Interview))
    assert stale.original == content  # kept while in preview, for "read again"
    stale.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    _upload(client, study.id, ("new.srt", content))
    db.session.expire_all()
    fresh = db.session.scalar(db.select(Interview).where(Interview.id != stale.id))
    assert db.session.get(Interview, stale.id).original is None
    assert fresh.original == content


def test_a_masked_name_in_the_file_name_stays_masked_in_title_list_quotes_and_exports(
    client, auth, ctx
):
    """`访谈01_王女士.txt`: the title defaulted to the file name, so the name masked in the
    text came back in the list, the quotes and every export (issue 27.4)."""
    import zipfile

    import openpyxl

    from tests.factories import make_code

    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    text = "主持人：王女士，您平时在哪里买菜？\n王芳：我一般在菜市场买，有时候也在网上买。\n"
    _upload(client, study.id, ("访谈01_王女士.txt", text.encode()), names="王芳")
    interview = db.session.scalar(db.select(Interview))
    assert interview.title == "访谈01_[姓名1]"
    assert interview.source_filename == "访谈01_[姓名1].txt"
    base = f"/studies/{study.id}/interviews"
    assert "王女士" not in client.get(f"{base}/").get_data(True)  # the pending preview
    preview = client.get(f"{base}/{interview.id}/preview").get_data(True)
    assert "访谈01_[姓名1]" in preview and "王女士" not in preview
    _save(client, study, interview, title=interview.title)
    turn = interview.turns[1]
    code = make_code(study, "购买渠道")
    body = {"turn": turn.id, "start": 0, "end": 9, "codes": [code.id]}
    assert client.post(f"{base}/{interview.id}/highlights", json=body).status_code == 201

    pages = [f"{base}/", f"{base}/{interview.id}", f"{base}/quotes"]
    for page in pages:
        assert "王女士" not in client.get(page).get_data(True), page
    assert "访谈01_[姓名1]" in client.get(f"{base}/quotes").get_data(True)
    for deidentified in ("", "?deidentified=1"):
        csv_text = client.get(f"{base}/export/quotes.csv{deidentified}").data.decode("utf-8-sig")
        assert "访谈01_[姓名1]" in csv_text and "王女士" not in csv_text
        book = openpyxl.load_workbook(
            io.BytesIO(client.get(f"{base}/export/quotes.xlsx{deidentified}").data)
        )
        cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row]
        assert "访谈01_[姓名1]" in cells and not any("王女士" in c for c in cells)
        qdpx = client.get(f"{base}/export/project.qdpx{deidentified}").data
        with zipfile.ZipFile(io.BytesIO(qdpx)) as archive:
            contents = [archive.read(name).decode("utf-8") for name in archive.namelist()]
        assert not any("王女士" in content for content in contents)
    events = db.session.scalars(db.select(AuditEvent)).all()
    assert not any("王女士" in str(event.detail) for event in events)


def test_control_characters_in_a_file_name_are_removed_like_those_in_the_text(ctx):
    from app.interviews import services

    upload = services.parse_upload(
        "受访者：我\x07平时在菜市场买菜。".encode(), "访谈\x00\x1b03.txt", services.ImportOptions()
    )
    assert (upload.filename, upload.title) == ("访谈03.txt", "访谈03")
    assert upload.turns[0].text == "我平时在菜市场买菜。"
