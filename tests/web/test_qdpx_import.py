"""REFI-QDA project import (.qdpx): preview, one-transaction import, and round trips with the
export — the same codes, codings (offsets and text) and memos, the source bytes unchanged."""

import io
import json
import re
import zipfile
from pathlib import Path

import xmlschema

from app.extensions import db
from app.interviews import coding
from app.models import AuditEvent, Highlight, Interview, StudyNote
from tests.factories import make_code, make_interview, make_study, study_with_roles

QDA = Path(__file__).resolve().parents[1] / "data" / "qda"
NVIVO = QDA / "nvivo_project"
SOURCE_FILE = "Sources/9f3c2a1e-4b5d-4c6e-8f70-112233445566.txt"


def nvivo_qdpx() -> bytes:
    """The hand-written NVivo-style project, zipped as NVivo does (Sources/ capitalised)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(NVIVO.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(NVIVO).as_posix())
    return buffer.getvalue()


def _preview(client, study, data, name="project.qdpx"):
    return client.post(
        f"/studies/{study.id}/interviews/import/project",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _import(client, study, data):
    page = _preview(client, study, data)
    assert page.status_code == 200, page.get_data(True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page.get_data(True))
    assert token is not None
    response = client.post(
        f"/studies/{study.id}/interviews/import/project/confirm",
        data={"token": token.group(1)},
    )
    assert response.status_code == 302
    return page.get_data(True)


def _highlights(study):
    rows = db.session.scalars(
        db.select(Highlight)
        .join(Highlight.turn)
        .join(Interview)
        .where(Interview.study_id == study.id)
        .order_by(Highlight.id)
    )
    return sorted((h.turn.seq, h.code.name, h.start, h.end, h.snippet, h.memo) for h in rows)


def _qde(data: bytes) -> tuple[str, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {n: archive.read(n) for n in archive.namelist() if n != "project.qde"}
        return archive.read("project.qde").decode("utf-8"), files


def test_the_nvivo_fixture_is_valid_against_the_published_schema():
    schema = xmlschema.XMLSchema(QDA / "Project.xsd")
    schema.validate((NVIVO / "project.qde").read_text(encoding="utf-8"))


def test_preview_lists_what_comes_in_and_what_cannot_and_writes_nothing(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    page = _preview(client, study, nvivo_qdpx()).get_data(True)
    assert "1 份转录" in page or "1 transcripts" in page
    assert "问卷说明.pdf" in page  # the PDF source is named, not dropped
    assert "张研究员" in page  # the file's coder
    assert "访谈 P01" in page and "城市=上海" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Interview)) == 0
    assert coding.codes_of(study) == []


def test_nvivo_project_comes_in_with_codings_memos_cases_and_notes(client, auth, ctx):
    study, _ = study_with_roles()
    earlier = make_interview(study)  # a study with transcripts already: they stay as they are
    auth.login("researcher@example.cn")
    _import(client, study, nvivo_qdpx())

    [interview] = db.session.scalars(
        db.select(Interview).where(Interview.study_id == study.id, Interview.id != earlier.id)
    )
    assert interview.title == "访谈 P01" and interview.participant_label == "P01 王女士"
    assert interview.attributes == {"城市": "上海", "年龄": "34", "新用户": "true"}
    assert interview.memo == "第一次访谈，线下进行\n\n受访者对配送最不满意。"
    assert [(t.speaker, t.is_interviewer) for t in interview.turns] == [
        ("访谈者", True),
        ("受访者", False),
        ("访谈者", True),
        ("受访者", False),
    ]
    # NFC in the turn (ë composed), the original kept byte for byte beside it.
    assert interview.turns[3].text == "价格天天变。上次点了Zoë推荐的套餐，配送经常迟到。"
    assert interview.plain_text.encode("utf-8") == (NVIVO / SOURCE_FILE).read_bytes()

    tree = [(c.name, depth, c.colour_hex) for c, depth in coding.code_tree(study)]
    assert tree == [
        ("痛点", 0, "#e15759"),
        ("价格波动", 1, tree[1][2]),  # no colour in the file: the next of the palette
        ("配送延误", 1, "#edc948"),  # NVivo's #F5D040: the nearest of the palette
        ("购买渠道", 0, "#4e79a7"),
        ("线上App", 1, "#f28e2b"),
        ("菜市场", 1, "#59a14f"),
    ]
    assert next(c for c, _ in coding.code_tree(study) if c.name == "痛点").memo == (
        "让用户想放弃 App 的问题。"
    )
    assert _highlights(study) == [
        (1, "购买渠道", 0, 9, "您平时在哪里买菜？", ""),
        (2, "菜市场", 3, 9, "楼下的菜市场", "她只在早上去菜市场，图新鲜。"),
        (2, "购买渠道", 0, 17, "一般在楼下的菜市场，有时候用App", ""),
        (4, "价格波动", 0, 5, "价格天天变", "和 P03 说的一样：促销后又涨回去。"),
        (4, "痛点", 19, 25, "配送经常迟到", ""),
        (4, "配送延误", 19, 25, "配送经常迟到", ""),
    ]
    page = client.get(f"/studies/{study.id}/interviews/{interview.id}").get_data(True)
    assert "价格天天变。上次点了Zoë推荐的套餐" in page
    data = json.loads(page.split('id="coding-data">', 1)[1].split("</script>", 1)[0])
    assert "她只在早上去菜市场，图新鲜。" in [h["memo"] for h in data["highlights"]]
    [note] = db.session.scalars(db.select(StudyNote).where(StudyNote.study_id == study.id))
    assert (note.title, note.text) == ("研究日志", "第二次访谈前要补问配送的细节。")
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "project.import"))
    assert event.detail["highlights"] == 6 and event.detail["coders"] == ["张研究员"]
    assert set(event.detail["warnings"]) == {"unsupported_source", "sets", "split_selection"}


def test_reexport_of_an_imported_project_keeps_the_file_and_its_offsets(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    _import(client, study, nvivo_qdpx())
    xml, files = _qde(client.get(f"/studies/{study.id}/interviews/export/project.qdpx").data)
    schema = xmlschema.XMLSchema(QDA / "Project.xsd")
    schema.validate(xml)
    [source] = schema.to_dict(xml)["Sources"]["TextSource"]
    assert source["@guid"] == "9f3c2a1e-4b5d-4c6e-8f70-112233445566"  # NVivo's GUID kept
    original = (NVIVO / SOURCE_FILE).read_bytes()
    assert files[f"sources/{source['@guid']}.txt"] == original  # byte for byte, CRLF and all
    text = original.decode("utf-8")
    spans = sorted(
        (s["@startPosition"], s["@endPosition"], s.get("Description", ""))
        for s in source["PlainTextSelection"]
    )
    # The same offsets as NVivo's, into the original (ë decomposed: one more code point).
    assert (83, 89, "") in spans and text[83:89] == "配送经常迟到"
    assert (22, 28, "她只在早上去菜市场，图新鲜。") in spans
    assert (63, 68, "和 P03 说的一样：促销后又涨回去。") in spans
    notes = schema.to_dict(xml)["Notes"]["Note"]
    assert all("@creationDateTime" in note for note in notes)
    assert "第二次访谈前要补问配送的细节。" in [n.get("PlainTextContent") for n in notes]
    again = _preview(client, study, nvivo_qdpx()).get_data(True)
    assert "资料“访谈 P01”以前已导入过本研究" in again  # a second import is said to be one


def test_wenfang_export_imported_into_a_fresh_study_gives_the_same_coding(client, auth, ctx):
    study, users = study_with_roles()
    interview = make_interview(
        study,
        "访谈员：最近一次买菜是什么时候？\n受访者：昨天晚上，在𠮷野家旁边的超市😀买的。\n"
        "访谈员：为什么不用App？\n受访者：配送费太贵了，还经常缺货。\n",
        participant="P07",
        attributes={"城市": "成都", "年龄段": "25-34"},
    )
    price = make_code(study, "价格", memo="包括配送费")
    fee = make_code(study, "配送费", parent=price)
    stock = make_code(study, "缺货")
    auth.login("researcher@example.cn")
    turn = interview.turns[3]
    base = f"/studies/{study.id}/interviews"
    for code, snippet, memo in ((fee, "配送费太贵了", "价格敏感"), (stock, "经常缺货", "")):
        start = turn.text.index(snippet)
        body = {"turn": turn.id, "start": start, "end": start + len(snippet)}
        client.post(
            f"{base}/{interview.id}/highlights", json={**body, "codes": [code.id], "memo": memo}
        )
    astral = interview.turns[1]
    start = astral.text.index("超市")
    client.post(
        f"{base}/{interview.id}/highlights",
        json={"turn": astral.id, "start": start, "end": start + 2, "codes": [stock.id]},
    )
    exported = client.get(f"{base}/export/project.qdpx").data

    fresh = make_study(users["researcher"], title="第二轮")
    _import(client, fresh, exported)
    assert [(c.name, d) for c, d in coding.code_tree(fresh)] == [
        (c.name, d) for c, d in coding.code_tree(study)
    ]
    assert {c.name: c.memo for c in coding.codes_of(fresh)}["价格"] == "包括配送费"
    [copy] = db.session.scalars(db.select(Interview).where(Interview.study_id == fresh.id))
    assert copy.participant_label == "P07"
    assert copy.attributes == {"城市": "成都", "年龄段": "25-34"}
    assert [(t.speaker, t.text) for t in copy.turns] == [
        (t.speaker, t.text) for t in interview.turns
    ]
    assert _highlights(fresh) == _highlights(study)
    assert ("配送费", "配送费太贵了", "价格敏感") in [
        (h[1], h[4], h[5]) for h in _highlights(fresh)
    ]
    # Exported again, the source and its codings are where the first export put them.
    again = client.get(f"/studies/{fresh.id}/interviews/export/project.qdpx").data
    first_xml, first_files = _qde(exported)
    second_xml, second_files = _qde(again)
    assert list(first_files.values()) == list(second_files.values())
    positions = re.compile(r'startPosition="(\d+)" endPosition="(\d+)"')
    assert sorted(positions.findall(first_xml)) == sorted(positions.findall(second_xml))


def test_bad_or_oversized_files_are_refused_with_a_message_and_nothing_written(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    response = _preview(client, study, b"not a zip")
    assert response.status_code == 302
    page = client.get(response.location).get_data(True)
    assert "REFI-QDA" in page
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", b"<" + b" " * (50 * 1024 * 1024))
    response = _preview(client, study, bomb.getvalue())
    assert response.status_code == 302
    assert "压缩" in client.get(response.location).get_data(True)
    stale = client.post(
        f"/studies/{study.id}/interviews/import/project/confirm",
        data={"token": "A" * 32},
    )
    assert stale.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Interview)) == 0


def test_cli_dry_run_lists_warnings_then_import_and_export(runner, tmp_path, ctx):
    study, _ = study_with_roles()
    file = tmp_path / "nvivo.qdpx"
    file.write_bytes(nvivo_qdpx())
    args = ["interviews", "import", str(file), "--study", str(study.id)]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would import 1 transcripts, 6 new codes" in dry.output
    assert "unsupported_source: 问卷说明.pdf (PDF)" in dry.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Interview)) == 0
    done = runner.invoke(args=args)
    assert done.exit_code == 0, done.output
    assert "imported 1 transcripts" in done.output and len(_highlights(study)) == 6
    out = tmp_path / "again.qdpx"
    exported = runner.invoke(
        args=["interviews", "export", "--study", str(study.id), "--out", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    _xml, files = _qde(out.read_bytes())
    assert (NVIVO / SOURCE_FILE).read_bytes() in files.values()
    broken = runner.invoke(args=["interviews", "import", str(out), "--study", "999"])
    assert broken.exit_code == 1 and "no study" in broken.output


def test_an_edited_turn_reaches_the_kept_text_and_other_bytes_stay(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    _import(client, study, nvivo_qdpx())
    interview = db.session.scalar(db.select(Interview).where(Interview.study_id == study.id))
    turn = interview.turns[1]  # 一般在楼下的菜市场，有时候用App。
    response = client.post(
        f"/studies/{study.id}/interviews/{interview.id}/turns/{turn.id}",
        data={"text": "一般在小区楼下的菜市场，有时候用App。"},
    )
    assert response.status_code == 302
    original = (NVIVO / SOURCE_FILE).read_bytes().decode("utf-8")
    expected = original.replace("一般在楼下", "一般在小区楼下")
    for query in ("", "?deidentified=1"):
        data = client.get(f"/studies/{study.id}/interviews/export/project.qdpx{query}").data
        xml, files = _qde(data)
        schema = xmlschema.XMLSchema(QDA / "Project.xsd")
        schema.validate(xml)
        [source] = schema.to_dict(xml)["Sources"]["TextSource"]
        text = files[f"sources/{source['@guid']}.txt"].decode("utf-8")
        if not query:  # the file as NVivo wrote it, with the edit: CRLF and ë as they were
            assert text == expected
        quoted = {
            text[s["@startPosition"] : s["@endPosition"]] for s in source["PlainTextSelection"]
        }
        assert {"楼下的菜市场", "价格天天变", "配送经常迟到"} <= quoted


def test_an_import_that_fails_at_its_last_row_leaves_nothing_behind(ctx):
    """All or nothing: the database refuses the last insert (the project's notes, after the
    codes, transcripts, turns and highlights went in): none of them stays."""
    from sqlalchemy import event

    from app.interviews import project_import

    study, users = study_with_roles()

    def refuse_notes(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO STUDY_NOTES"):
            raise RuntimeError("the database refused the notes")

    event.listen(db.engine, "before_cursor_execute", refuse_notes)
    try:
        try:
            project_import.import_project(study, users["researcher"], nvivo_qdpx())
        except RuntimeError:
            pass
        else:
            raise AssertionError("the import went through")
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse_notes)
    for model in (Interview, Highlight, StudyNote):
        assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0
    assert coding.codes_of(study) == []
