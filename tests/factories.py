"""Builders for test data with sensible defaults, through the real services and models."""

import itertools

from app.accounts import services as accounts
from app.extensions import db
from app.models import Membership, Role, Study, User

DEFAULT_PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def make_user(email: str | None = None, *, password: str = DEFAULT_PASSWORD, **kwargs) -> User:
    email = email or f"user{next(_sequence)}@example.cn"
    return accounts.create_user(email, password, **kwargs)


def make_study(owner: User | None = None, *, members: dict[User, Role] | None = None, **fields):
    owner = owner or make_user()
    values = {
        "title": "新版结账流程满意度研究",
        "goal": "找出移动端结账流程的主要痛点",
        "audience": "近 90 天下单用户",
        "sample_plan": "问卷 300 份，访谈 8 人",
        "methods": ["questionnaire", "interview"],
    }
    values.update(fields)
    from app.studies import services as studies

    study = studies.create_study(owner, values)
    for user, role in (members or {}).items():
        study.memberships.append(Membership(user_id=user.id, role=role))
    db.session.commit()
    return study


def study_with_roles() -> tuple[Study, dict[str, User]]:
    """A study with one user per role, plus a signed-up outsider who is not a member."""
    users = {
        "owner": make_user("owner@example.cn"),
        "researcher": make_user("researcher@example.cn"),
        "viewer": make_user("viewer@example.cn"),
        "outsider": make_user("outsider@example.cn"),
    }
    study = make_study(
        users["owner"],
        members={users["researcher"]: Role.RESEARCHER, users["viewer"]: Role.VIEWER},
    )
    return study, users


def make_questionnaire(definition=None, *, study: Study | None = None):
    """A draft questionnaire; by default in a new study with one member per role."""
    from app.questionnaires import services as questionnaires

    if study is None:
        study, _ = study_with_roles()
    title = (definition or {}).get("title", "测试问卷")
    return questionnaires.create_questionnaire(
        study, study.created_by, title=title, definition=definition
    )


def make_published(definition, *, settings=None, study: Study | None = None):
    """An open questionnaire published from *definition*, with respondent *settings*."""
    import copy

    from app.questionnaires import services as questionnaires

    definition = copy.deepcopy(definition)
    if settings is not None:
        definition["settings"] = settings
    questionnaire = make_questionnaire(definition, study=study)
    questionnaires.publish(questionnaire, questionnaire.study.created_by)
    return questionnaire


def make_interview(
    study: Study,
    text: str = "访谈员：您平时怎么买菜？\n受访者：主要在手机上买，送货很快。\n",
    *,
    filename: str = "interview.txt",
    user: User | None = None,
    participant: str = "",
    attributes: dict | None = None,
    encoding: str = "utf-8",
    mask: bool = False,
):
    """A saved transcript, imported through the real upload → preview → save services
    (`mask`: de-identified as uploads are by default, which keeps the file's text too)."""
    from app.interviews import services as interviews

    user = user or study.created_by
    [interview], failures = interviews.upload_transcripts(
        study, user, [(filename, text.encode(encoding))], interviews.ImportOptions(mask=mask)
    )
    assert failures == []
    interviewers = {t.speaker for t in interview.turns if t.is_interviewer}
    interviews.save_preview(
        interview,
        {"title": interview.title, "participant_label": participant, "attributes": attributes},
        {},
        interviewers,
    )
    return interview


def make_code(study: Study, name: str, *, parent=None, **fields):
    from app.interviews import coding

    return coding.create_code(
        study, {"name": name, "parent_id": parent.id if parent else None, **fields}
    )


def submit_all(questionnaire, answer_sets, *, secret: str = "test-secret") -> list[int]:
    """Store each answer set as a complete response of *questionnaire*'s latest version, the
    way the respond endpoint does (`submission.submit`); returns their ids."""
    from app.responses import submission

    version = questionnaire.latest_version
    return [
        submission.submit(
            version, f"factory-{questionnaire.id}-{i}", answers, secret=secret
        ).response_id
        for i, answers in enumerate(answer_sets)
    ]


def make_token(user: User, study: Study, *, scope: str = "read", days: int = 30, name: str = ""):
    """A personal access token of *user* for *study* (a member) and its secret."""
    from app.models import TokenScope
    from app.permissions import load_study_access
    from app.tokens import services as tokens

    access = load_study_access(study.id, user)
    return tokens.create_token(
        user, access, name=name or "同步脚本", scope=TokenScope(scope), days=days
    )


def make_organisation(admin: User | None = None, *, members=None, name: str = "用户研究中心"):
    """An organisation with *admin* (a new user by default) and `members` {user: role}."""
    from app.models import Organisation, OrganisationMember, OrganisationRole

    organisation = Organisation(name=name)
    db.session.add(organisation)
    db.session.flush()
    roles = {admin or make_user(): OrganisationRole.ADMIN, **(members or {})}
    for user, role in roles.items():
        db.session.add(
            OrganisationMember(organisation_id=organisation.id, user_id=user.id, role=role)
        )
    db.session.commit()
    return organisation


def make_participant(organisation, *, commit: bool = True, **fields):
    """A directory record of *organisation*: a Chinese name and Shanghai profile by default;
    `fields` set any column (age_band, gender, city_tier, tags, custom, merged_into_id …)."""
    from app.models import Participant

    values = {
        "name": "王小明",
        "age_band": "25-34",
        "gender": "女",
        "income_band": "1万-2万",
        "occupation": "产品经理",
        "city": "上海",
        "city_tier": "一线",
        "tags": [],
        "custom": {},
    }
    values.update(fields)
    participant = Participant(organisation_id=organisation.id, **values)
    db.session.add(participant)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return participant
