"""Respondents' IP addresses are not stored (issue 28.3): after a respondent opens the form,
saves a draft, submits (JSON and a whole-form post), reads and erases their response by its
receipt code, no column of any table holds the address; the paradata keeps only its keyed
hash, which the duplicate check reads."""

import uuid

import sqlalchemy as sa

from app.extensions import db
from app.models import Response
from surveys.paradata import address_hash
from tests.definitions import definition, short_text, single_choice
from tests.factories import make_published

ADDRESS = "203.0.113.77"
SURVEY = definition(
    single_choice("tier", "城市等级", [("t1", "一线"), ("t2", "二线")]),
    short_text("phone", "您的手机号", privacy="personal"),
    title="地址测试问卷",
)


def every_stored_value() -> str:
    """The raw rows of every table, as one text."""
    texts = []
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.text(f"SELECT * FROM {table.name}")).all()  # noqa: S608
        texts.extend(str(value) for row in rows for value in row)
    return "\n".join(texts)


def test_no_table_holds_the_respondents_address(app, ctx):
    survey = make_published(SURVEY)
    environ = {"REMOTE_ADDR": ADDRESS}
    first = app.test_client()
    assert first.get(f"/s/{survey.slug}", environ_base=environ).status_code == 200
    saved = first.post(
        f"/s/{survey.slug}/progress",
        json={"answers": {"tier": "t1"}, "page": "p1"},
        environ_base=environ,
    )
    assert saved.status_code == 200
    sent = first.post(
        f"/s/{survey.slug}/submit",
        json={"answers": {"tier": "t1", "phone": "13912345678"}},
        headers={"Idempotency-Key": uuid.uuid4().hex},
        environ_base=environ,
    )
    assert sent.status_code == 201
    second = app.test_client()
    posted = second.post(
        f"/s/{survey.slug}", data={"tier": "t2", "_key": uuid.uuid4().hex}, environ_base=environ
    )
    assert posted.status_code == 200
    code = sent.json["receipt"]
    seen = first.post(f"/s/{survey.slug}/receipt", data={"code": code}, environ_base=environ)
    assert seen.status_code == 200
    erased = first.post(
        f"/s/{survey.slug}/receipt/erase", data={"code": code, "confirm": "y"},
        environ_base=environ,
    )  # fmt: skip
    assert erased.status_code == 200
    db.session.rollback()

    assert ADDRESS not in every_stored_value()
    kept = db.session.scalars(db.select(Response)).all()
    assert len(kept) == 1
    # Only the keyed hash, for the duplicate check; it is not the address in another form.
    secret = app.config["SECRET_KEY"]
    assert kept[0].paradata["address"] == address_hash(ADDRESS, secret)
