"""Contact channels of the participant directory: one normal form per phone, email and WeChat ID.

The directory finds the same person under two records by the blind index of a channel's
normal form (`app.personal_data.blind_index`), so "+86 138-1234-5678", "0086 13812345678" and
"（138）1234 5678" in full-width digits must come out as one string. What a value cannot be
read as is said with a problem code (never a message: the app words it), and its normal form
is then None, so an invalid value never matches another.

Decisions (documented here, tested in tests/test_contacts.py):

* Phones. Full-width characters are folded (NFKC); spaces, dashes, dots, slashes and brackets
  are dropped; a country code "+86", "0086" or a bare "86" before an 11-digit mobile is
  removed. A **mobile** is 1[3-9] followed by 9 digits; its normal form is the 11 digits.
  A **landline** with its area code is valid too (kind "landline"): 010 and 02x take an
  8-digit local number, other area codes (0 + 3 digits) a 7- or 8-digit one; written after
  +86 the area code's 0 is dropped ("+86 10 8888 6666") and is put back. Its normal form is
  the digits with the leading 0 ("01088886666"). A landline cannot take an SMS invitation,
  so `Phone.kind` says which it is; it is not flagged as invalid. Anything else — a number
  without an area code, an extension ("转 123"), letters, another country's code — is
  invalid: the directory keeps the value as typed and flags the record.
* Emails. NFKC (full-width "＠" and letters), the ideographic full stop "。" read as ".",
  every space removed, then the whole address lower-cased (domains are case-insensitive and
  no mail service in use here treats the local part's case as meaningful). Valid: one "@",
  a local part of letters, digits and ``._%+-`` not starting or ending with a dot and
  without "..", a domain of at least two dot-separated labels of letters, digits and
  hyphens, the last one at least two letters.
* WeChat IDs (微信号) follow WeChat's own rule: 6 to 20 characters, starting with a letter,
  then letters, digits, "_" or "-". NFKC and spaces removed; the normal form is lower-case
  (WeChat finds an ID whatever its case). A phone number typed in the WeChat column is
  invalid as an ID (it does not start with a letter).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# 010 and 02x: 8-digit local numbers; 0 + three digits: 7 or 8.
LANDLINE = re.compile(r"^(?:0(?:10|2\d)\d{8}|0[3-9]\d{2}\d{7,8})$")
PHONE_NOISE = re.compile(r"[\s\-–—.·/()\[\]（）【】]+")
EMAIL_LOCAL = re.compile(r"^[a-z0-9._%+\-]+$")
EMAIL_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?$")
WECHAT = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
WECHAT_MIN, WECHAT_MAX = 6, 20
RecordId = TypeVar("RecordId", bound=Hashable)


@dataclass(frozen=True)
class Checked:
    """A channel's value as read: its normal form (None when empty or invalid), the problem
    code when invalid, and for phones the kind ("mobile", "landline")."""

    raw: str
    normal: str | None
    problem: str | None = None
    kind: str = ""

    @property
    def empty(self) -> bool:
        return not self.raw.strip()

    @property
    def valid(self) -> bool:
        return self.normal is not None


def _fold(value: str) -> str:
    """Full-width digits, letters, "＋" and "＠" to ASCII; every kind of space to one."""
    return unicodedata.normalize("NFKC", value or "")


def phone(value: str | None) -> Checked:
    raw = value or ""
    text = PHONE_NOISE.sub("", _fold(raw))
    if not text:
        return Checked(raw, None)
    with_country = False
    if text.startswith("+"):
        if not text.startswith("+86"):
            return Checked(raw, None, "phone_foreign")
        text, with_country = text[3:], True
    elif text.startswith("0086"):
        text, with_country = text[4:], True
    elif text.startswith("86") and len(text) == 13 and MOBILE.match(text[2:]):
        text, with_country = text[2:], True
    if not text.isdigit():
        return Checked(raw, None, "phone_not_digits")
    if MOBILE.match(text):
        return Checked(raw, text, kind="mobile")
    if with_country and not text.startswith("0"):
        text = "0" + text  # "+86 10 …": the area code's trunk 0 is dropped after +86
    if LANDLINE.match(text):
        return Checked(raw, text, kind="landline")
    if text.startswith("1") and not text.startswith("10"):
        return Checked(raw, None, "phone_mobile_length")
    if text.startswith("0"):
        return Checked(raw, None, "phone_landline_length")
    return Checked(raw, None, "phone_no_area_code")


def email(value: str | None) -> Checked:
    raw = value or ""
    text = re.sub(r"\s+", "", _fold(raw).replace("。", ".")).lower()
    if not text:
        return Checked(raw, None)
    if text.count("@") != 1:
        return Checked(raw, None, "email_at" if "@" not in text else "email_several_at")
    local, domain = text.split("@")
    if (
        not local
        or not EMAIL_LOCAL.match(local)
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
    ):
        return Checked(raw, None, "email_local")
    labels = domain.split(".")
    if (
        len(labels) < 2
        or not all(EMAIL_LABEL.match(label) for label in labels)
        or not re.fullmatch(r"[a-z]{2,}", labels[-1])
    ):
        return Checked(raw, None, "email_domain")
    return Checked(raw, text)


def wechat(value: str | None) -> Checked:
    raw = value or ""
    text = re.sub(r"\s+", "", _fold(raw))
    if not text:
        return Checked(raw, None)
    if not text[0].isascii() or not text[0].isalpha():
        return Checked(raw, None, "wechat_first_letter")
    if not WECHAT.match(text):
        return Checked(raw, None, "wechat_characters")
    if len(text) < WECHAT_MIN:
        return Checked(raw, None, "wechat_too_short")
    if len(text) > WECHAT_MAX:
        return Checked(raw, None, "wechat_too_long")
    return Checked(raw, text.lower())


CHECKS = {"phone": phone, "email": email, "wechat": wechat}


def group_by_channels(
    records: Iterable[tuple[RecordId, Iterable[Hashable]]],
) -> list[list[RecordId]]:
    """Union-find over records sharing any channel key: each group of two or more record ids,
    ids in their first-seen order, groups by their first id's order.

    *records*: (record id, keys) where a key is anything hashable naming one normalised
    channel, such as ("phone", "13812345678") or a blind index; A shares a phone with B and
    B an email with C: A, B and C are one group.
    """
    parent: dict[RecordId, RecordId] = {}
    order: list[RecordId] = []

    def find(item: RecordId) -> RecordId:
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:  # path compression
            parent[item], item = root, parent[item]
        return root

    owner: dict[Hashable, RecordId] = {}
    for record_id, keys in records:
        if record_id not in parent:
            parent[record_id] = record_id
            order.append(record_id)
        for key in keys:
            if key is None:
                continue
            if key in owner:
                a, b = find(owner[key]), find(record_id)
                if a != b:
                    parent[b] = a
            else:
                owner[key] = record_id
    groups: dict[RecordId, list[RecordId]] = {}
    for record_id in order:
        groups.setdefault(find(record_id), []).append(record_id)
    return [members for members in groups.values() if len(members) > 1]


def mask_name(name: str | None) -> str:
    """ "张伟" → "张*", "欧阳娜娜" → "欧***"; a Latin name keeps its first letter."""
    text = (name or "").strip()
    if not text:
        return ""
    return text[0] + "*" * max(1, len(text) - 1)


def mask_phone(value: str | None) -> str:
    """ "13812345678" → "138****5678"; anything shorter keeps its last two characters."""
    text = (value or "").strip()
    if not text:
        return ""
    checked = phone(text)
    digits = checked.normal or re.sub(r"\D", "", _fold(text))
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    return "*" * max(1, len(digits) - 2) + digits[-2:]


def mask_email(value: str | None) -> str:
    """ "wang.fang@example.cn" → "w***@example.cn"."""
    text = (value or "").strip()
    if "@" not in text:
        return "***" if text else ""
    local, _, domain = text.partition("@")
    return (local[:1] or "*") + "***@" + domain


def mask_wechat(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    return text[:2] + "***" + (text[-1:] if len(text) > 4 else "")


# Built-in attributes with a closed list: an import maps the usual spellings onto them and
# says "not an option" for anything else (an empty cell is "unknown", never a problem).
GENDERS = {
    "男": ("男", "男性", "m", "male", "man"),
    "女": ("女", "女性", "f", "female", "woman"),
    "其他": ("其他", "other"),
    "不愿透露": ("不愿透露", "保密", "prefer not to say"),
}
CITY_TIERS = {
    "一线": ("一线", "一线城市", "1", "tier 1"),
    "新一线": ("新一线", "新一线城市", "new tier 1"),
    "二线": ("二线", "二线城市", "2", "tier 2"),
    "三线": ("三线", "三线城市", "3", "tier 3"),
    "四线": ("四线", "四线城市", "4", "tier 4"),
    "五线": ("五线", "五线城市", "5", "tier 5"),
}
OPTIONS = {"gender": GENDERS, "city_tier": CITY_TIERS}


def option(attribute: str, value: str | None) -> Checked:
    """*value* of a closed-list attribute (`OPTIONS`) as its label, or "not_an_option"."""
    raw = value or ""
    text = re.sub(r"\s+", " ", _fold(raw)).strip().lower()
    if not text:
        return Checked(raw, "")
    for label, spellings in OPTIONS[attribute].items():
        if text in spellings:
            return Checked(raw, label)
    return Checked(raw, None, "not_an_option")
