"""Personal answers masked wherever answers leave the store (issue 28.3): the response list and
page, CSV/XLSX/SAV exports and the REST API show them hidden unless a member whose role may
(owner, researcher) explicitly asks, and each such reveal is audited."""

import io
import zipfile

import pyreadstat
import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import AuditEvent, Job, User
from tests.definitions import definition, short_text, single_choice
from tests.factories import make_published, make_token, submit_all

PHONE_NUMBER = "13912345678"
SURVEY = definition(
    single_choice("city", "城市等级", [("t1", "一线"), ("t2", "二线")], required=True),
    short_text("phone", "您的手机号", privacy="personal"),
    title="会员回访",
)
MASKED = "已隐藏（个人信息）"


@pytest.fixture
def survey(ctx):
    questionnaire = make_published(SURVEY)
    submit_all(questionnaire, [{"city": "t1", "phone": PHONE_NUMBER}, {"city": "t2"}])
    return questionnaire


def results_url(q, tail=""):
    return f"/studies/{q.study_id}/questionnaires/{q.id}/results{tail}"


def audited(action):
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


def first_id(survey):
    from app.models import Response

    return db.session.scalar(
        db.select(Response.id).where(Response.questionnaire_id == survey.id).order_by(Response.id)
    )


def test_the_response_list_and_page_show_the_personal_answer_masked(client, auth, survey):
    auth.login("owner@example.cn")
    listed = client.get(results_url(survey, "/responses")).get_data(as_text=True)
    assert PHONE_NUMBER not in listed and MASKED in listed
    page = client.get(results_url(survey, f"/responses/{first_id(survey)}")).get_data(as_text=True)
    assert PHONE_NUMBER not in page and MASKED in page and "一线" in page
    assert "显示个人信息" in page
    assert audited("response.reveal_personal") == []


@pytest.mark.parametrize("role", ["owner", "researcher"])
def test_an_owner_or_researcher_who_asks_sees_it_and_the_reveal_is_audited(
    client, auth, survey, role
):
    auth.login(f"{role}@example.cn")
    response_id = first_id(survey)
    shown = client.post(results_url(survey, f"/responses/{response_id}/personal"))
    assert shown.status_code == 200
    assert PHONE_NUMBER in shown.get_data(as_text=True)
    [event] = audited("response.reveal_personal")
    assert event.detail["response_id"] == response_id
    assert db.session.get(User, event.actor_id).email == f"{role}@example.cn"
    # Asking once reveals once: the page opened again is masked.
    again = client.get(results_url(survey, f"/responses/{response_id}")).get_data(as_text=True)
    assert PHONE_NUMBER not in again


def test_a_viewer_has_no_reveal_button_and_is_refused_the_reveal(client, auth, survey):
    auth.login("viewer@example.cn")
    response_id = first_id(survey)
    page = client.get(results_url(survey, f"/responses/{response_id}")).get_data(as_text=True)
    assert PHONE_NUMBER not in page and "显示个人信息" not in page
    refused = client.post(results_url(survey, f"/responses/{response_id}/personal"))
    assert refused.status_code == 403
    assert PHONE_NUMBER not in refused.get_data(as_text=True)
    assert audited("response.reveal_personal") == []


def test_the_csv_link_masks_the_personal_column(client, auth, survey):
    auth.login("owner@example.cn")
    body = client.get(results_url(survey, "/responses.csv")).get_data(as_text=True)
    header, first, second = body.strip().splitlines()[:3]
    assert "phone" in header.split(",")
    assert PHONE_NUMBER not in body and "***" in first and "***" not in second


def export(client, survey, **form):
    reply = client.post(
        results_url(survey, "/export"),
        data={"cells": "values", "wave": "1", **form},
    )
    assert reply.status_code == 302, reply.get_data(as_text=True)[:300]
    job = db.session.scalars(db.select(Job).order_by(Job.id.desc())).first()
    status = client.get(results_url(survey, f"/exports/{job.id}/status")).json
    return client.get(status["download_url"]).data


def xlsx_cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row]


def sav_phones(data: bytes, tmp_path) -> list:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path)
    frame, _meta = pyreadstat.read_sav(str(tmp_path / "data.sav"))
    return frame["phone"].tolist()


def test_xlsx_and_sav_exports_mask_it_unless_an_owner_ticks_the_box(client, auth, survey, tmp_path):
    auth.login("owner@example.cn")
    masked = xlsx_cells(export(client, survey, format="xlsx"))
    assert PHONE_NUMBER not in masked and "***" in masked
    assert PHONE_NUMBER not in sav_phones(export(client, survey, format="sav"), tmp_path / "a")
    assert audited("responses.export_personal") == []

    shown = xlsx_cells(export(client, survey, format="xlsx", reveal_personal="y"))
    assert PHONE_NUMBER in shown
    assert PHONE_NUMBER in sav_phones(
        export(client, survey, format="sav", reveal_personal="y"), tmp_path / "b"
    )
    assert len(audited("responses.export_personal")) == 2
    assert "显示个人信息" in client.get(results_url(survey, "/export")).get_data(as_text=True)


def test_a_viewer_ticking_the_box_still_gets_it_masked(client, auth, survey):
    auth.login("viewer@example.cn")
    assert "显示个人信息" not in client.get(results_url(survey, "/export")).get_data(as_text=True)
    cells = xlsx_cells(export(client, survey, format="xlsx", reveal_personal="y"))
    assert PHONE_NUMBER not in cells and "***" in cells
    assert audited("responses.export_personal") == []


def api_answers(client, survey, secret, query=""):
    reply = client.get(
        f"/api/v1/questionnaires/{survey.id}/responses{query}",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert reply.status_code == 200, reply.json
    return [item["answers"] for item in reply.json["items"]]


def test_the_api_masks_it_unless_a_researcher_asks_and_it_is_audited(client, survey):
    users = {u.email.split("@")[0]: u for u in db.session.scalars(db.select(User))}
    _, owner_secret = make_token(users["owner"], survey.study)
    _, viewer_secret = make_token(users["viewer"], survey.study)
    assert api_answers(client, survey, owner_secret)[0] == {"city": "t1", "phone": "***"}
    assert api_answers(client, survey, viewer_secret, "?reveal_personal=true")[0]["phone"] == "***"
    assert audited("responses.api_personal") == []
    revealed = api_answers(client, survey, owner_secret, "?reveal_personal=true")
    assert revealed[0] == {"city": "t1", "phone": PHONE_NUMBER}
    [event] = audited("responses.api_personal")
    assert event.actor_id == users["owner"].id and event.detail["count"] == 2
