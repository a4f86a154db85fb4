"""Per-field retention (issue 28.5) on a clock moved forward: a directory field with its own
period is cleared from the records not updated within it, plain or encrypted, the rest of the
record and the other fields kept; audited, and a dry run changes nothing."""

import json
from datetime import timedelta

from app import retention
from app.extensions import db
from app.models import AuditEvent, DirectoryField, FieldPrivacy, Participant
from app.models.types import utcnow
from tests.factories import make_organisation


def _directory():
    organisation = make_organisation()
    db.session.add_all(
        [
            DirectoryField(
                organisation_id=organisation.id, key="shop", label="店铺名称", retention_days=90
            ),
            DirectoryField(
                organisation_id=organisation.id,
                key="income_note",
                label="收入说明",
                privacy=FieldPrivacy.SENSITIVE,
                retention_days=30,
            ),
            DirectoryField(organisation_id=organisation.id, key="hobby", label="爱好"),
        ]
    )
    person = Participant(
        organisation_id=organisation.id,
        name="欧阳翠花",
        city="昆明",
        custom={"shop": "翠湖米线小馆", "hobby": "滇剧"},
        protected=json.dumps({"income_note": "月入八千左右"}, ensure_ascii=False),
    )
    db.session.add(person)
    db.session.commit()
    return person


def _fields(person_id: int) -> tuple[dict, dict]:
    db.session.expire_all()
    person = db.session.get(Participant, person_id)
    return dict(person.custom), json.loads(person.protected) if person.protected else {}


def test_a_field_past_its_period_is_cleared_and_the_rest_of_the_record_kept(ctx):
    person = _directory()
    assert [d.cleared for d in retention.sweep_fields(utcnow() + timedelta(days=29))] == [0, 0]
    assert _fields(person.id) == ({"shop": "翠湖米线小馆", "hobby": "滇剧"},
                                  {"income_note": "月入八千左右"})  # fmt: skip

    done = retention.sweep_fields(utcnow() + timedelta(days=31))
    assert [(d.key, d.cleared) for d in done] == [("shop", 0), ("income_note", 1)]
    assert _fields(person.id) == ({"shop": "翠湖米线小馆", "hobby": "滇剧"}, {})

    retention.sweep_fields(utcnow() + timedelta(days=91))
    assert _fields(person.id) == ({"hobby": "滇剧"}, {})
    kept = db.session.get(Participant, person.id)
    assert (kept.name, kept.city) == ("欧阳翠花", "昆明")
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "privacy.field_sweep")
    ).all()
    assert [(e.detail["field"], e.detail["cleared"]) for e in events] == [
        ("income_note", 1),
        ("shop", 1),
    ]
    assert "翠湖" not in json.dumps([e.detail for e in events], ensure_ascii=False)


def test_a_record_updated_within_the_period_keeps_its_value(ctx):
    person = _directory()
    person.updated_at = utcnow() + timedelta(days=80)  # edited later: its period starts again
    db.session.commit()
    retention.sweep_fields(utcnow() + timedelta(days=91))
    assert _fields(person.id)[0]["shop"] == "翠湖米线小馆"


def test_a_dry_field_sweep_changes_nothing(ctx, runner):
    person = _directory()
    done = retention.sweep_fields(utcnow() + timedelta(days=91), dry_run=True)
    assert [d.cleared for d in done] == [1, 1]
    assert _fields(person.id)[0]["shop"] == "翠湖米线小馆"
    assert db.session.scalar(
        db.select(db.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "privacy.field_sweep")
    ) == 0  # fmt: skip


def test_the_sweep_command_reports_each_field(app, runner):
    with app.app_context():
        _directory()
    result = runner.invoke(args=["privacy", "sweep", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would be: directory field shop (organisation" in result.output
    assert "cleared from 0 records" in result.output  # none is past its period today
