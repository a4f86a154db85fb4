"""Erasing a participant (issue 28.6, PIPL art. 47) leaves nothing of them anywhere: every
column of every table is read raw (and decrypted where it is ciphertext, decompressed where
it is a cached block) and every file under the instance folder is read, before and after;
another participant's data stays."""

import contextlib
import io
import json
import os
import zipfile
import zlib

import pytest
import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.interviews import coding
from app.interviews import privacy as interview_privacy
from app.interviews import services as interviews
from app.models import AuditEvent, Interview, Job, Participant, Response
from app.needs import evidence as need_evidence
from app.needs import services as needs
from app.personal_data import PersonalDataKeyError, unseal
from app.responses import cache
from app.responses.cache import response_write
from app.results import services as results
from app.results.export_jobs import ExportSpec, submit_export
from app.voices import quotes
from app.voices import services as voices
from app.webhooks import addresses, endpoints
from tests import definitions as d
from tests.factories import (
    make_code,
    make_organisation,
    make_published,
    make_study,
    make_user,
    submit_all,
)

SURVEY = d.definition(
    d.single_choice("city", "您所在的城市", [("km", "昆明"), ("cd", "成都")]),
    d.long_text("story", "说说您的开店经历"),
    title="小店经营者调查",
)
NAME, PHONE = "欧阳翠花", "13987650123"
EMAIL, WECHAT = "cuihua.ouyang@example.cn", "cuihua_km88"
ANSWER = "我在昆明翠湖边开过桥米线店已经十二年了"
SHOP = "翠湖北路过桥米线小馆"
TRANSCRIPT = f"访谈员：您的店开在哪里？\n受访者：就在{SHOP}，每天早上五点开门。\n"
THEIRS = (NAME, PHONE, EMAIL, WECHAT, "翠湖边开过桥米线", SHOP)
OTHER_NAME, OTHER_ANSWER = "司马光明", "我在成都春熙路卖火锅底料"
LOOPBACK = addresses.AddressPolicy(allow_http=True, allow_private_networks=True)


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Cached response tables of one response each, so the two seeded ones are cached."""
    monkeypatch.setattr(cache, "TABLE_BLOCK_SIZE", 1)


def _texts(value) -> list[str]:
    """Every reading of a raw stored value: as is, as JSON, decrypted, decompressed, with
    JSON's \\u escapes read."""
    found = _readings(value)
    return found + [
        text.encode("latin-1", "ignore").decode("unicode_escape", "ignore")
        for text in found
        if "\\u" in text
    ]


