import io
import json

import openpyxl

from app.extensions import db
from app.models import AuditEvent, Questionnaire, QuestionnaireStatus, QuestionnaireVersion
from app.models.questionnaires import ImmutableVersionError
from tests.definitions import TWO_PAGES
from tests.factories import make_published, make_questionnaire, study_with_roles


def _urls(questionnaire) -> dict[str, str]:
    base = f"/studies/{questionnaire.study_id}/questionnaires/{questionnaire.id}"
    return {name: f"{base}/{name}" for name in ("draft", "edit", "preview", "publish", "status")}


def test_create_blank_and_from_template(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("researcher@example.cn")
    blank = client.post(
        f"/studies/{study.id}/questionnaires/new", data={"title": "空白问卷", "template": ""}
    )
    assert blank.status_code == 302 and blank.headers["Location"].endswith("/edit")
    from_template = client.post(
        f"/studies/{study.id}/questionnaires/new", data={"title": "SUS 测评", "template": "sus"}
    )
    assert from_template.status_code == 302
    sus = db.session.scalar(db.select(Questionnaire).where(Questionnaire.title == "SUS 测评"))
    questions = [q for page in sus.draft["pages"] for q in page["questions"]]
    [sus_items] = [q for q in questions if q["type"] == "matrix"]
    assert len(sus_items["rows"]) == 10
    assert sus.status is QuestionnaireStatus.DRAFT
    assert db.session.scalar(
        db.select(AuditEvent.detail).where(AuditEvent.action == "questionnaire.create").limit(1)
    ) == {"source": "blank", "title": "空白问卷"}


def test_draft_autosave_round_trip_and_conflict(client, auth, ctx):
    questionnaire = make_questionnaire()
    urls = _urls(questionnaire)
    auth.login("owner@example.cn")
    loaded = client.get(urls["draft"]).json
    assert loaded["revision"] == 1

    saved = client.put(urls["draft"], json={"definition": TWO_PAGES, "revision": 1})
    assert saved.status_code == 200
    assert saved.json["revision"] == 2
    assert [p for p in saved.json["problems"] if p["severity"] == "error"] == []
    assert client.get(urls["draft"]).json["definition"] == TWO_PAGES

    stale = client.put(urls["draft"], json={"definition": {"title": "旧窗口"}, "revision": 1})
    assert stale.status_code == 409
    assert stale.json["revision"] == 2
    assert client.get(urls["draft"]).json["definition"] == TWO_PAGES


def test_an_invalid_draft_is_saved_and_its_problems_point_at_the_question(client, auth, ctx):
    questionnaire = make_questionnaire()
    urls = _urls(questionnaire)
    auth.login("owner@example.cn")
    broken = json.loads(json.dumps(TWO_PAGES))
    broken["pages"][0]["questions"][0]["show_if"] = "nps > 8"  # refers to a later question
    response = client.put(urls["draft"], json={"definition": broken, "revision": 1})
    assert response.status_code == 200
    errors = [p for p in response.json["problems"] if p["severity"] == "error"]
    assert errors and errors[0]["path"].startswith("$.pages[0].questions[0]")
    assert errors[0]["message"]  # in Chinese by default
    db.session.refresh(questionnaire)
    assert questionnaire.draft == broken


def test_a_nul_pasted_into_a_draft_is_removed_with_a_warning_not_a_500(client, auth, ctx):
    """PostgreSQL cannot store a NUL in a JSON document: the autosave was a 500 (issue 30.10).
    The draft is stored without the invisible characters, and the builder is told where."""
    questionnaire = make_questionnaire()
    urls = _urls(questionnaire)
    auth.login("owner@example.cn")
    pasted = json.loads(json.dumps(TWO_PAGES))
    pasted["title"] = "外卖\x00调查"
    pasted["pages"][0]["questions"][0]["title"] = "您最近一个月\x07点过外卖吗？"
    response = client.put(urls["draft"], json={"definition": pasted, "revision": 1})
    assert response.status_code == 200
    removed = [p for p in response.json["problems"] if p["code"] == "control_character_removed"]
    assert sorted(p["path"] for p in removed) == ["$.pages[0].questions[0].title", "$.title"]
    assert all(p["severity"] == "warning" and "控制字符" in p["message"] for p in removed)
    db.session.refresh(questionnaire)
    assert questionnaire.draft["title"] == "外卖调查" and questionnaire.title == "外卖调查"
    assert questionnaire.draft["pages"][0]["questions"][0]["title"] == "您最近一个月点过外卖吗？"


def test_an_imported_questionnaire_loses_its_control_characters_with_a_warning(client, auth, ctx):
    questionnaire = make_questionnaire()
    auth.login("owner@example.cn")
    pasted = json.loads(json.dumps(TWO_PAGES))
    pasted["title"] = "外卖\x00调查"
    upload = (io.BytesIO(json.dumps(pasted).encode()), "外卖.json")
    reply = client.post(
        f"/studies/{questionnaire.study_id}/questionnaires/import",
        data={"file": upload},
        content_type="multipart/form-data",
    )
    assert reply.status_code == 302
    imported = db.session.scalar(
        db.select(Questionnaire).where(Questionnaire.id != questionnaire.id)
    )
    assert imported.title == "外卖调查" and imported.draft["title"] == "外卖调查"


def test_publish_freezes_a_version_and_opens_the_public_link(client, auth, ctx):
    questionnaire = make_questionnaire(definition=TWO_PAGES)
    urls = _urls(questionnaire)
    auth.login("researcher@example.cn")
    assert client.get(f"/s/{questionnaire.slug}").status_code == 404  # not published yet
    assert client.post(urls["publish"]).status_code == 302

    db.session.refresh(questionnaire)
    assert questionnaire.status is QuestionnaireStatus.OPEN
    [version] = questionnaire.versions
    assert (version.number, version.definition) == (1, TWO_PAGES)
    page = client.get(f"/s/{questionnaire.slug}").get_data(as_text=True)
    assert "您最近一个月点过外卖吗？" in page
    assert 'data-show-if="uses = &#39;yes&#39;"' in page

    # Editing afterwards changes the draft only; publishing again makes version 2.
    changed = json.loads(json.dumps(TWO_PAGES))
    changed["pages"][1]["questions"].append({"id": "city", "type": "short_text", "title": "城市"})
    client.put(urls["draft"], json={"definition": changed, "revision": 1})
    db.session.refresh(questionnaire)
    assert questionnaire.latest_version.definition == TWO_PAGES
    client.post(urls["publish"])
    db.session.refresh(questionnaire)
    assert [v.number for v in questionnaire.versions] == [1, 2]


def test_publishing_twice_without_changes_makes_no_new_version(client, auth, ctx):
    questionnaire = make_questionnaire(definition=TWO_PAGES)
    auth.login("owner@example.cn")
    client.post(_urls(questionnaire)["publish"])
    client.post(_urls(questionnaire)["publish"])
    assert db.session.scalar(db.select(db.func.count(QuestionnaireVersion.id))) == 1


def test_a_draft_with_errors_cannot_be_published(client, auth, ctx):
    broken = json.loads(json.dumps(TWO_PAGES))
    broken["pages"][1]["questions"][0]["type"] = "no_such_type"
    questionnaire = make_questionnaire(definition=broken)
    auth.login("owner@example.cn")
    response = client.post(_urls(questionnaire)["publish"], follow_redirects=True)
    assert "问卷有错误" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(QuestionnaireVersion.id))) == 0


