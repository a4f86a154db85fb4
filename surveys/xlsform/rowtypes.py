"""What the ``type`` cell of an XLSForm survey row says: a question type of the registry, a
select with its list, a group's begin or end, metadata, or an older spelling of one of these
(pyxform's ``question_type_dictionary.py`` and ``aliases.py``)."""

from __future__ import annotations

import re

from ..types import QUESTION_TYPES
from .columns import Columns

METADATA = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "start-geopoint", "background-audio", "instanceid",
    "uri:deviceid", "uri:subscriberid", "uri:simserial", "uri:phonenumber", "uri:username",
    "uri:email",
}  # fmt: skip
#: XLSForm type → ours, from the registry's XLSForm facet (`reads`, and `selects` with a list)
SIMPLE_TYPES = {name: t.name for t in QUESTION_TYPES.values() for name in t.xlsform.reads}
SELECT_TYPES = {name: t.name for t in QUESTION_TYPES.values() for name in t.xlsform.selects}
# Matched on the type as written (spaces collapsed): the kind in any case, the list name as
# written, since list names are case-sensitive (`select_one A_suboffice`).
SELECT_RE = re.compile(
    rf"(?P<kind>{'|'.join(map(re.escape, SELECT_TYPES))})(?: from)? (?P<list>\S+?)"
    r"(?P<other> or_other| or specify other)?",
    re.IGNORECASE,
)
# pyxform's older spellings of a type (pyxform/question_type_dictionary.py, aliases.py), read
# as the type they stand for; a select's spelling is a prefix before its list name.
TYPE_ALIASES = {
    "add text prompt": "text",
    "q string": "text",
    "add integer prompt": "integer",
    "q int": "integer",
    "add decimal prompt": "decimal",
    "q decimal": "decimal",
    "add date prompt": "date",
    "q date": "date",
    "add note prompt": "note",
    "q note": "note",
    "add acknowledge prompt": "acknowledge",
    "q acknowledge": "acknowledge",
    "imei": "deviceid",
    "device id": "deviceid",
    "get device id": "deviceid",
    "start time": "start",
    "get start time": "start",
    "end time": "end",
    "get end time": "end",
    "get today": "today",
    "subscriber id": "subscriberid",
    "get subscriber id": "subscriberid",
    "sim id": "simserial",
    "get sim id": "simserial",
    "get phone number": "phonenumber",
}
SELECT_ALIASES = re.compile(
    r"(?P<one>select1|add select one prompt using|select one using)"
    r"|(?P<multiple>add select multiple prompt using|select multiple using)",
    re.IGNORECASE,
)


def row_type(columns: Columns, cells: dict[str, str]) -> str:
    """The row's type as written, spaces collapsed, an older spelling read as its type."""
    text = " ".join(columns.get(cells, "type").split())
    if text.lower() in TYPE_ALIASES:
        return TYPE_ALIASES[text.lower()]
    select = SELECT_ALIASES.match(text)
    if select and text[select.end() : select.end() + 1] == " ":
        kind = "select_one" if select.group("one") else "select_multiple"
        return kind + text[select.end() :]
    return text


def row_kind(type_text: str) -> str:
    t = " ".join(type_text.lower().replace("_", " ").split())
    # `begin loop over <list>` repeats over a list's choices; lgroup, looped group: repeats
    if re.fullmatch(r"begin (group|repeat|lgroup|looped group|loop( over .+)?)", t):
        return "begin"
    if re.fullmatch(r"end (group|repeat|lgroup|looped group|loop)", t):
        return "end"
    if t in ("calculate", "hidden") or t in METADATA:
        return "skip"
    return "question"
