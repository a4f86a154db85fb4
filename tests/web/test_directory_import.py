"""Importing participants (issue 28.1): the column mapping guessed from a Chinese header, a dry
run that lists each bad row and value and writes nothing, an all-or-nothing write, and rows
matching an existing record updated or skipped as chosen."""

import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, OrganisationRole, Participant
from app.personal_data import blind_index
from tests.factories import make_organisation, make_user

HEADER = "姓名,手机,邮箱,微信号,性别,城市,城市等级,标签\n"
GOOD = [
    "陈静,138 0013 8000,chen.jing@example.cn,chenjing_01,女,杭州,新一线,宝妈；高频用户\n",
    "刘洋,+86 139-1111-2222,,,男,西安,二线,\n",
    "黄磊,0086 136 3333 4444,HUANG.LEI@EXAMPLE.CN,,男性,深圳,一线城市,数码\n",
]
BAD = [
    "周敏,1380013,,,女,长沙,二线,\n",  # row 5: a short phone
    "吴刚,137 5555 6666,wu@example,,男,武汉,二线,\n",  # row 6: an email without a domain
    ",135 7777 8888,,,女,南京,二线,\n",  # row 7: no name
    "郑爽,135 8888 9999,,,男生,南京,六线,\n",  # row 8: two unknown options
    "冯晨,138-0013-8000,,,男,杭州,新一线,\n",  # row 9: row 2's phone again
]


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode("utf-8")


@pytest.fixture
def setup(app, client, auth):
    with app.app_context():
        researcher = make_user("researcher@example.cn")
        organisation = make_organisation(members={researcher: OrganisationRole.RESEARCHER})
        organisation_id = organisation.id
    auth.login("researcher@example.cn")
    return f"/organisations/{organisation_id}/directory", organisation_id


def _upload(client, base: str, data: bytes, filename: str = "参与者.csv") -> str:
    response = client.post(
        base + "/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _mapping(page: str) -> dict[str, str]:
    found = {}
    for name, body in re.findall(r'<select[^>]*name="(col_\d+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        found[name] = chosen.group(1) if chosen else ""
    return found


def _count(app, organisation_id) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(Participant.id)).where(
                Participant.organisation_id == organisation_id
            )
        )


def test_the_mapping_is_guessed_from_a_chinese_header(client, setup):
    base, _ = setup
    page = client.get(_upload(client, base, _csv(*GOOD))).get_data(as_text=True)
    assert _mapping(page) == {
        "col_0": "name",
        "col_1": "phone",
        "col_2": "email",
        "col_3": "wechat",
        "col_4": "gender",
        "col_5": "city",
        "col_6": "city_tier",
        "col_7": "tags",
    }
    assert "陈静" in page  # the first rows shown beside the mapping


def test_the_dry_run_lists_each_bad_row_and_writes_nothing(client, setup, app):
    base, organisation_id = setup
    location = _upload(client, base, _csv(*GOOD, *BAD))
    mapping = _mapping(client.get(location).get_data(as_text=True))
    response = client.post(location, data={**mapping, "duplicates": "update", "check": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    rows = re.findall(
        r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page
    )
    assert [(int(r), column, value) for r, column, value, _text in rows] == [
        (5, "手机", "1380013"),
        (6, "邮箱", "wu@example"),
        (7, "", ""),
        (8, "性别", "男生"),
        (8, "城市等级", "六线"),
        (9, "手机", "138-0013-8000"),
    ]
    texts = [text for *_rest, text in rows]
    assert "手机号为 11 位数字" in texts[0] and "域名" in texts[1] and "缺少姓名" in texts[2]
    assert "可选值" in texts[3] and "第 2 行" in texts[5]
    # "Import" is not offered, and asking for it anyway writes nothing
    assert 'name="write"' not in page
    response = client.post(location, data={**mapping, "duplicates": "update", "write": "1"})
    assert response.status_code == 422
    assert _count(app, organisation_id) == 0


def test_a_fixed_file_is_imported_whole_with_normalised_contacts(client, setup, app):
    base, organisation_id = setup
    location = _upload(client, base, _csv(*GOOD))
    mapping = _mapping(client.get(location).get_data(as_text=True))
    check = client.post(location, data={**mapping, "duplicates": "update", "check": "1"})
    assert check.status_code == 200 and "3 行均无问题" in check.get_data(as_text=True)
    done = client.post(location, data={**mapping, "duplicates": "update", "write": "1"})
    assert done.status_code == 302
    with app.app_context():
        people = {
            p.name: p
            for p in db.session.scalars(
                sa.select(Participant).where(Participant.organisation_id == organisation_id)
            )
        }
        assert set(people) == {"陈静", "刘洋", "黄磊"}
        assert people["黄磊"].phone_index == blind_index("13633334444")
        assert people["黄磊"].email_index == blind_index("huang.lei@example.cn")
        assert people["黄磊"].gender == "男" and people["黄磊"].city_tier == "一线"
        assert people["陈静"].tags == ["宝妈", "高频用户"] and people["陈静"].city_tier == "新一线"
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "directory.import")
        )
        assert event.detail["created"] == 3 and "陈静" not in str(event.detail)
    # the kept file is gone once imported
    assert client.get(location).status_code == 302