def test_published_versions_cannot_be_changed(ctx):
    questionnaire = make_questionnaire(definition=TWO_PAGES)
    from app.questionnaires import services

    version = services.publish(questionnaire, questionnaire.study.created_by)
    version.definition = {"title": "篡改"}
    try:
        db.session.commit()
    except ImmutableVersionError:
        db.session.rollback()
    else:
        raise AssertionError("a published version was changed")
    db.session.refresh(version)
    assert version.definition == TWO_PAGES


def test_close_and_reopen(client, auth, ctx):
    questionnaire = make_questionnaire(definition=TWO_PAGES)
    urls = _urls(questionnaire)
    auth.login("owner@example.cn")
    client.post(urls["publish"])
    client.post(urls["status"], data={"status": "closed"})
    response = client.get(f"/s/{questionnaire.slug}")
    assert response.status_code == 410
    assert "本问卷暂不接受作答" in response.get_data(as_text=True)
    client.post(urls["status"], data={"status": "open"})
    assert client.get(f"/s/{questionnaire.slug}").status_code == 200
    actions = db.session.scalars(
        db.select(AuditEvent.action)
        .where(AuditEvent.action.like("questionnaire.%"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "questionnaire.create",
        "questionnaire.publish",
        "questionnaire.close",
        "questionnaire.open",
    ]


def test_viewers_can_read_but_not_edit_or_publish(client, auth, ctx):
    questionnaire = make_questionnaire(definition=TWO_PAGES)
    urls = _urls(questionnaire)
    auth.login("viewer@example.cn")
    assert client.get(urls["draft"]).status_code == 200
    assert client.get(urls["preview"]).status_code == 200
    assert client.get(urls["edit"]).status_code == 403
    assert client.put(urls["draft"], json={"definition": {}, "revision": 1}).status_code == 403
    assert client.post(urls["publish"]).status_code == 403


def test_other_studies_questionnaires_are_404(client, auth, ctx):
    questionnaire = make_questionnaire(definition=TWO_PAGES)
    from tests.factories import make_study, make_user

    stranger = make_user("stranger@example.cn")
    own_study = make_study(stranger)
    auth.login("stranger@example.cn")
    # Right questionnaire id, but under a study the caller is a member of: still 404.
    url = f"/studies/{own_study.id}/questionnaires/{questionnaire.id}/draft"
    assert client.get(url).status_code == 404
    assert client.get(_urls(questionnaire)["draft"]).status_code == 404


def test_preview_renders_every_question_type(client, auth, ctx):
    from surveys.templates import list_templates, load_template

    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    seen_types = set()
    for info in list_templates():
        definition = load_template(info.id)
        questionnaire = make_questionnaire(definition=definition, study=study)
        response = client.get(_urls(questionnaire)["preview"])
        assert response.status_code == 200, info.id
        page = response.get_data(as_text=True)
        for question in (q for p in definition["pages"] for q in p["questions"]):
            seen_types.add(question["type"])
            assert f'data-question="{question["id"]}"' in page
    assert len(seen_types) >= 8


def test_qr_codes_encode_the_public_link(client, auth, ctx):
    questionnaire = make_questionnaire(definition=TWO_PAGES)
    auth.login("owner@example.cn")
    base = f"/studies/{questionnaire.study_id}/questionnaires/{questionnaire.id}"
    png = client.get(f"{base}/qr.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    svg = client.get(f"{base}/qr.svg?download=1")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert svg.headers["Content-Disposition"].startswith("attachment")


def test_json_import_and_export(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    upload = (io.BytesIO(json.dumps(TWO_PAGES, ensure_ascii=False).encode()), "外卖.json")
    response = client.post(
        f"/studies/{study.id}/questionnaires/import",
        data={"file": upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    questionnaire = db.session.scalar(db.select(Questionnaire))
    assert questionnaire.draft == TWO_PAGES
    exported = client.get(f"/studies/{study.id}/questionnaires/{questionnaire.id}/export.json")
    assert json.loads(exported.data) == TWO_PAGES
    xlsx = client.get(f"/studies/{study.id}/questionnaires/{questionnaire.id}/export.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert {"survey", "choices"} <= set(workbook.sheetnames)


def test_import_errors_are_explained_beside_the_file_field(client, auth, ctx):
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    response = client.post(
        f"/studies/{study.id}/questionnaires/import",
        data={"file": (io.BytesIO(b"{not json"), "broken.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "不是有效的 UTF-8 JSON" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Questionnaire.id))) == 0


def test_version_page_shows_what_changed_since_the_previous_version(client, auth, ctx):
    from app.questionnaires import services

    questionnaire = make_questionnaire(definition=TWO_PAGES)
    owner = questionnaire.study.created_by
    services.publish(questionnaire, owner)
    changed = json.loads(json.dumps(TWO_PAGES))
    changed["pages"][1]["questions"].append({"id": "city", "type": "short_text", "title": "城市"})
    del changed["pages"][1]["questions"][1]  # remove "why"
    services.save_draft(questionnaire, changed, expected_revision=questionnaire.draft_revision)
    services.publish(questionnaire, owner)

    auth.login("viewer@example.cn")
    base = f"/studies/{questionnaire.study_id}/questionnaires/{questionnaire.id}"
    page = client.get(f"{base}/versions/2").get_data(as_text=True)
    assert "city" in page and "why" in page
    detail = db.session.scalars(
        db.select(AuditEvent.detail)
        .where(AuditEvent.action == "questionnaire.publish")
        .order_by(AuditEvent.id)
    ).all()[-1]
    assert detail["changes"] == {"added": ["city"], "removed": ["why"], "changed": []}
    assert client.get(f"{base}/versions/3").status_code == 404


def test_xlsform_upload_of_a_pyxform_fixture(client, auth, ctx):
    from pathlib import Path

    xlsform_data = Path(__file__).resolve().parents[1] / "data" / "xlsform"
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    data = (xlsform_data / "or_other.xlsx").read_bytes()
    response = client.post(
        f"/studies/{study.id}/questionnaires/import",
        data={"file": (io.BytesIO(data), "or_other.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    questionnaire = db.session.scalar(db.select(Questionnaire))
    options = [o for p in questionnaire.draft["pages"] for q in p["questions"]
               for o in q.get("options", [])]  # fmt: skip
    assert any(o.get("other") for o in options)


def test_public_slugs_never_start_with_a_dash_or_underscore():
    from app.questionnaires.services import _new_slug

    slugs = [_new_slug() for _ in range(2000)]
    assert all(slug[0].isalnum() for slug in slugs)
    assert len(set(slugs)) == len(slugs)


def test_the_button_beside_the_public_link_says_open_not_the_status(client, auth, ctx):
    questionnaire = make_published(TWO_PAGES)
    auth.login("researcher@example.cn")
    page = client.get(
        f"/studies/{questionnaire.study_id}/questionnaires/{questionnaire.id}/"
    ).get_data(True)
    link = page[page.index('id="public-link"') :]
    button = link[link.index("<a ") : link.index("</a>")]
    assert f"/s/{questionnaire.slug}" in button
    assert button.endswith(">打开")  # 进行中 is the questionnaire's status, not an action


def test_xlsform_upload_of_an_xls_workbook_keeps_its_skip_logic(client, auth, ctx):
    from pathlib import Path

    tutorial = Path(__file__).resolve().parents[1] / "data" / "xlsform" / "corpus" / "pyxform"
    study, _ = study_with_roles()
    auth.login("owner@example.cn")
    data = (tutorial / "tutorial.xls").read_bytes()
    response = client.post(
        f"/studies/{study.id}/questionnaires/import",
        data={"file": (io.BytesIO(data), "tutorial.xls")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    questionnaire = db.session.scalar(db.select(Questionnaire))
    shown_if = {q["id"]: q.get("show_if") for p in questionnaire.draft["pages"]
                for q in p["questions"]}  # fmt: skip
    assert shown_if["age_in_months"] == "older_than_five = 'no'"
