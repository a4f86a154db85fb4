"""Per-question retention (issue 28.5) on a clock moved forward: a question with a period of its
own loses its answer (and its "other" text) from the responses older than the period, unfinished
ones counted from their last save; the rest of each response, younger responses and questions
without a period are kept; cached tables forget it; audited without the answers; a dry run
changes nothing; the command and the daily job run it; the record of processing says it."""

from datetime import timedelta

from app import jobs, retention
from app.extensions import db
from app.models import AuditEvent, JobStatus, Response, ResponseStatus, WebhookEvent
from app.models.types import utcnow
from app.privacy import processing
from app.responses import listing, protection
from app.responses.drafts import save_partial
from app.retention_answers import sweep_answers
from app.webhooks import addresses, endpoints
from tests import definitions as d
from tests.factories import make_published, submit_all

SURVEY = d.definition(
    d.short_text("phone", "方便回访的手机号", privacy="personal", retention_days=30),
    d.single_choice(
        "channel",
        "您从哪里知道我们",
        [("wx", "微信"), {"value": "other", "label": "其他", "other": True}],
        privacy="personal",
        retention_days=90,
    ),
    d.rating("stars", "总体满意度"),
    d.long_text("why", "您的建议"),
    title="社区团购回访调查",
)
ANSWERS = [
    {
        "phone": "13812345678",
        "channel": "other",
        "channel/other_text": "楼下张阿姨推荐",
        "stars": 4,
        "why": "团长很负责",
    },
    {"phone": "13987654321", "channel": "wx", "stars": 2, "why": "配送太慢"},
]
LOOPBACK = addresses.AddressPolicy(allow_http=True, allow_private_networks=True)


def _answers(response_id: int) -> dict:
    db.session.expire_all()
    return listing.answers_of(response_id)


def test_an_answer_past_its_own_period_is_cleared_and_the_rest_kept(ctx):
    questionnaire = make_published(SURVEY)
    first, second = submit_all(questionnaire, ANSWERS)

    assert [s.changed for s in sweep_answers(utcnow() + timedelta(days=29))] == [False]
    assert _answers(first)["phone"] == "13812345678"

    done = sweep_answers(utcnow() + timedelta(days=31))
    assert [s.cleared for s in done] == [{"phone": 2}]
    assert _answers(first) == {"channel": "other", "channel/other_text": "楼下张阿姨推荐",
                               "stars": 4, "why": "团长很负责"}  # fmt: skip
    assert "phone" not in _answers(second)
    # the encrypted column holds what is left of the personal answers, no phone
    assert protection.protected_rows([first])[first][1] == {
        "channel": "other", "channel/other_text": "楼下张阿姨推荐"}  # fmt: skip

    assert [s.cleared for s in sweep_answers(utcnow() + timedelta(days=31))] == [{}]
    done = sweep_answers(utcnow() + timedelta(days=91))
    assert [s.cleared for s in done] == [{"channel": 2}]
    assert _answers(first) == {"stars": 4, "why": "团长很负责"}
    assert protection.protected_rows([first]) == {}  # no personal answer left

    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "privacy.answer_sweep")
    ).all()
    assert [(e.detail["answers"], e.detail["questions"]) for e in events] == [
        (2, "phone (2)"),
        (2, "channel (2)"),
    ]
    assert "138" not in str([e.detail for e in events])
    assert all(e.study_id == questionnaire.study_id for e in events)


def test_a_younger_response_keeps_its_answer(ctx):
    questionnaire = make_published(SURVEY)
    old, young = submit_all(questionnaire, ANSWERS)
    db.session.get(Response, old).submitted_at = utcnow() - timedelta(days=40)
    db.session.commit()

    assert [s.cleared for s in sweep_answers()] == [{"phone": 1}]
    assert "phone" not in _answers(old)
    assert _answers(young)["phone"] == "13987654321"


def test_an_unfinished_response_counts_from_its_last_save(ctx):
    questionnaire = make_published(SURVEY)
    save_partial(questionnaire.latest_version, None, {"phone": "13500001111", "stars": 5},
                 page_id="", invitation_hash=None, consent=None)  # fmt: skip
    response_id = db.session.scalar(
        db.select(Response.id).where(Response.status == ResponseStatus.PARTIAL)
    )
    assert [s.cleared for s in sweep_answers(utcnow() + timedelta(days=29))] == [{}]
    assert [s.cleared for s in sweep_answers(utcnow() + timedelta(days=31))] == [{"phone": 1}]
    assert _answers(response_id) == {"stars": 5}


def test_a_dry_run_counts_and_changes_nothing(ctx, runner):
    questionnaire = make_published(SURVEY)
    first, _ = submit_all(questionnaire, ANSWERS)
    assert [s.cleared for s in sweep_answers(utcnow() + timedelta(days=31), dry_run=True)] == [
        {"phone": 2}
    ]
    assert _answers(first)["phone"] == "13812345678"
    assert not db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "privacy.answer_sweep")
    ).all()

    result = runner.invoke(args=["privacy", "sweep", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"questionnaire {questionnaire.id} (社区团购回访调查)" in result.output


def test_the_daily_sweep_job_clears_answers_past_their_period(ctx):
    questionnaire = make_published(SURVEY)
    (old,) = submit_all(questionnaire, ANSWERS[:1])
    db.session.get(Response, old).submitted_at = utcnow() - timedelta(days=40)
    db.session.commit()
    job = retention.submit_daily()
    assert job.status is JobStatus.DONE, job.error
    assert "phone" not in _answers(old)
    assert "answers past their own period cleared: phone 1" in (
        jobs.result_file(job).read_text(encoding="utf-8")
    )


def test_the_record_of_processing_says_how_long_an_answer_is_kept(ctx):
    questionnaire = make_published(SURVEY)
    record = processing.build(questionnaire.study)
    text = processing.markdown(record)
    assert "| phone 方便回访的手机号 | short_text | 个人信息，答案保留 30 天 |" in text
    assert "| stars 总体满意度 | rating | 非个人信息 |" in text


def test_webhook_receivers_get_the_response_again_without_the_cleared_answer(ctx):
    questionnaire = make_published(SURVEY)
    endpoints.create_endpoint(
        questionnaire.study, questionnaire.study.created_by, url="http://127.0.0.1:9/hook",
        description="CRM 同步", event_types=("response.updated",), policy=LOOPBACK,
    )  # fmt: skip
    first, second = submit_all(questionnaire, ANSWERS)
    sweep_answers(utcnow() + timedelta(days=31))
    events = db.session.scalars(
        db.select(WebhookEvent).where(WebhookEvent.type == "response.updated")
    ).all()
    assert sorted(e.payload["response_id"] for e in events) == [first, second]
    assert all("phone" not in e.payload["answers"] for e in events)
    assert {e.payload["answers"]["stars"] for e in events} == {4, 2}
