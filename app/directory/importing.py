"""Importing participants from a CSV or XLSX file: a column mapping, a dry run listing every bad
row and value, then an all-or-nothing write.

The file is read by `surveys.imports.grid.read_grid` (the response import's reader) and kept
between requests by `app.responses.import_files` under the organisation's own folder. A row is
bad when its name is missing, a phone, email or WeChat ID cannot be read
(`surveys.contacts`), a closed-list attribute is not one of its options, or it shares a
channel with an earlier row of the file. A row whose channel matches a current record is a
duplicate: it updates that record or is skipped, as the researcher chooses. Nothing is written
while any row is bad; the write is one transaction and one audit event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from app import audit
from app.directory import records
from app.directory.records import ATTRIBUTES, CHANNELS, Profile
from app.extensions import db
from app.models import DirectoryField, Participant, User
from app.permissions import DirectoryAccess
from surveys import contacts

IGNORE = ""
BUILT_IN = ("name", "phone", "email", "wechat", *ATTRIBUTES, "tags", "notes")
# Header words that map a column without the researcher choosing (lower-cased, no spaces).
GUESSES = {
    "name": ("姓名", "名字", "称呼", "name"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile"),
    "email": ("邮箱", "电子邮箱", "email", "e-mail", "邮件"),
    "wechat": ("微信", "微信号", "wechat", "wechatid"),
    "age_band": ("年龄段", "年龄", "age", "ageband"),
    "gender": ("性别", "gender", "sex"),
    "income_band": ("收入", "月收入", "收入段", "income"),
    "occupation": ("职业", "occupation", "job"),
    "city": ("城市", "所在城市", "city"),
    "city_tier": ("城市等级", "城市级别", "citytier", "tier"),
    "tags": ("标签", "tags"),
    "notes": ("备注", "notes", "note"),
}


@dataclass
class RowProblem:
    row: int  # the row number in the file, header = 1
    column: str  # the header of the column, or "" for the row as a whole
    value: str
    code: str  # name_missing, phone_…, email_…, wechat_…, not_an_option, duplicate_in_file


@dataclass
class DryRun:
    rows: int = 0
    new: int = 0
    matched: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    file_problem: str = ""  # "name_not_mapped", "nothing_mapped", "no_rows"
    plans: list[tuple[int, Profile, int | None]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_problem


def targets(fields: list[DirectoryField]) -> list[str]:
    return [*BUILT_IN, *(f"custom:{definition.key}" for definition in fields)]


def _folded(header: str) -> str:
    return re.sub(r"[\s_:：]+", "", header).lower()


def guess_mapping(header: list[str], fields: list[DirectoryField]) -> list[str]:
    """A target for each column of *header* from its words; IGNORE when none fits."""
    chosen: list[str] = []
    for text in header:
        word = _folded(text)
        target = next((name for name, words in GUESSES.items() if word in words), IGNORE)
        if not target:
            target = next(
                (f"custom:{f.key}" for f in fields if word in (_folded(f.label), f.key)), IGNORE
            )
        chosen.append(target if target not in chosen else IGNORE)
    return chosen


def _profile(row: list[str], mapping: list[str], number: int, header: list[str], run: DryRun):
    profile = Profile(custom={})
    for position, target in enumerate(mapping):
        if not target:
            continue
        value = row[position].strip() if position < len(row) else ""
        column = header[position] if position < len(header) else str(position + 1)
        if target == "name":
            profile.name = value
        elif target in CHANNELS:
            checked = contacts.CHECKS[target](value)
            if checked.problem:
                run.problems.append(RowProblem(number, column, value, checked.problem))
            profile.channels[target] = value
        elif target in contacts.OPTIONS:
            checked = contacts.option(target, value)
            if checked.problem:
                run.problems.append(RowProblem(number, column, value, checked.problem))
            profile.attributes[target] = checked.normal or ""
        elif target in ATTRIBUTES:
            profile.attributes[target] = value
        elif target == "tags":
            profile.tags = records.parse_tags(value)
        elif target == "notes":
            profile.notes = value
        elif target.startswith("custom:"):
            profile.custom[target.removeprefix("custom:")] = value
    if not (profile.name or "").strip():
        run.problems.append(RowProblem(number, "", "", "name_missing"))
    return profile


def _existing(access: DirectoryAccess, indexes: dict[str, set[str]]) -> dict[tuple, int]:
    """(channel, blind index) → the current record holding it (the lowest id)."""
    found: dict[tuple, int] = {}
    for kind, values in indexes.items():
        column = getattr(Participant, CHANNELS[kind][1])
        wanted = sorted(values)
        for start in range(0, len(wanted), 500):
            rows = db.session.execute(
                select(column, Participant.id)
                .where(
                    Participant.organisation_id == access.organisation.id,
                    Participant.merged_into_id.is_(None),
                    column.in_(wanted[start : start + 500]),
                )
                .order_by(Participant.id.desc())
            )
            for value, record_id in rows:
                found[(kind, value)] = record_id
    return found


def dry_run(
    access: DirectoryAccess, grid: list[list[str]], mapping: list[str], fields: list[DirectoryField]
) -> DryRun:
    run = DryRun()
    if not any(mapping):
        run.file_problem = "nothing_mapped"
        return run
    if "name" not in mapping:
        run.file_problem = "name_not_mapped"
        return run
    header, body = grid[0], [row for row in grid[1:] if any(cell.strip() for cell in row)]
    if not body:
        run.file_problem = "no_rows"
        return run
    run.rows = len(body)
    rows_keys: list[tuple[int, Profile, list[tuple[str, str]]]] = []
    first_row: dict[tuple, int] = {}
    for offset, row in enumerate(grid[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        profile = _profile(row, mapping, offset, header, run)
        keys = [
            (kind, found)
            for kind, value in profile.channels.items()
            if (found := records.index_of(kind, value)) is not None
        ]
        for key in keys:
            if key in first_row and first_row[key] != offset:
                column = header[mapping.index(key[0])] if key[0] in mapping else key[0]
                run.problems.append(
                    RowProblem(
                        offset,
                        column,
                        profile.channels[key[0]],
                        f"duplicate_in_file:{first_row[key]}",
                    )
                )
            first_row.setdefault(key, offset)
        rows_keys.append((offset, profile, keys))
    indexes: dict[str, set[str]] = {}
    for *_row, keys in rows_keys:
        for kind, value in keys:
            indexes.setdefault(kind, set()).add(value)
    existing = _existing(access, indexes)
    for offset, profile, keys in rows_keys:
        matches = sorted({existing[key] for key in keys if key in existing})
        match = matches[0] if matches else None
        run.matched += match is not None
        run.new += match is None
        run.plans.append((offset, profile, match))
    run.problems.sort(key=lambda problem: problem.row)
    return run


def write(
    access: DirectoryAccess, run: DryRun, *, update_duplicates: bool, actor: User, filename: str
) -> dict[str, int]:
    """Write a dry run that found nothing wrong: created, updated, skipped. All or nothing."""
    if not run.ok:
        raise ValueError("a dry run with problems is never written")
    fields = records.fields_of(access)
    counts = {"created": 0, "updated": 0, "skipped": 0}
    try:
        for _offset, profile, match in run.plans:
            if match is None:
                participant = Participant(
                    organisation_id=access.organisation.id,
                    tags=[],
                    custom={},
                    problems=[],
                    consents={},
                )
                db.session.add(participant)
                records.apply(participant, profile, fields)
                counts["created"] += 1
            elif update_duplicates:
                found = db.session.get(Participant, match)
                if found is None:  # gone since the dry run: the import is stopped
                    raise LookupError(match)
                if profile.tags is not None:  # an import adds tags, never removes them
                    profile.tags = list(dict.fromkeys([*(found.tags or []), *profile.tags]))
                records.apply(found, profile.without_blanks(), fields)
                counts["updated"] += 1
            else:
                counts["skipped"] += 1
        db.session.flush()
        audit.record(
            "directory.import",
            access.organisation,
            actor=actor,
            detail={"filename": filename[:200], **counts},
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts
