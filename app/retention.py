"""The retention sweep (issue 28.5; PIPL art. 19 and 47: personal information is kept no
longer than its purpose needs, then deleted or anonymised). Each study with a retention
period has what is older than it swept: responses submitted before the cut-off anonymised
(`surveys.retention.anonymised_answers`: free texts go, closed answers stay; paradata and the
receipt go, so the response can no longer be tied to a browser or an address) or deleted,
unfinished responses deleted whatever the action (never submitted, of no use), transcripts
anonymised (participant, attributes, file name, original file and its kept text go) or
deleted. Every write goes through the response store (`response_write`), so no cached copy
outlives it, and each study's sweep is one transaction with an audit event counting what it
did.

Directory fields with their own period (`DirectoryField.retention_days`) are swept too: the
value of such a field is cleared from every record of the organisation not updated within the
period (`Participant.updated_at`, the time its profile was last changed), the rest of the
record kept; one audit event per field counts the records cleared (`sweep_fields`). Questions
with their own period are swept by `app.retention_answers`.

Run by `flask --app wsgi privacy sweep` (cron), and daily by the job workers when there are
some (`submit_daily`, from `app.job_queue.Worker`); both also delete old job files
(`jobs.forget_old_files`) and old webhook events (`delivery.prune_old_events`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete

from app import audit, jobs, retention_answers
from app.extensions import db
from app.models import (
    DirectoryField,
    Interview,
    Job,
    Participant,
    Questionnaire,
    Response,
    ResponseStatus,
    Study,
    WebhookEventType,
)
from app.models.types import utcnow
from app.responses import protection
from app.responses.cache import response_write
from app.webhooks import delivery, outbox
from surveys.retention import anonymised_answers

KIND = "privacy_sweep"
ACTIONS = ("anonymise", "delete")
SWEEP_EVERY = timedelta(days=1)


@dataclass
class StudySweep:
    """What the sweep did (or, dry, would do) in one study."""

    study_id: int
    title: str
    cutoff: datetime
    action: str
    responses: int = 0  # submitted responses anonymised or deleted
    partials: int = 0  # unfinished responses deleted
    interviews: int = 0  # transcripts anonymised or deleted
    announced: int = 0  # responses whose change webhook receivers are told of
    questionnaires: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.responses or self.partials or self.interviews)


def sweep(now: datetime | None = None, *, dry_run: bool = False) -> list[StudySweep]:
    """Sweep every study with a retention period; what was done, study by study."""
    now = now or utcnow()
    studies = db.session.scalars(
        db.select(Study).where(Study.retention_days.is_not(None)).order_by(Study.id)
    ).all()
    return [_sweep_study(study, now, dry_run) for study in studies]


def _sweep_study(study: Study, now: datetime, dry_run: bool) -> StudySweep:
    cutoff = now - timedelta(days=study.retention_days or 0)
    done = StudySweep(study.id, study.title, cutoff, study.retention_action)
    questionnaire_ids = db.session.scalars(
        db.select(Questionnaire.id).where(Questionnaire.study_id == study.id)
    ).all()
    for questionnaire_id in questionnaire_ids:
        _sweep_responses(questionnaire_id, done, now, dry_run)
    _sweep_interviews(study, done, now, dry_run)
    if dry_run:
        db.session.rollback()
        return done
    if done.changed:
        audit.record(
            "privacy.sweep",
            study,
            study_id=study.id,
            detail={
                "cutoff": done.cutoff.isoformat(),
                "action": done.action,
                "responses": done.responses,
                "partials": done.partials,
                "interviews": done.interviews,
            },
        )
    db.session.commit()
    if done.announced:
        delivery.dispatch_soon()
    return done


def _sweep_responses(questionnaire_id: int, done: StudySweep, now: datetime, dry: bool) -> None:
    past = db.select(Response).where(
        Response.questionnaire_id == questionnaire_id,
        Response.status == ResponseStatus.COMPLETE,
        Response.submitted_at < done.cutoff,
    )
    if done.action == "anonymise":
        past = past.where(Response.anonymised_at.is_(None))
    submitted = db.session.scalars(past).all()
    partial_ids = db.session.scalars(
        db.select(Response.id).where(
            Response.questionnaire_id == questionnaire_id,
            Response.status == ResponseStatus.PARTIAL,
            Response.updated_at < done.cutoff,
        )
    ).all()
    done.responses += len(submitted)
    done.partials += len(partial_ids)
    if dry or not (submitted or partial_ids):
        return
    done.questionnaires.append(questionnaire_id)
    rewritten = [row.id for row in submitted] + list(partial_ids)
    # Webhook receivers hold copies of these responses: they hear of each deletion, and get
    # each anonymised response again, to do the same (in this transaction, as every event).
    announced = (
        [row for row in submitted if not row.is_test] if outbox.wanted(questionnaire_id) else []
    )
    with response_write(questionnaire_id, rewrites=rewritten):
        if done.action == "delete":
            gone = [row.id for row in submitted] + list(partial_ids)
            for row in announced:
                data = outbox.response_payload(row.id, questionnaire_id)
                outbox.record(WebhookEventType.RESPONSE_DELETED, questionnaire_id, data)
            db.session.execute(
                delete(Response)
                .where(Response.id.in_(gone))
                .execution_options(synchronize_session=False)
            )
        else:
            for row in submitted:
                # Answers flagged personal or sensitive go whole, whatever their type.
                kept = anonymised_answers(row.version.definition, dict(row.answers or {}))
                protection.store_on(row, row.version, kept)
                row.paradata = None
                row.receipt_hash = None
                row.participant_id = None  # no longer anyone's, in the directory
                row.guardian_name = None  # a minor's guardian names the family (the time stays)
                row.anonymised_at = now
            for row in announced:
                columns = {"answers": row.answers, "protected_answers": row.protected_answers}
                values = {"version_id": row.version_id, "submitted_at": row.submitted_at,
                          "answers": protection.event_answers(columns)}  # fmt: skip
                data = outbox.response_payload(row.id, questionnaire_id, values)
                outbox.record(WebhookEventType.RESPONSE_UPDATED, questionnaire_id, data)
            if partial_ids:
                db.session.execute(
                    delete(Response)
                    .where(Response.id.in_(partial_ids))
                    .execution_options(synchronize_session=False)
                )
        db.session.flush()
    done.announced += len(announced)


def _sweep_interviews(study: Study, done: StudySweep, now: datetime, dry: bool) -> None:
    past = db.select(Interview).where(
        Interview.study_id == study.id, Interview.created_at < done.cutoff
    )
    if done.action == "anonymise":
        past = past.where(Interview.anonymised_at.is_(None))
    interviews = db.session.scalars(past).all()
    done.interviews += len(interviews)
    if dry:
        return
    for interview in interviews:
        if done.action == "delete":
            db.session.delete(interview)
        else:
            interview.participant_label = ""
            interview.attributes = {}
            interview.source_filename = ""
            interview.original = None
            interview.plain_text = None  # the file's text, with its header lines
            interview.source_header = []  # 访谈对象：王女士 and the like name the person
            interview.participant_id = None  # no longer anyone's, in the directory
            interview.anonymised_at = now
    db.session.flush()


@dataclass
class FieldSweep:
    """What the sweep did (or, dry, would do) to one directory field's values."""

    field_id: int
    organisation_id: int
    key: str
    cutoff: datetime
    cleared: int = 0  # records whose value of the field was cleared


