"""Coding: codebook, highlights on spans (code-point offsets), edits, quotes, search, analysis,
agreement and exchange (REFI-QDA, CSV, XLSX)."""

import csv
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xmlschema

from app.extensions import db
from app.interviews import coding, search
from app.models import AuditEvent, Code, Highlight, Role
from tests.factories import make_code, make_interview, make_study, make_user, study_with_roles

DATA = Path(__file__).resolve().parents[1] / "data"
EMOJI_TEXT = (DATA / "interviews" / "emoji.txt").read_text(encoding="utf-8")


def _events(action):
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


def _post_highlight(client, study, interview, turn, start, end, codes, snippet=None):
    body = {"turn": turn.id, "start": start, "end": end, "codes": [c.id for c in codes]}
    if snippet is not None:
        body["snippet"] = snippet
    return client.post(f"/studies/{study.id}/interviews/{interview.id}/highlights", json=body)


def test_codebook_is_hierarchical_and_audited(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    url = f"/studies/{study.id}/interviews/codes"
    client.post(
        url, data={"name": "价格", "parent_id": 0, "colour": 0, "description": "对价格的看法"}
    )
    price = db.session.scalar(db.select(Code).where(Code.name == "价格"))
    client.post(
        url,
        data={
            "name": "价格波动",
            "parent_id": price.id,
            "colour": 1,
            "examples": "价格能不能别天天变",
        },
    )
    response = client.post(url, data={"name": "价格", "parent_id": 0, "colour": 2})
    assert "已有同名的编码" in response.get_data(True)
    child = db.session.scalar(db.select(Code).where(Code.name == "价格波动"))
    assert child.parent_id == price.id
    assert [(c.name, d) for c, d in coding.code_tree(study)] == [("价格", 0), ("价格波动", 1)]
    page = client.get(url).get_data(True)
    assert "code-colour-1" in page and "价格能不能别天天变" in page
    assert len(_events("code.create")) == 2

    # A code cannot move under its own child.
    client.post(f"{url}/{price.id}/edit", data={"name": "价格", "parent_id": child.id, "colour": 0})
    db.session.refresh(price)
    assert price.parent_id is None


def test_highlight_offsets_are_code_points_with_astral_characters(client, auth, ctx):
    study, _ = study_with_roles()
    interview = make_interview(study, EMOJI_TEXT, filename="emoji.txt")
    code = make_code(study, "包装")
    turn = interview.turns[1]
    # "𠮷野家的外卖😀还行，但是包装漏了汤" — 𠮷 and 😀 are one code point each (two in UTF-16).
    start = turn.text.index("包装漏了汤")
    assert start == 12  # 𠮷野家的外卖😀还行，但是 = 12 code points (14 UTF-16 units)
    auth.login("researcher@example.cn")
    response = _post_highlight(
        client, study, interview, turn, start, start + 5, [code], "包装漏了汤"
    )
    assert response.status_code == 201
    [payload] = response.get_json()["highlights"]
    assert (payload["start"], payload["end"], payload["snippet"]) == (12, 17, "包装漏了汤")

    response = _post_highlight(client, study, interview, turn, 0, 3, [code], "𠮷野家")
    assert response.status_code == 201
    highlight = db.session.get(Highlight, response.get_json()["highlights"][0]["id"])
    assert highlight.snippet == "𠮷野家" and highlight.coder.email == "researcher@example.cn"

    # UTF-16 offsets sent by mistake (14 instead of 12) are caught by the snippet check.
    response = _post_highlight(client, study, interview, turn, 14, 19, [code], "包装漏了汤")
    assert response.status_code == 422
    assert response.get_json()["error"] == "snippet_mismatch"
    response = _post_highlight(client, study, interview, turn, 5, 999, [code])
    assert response.get_json()["error"] == "bad_offsets"
    assert len(_events("highlight.create")) == 2


def test_one_span_takes_several_codes_and_repeats_are_ignored(client, auth, ctx):
    study, _ = study_with_roles()
    interview = make_interview(study, EMOJI_TEXT)
    a, b = make_code(study, "包装"), make_code(study, "负面情绪")
    turn = interview.turns[1]
    auth.login("owner@example.cn")
    assert (
        len(
            _post_highlight(client, study, interview, turn, 12, 17, [a, b]).get_json()["highlights"]
        )
        == 2
    )
    assert (
        _post_highlight(client, study, interview, turn, 12, 17, [a]).get_json()["highlights"] == []
    )


def test_viewer_cannot_code_and_codes_of_other_studies_are_404(client, auth, ctx):
    study, _ = study_with_roles()
    interview = make_interview(study)
    foreign_code = make_code(make_study(title="别的研究"), "外部")
    auth.login("viewer@example.cn")
    assert (
        _post_highlight(client, study, interview, interview.turns[1], 0, 2, []).status_code == 403
    )
    auth.logout()
    auth.login("owner@example.cn")
    response = _post_highlight(client, study, interview, interview.turns[1], 0, 2, [foreign_code])
    assert response.status_code == 404


def test_editing_a_turn_reanchors_highlights_or_flags_them(client, auth, ctx):
    study, _ = study_with_roles()
    interview = make_interview(study, EMOJI_TEXT)
    code = make_code(study, "包装")
    turn = interview.turns[1]
    user = study.created_by
    [kept] = coding.add_highlights(study, turn, user, 12, 17, [code])  # 包装漏了汤
    at = turn.text.index("差评")
    [lost] = coding.add_highlights(study, turn, user, at, at + 2, [code])
    auth.login("owner@example.cn")
    new_text = "嗯，" + turn.text.replace("差评", "不满意")
    response = client.post(
        f"/studies/{study.id}/interviews/{interview.id}/turns/{turn.id}", data={"text": new_text}
    )
    assert response.headers["Location"].endswith(f"#turn-{turn.id}")
    db.session.refresh(kept)
    db.session.refresh(lost)
    assert (kept.start, kept.end, kept.needs_review) == (14, 19, False)
    assert turn.text[kept.start : kept.end] == "包装漏了汤"
    assert lost.needs_review is True
    [event] = _events("turn.edit")
    assert event.detail["highlights_moved"] == 1 and event.detail["highlights_flagged"] == 1
    page = client.get(f"/studies/{study.id}/interviews/codes/{code.id}/quotes").get_data(True)
    assert "请检查：文字已改动" in page


def test_reanchor_prefers_the_occurrence_nearest_the_old_place():
    assert coding.reanchor("价格贵，价格贵", "啊价格贵，价格贵", 4, 7, "价格贵") == (5, 8)
    assert coding.reanchor("abc", "xyz", 0, 1, "a") is None


def test_quotes_view_shows_speaker_attributes_and_links_back(client, auth, ctx):
    study, _ = study_with_roles()
    interview = make_interview(
        study, EMOJI_TEXT, participant="P07", attributes={"用户类型": "新用户", "城市": "杭州"}
    )
    other = make_interview(study, participant="P08", attributes={"用户类型": "老用户"})
    code = make_code(study, "包装")
    child = make_code(study, "漏汤", parent=code)
    coding.add_highlights(study, interview.turns[1], study.created_by, 12, 17, [child])
    coding.add_highlights(study, other.turns[1], study.created_by, 0, 4, [code])
    auth.login("viewer@example.cn")
    url = f"/studies/{study.id}/interviews/codes/{code.id}/quotes"
    page = client.get(url).get_data(True)
    assert "“包装漏了汤”" in page and "受访者" in page and "P07" in page and "城市: 杭州" in page
    assert f"/interviews/{interview.id}#turn-{interview.turns[1].id}" in page
    filtered = client.get(url, query_string={"attr-用户类型": "老用户"}).get_data(True)
    assert "“包装漏了汤”" not in filtered and "“主要在手”" in filtered


def test_kwic_search_previews_then_autocodes_selected_hits(client, auth, ctx):
    study, _ = study_with_roles()
    fg = (DATA / "interviews" / "focus_group_4.txt").read_text(encoding="utf-8")
    interview = make_interview(study, fg, filename="fg.txt")
    code = make_code(study, "退款")
    auth.login("researcher@example.cn")
    url = f"/studies/{study.id}/interviews/search"
    page = client.get(url, query_string={"q": "退", "mode": "keyword"}).get_data(True)
    assert "4 处匹配" in page  # 退款, 退了, 能退, 秒退 — the interviewer's turns left out
    assert 'class="hit">退<' in page
    assert db.session.scalar(db.select(db.func.count(Highlight.id))) == 0  # preview only

    regex = client.get(url, query_string={"q": r"退[款了]", "mode": "regex"}).get_data(True)
    assert "2 处匹配" in regex
    hits, _ = search.search(study, r"退[款了]", "regex")
    response = client.post(
        url,
        data={
            "q": r"退[款了]",
            "mode": "regex",
            "code_id": code.id,
            "scope": "turn",
            "hit": [hits[0].key],
        },
    )
    assert response.status_code == 302
    [highlight] = db.session.scalars(db.select(Highlight)).all()
    assert highlight.turn_id == hits[0].turn.id
    assert (highlight.start, highlight.end) == (0, len(hits[0].turn.text))
    assert _events("highlight.autocode")[0].detail["created"] == 1
    bad = client.get(url, query_string={"q": "退[", "mode": "regex"}).get_data(True)
    assert "正则表达式无效" in bad
    assert interview.id


def _two_coders(study):
    """Two researchers code the same four-speaker focus group (hand-checked below)."""
    fg = (DATA / "interviews" / "focus_group_4.txt").read_text(encoding="utf-8")
    interview = make_interview(
        study, fg, filename="fg.txt", participant="FG1", attributes={"城市": "上海"}
    )
    price, fresh = make_code(study, "价格"), make_code(study, "新鲜度")
    a = study.created_by
    b = make_user("han.meimei@example.cn")
    from app.models import Membership

    study.memberships.append(Membership(user_id=b.id, role=Role.RESEARCHER))
    db.session.commit()
    turns = interview.turns  # 12 turns
    for i in (2, 6, 10):  # coder A: 价格 on turns 3, 7, 11 (index 2, 6, 10)
        coding.add_highlights(study, turns[i], a, 0, 2, [price])
    for i in (2, 10):  # coder B: 价格 on turns 3 and 11
        coding.add_highlights(study, turns[i], b, 0, 2, [price])
    coding.add_highlights(study, turns[3], a, 0, 4, [fresh])
    coding.add_highlights(study, turns[3], b, 1, 5, [fresh])
    coding.add_highlights(study, turns[3], a, 2, 6, [price])  # overlaps 新鲜度 of A
    return interview, (price, fresh), (a, b)


def test_code_analysis_frequencies_cooccurrence_and_kappa(client, auth, ctx):
    study, _ = study_with_roles()
    _interview, (_price, _fresh), (a, b) = _two_coders(study)
    from app.interviews import reports

    # 价格 — units are the 12 turns. A: turns {3, 4, 7, 11}; B: {3, 11}.
    #   both 2, only A 2, only B 0, neither 8 → p_o = 10/12
    #   p_e = (4/12)(2/12) + (8/12)(10/12) = 8/144 + 80/144 = 88/144
    #   kappa = (120/144 − 88/144) / (1 − 88/144) = 32/56 = 0.5714…
    # 新鲜度 — A {4}, B {4}: p_o = 1, p_e = (1/12)² + (11/12)² = 122/144, kappa = 1.
    rows = {code.name: row for code, row in reports.agreement(study, a.id, b.id)}
    assert rows["价格"].percent_agreement == pytest.approx(100 * 10 / 12)
    assert rows["价格"].kappa == pytest.approx(32 / 56)
    assert rows["新鲜度"].kappa == pytest.approx(1.0)

    assert reports.cooccurrence(study)[0][2] == 1  # 价格 × 新鲜度 on turn 4 (A)
    by_attribute = reports.frequency_by_attribute(study, "城市")
    assert by_attribute["columns"] == ["上海"]
    assert {code.name: counts for code, _, counts in by_attribute["rows"]} == {
        "价格": [6],
        "新鲜度": [2],
    }

    auth.login("owner@example.cn")
    page = client.get(
        f"/studies/{study.id}/interviews/analysis",
        query_string={"coder_a": a.id, "coder_b": b.id, "attribute": "城市"},
    ).get_data(True)
    assert "0.57" in page and "83.3%" in page and "上海" in page


def test_exports_csv_with_bom_xlsx_qdc_and_a_valid_qdpx(client, auth, ctx):
    study, _ = study_with_roles()
    _interview, (_price, _fresh), (_a, _b) = _two_coders(study)
    auth.login("owner@example.cn")
    base = f"/studies/{study.id}/interviews/export"

    data = client.get(f"{base}/quotes.csv").data
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 8 and rows[0]["城市"] == "上海" and rows[0]["participant"] == "FG1"

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/quotes.xlsx").data))
    sheet = workbook.active
    assert sheet.max_row == 9 and sheet.cell(1, 1).value == "interview"

    schemas = DATA / "qda"
    qdc = client.get(f"{base}/codebook.qdc").data
    xmlschema.XMLSchema(schemas / "Codebook.xsd").validate(qdc.decode("utf-8"))
    qdpx = client.get(f"{base}/project.qdpx").data
    with zipfile.ZipFile(io.BytesIO(qdpx)) as archive:
        xml = archive.read("project.qde").decode("utf-8")
        schema = xmlschema.XMLSchema(schemas / "Project.xsd")
        schema.validate(xml)
        tree = schema.to_dict(xml)
        [source] = tree["Sources"]["TextSource"]
        text = archive.read(f"sources/{source['@guid']}.txt").decode("utf-8")
    selection = source["PlainTextSelection"][0]
    assert text[selection["@startPosition"] : selection["@endPosition"]] == "我一"
    assert len(tree["Users"]["User"]) == 2
    assert client.get(f"{base}/project.qdpx").data == qdpx  # deterministic


def test_qdc_import_round_trips_a_codebook(client, auth, ctx):
    source, _ = study_with_roles()
    parent = make_code(source, "信任", description="对信息来源的信任")
    make_code(source, "谣言", parent=parent, colour=3)
    auth.login("owner@example.cn")
    qdc = client.get(f"/studies/{source.id}/interviews/export/codebook.qdc").data

    target = make_study(
        db.session.get(type(source.created_by), source.created_by_id), title="第二轮"
    )
    response = client.post(
        f"/studies/{target.id}/interviews/codes/import",
        data={"file": (io.BytesIO(qdc), "codebook.qdc")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    tree = [(c.name, d, c.colour, c.description) for c, d in coding.code_tree(target)]
    assert tree == [("信任", 0, 0, "对信息来源的信任"), ("谣言", 1, 3, "")]
    again = client.get(f"/studies/{target.id}/interviews/export/codebook.qdc").data
    assert again == qdc  # imported GUIDs kept: a re-export is the same file
    client.post(
        f"/studies/{target.id}/interviews/codes/import",
        data={"file": (io.BytesIO(b"<nope/>"), "x.qdc")},
        content_type="multipart/form-data",
    )
    assert len(coding.codes_of(target)) == 2


def test_deleting_a_code_removes_its_highlights_and_is_audited(client, auth, ctx):
    study, _ = study_with_roles()
    interview = make_interview(study)
    code = make_code(study, "速度")
    coding.add_highlights(study, interview.turns[1], study.created_by, 0, 2, [code])
    auth.login("owner@example.cn")
    client.post(f"/studies/{study.id}/interviews/codes/{code.id}/delete")
    assert db.session.scalar(db.select(db.func.count(Highlight.id))) == 0
    [event] = _events("code.delete")
    assert event.detail["highlights_removed"] == 1


def test_memos_on_codes_highlights_and_interviews(client, auth, ctx):
    study, _ = study_with_roles()
    interview = make_interview(study, EMOJI_TEXT)
    auth.login("researcher@example.cn")
    base = f"/studies/{study.id}/interviews"
    client.post(
        f"{base}/codes",
        data={"name": "包装", "parent_id": 0, "colour": 4, "memo": "只算外卖包装，不含快递"},
    )
    code = db.session.scalar(db.select(Code).where(Code.name == "包装"))
    assert code.memo == "只算外卖包装，不含快递"
    assert "只算外卖包装，不含快递" in client.get(f"{base}/codes").get_data(True)

    turn = interview.turns[1]
    body = {"turn": turn.id, "start": 12, "end": 17, "codes": [code.id], "memo": "第二次提到漏汤"}
    [payload] = client.post(f"{base}/{interview.id}/highlights", json=body).get_json()["highlights"]
    assert payload["memo"] == "第二次提到漏汤"
    page = client.get(f"{base}/{interview.id}").get_data(True)
    data = json.loads(page.split('id="coding-data">', 1)[1].split("</script>", 1)[0])
    assert [h["memo"] for h in data["highlights"]] == ["第二次提到漏汤"]  # listed by coding.js
    client.post(f"{base}/highlights/{payload['id']}/memo", data={"memo": "和客服问题一起看"})
    assert "和客服问题一起看" in client.get(f"{base}/codes/{code.id}/quotes").get_data(True)
    [event] = _events("highlight.memo")
    assert event.detail == {
        "before": {"memo": "第二次提到漏汤"},
        "after": {"memo": "和客服问题一起看"},
    }

    client.post(
        f"{base}/{interview.id}/edit",
        data={"title": "外卖", "kind": "interview", "consent": "given", "memo": "录音后半段有杂音"},
    )
    assert "录音后半段有杂音" in client.get(f"{base}/{interview.id}").get_data(True)


def test_sentiment_per_turn_and_keywords_are_shown_beside_the_text(client, auth, ctx):
    study, _ = study_with_roles()
    text = (
        "访谈员：您觉得这个记账应用怎么样？\n"
        "受访者：非常好用，我很喜欢，推荐给朋友。\n"
        "受访者：不过最近太差了，老是闪退，非常失望。\n"
    )
    interview = make_interview(study, text)
    assert [t.sentiment_label for t in interview.turns[1:]] == ["positive", "negative"]
    assert {"闪退", "推荐"} <= set(interview.keywords)
    assert "应用" not in interview.keywords  # the interviewer's words are left out
    auth.login("viewer@example.cn")
    page = client.get(f"/studies/{study.id}/interviews/{interview.id}").get_data(True)
    for turn in interview.turns[1:]:  # the label beside each turn, its score on hover
        meta = page[page.index(f'id="turn-{turn.id}"') :]
        meta = meta[: meta.index('class="turn-text"')]
        assert f'class="badge sentiment-{turn.sentiment_label}"' in meta
        assert f'title="{turn.sentiment:.2f}"' in meta
    keywords = page[page.index('class="keywords"') :]
    assert "闪退" in keywords[: keywords.index("</p>")]


def test_an_interviewers_questions_get_no_sentiment_label(client, auth, ctx):
    study, _ = study_with_roles()
    text = (
        "主持人：您觉得这个应用的红包活动好不好？\n"
        "受访者：挺好的，我很喜欢。\n"
        "主持人：还有哪里不满意吗？\n"
        "受访者：没有了，很满意。\n"
    )
    interview = make_interview(study, text)
    questions = [t for t in interview.turns if t.is_interviewer]
    assert len(questions) == 2
    assert all(t.sentiment is None and t.sentiment_label is None for t in questions)
    auth.login("viewer@example.cn")
    page = client.get(f"/studies/{study.id}/interviews/{interview.id}").get_data(True)
    for turn in questions:
        meta = page[page.index(f'id="turn-{turn.id}"') :]
        assert "badge sentiment-" not in meta[: meta.index('class="turn-text"')]

    # Marked a participant later, the turn is scored; marked an interviewer, unscored again.
    from app.interviews import services

    services.apply_speakers(interview, {}, set())
    assert all(t.sentiment_label for t in interview.turns)
    services.apply_speakers(interview, {}, {"主持人"})
    assert all(t.sentiment is None for t in questions)


def test_a_complaint_highlighted_in_a_happy_turn_scores_negative_for_its_code(ctx):
    from app.interviews import reports

    study, _ = study_with_roles()
    answer = "整体挺好用的，界面很漂亮，我很喜欢，就是红包门槛过高，有点失望。"
    interview = make_interview(study, f"主持人：红包活动您觉得怎么样？\n受访者：{answer}\n")
    question, turn = interview.turns
    assert turn.sentiment_label == "positive"  # the turn as a whole is happy
    complaint, praise = make_code(study, "红包门槛"), make_code(study, "界面")
    start = answer.index("红包门槛过高")
    coding.add_highlights(study, turn, study.created_by, start, start + 11, [complaint])
    assert turn.text[start : start + 11] == "红包门槛过高，有点失望"
    coding.add_highlights(study, turn, study.created_by, 7, 12, [praise])  # 界面很漂亮
    coding.add_highlights(study, question, study.created_by, 0, 4, [praise])  # a question
    rows = {code.name: (n, mean) for code, n, mean in reports.sentiment_by_code(study)}
    assert rows["红包门槛"][0] == 1 and rows["红包门槛"][1] < 0.4
    assert rows["界面"][0] == 1 and rows["界面"][1] > 0.6  # the interviewer's turn left out


def _segments(study):
    """Two participants with different attributes, each with one coded turn."""
    fresh = make_interview(
        study,
        "访谈员：最近怎么买菜？\n受访者：刚开始用，第一单就退款了。\n",
        participant="P01",
        attributes={"用户类型": "新用户"},
    )
    loyal = make_interview(
        study,
        "访谈员：最近怎么买菜？\n受访者：用了三年，退款从来没遇到过问题。\n",
        participant="P02",
        attributes={"用户类型": "老用户"},
    )
    refund = make_code(study, "退款")
    for interview in (fresh, loyal):
        turn = interview.turns[1]
        at = turn.text.index("退款")
        coding.add_highlights(study, turn, study.created_by, at, at + 2, [refund])
    return fresh, loyal, refund


def test_attributes_filter_search_analysis_and_exports(client, auth, ctx):
    study, _ = study_with_roles()
    fresh, loyal, refund = _segments(study)
    auth.login("owner@example.cn")
    base = f"/studies/{study.id}/interviews"
    old = {"attr-用户类型": "老用户"}

    page = client.get(f"{base}/search", query_string={"q": "退款", "mode": "phrase"}).get_data(True)
    assert "2 处匹配" in page
    page = client.get(
        f"{base}/search", query_string={"q": "退款", "mode": "phrase", **old}
    ).get_data(True)
    assert "1 处匹配" in page and "P02" not in page  # the row links the interview's title
    assert 'type="hidden" name="attr-用户类型" value="老用户"' in page  # kept for auto-code

    from app.interviews import reports

    table = reports.frequency_by_interview(study)
    assert table["columns"] == [fresh.title, loyal.title]
    assert [(c.name, counts) for c, _, counts in table["rows"]] == [("退款", [1, 1])]
    filtered = reports.frequency_by_interview(study, {"用户类型": "老用户"})
    assert filtered["columns"] == [loyal.title]
    by_segment = reports.frequency_by_attribute(study, "用户类型")
    assert by_segment["columns"] == ["新用户", "老用户"]
    assert [counts for _, _, counts in by_segment["rows"]] == [[1, 1]]

    page = client.get(f"{base}/analysis", query_string=old).get_data(True)
    matrix = page[page.index('id="by-attribute"') :]
    assert "新用户" not in matrix[: matrix.index("</table>")]
    assert 'value="老用户" selected' in page

    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"{base}/export/quotes.csv", query_string=old).data.decode())
        )
    )
    assert [(r["participant"], r["quote"]) for r in rows] == [("P02", "退款")]
    quotes_page = client.get(f"{base}/codes/{refund.id}/quotes", query_string=old).get_data(True)
    assert "export/quotes.csv?attr-" in quotes_page


