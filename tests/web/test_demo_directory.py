"""The demo's participant directory (`app.demo_directory`): seeded by `flask --app wsgi demo
seed` with a duplicate pair and an invalid phone for the cleaning page; seeded once."""

from app.accounts import services as accounts
from app.demo import DEMO_EMAIL
from app.demo_directory import DEMO_ORGANISATION
from app.directory import cleaning
from app.extensions import db
from app.models import Organisation, Participant
from app.permissions import load_directory_access


def test_the_demo_seeds_a_directory_once_with_something_to_clean(runner, ctx):
    for _ in range(2):
        result = runner.invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
    [organisation] = db.session.scalars(
        db.select(Organisation).where(Organisation.name == DEMO_ORGANISATION)
    ).all()
    assert db.session.scalar(db.select(db.func.count(Participant.id))) == 63
    access = load_directory_access(organisation.id, accounts.find_user(DEMO_EMAIL))
    assert access.can("manage_organisation")
    [group] = cleaning.duplicate_groups(access)
    assert sorted(record.name for record in group.records) == ["欧阳 娜娜", "欧阳娜娜"]
    assert [record.name for record in cleaning.invalid_records(access)] == ["司马光"]