def sweep_fields(now: datetime | None = None, *, dry_run: bool = False) -> list[FieldSweep]:
    """Clear each directory field with a retention period from the records not updated
    within it; what was done, field by field."""
    now = now or utcnow()
    fields = db.session.scalars(
        db.select(DirectoryField)
        .where(DirectoryField.retention_days.is_not(None))
        .order_by(DirectoryField.id)
    ).all()
    done = [_sweep_field(item, now, dry_run) for item in fields]
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return done


def _sweep_field(item: DirectoryField, now: datetime, dry: bool) -> FieldSweep:
    done = FieldSweep(
        item.id, item.organisation_id, item.key, now - timedelta(days=item.retention_days or 0)
    )
    records = db.session.scalars(
        db.select(Participant).where(
            Participant.organisation_id == item.organisation_id,
            Participant.updated_at < done.cutoff,
        )
    )
    for record in records:
        custom = dict(record.custom or {})
        protected = json.loads(record.protected) if record.protected else {}
        if item.key not in custom and item.key not in protected:
            continue
        done.cleared += 1
        if dry:
            continue
        if item.key in custom:
            del custom[item.key]
            record.custom = custom
        if item.key in protected:
            del protected[item.key]
            record.protected = json.dumps(protected, ensure_ascii=False) if protected else None
    if done.cleared and not dry:
        audit.record(
            "privacy.field_sweep",
            item,
            detail={"field": item.key, "cutoff": done.cutoff.isoformat(), "cleared": done.cleared},
        )
    return done


def describe_field(done: FieldSweep) -> str:
    """One line for the command line and the job's report."""
    return (
        f"directory field {done.key} (organisation {done.organisation_id}): not updated since "
        f"{done.cutoff:%Y-%m-%d}, cleared from {done.cleared} records"
    )


def submit_daily(now: datetime | None = None) -> Job | None:
    """Queue the sweep unless one was asked for in the last day (what each worker's
    maintenance pass calls: the first worker to ask queues it)."""
    now = now or utcnow()
    recent = db.session.scalar(
        db.select(Job.id).where(Job.kind == KIND, Job.created_at > now - SWEEP_EVERY).limit(1)
    )
    if recent is not None:
        return None
    return jobs.submit(KIND, {}, study_id=None, actor=None)


@jobs.job_function(KIND)
def run_sweep(run: jobs.JobRun) -> Path:
    """The sweep as a job: its report, one line a study, is the job's file."""
    swept = sweep()
    fields = sweep_fields()
    answers = retention_answers.sweep_answers()
    forgotten = jobs.forget_old_files()
    pruned = delivery.prune_old_events()
    lines = [describe(s) for s in swept] + [describe_field(f) for f in fields]
    lines += [retention_answers.describe_answers(a) for a in answers]
    lines += [f"{forgotten} old job files deleted", f"{pruned} old webhook events deleted"]
    path = run.result_file("sweep.txt")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def describe(done: StudySweep) -> str:
    """One line for the command line and the job's report."""
    verb = "anonymised" if done.action == "anonymise" else "deleted"
    return (
        f"study {done.study_id} ({done.title}): before {done.cutoff:%Y-%m-%d}, "
        f"{done.responses} responses {verb}, {done.partials} unfinished deleted, "
        f"{done.interviews} transcripts {verb}"
    )
