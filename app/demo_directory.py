"""The demo's participant directory (issue 28.1): an organisation with the demo researcher as its
administrator and 60 participants, among them one person recorded twice (the same phone
written two ways) and one invalid phone, so the cleaning page has something to show. Seeded
once: a second `flask --app wsgi demo seed` adds nothing."""

from __future__ import annotations

import random

from app.directory import records
from app.directory.records import Profile
from app.extensions import db
from app.models import Organisation, OrganisationMember, OrganisationRole, User
from app.permissions import DirectoryAccess

DEMO_ORGANISATION = "问访演示 · 用户研究中心"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "秀英"]
CITIES = [
    ("北京", "一线"),
    ("上海", "一线"),
    ("成都", "新一线"),
    ("杭州", "新一线"),
    ("西安", "二线"),
    ("昆明", "二线"),
    ("洛阳", "三线"),
]
TAGS = ["宝妈", "高频用户", "学生", "新客", "数码"]


def seed_directory(user: User, count: int = 60) -> Organisation:
    found = db.session.scalar(
        db.select(Organisation)
        .join(OrganisationMember, OrganisationMember.organisation_id == Organisation.id)
        .where(OrganisationMember.user_id == user.id, Organisation.name == DEMO_ORGANISATION)
    )
    if found is not None:
        return found
    organisation = Organisation(name=DEMO_ORGANISATION)
    db.session.add(organisation)
    db.session.flush()
    db.session.add(
        OrganisationMember(
            organisation_id=organisation.id, user_id=user.id, role=OrganisationRole.ADMIN
        )
    )
    db.session.commit()
    access = DirectoryAccess(organisation=organisation, role=OrganisationRole.ADMIN)
    rng = random.Random(28)  # noqa: S311 # nosec B311 # made-up data, not a secret
    for i in range(count):
        city, tier = rng.choice(CITIES)
        records.create(
            access,
            Profile(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                channels={
                    "phone": f"13{rng.randint(3, 9)} {i:04d} {rng.randint(0, 9999):04d}",
                    "email": f"user{i:02d}@example.cn" if i % 3 == 0 else "",
                    "wechat": "",
                },
                attributes={
                    "gender": rng.choice("男女"),
                    "city": city,
                    "city_tier": tier,
                    "age_band": rng.choice(["18-24", "25-34", "35-44", "45+"]),
                },
                tags=rng.sample(TAGS, rng.randint(0, 2)),
            ),
            user,
        )
    records.create(
        access,
        Profile(
            name="欧阳娜娜",
            channels={"phone": "+86 139-8888-0000"},
            attributes={"city": "昆明", "city_tier": "二线"},
        ),
        user,
    )
    records.create(
        access,
        Profile(name="欧阳 娜娜", channels={"phone": "139 8888 0000"}, attributes={"city": "昆明"}),
        user,
    )
    records.create(access, Profile(name="司马光", channels={"phone": "1380013"}), user)
    return organisation