@pytest.mark.parametrize("choice", ["update", "skip"])
def test_a_row_matching_a_record_by_a_channel_is_updated_or_skipped(client, setup, app, choice):
    base, organisation_id = setup
    location = _upload(client, base, _csv(*GOOD))
    mapping = _mapping(client.get(location).get_data(as_text=True))
    client.post(location, data={**mapping, "duplicates": "update", "write": "1"})
    # 陈静 again, her phone written another way, a new city and tag; and one new person
    again = _csv("陈静,+86 13800138000,,,女,上海,一线,新客\n", "何平,13912345678,,,男,上海,一线,\n")
    location = _upload(client, base, again)
    check = client.post(location, data={**mapping, "duplicates": choice, "check": "1"})
    assert "新增 1 条记录，1 行与已有记录相同" in check.get_data(as_text=True)
    done = client.post(location, data={**mapping, "duplicates": choice, "write": "1"})
    assert done.status_code == 302
    assert _count(app, organisation_id) == 4
    with app.app_context():
        chen = db.session.scalar(
            sa.select(Participant).where(Participant.phone_index == blind_index("13800138000"))
        )
        if choice == "update":
            assert chen.city == "上海" and chen.tags == ["宝妈", "高频用户", "新客"]
            assert chen.email == "chen.jing@example.cn"  # an empty cell leaves a value as it is
        else:
            assert chen.city == "杭州" and chen.tags == ["宝妈", "高频用户"]


def test_an_xlsx_file_is_read_too(client, setup, app):
    base, _organisation_id = setup
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机号码", "职业"])
    sheet.append(["马丽", 13700001111, "教师"])
    buffer = io.BytesIO()
    book.save(buffer)
    location = _upload(client, base, buffer.getvalue(), "名单.xlsx")
    mapping = _mapping(client.get(location).get_data(as_text=True))
    assert mapping == {"col_0": "name", "col_1": "phone", "col_2": "occupation"}
    assert client.post(location, data={**mapping, "write": "1"}).status_code == 302
    with app.app_context():
        person = db.session.scalar(sa.select(Participant))
        assert person.phone_index == blind_index("13700001111") and person.occupation == "教师"


def test_an_unreadable_file_is_refused_with_its_reason(client, setup):
    base, _ = setup
    response = client.post(
        base + "/import",
        data={"file": (io.BytesIO(b"x"), "名单.xls")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and ".xlsx" in response.get_data(as_text=True)


def test_a_file_without_a_name_column_is_refused(client, setup):
    base, _ = setup
    location = _upload(client, base, b"phone\n13800138000\n")
    mapping = _mapping(client.get(location).get_data(as_text=True))
    page = client.post(location, data={**mapping, "check": "1"}).get_data(as_text=True)
    assert "请将一列对应为姓名" in page