def test_deidentified_exports_mask_quotes_and_keep_qdpx_offsets_valid(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    base = f"/studies/{study.id}/interviews"
    # Imported without masking (the name was not listed then); masked at export instead.
    interview = make_interview(
        study,
        "访谈员：您怎么称呼？\n受访者：我叫欧阳娜娜，手机 13912345678，有事打给我。\n",
        participant="欧阳娜娜",
    )
    client.post(f"{base}/policy", data={"mask_names": "欧阳娜娜"})
    code = make_code(study, "联系方式")
    turn = interview.turns[1]
    at = turn.text.index("娜娜")  # a span that starts inside the name …
    end = turn.text.index("，有事")  # … and ends after the phone number
    coding.add_highlights(study, turn, study.created_by, at, end, [code], memo="欧阳娜娜说的")

    plain = list(csv.DictReader(io.StringIO(client.get(f"{base}/export/quotes.csv").data.decode())))
    assert plain[0]["quote"] == "娜娜，手机 13912345678"
    masked_csv = client.get(f"{base}/export/quotes.csv", query_string={"deidentified": "1"})
    [row] = csv.DictReader(io.StringIO(masked_csv.data.decode()))
    assert row["quote"] == "[姓名1]，手机 [手机号]"
    assert (row["participant"], row["memo"]) == ("[姓名1]", "[姓名1]说的")
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"{base}/export/quotes.xlsx?deidentified=1").data)
    ).active
    assert sheet.cell(2, 6).value == "[姓名1]，手机 [手机号]"

    qdpx = client.get(f"{base}/export/project.qdpx", query_string={"deidentified": "1"}).data
    with zipfile.ZipFile(io.BytesIO(qdpx)) as archive:
        xml = archive.read("project.qde").decode("utf-8")
        schema = xmlschema.XMLSchema(DATA / "qda" / "Project.xsd")
        schema.validate(xml)
        [source] = schema.to_dict(xml)["Sources"]["TextSource"]
        text = archive.read(f"sources/{source['@guid']}.txt").decode("utf-8")
    assert "欧阳" not in text and "娜娜" not in text and "13912345678" not in text
    assert "欧阳" not in xml
    [selection] = source["PlainTextSelection"]
    assert text[selection["@startPosition"] : selection["@endPosition"]] == row["quote"]


def test_exports_are_well_formed_whatever_control_characters_the_stored_text_holds(
    client, auth, ctx
):
    """A turn, a code and a memo stored before imports removed control characters (not NUL:
    PostgreSQL refuses it in text): the .qdc and .qdpx stay well-formed XML (valid against
    the schemas) with offsets intact, and quotes.xlsx opens, instead of a 500 for the whole
    study (issue 30.8)."""
    study, _ = study_with_roles()
    interview = make_interview(study, attributes={"城市": "上海"})
    turn = interview.turns[1]
    turn.text = "我一般\x01在菜市场\x0b买，\x1b有时候\ufffe在网上买。"
    interview.attributes = {"城市\x01": "上\x02海"}
    code = make_code(study, "购买\x07渠道", description="线上\x1f线下")
    db.session.commit()
    auth.login("owner@example.cn")
    assert _post_highlight(client, study, interview, turn, 0, 9, [code]).status_code == 201
    highlight = db.session.scalar(db.select(Highlight))
    highlight.memo = "备注\x08：价格"
    db.session.commit()
    cleaned = "我一般\ufffd在菜市场\ufffd"
    base = f"/studies/{study.id}/interviews/export"
    schemas = DATA / "qda"

    qdc = client.get(f"{base}/codebook.qdc")
    assert qdc.status_code == 200
    xmlschema.XMLSchema(schemas / "Codebook.xsd").validate(qdc.data.decode("utf-8"))
    assert "购买\ufffd渠道" in qdc.data.decode("utf-8")
    for deidentified in ("", "?deidentified=1"):
        qdpx = client.get(f"{base}/project.qdpx{deidentified}")
        assert qdpx.status_code == 200
        with zipfile.ZipFile(io.BytesIO(qdpx.data)) as archive:
            xml = archive.read("project.qde").decode("utf-8")
            schema = xmlschema.XMLSchema(schemas / "Project.xsd")
            schema.validate(xml)
            [source] = schema.to_dict(xml)["Sources"]["TextSource"]
            text = archive.read(f"sources/{source['@guid']}.txt").decode("utf-8")
        [selection] = source["PlainTextSelection"]
        assert text[selection["@startPosition"] : selection["@endPosition"]] == cleaned
        assert "备注\ufffd：价格" in xml and "上\ufffd海" in xml

        xlsx = client.get(f"{base}/quotes.xlsx{deidentified}")
        assert xlsx.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
        header, row = [[c.value for c in r] for r in sheet.iter_rows()]
        record = dict(zip(header, row, strict=True))
        assert record["quote"] == cleaned and record["code"] == "购买\ufffd渠道"
        assert record["memo"] == "备注\ufffd：价格" and record["城市\ufffd"] == "上\ufffd海"


