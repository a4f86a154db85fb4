"""Reading the plain values of an export's cells: times, durations, numbers, dates, marks.

Each tool writes these its own way (问卷星 "2026/9/3 12:00:00" and "125秒", SurveyMonkey
"09/03/2026 12:00:00 PM", KoboToolbox ISO 8601 with an offset, Qualtrics in the time zone
named in its third header row). A time without an offset is read in the zone given; every
time comes out aware, in UTC. Each reader returns None for a cell it cannot read.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_DAY_TIME = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,6})\d*)?)?)?"
    r"\s*(?P<z>Z|[+-]\d{2}:?\d{2})?"
)
_US_DAY_TIME = re.compile(
    r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<p>[AaPp][Mm])?)?"
)
# 腾讯问卷's "02-Feb-2021 20:26:58"
_DAY_MONTH_TIME = re.compile(
    r"(?P<d>\d{1,2})-(?P<b>[A-Za-z]{3})-(?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
)}  # fmt: skip
_CLOCK = re.compile(r"(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:\.\d+)?)")
_CHINESE_DURATION = re.compile(
    r"(?:(?P<h>\d+)\s*(?:小时|时))?\s*(?:(?P<m>\d+)\s*分(?:钟)?)?\s*(?:(?P<s>\d+(?:\.\d+)?)\s*秒)?"
)
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
MARKS = {
    "1": True, "0": False, "true": True, "false": False, "yes": True, "no": False,
    "是": True, "否": False, "选中": True, "未选中": False, "同意": True, "不同意": False,
}  # fmt: skip


def zone_of(name: str | None, default: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def read_time(text: str, zone: ZoneInfo) -> dt.datetime | None:
    """An aware UTC time from a cell; a time without an offset is in *zone*."""
    text = text.strip()
    match = _DAY_TIME.fullmatch(text)
    pm: str | None = None
    if match is None:
        match = _US_DAY_TIME.fullmatch(text)
        if match is not None:
            pm = (match.group("p") or "").lower() or None
    if match is None:
        match = _DAY_MONTH_TIME.fullmatch(text)
        if match is None or match["b"].lower() not in MONTHS:
            return None
    parts = match.groupdict()
    if "b" in parts:
        parts["m"] = str(MONTHS[parts["b"].lower()])
    try:
        hour = int(parts.get("H") or 0)
        if pm == "pm" and hour < 12:
            hour += 12
        elif pm == "am" and hour == 12:
            hour = 0
        moment = dt.datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            hour,
            int(parts.get("M") or 0),
            int(parts.get("S") or 0),
            int((parts.get("f") or "0").ljust(6, "0")),
        )
    except ValueError:
        return None
    offset = parts.get("z")
    if offset:
        if offset == "Z":
            tz: dt.tzinfo = dt.UTC
        else:
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        return moment.replace(tzinfo=tz).astimezone(dt.UTC)
    return moment.replace(tzinfo=zone).astimezone(dt.UTC)


def read_duration(text: str) -> float | None:
    """Seconds from "125", "125.5", "125秒", "2分5秒", "1小时2分", "00:02:05"."""
    text = text.strip()
    if NUMBER.fullmatch(text):
        seconds = float(text)
        return seconds if seconds >= 0 else None
    clock = _CLOCK.fullmatch(text)
    if clock is not None:
        return int(clock["h"] or 0) * 3600 + int(clock["m"]) * 60 + float(clock["s"])
    words = _CHINESE_DURATION.fullmatch(text)
    if words is not None and any(words.groupdict().values()):
        return int(words["h"] or 0) * 3600 + int(words["m"] or 0) * 60 + float(words["s"] or 0)
    return None


def read_number(text: str) -> int | float | None:
    text = text.strip().replace(",", "")
    if text.endswith(("分", "星")):  # 问卷星 and 腾讯问卷 write a rating as "4分"
        text = text[:-1].strip()
    if not NUMBER.fullmatch(text):
        return None
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def read_date(text: str) -> str | None:
    """An ISO day ("2026-09-03") from "2026-09-03", "2026/9/3", "2026年9月3日" or
    "09/03/2026"; a time of day after it must be midnight (how Excel writes a date)."""
    text = text.strip()
    for pattern in (_DAY_TIME, _US_DAY_TIME):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        if any(int(match.group(k) or 0) for k in ("H", "M", "S")):
            return None
        try:
            return dt.date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
        except ValueError:
            return None
    return None


def read_mark(text: str) -> bool | None:
    """Whether a selection cell marks its option: 1/0, true/false, 是/否 (None: not a mark)."""
    return MARKS.get(text.strip().lower())
