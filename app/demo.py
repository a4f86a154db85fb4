"""The demo account and study that `make run` seeds, so a first start has something to open.

The study holds a published satisfaction questionnaire run in two waves (the second a month
later, with the checkout redone and one question reworded), each with generated responses and
a few respondents who left half-way, so the results and findings pages show real figures on
first start, and two coded interview transcripts (`app.demo_interviews`) for the interview
pages. Idempotent: running it again finds what it
made before and changes nothing. The demo password is generated on first seed and kept in
`instance/demo-login.txt` (never in the repository).
"""

import copy
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from app.accounts import services as accounts
from app.demo_answers import demo_answers
from app.demo_directory import seed_directory
from app.demo_interviews import seed_interviews
from app.extensions import db
from app.findings.waves import start_next_wave
from app.models import Membership, Questionnaire, Response, Study, User
from app.models.types import utcnow
from app.questionnaires import services as questionnaires
from app.responses import counts, drafts, submission
from app.studies import services as studies

DEMO_EMAIL = "demo@example.com"
DEMO_STUDY_TITLE = "2026 年移动端用户满意度研究（示例）"
DEMO_STUDY = {
    "title": DEMO_STUDY_TITLE,
    "goal": "了解移动端用户对新版结账流程的满意度和主要痛点，决定下一季度的改进优先级。",
    "audience": "最近 90 天内在移动端下过单的用户；新老用户都要覆盖。",
    "sample_plan": (
        "问卷 300 份（一线 / 二线 / 三线及以下城市各约 100 份）；深度访谈 8 人；焦点小组 1 场。"
    ),
    "methods": ["questionnaire", "interview", "focus_group"],
    "starts_on": date(2026, 11, 1),
    "ends_on": date(2026, 12, 15),
}
DEMO_TEMPLATE = "app_satisfaction"
DEMO_RESPONSES = 300  # complete responses per wave
DEMO_PARTIALS = 40  # respondents per wave who left half-way
#: days before the seed over which each wave's responses arrive (first, last)
WAVE_DAYS_AGO = {1: (45, 31), 2: (14, 1)}
#: the question wave 2 words differently, and its new title
REWORDED = ("satisfaction", "整体来说，您对我们的 App 满意吗？")
DEMO_RANDOM_SEED = 2026


@dataclass
class DemoLogin:
    email: str
    password: str | None  # None when the login file was deleted after the first seed
    created: bool


def seed_demo(instance_path: str, secret: str) -> DemoLogin:
    login_file = Path(instance_path) / "demo-login.txt"
    found = accounts.find_user(DEMO_EMAIL)
    created = found is None
    password: str | None
    if found is None:
        password = secrets.token_urlsafe(9)
        user = accounts.create_user(DEMO_EMAIL, password, display_name="演示研究员")
        login_file.parent.mkdir(parents=True, exist_ok=True)
        login_file.write_text(f"{DEMO_EMAIL}\n{password}\n", encoding="utf-8")
        login_file.chmod(0o600)
    else:
        user, password = found, _stored_password(login_file)

    has_study = db.session.scalar(
        db.select(Study.id)
        .join(Membership, Membership.study_id == Study.id)
        .where(Membership.user_id == user.id, Study.title == DEMO_STUDY_TITLE)
    )
    study = db.session.get(Study, has_study) if has_study else None
    if study is None:
        study = studies.create_study(user, DEMO_STUDY)
    _seed_questionnaire(study, user, secret)
    seed_interviews(study, user)
    seed_directory(user)
    return DemoLogin(email=DEMO_EMAIL, password=password, created=created)


def _seed_questionnaire(study: Study, user: User, secret: str) -> None:
    """Publish the demo questionnaire (wave 1) and submit the generated responses through
    the store, with a few respondents who left half-way.

    Each response has a fixed idempotency key, so a seed interrupted half-way completes the
    set on the next run instead of doubling it.
    """
    questionnaire = db.session.scalar(
        db.select(Questionnaire)
        .where(Questionnaire.study_id == study.id, Questionnaire.series_id.is_(None))
        .order_by(Questionnaire.id)
    )
    if questionnaire is None:
        questionnaire = questionnaires.create_from_template(study, user, DEMO_TEMPLATE)
        questionnaires.publish(questionnaire, user)
    _seed_responses(questionnaire, secret, wave=1, days_ago=WAVE_DAYS_AGO[1])
    second = db.session.scalar(
        db.select(Questionnaire).where(
            Questionnaire.series_id == questionnaire.id, Questionnaire.wave == 2
        )
    )
    if second is None:
        second = _start_second_wave(questionnaire, user)
    _seed_responses(second, secret, wave=2, days_ago=WAVE_DAYS_AGO[2])


def _start_second_wave(first: Questionnaire, user: User) -> Questionnaire:
    """Wave 2, as a researcher makes it: the next wave of the series (`start_next_wave`),
    one question reworded (the comparison marks it), published."""
    second = start_next_wave(first, user)
    definition = copy.deepcopy(second.draft)
    for page in definition["pages"]:
        for question in page["questions"]:
            if question["id"] == REWORDED[0]:
                question["title"] = REWORDED[1]
    questionnaires.save_draft(second, definition, expected_revision=second.draft_revision)
    questionnaires.publish(second, user)
    return second


def _seed_responses(
    questionnaire: Questionnaire, secret: str, *, wave: int, days_ago: tuple[int, int]
) -> None:
    """DEMO_RESPONSES complete responses submitted over the days *days_ago* (from, to) before
    today, and DEMO_PARTIALS left on a later page."""
    version = questionnaire.latest_version
    if version is None or counts.counts(questionnaire)["complete"] >= DEMO_RESPONSES:
        return
    rng = random.Random(DEMO_RANDOM_SEED + wave)  # noqa: S311 # nosec B311 # made-up data, not a secret
    now = utcnow()
    first, last = days_ago
    ids = []
    for number in range(DEMO_RESPONSES):
        answers, duration = demo_answers(rng, wave)
        done = submission.submit(
            version,
            f"demo-{questionnaire.id}-{number}",
            answers,
            secret=secret,
            started_at=now - timedelta(seconds=duration),
        )
        ago = timedelta(days=first - (first - last) * number / DEMO_RESPONSES)
        submitted = now - ago - timedelta(minutes=rng.randint(0, 600))
        ids.append((done.response_id, submitted - timedelta(seconds=duration), submitted))
    _backdate(ids)
    pages = [page["id"] for page in version.definition["pages"]]
    for _ in range(DEMO_PARTIALS):
        answers, _duration = demo_answers(rng, wave)
        left_on = rng.choice(pages[1:])
        kept = {"user_type", "city_tier", "age_group"} | ({"nps"} if left_on != pages[1] else set())
        drafts.save_partial(
            version,
            None,
            {k: v for k, v in answers.items() if k in kept},
            page_id=left_on,
            invitation_hash=None,
            consent=None,
        )
    db.session.commit()


def _backdate(times: list[tuple[int, datetime, datetime]]) -> None:
    """Give each new response its (started, submitted) times, so the dashboard's responses
    per day show a collection over days rather than one seed run (demo data only: a real
    response's times are never edited)."""
    for response_id, started, submitted in times:
        db.session.execute(
            db.update(Response)
            .where(Response.id == response_id)
            .values(started_at=started, updated_at=submitted, submitted_at=submitted)
        )
    db.session.commit()


def _stored_password(login_file: Path) -> str | None:
    if not login_file.exists():
        return None
    lines = login_file.read_text(encoding="utf-8").splitlines()
    return lines[1] if len(lines) > 1 else None