def test_transcripts_and_their_exports_are_never_stored_in_a_cache(client, auth, ctx):
    study, _ = study_with_roles()
    interview, _codes, _coders = _two_coders(study)
    auth.login("owner@example.cn")
    base = f"/studies/{study.id}/interviews"
    for tail in (
        f"/{interview.id}",
        "/quotes",
        "/export/quotes.csv",
        "/export/quotes.xlsx",
        "/export/codebook.qdc",
        "/export/project.qdpx",
    ):
        reply = client.get(base + tail)
        assert reply.status_code == 200, tail
        assert reply.headers["Cache-Control"] == "no-store", tail


def test_quote_exports_neutralise_formulas_in_headers_and_cells(client, auth, ctx):
    """The quotes CSV/XLSX used a second formula guard that missed tab and CR and left the
    header (participant attribute names, which researchers type) unguarded (issue 30.7)."""
    study, _ = study_with_roles()
    interview = make_interview(study, attributes={'=HYPERLINK("http://x")': "\t=1+1"})
    code = make_code(study, "渠道")
    auth.login("owner@example.cn")
    turn = interview.turns[1]
    assert _post_highlight(client, study, interview, turn, 0, 3, [code]).status_code == 201
    base = f"/studies/{study.id}/interviews/export"

    data = client.get(f"{base}/quotes.csv").data.decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(data)))
    assert row['\'=HYPERLINK("http://x")'] == "'\t=1+1"

    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/quotes.xlsx").data)).active
    header, values = [list(r) for r in sheet.iter_rows()]
    assert all(cell.data_type != "f" for cell in header + values)
    assert '\'=HYPERLINK("http://x")' in [c.value for c in header]


