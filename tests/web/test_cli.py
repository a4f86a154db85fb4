import random

from app.demo import DEMO_PARTIALS, DEMO_RESPONSES, DEMO_TEMPLATE
from app.demo_answers import demo_answers
from app.extensions import db
from app.models import Membership, Questionnaire, QuestionnaireStatus, Study, User
from app.responses import counts
from surveys import validate_answers
from surveys.templates import load_template


def test_users_create_reads_the_password_from_stdin(runner, auth, ctx):
    result = runner.invoke(
        args=["users", "create", "Zhang.Wei@example.cn", "--password-stdin", "--admin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User))
    assert (user.email, user.is_admin) == ("zhang.wei@example.cn", True)
    assert auth.login("zhang.wei@example.cn", "a long enough password").status_code == 302


def test_users_create_refuses_duplicates_and_short_passwords(runner, ctx):
    args = ["users", "create", "zhang.wei@example.cn", "--password-stdin"]
    assert runner.invoke(args=args, input="a long enough password\n").exit_code == 0
    duplicate = runner.invoke(args=args, input="a long enough password\n")
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output
    short = runner.invoke(args=["users", "create", "b@example.cn", "--password-stdin"], input="x\n")
    assert short.exit_code == 1
    assert "at least 10" in short.output


def test_demo_seed_is_idempotent_and_prints_a_working_login(app, runner, auth, ctx):
    first = runner.invoke(args=["demo", "seed"])
    second = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Study.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Membership.id))) == 1
    wave_1, wave_2 = db.session.scalars(db.select(Questionnaire).order_by(Questionnaire.id)).all()
    assert (wave_2.series_id, wave_2.wave) == (wave_1.id, 2)  # the demo's second wave
    for questionnaire in (wave_1, wave_2):
        assert questionnaire.status is QuestionnaireStatus.OPEN
        assert counts.counts(questionnaire) == {
            "partial": DEMO_PARTIALS,
            "complete": DEMO_RESPONSES,
        }

    password_line = next(line for line in first.output.splitlines() if "password" in line)
    password = password_line.split(":")[-1].strip()
    assert password_line in second.output  # the same login, printed again
    assert auth.login("demo@example.com", password).status_code == 302


def test_demo_answers_are_valid_for_the_demo_questionnaire():
    definition = load_template(DEMO_TEMPLATE)
    rng = random.Random(7)
    for _ in range(200):
        answers, duration = demo_answers(rng)
        assert validate_answers(definition, answers).errors == {}
        assert duration > 0


def test_surveys_import_publish_and_export(runner, tmp_path, ctx):
    import json

    from tests.definitions import TWO_PAGES
    from tests.factories import make_study

    study = make_study()
    source = tmp_path / "外卖.json"
    source.write_text(json.dumps(TWO_PAGES, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(
        args=["surveys", "import", str(source), "--study", str(study.id), "--publish"]
    )
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("/s/")
    slug = link.removeprefix("/s/")

    out = tmp_path / "export.json"
    exported = runner.invoke(args=["surveys", "export", slug, "--out", str(out), "--version", "1"])
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text(encoding="utf-8")) == TWO_PAGES


def test_surveys_import_reports_errors_and_unknown_study(runner, tmp_path, ctx):
    from tests.factories import make_study

    study = make_study()
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "x", "pages": [{"id": "p1", "questions": [{"id": "q", '
                      '"type": "nope", "title": "t"}]}]}', encoding="utf-8")  # fmt: skip
    result = runner.invoke(args=["surveys", "import", str(broken), "--study", str(study.id)])
    assert result.exit_code == 1
    assert "invalid_definition" in result.output and "$.pages[0].questions[0]" in result.output
    missing = runner.invoke(args=["surveys", "import", str(broken), "--study", "999"])
    assert missing.exit_code == 1 and "no study" in missing.output
    unknown = runner.invoke(args=["surveys", "export", "nope", "--out", str(tmp_path / "x.json")])
    assert unknown.exit_code == 1


def test_ids_past_any_column_are_a_usage_error_not_a_traceback(app, runner, tmp_path):
    definition = tmp_path / "q.json"
    definition.write_text('{"title": "t", "pages": []}', encoding="utf-8")
    huge = str(2**64)
    imported = runner.invoke(args=["surveys", "import", str(definition), "--study", huge])
    assert imported.exit_code == 2 and "--study" in imported.output
    exported = runner.invoke(args=["surveys", "export", huge, "--out", str(tmp_path / "o.json")])
    assert exported.exit_code == 1 and "no questionnaire" in exported.output