def _readings(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        found = [value.decode("utf-8", "ignore")]
        with contextlib.suppress(zlib.error):
            found.append(zlib.decompress(value).decode("utf-8", "ignore"))
        return found
    if not isinstance(value, str):
        return [json.dumps(value, ensure_ascii=False, default=str)]
    found = [value]
    with contextlib.suppress(ValueError):
        found.append(json.dumps(json.loads(value), ensure_ascii=False))
    if value.startswith("gAAAA"):  # a Fernet token: what it holds counts as held
        with contextlib.suppress(PersonalDataKeyError):
            found += _texts(unseal(value))
    return found


def _rows_holding(strings) -> set[str]:
    """`table.column` of every stored value holding one of *strings*."""
    found = set()
    with db.engine.connect() as connection:
        for table in db.Model.metadata.sorted_tables:
            names = [column.name for column in table.columns]
            statement = sa.select(*(sa.literal_column(f'"{n}"') for n in names)).select_from(
                sa.table(table.name)
            )
            for row in connection.execute(statement):
                for name, value in zip(names, row, strict=True):
                    if any(s in text for text in _texts(value) for s in strings):
                        found.add(f"{table.name}.{name}")
    return found


def _files_holding(app, strings) -> set[str]:
    found = set()
    for folder, _dirs, files in os.walk(app.instance_path):
        for file_name in files:
            path = os.path.join(folder, file_name)
            with open(path, "rb") as handle:
                data = handle.read()
            texts = [*_texts(data), data.decode("gb18030", "ignore")]
            if zipfile.is_zipfile(io.BytesIO(data)):
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    texts += [archive.read(n).decode("utf-8", "ignore") for n in archive.namelist()]
            if any(s in text for text in texts for s in strings):
                found.add(os.path.relpath(path, app.instance_path))
    return found


def _seed():
    """A participant met in a questionnaire and an interview, with everything that copies
    what they said; and another participant who answered the same questionnaire."""
    admin = make_user()
    organisation = make_organisation(admin)
    study = make_study(admin)
    study.organisation_id = organisation.id
    db.session.commit()
    interview_privacy.update_policy(study, True, [])
    db.session.commit()
    questionnaire = make_published(SURVEY, study=study)
    endpoints.create_endpoint(
        study, admin, url="http://127.0.0.1:9/hook", description="",
        event_types=["response.completed", "response.deleted"], policy=LOOPBACK,
    )  # fmt: skip
    person = Participant(organisation_id=organisation.id, name=NAME, phone=PHONE,
                         email=EMAIL, wechat_id=WECHAT, city="昆明")  # fmt: skip
    other = Participant(organisation_id=organisation.id, name=OTHER_NAME, city="成都")
    db.session.add_all([person, other])
    db.session.flush()
    earlier = Participant(organisation_id=organisation.id, name=NAME, phone=PHONE,
                          merged_into_id=person.id)  # fmt: skip
    db.session.add(earlier)
    db.session.commit()
    mine, theirs = submit_all(
        questionnaire,
        [{"city": "km", "story": ANSWER}, {"city": "cd", "story": OTHER_ANSWER}],
    )
    with response_write(questionnaire.id):
        db.session.get(Response, mine).participant_id = earlier.id  # before the merge
        db.session.get(Response, theirs).participant_id = other.id
        db.session.commit()
    [interview], _failures = interviews.upload_transcripts(
        study, admin, [("翠花访谈.txt", TRANSCRIPT.encode())],
        interviews.ImportOptions(mask=False, keep_original=True),
    )  # fmt: skip
    interviews.save_preview(interview, {"title": "小店访谈", "participant_label": NAME,
                                        "attributes": {"店名": SHOP}}, {}, {"访谈员"})  # fmt: skip
    interview.participant_id = person.id
    db.session.commit()
    code = make_code(study, "开店经历")
    turn = next(t for t in interview.turns if SHOP in t.text)
    [highlight] = coding.add_highlights(study, turn, admin, 0, len(turn.text), [code])
    voices.apply_code(questionnaire, "story", [mine], code, admin)
    quotes.star(study, quotes.find_quote(study, response_id=mine, question_id="story"), admin)
    quotes.star(study, quotes.find_quote(study, highlight_id=highlight.id), admin)
    need = needs.create_need(study, admin, {"statement": "小店需要更早的配送时段"})
    need_evidence.link_highlight(need, admin, highlight)
    db.session.commit()
    results.analysis_frame(questionnaire)  # the cached response table
    submit_export(questionnaire, ExportSpec(), actor=admin, locale="zh_CN")
    audit.record("participant.update", person, detail={"before": {"name": NAME}})
    db.session.commit()
    return admin, organisation, person, questionnaire


def test_an_erased_participant_is_in_no_table_and_no_file(app, client, auth):
    with app.app_context():
        admin, organisation, person, _questionnaire = _seed()
        person_id, organisation_id, email = person.id, organisation.id, admin.email
        before = _rows_holding(THEIRS)
        assert {
            "participants.name", "participants.phone", "responses.answers",
            "interviews.original", "interviews.participant_label", "interview_turns.text",
            "interview_highlights.snippet", "evidence_quotes.text", "need_evidence.snapshot",
            "webhook_events.payload", "response_table_blocks.payload", "audit_events.detail",
        } <= before  # fmt: skip
        assert any(path.startswith("jobs/") for path in _files_holding(app, THEIRS))
    auth.login(email)
    url = f"/organisations/{organisation_id}/participants/{person_id}/data"
    page = client.get(url)
    assert page.status_code == 200
    refused = client.post(url + "/erase", data={"confirmation": "删除"})
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.get(Participant, person_id) is not None
    assert client.post(url + "/erase", data={"confirmation": str(person_id)}).status_code == 302
    with app.app_context():
        assert _rows_holding(THEIRS) == set()
        assert _files_holding(app, THEIRS) == set()
        assert db.session.scalar(db.select(db.func.count()).select_from(Interview)) == 0
        assert {"participants.name", "responses.answers"} <= _rows_holding(
            (OTHER_NAME, OTHER_ANSWER)
        )
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "participant.erase")
        )
        assert event.detail["counts"]["records"] == 2
        assert event.detail["counts"]["responses"] == 1
        assert db.session.scalar(db.select(Job.result_path).where(Job.kind == "export")) is None


def test_the_export_holds_everything_about_them_and_is_audited(app, client, auth):
    with app.app_context():
        admin, organisation, person, _questionnaire = _seed()
        person_id, organisation_id, email = person.id, organisation.id, admin.email
    auth.login(email)
    url = f"/organisations/{organisation_id}/participants/{person_id}/data/export"
    reply = client.post(url)
    assert reply.status_code == 200
    document = json.loads(reply.data)
    assert [r["name"] for r in document["records"]] == [NAME, NAME]
    assert document["responses"][0]["answers"]["story"] == ANSWER
    assert SHOP in document["interviews"][0]["turns"][1]["text"]
    assert OTHER_ANSWER not in reply.data.decode()
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "participant.export")
            )
            == 1
        )


def test_only_an_organisation_admin_sees_or_erases_a_participant(app, client, auth):
    from app.models import OrganisationMember, OrganisationRole

    with app.app_context():
        _admin, organisation, person, _questionnaire = _seed()
        researcher = make_user()
        db.session.add(OrganisationMember(organisation_id=organisation.id, user_id=researcher.id,
                                          role=OrganisationRole.RESEARCHER))  # fmt: skip
        db.session.commit()
        outsider = make_user()
        url = f"/organisations/{organisation.id}/participants/{person.id}/data"
        researcher_email, outsider_email, person_id = researcher.email, outsider.email, person.id
    auth.login(researcher_email)
    assert client.get(url).status_code == 403
    assert client.post(url + "/erase", data={"confirmation": str(person_id)}).status_code == 403
    auth.logout()
    auth.login(outsider_email)
    assert client.get(url).status_code == 404


def test_the_command_erases_a_participant(app, runner):
    with app.app_context():
        _admin, _organisation, person, _questionnaire = _seed()
        person_id = person.id
    result = runner.invoke(args=["privacy", "erase-participant", str(person_id), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"participant {person_id} erased" in result.output
    with app.app_context():
        assert _rows_holding(THEIRS) == set()
    missing = runner.invoke(args=["privacy", "erase-participant", "99999", "--yes"])
    assert missing.exit_code == 1