def _survey_answers() -> list[str]:
    """308 open answers written for the project (tests/data/sentiment), as turns or answers."""
    import pandas as pd

    table = pd.read_csv(DATA / "sentiment" / "survey_answers.tsv", sep="\t", comment="#")
    return table["text"].tolist()


def test_turns_and_coded_spans_are_scored_by_the_model_adapted_to_the_study(ctx):
    from analysis.text.sentiment_model import shipped_model
    from analysis.text.sentiment_train import featurise
    from app.interviews import reports, services, textmetrics

    study, _ = study_with_roles()
    answers = _survey_answers()
    text = "访谈员：请谈谈您用过的这些服务。\n" + "".join(f"受访者：{a}\n" for a in answers)
    interview = make_interview(study, text)
    spoken = [t for t in interview.turns if not t.is_interviewer]
    domain = services.participant_texts(study.id)
    assert sorted(domain) == sorted(t.text for t in spoken) and len(domain) == len(answers)
    adapted = textmetrics.study_model(domain)
    assert adapted is not shipped_model() and adapted.meta["self_trained_on"] == len(domain)
    assert textmetrics.study_model(list(domain)) is adapted  # kept for the same texts
    expected = adapted.probabilities(featurise([t.text for t in spoken]))
    shipped = shipped_model().probabilities(featurise([t.text for t in spoken]))
    assert [t.sentiment for t in spoken] == pytest.approx(expected.tolist())
    assert np.max(np.abs(expected - shipped)) > 0.02  # the shipped model would not pass

    turn = spoken[0]
    code = make_code(study, "体验")
    coding.add_highlights(study, turn, study.created_by, 0, len(turn.text), [code])
    [(_, n, mean)] = [row for row in reports.sentiment_by_code(study) if row[0].id == code.id]
    assert n == 1 and mean == pytest.approx(expected[0])


def test_a_small_study_is_scored_by_the_shipped_model(ctx):
    from analysis.text.sentiment_model import shipped_model
    from app.interviews import textmetrics

    assert textmetrics.study_model(_survey_answers()[:199]) is shipped_model()
