"""Normal forms of phones, emails and WeChat IDs, and grouping records that share one
(`surveys.contacts`): the dedupe of the participant directory rests on these."""

import pytest

from surveys import contacts

MOBILE_FORMS = [
    "13812345678",
    "138 1234 5678",
    "138-1234-5678",
    "+86 138 1234 5678",
    "+8613812345678",
    "0086 138-1234-5678",
    "8613812345678",
    "86 138 1234 5678",
    "１３８１２３４５６７８",  # full-width digits
    "（138）1234-5678",  # full-width brackets
    "(138) 1234.5678",
    "＋８６ １３８ １２３４ ５６７８",
    " 138\u30001234\u30005678 ",  # ideographic spaces
    "138—1234—5678",  # em dashes from a Chinese keyboard
]


@pytest.mark.parametrize("written", MOBILE_FORMS)
def test_every_way_of_writing_a_mobile_number_is_one_normal_form(written):
    checked = contacts.phone(written)
    assert checked.normal == "13812345678"
    assert checked.kind == "mobile" and checked.problem is None


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("010-8888 6666", "01088886666"),
        ("(010) 88886666", "01088886666"),
        ("+86 10 8888 6666", "01088886666"),
        ("0086-21-6688 9900", "02166889900"),
        ("0755-2345678", "07552345678"),  # a 7-digit local number after a 4-digit code
        ("0571 8765 4321", "057187654321"),
    ],
)
def test_a_landline_with_its_area_code_is_valid_and_said_to_be_one(written, normal):
    checked = contacts.phone(written)
    assert (checked.normal, checked.kind, checked.problem) == (normal, "landline", None)


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("1381234567", "phone_mobile_length"),  # a digit short
        ("138123456789", "phone_mobile_length"),
        ("12812345678", "phone_mobile_length"),  # 12x is no mobile prefix
        ("88886666", "phone_no_area_code"),
        ("010-8888", "phone_landline_length"),
        ("138 1234 567８ 转 12", "phone_not_digits"),  # an extension
        ("电话：13812345678", "phone_not_digits"),
        ("+1 415 555 0100", "phone_foreign"),
        ("+852 9123 4567", "phone_foreign"),
        ("无", "phone_not_digits"),
    ],
)
def test_what_is_not_a_chinese_phone_is_invalid_with_its_reason(written, problem):
    checked = contacts.phone(written)
    assert checked.normal is None and checked.problem == problem and not checked.valid


def test_an_empty_value_is_neither_valid_nor_a_problem():
    for empty in ("", "  ", None, " - "):
        checked = contacts.phone(empty)
        assert checked.normal is None and checked.problem is None and checked.empty in (True, False)
    assert contacts.email("").problem is None and contacts.wechat(None).problem is None


@pytest.mark.parametrize(
    "written",
    [
        "Wang.Fang@Example.CN",
        " wang.fang@example.cn ",
        "wang.fang＠example.cn",  # full-width at sign
        "ｗａｎｇ.ｆａｎｇ@example.cn",
        "wang.fang@example。cn",  # the ideographic full stop
        "wang. fang @ example.cn",
    ],
)
def test_emails_fold_case_width_and_spaces(written):
    assert contacts.email(written).normal == "wang.fang@example.cn"


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("wang.fang.example.cn", "email_at"),
        ("wang@fang@example.cn", "email_several_at"),
        (".wang@example.cn", "email_local"),
        ("wang..fang@example.cn", "email_local"),
        ("王芳@example.cn", "email_local"),
        ("wang@example", "email_domain"),
        ("wang@-example.cn", "email_domain"),
        ("wang@example.c", "email_domain"),
        ("wang@例子.cn", "email_domain"),
    ],
)
def test_invalid_emails_say_why(written, problem):
    checked = contacts.email(written)
    assert checked.normal is None and checked.problem == problem


@pytest.mark.parametrize(
    ("written", "normal"),
    [("WangFang_88", "wangfang_88"), ("wxid-abc123", "wxid-abc123"), ("ａｂｃｄｅｆ", "abcdef")],
)
def test_a_wechat_id_is_read_whatever_its_case_or_width(written, normal):
    assert contacts.wechat(written).normal == normal


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("13812345678", "wechat_first_letter"),  # the phone typed in the WeChat column
        ("_wangfang", "wechat_first_letter"),
        ("王芳wang", "wechat_first_letter"),
        ("wang", "wechat_too_short"),
        ("a" * 21, "wechat_too_long"),
        ("wang.fang", "wechat_characters"),
        ("wang芳fang", "wechat_characters"),
    ],
)
def test_wechat_ids_outside_wechats_rule_are_invalid(written, problem):
    checked = contacts.wechat(written)
    assert checked.normal is None and checked.problem == problem


def test_records_sharing_any_channel_are_one_group_transitively():
    # 张伟 and 张伟(重复) share a phone; 张伟(重复) and 章伟 an email; 李娜 shares nothing.
    records = [
        (1, [("phone", contacts.phone("138 1234 5678").normal), ("email", None)]),
        (
            2,
            [
                ("phone", contacts.phone("+86 13812345678").normal),
                ("email", contacts.email("ZW@example.cn").normal),
            ],
        ),
        (3, [("email", contacts.email("zw@example.cn").normal)]),
        (4, [("phone", contacts.phone("139 0000 1111").normal)]),
        (5, [("wechat", contacts.wechat("LiNa_2024").normal)]),
        (6, [("wechat", contacts.wechat("lina_2024").normal)]),
    ]
    assert contacts.group_by_channels(records) == [[1, 2, 3], [5, 6]]


def test_grouping_joins_two_groups_a_later_record_bridges():
    records = [(1, ["a"]), (2, ["b"]), (3, ["a", "b"]), (4, [None]), (5, [None])]
    assert contacts.group_by_channels(records) == [[1, 2, 3]]


def test_the_same_channel_kind_never_matches_another_kind():
    # An email "13812345678@qq.com" and a phone 13812345678 are different keys.
    records = [(1, [("phone", "13812345678")]), (2, [("email", "13812345678@qq.com")])]
    assert contacts.group_by_channels(records) == []


@pytest.mark.parametrize(
    ("name", "masked"), [("张伟", "张*"), ("欧阳娜娜", "欧***"), ("王", "王*"), ("", "")]
)
def test_names_are_masked_after_the_first_character(name, masked):
    assert contacts.mask_name(name) == masked


def test_contacts_are_masked_in_lists():
    assert contacts.mask_phone("+86 138-1234-5678") == "138****5678"
    assert contacts.mask_phone("010-8888 6666") == "010****6666"
    assert contacts.mask_email("wang.fang@example.cn") == "w***@example.cn"
    assert contacts.mask_wechat("wangfang_88") == "wa***8"


def test_closed_list_attributes_take_their_usual_spellings():
    assert contacts.option("gender", "女性").normal == "女"
    assert contacts.option("gender", " Male ").normal == "男"
    assert contacts.option("city_tier", "新一线城市").normal == "新一线"
    assert contacts.option("city_tier", "").normal == "" and contacts.option("gender", "").valid
    assert contacts.option("gender", "男生").problem == "not_an_option"
    assert contacts.option("city_tier", "六线").problem == "not_an_option"
