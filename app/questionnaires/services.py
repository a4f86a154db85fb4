"""Questionnaires of a study: drafts, publishing immutable versions, import and export.

Validation and every rule about definitions belong to `surveys`; this module stores, versions
and audits. Autosaves are not audited (they would drown the log); creating, importing,
publishing, closing and reopening are.
"""

import copy
import io
import json
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import surveys
from app import audit
from app.database import SQL_INT_MAX
from app.extensions import db
from app.jsonbody import BadJson, parse_json
from app.models import Questionnaire, QuestionnaireStatus, QuestionnaireVersion, Study, User
from app.models.types import utcnow
from app.responses import listing
from surveys.templates import load_template

IMPORT_EXTENSIONS = (".json", ".xlsx", ".xls")
MAX_IMPORT_BYTES = 5 * 1024 * 1024


class DraftConflict(Exception):
    """The draft was saved elsewhere (another tab) since the caller loaded it."""

    def __init__(self, current_revision: int):
        super().__init__(current_revision)
        self.current_revision = current_revision


class PublishRefused(Exception):
    """The draft has errors; `problems` says which and where."""

    def __init__(self, problems: list[surveys.Problem]):
        super().__init__(problems)
        self.problems = problems


class ImportRefused(Exception):
    """The file cannot become a questionnaire; `code` says why, `problems` where."""

    def __init__(self, code: str, problems: list[surveys.Problem] | None = None):
        super().__init__(code)
        self.code = code
        self.problems = problems or []


@dataclass
class SaveResult:
    revision: int
    problems: list[surveys.Problem] = field(default_factory=list)


def blank_definition(title: str) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "title": title,
        "language": "zh_CN",
        "pages": [{"id": "p1", "title": "", "questions": []}],
    }


def questionnaires_of(study: Study, *, archived: bool = False) -> list[Questionnaire]:
    """The study's questionnaires in use, or with *archived* only the archived ones."""
    shown = (
        Questionnaire.archived_at.is_not(None) if archived else Questionnaire.archived_at.is_(None)
    )
    return list(
        db.session.scalars(
            db.select(Questionnaire)
            .where(Questionnaire.study_id == study.id, shown)
            .order_by(Questionnaire.updated_at.desc(), Questionnaire.id.desc())
        )
    )


def find_by_slug_or_id(key: str) -> Questionnaire | None:
    """For the command line: a public slug, or a numeric id."""
    query = db.select(Questionnaire).where(Questionnaire.slug == key)
    found = db.session.scalar(query)
    if found is None and key.isdigit() and int(key) <= SQL_INT_MAX:
        found = db.session.get(Questionnaire, int(key))
    return found


def create_questionnaire(
    study: Study,
    creator: User,
    *,
    title: str,
    definition: dict[str, Any] | None = None,
    source: str = "blank",
    commit: bool = True,
    **fields: Any,
) -> Questionnaire:
    """*fields*: further columns (a wave's `series_id`, `wave`, `key_metrics`); without
    *commit* the caller's transaction adds to this one."""
    definition = copy.deepcopy(definition) if definition else blank_definition(title)
    definition["title"] = title or definition.get("title") or ""
    questionnaire = Questionnaire(
        study_id=study.id,
        title=definition["title"],
        slug=_new_slug(),
        draft=definition,
        created_by_id=creator.id,
        **fields,
    )
    db.session.add(questionnaire)
    db.session.flush()
    audit.record(
        "questionnaire.create",
        questionnaire,
        study_id=study.id,
        detail={"source": source, "title": questionnaire.title},
        actor=creator,
    )
    if commit:
        db.session.commit()
    return questionnaire


def create_from_template(study: Study, creator: User, template_id: str) -> Questionnaire:
    definition = load_template(template_id)
    return create_questionnaire(
        study,
        creator,
        title=definition.get("title", ""),
        definition=definition,
        source=f"template:{template_id}",
    )


def read_import(filename: str, data: bytes) -> tuple[dict[str, Any], list[surveys.Problem]]:
    """A definition from an uploaded .json, .xlsx or .xls (XLSForm), with the import's
    warnings."""
    suffix = Path(filename).suffix.lower()
    if suffix not in IMPORT_EXTENSIONS:
        raise ImportRefused("unsupported_extension")
    if not data:
        raise ImportRefused("empty_file")
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused("too_large")
    if suffix == ".json":
        try:
            definition = parse_json(data, max_bytes=MAX_IMPORT_BYTES)
        except BadJson as error:
            raise ImportRefused(
                "too_deep" if error.code == "too_deep" else "invalid_json"
            ) from None
        problems = surveys.validate_definition(definition)
        errors = [p for p in problems if p.is_error]
        warnings = [p for p in problems if not p.is_error]
    else:
        from surveys.xlsform import read_xlsform

        try:
            result = read_xlsform(io.BytesIO(data))  # checks the definition too
        except surveys.ImportFailed as failure:
            unreadable = failure.problem.code == surveys.Code.XLS_UNREADABLE
            code = "invalid_xlsx" if unreadable else "invalid_xlsform"
            raise ImportRefused(code, [failure.problem]) from None
        definition, warnings, errors = result.definition, list(result.warnings), result.errors
    if errors:
        raise ImportRefused("invalid_definition", errors)
    definition, removed = surveys.without_control_characters(definition)
    return definition, warnings + removed


def import_questionnaire(
    study: Study, creator: User, filename: str, data: bytes
) -> tuple[Questionnaire, list[surveys.Problem]]:
    definition, warnings = read_import(filename, data)
    title = definition.get("title") or Path(filename).stem
    questionnaire = create_questionnaire(
        study, creator, title=title, definition=definition, source=f"import:{Path(filename).name}"
    )
    return questionnaire, warnings


def save_draft(
    questionnaire: Questionnaire, definition: Any, *, expected_revision: int
) -> SaveResult:
    """Store the builder's working copy, valid or not, so nothing typed is lost."""
    if expected_revision != questionnaire.draft_revision:
        raise DraftConflict(questionnaire.draft_revision)
    if not isinstance(definition, dict):
        return SaveResult(questionnaire.draft_revision, surveys.validate_definition(definition))
    definition, removed = surveys.without_control_characters(definition)
    questionnaire.draft = definition
    title = definition.get("title")
    if isinstance(title, str) and title.strip():
        questionnaire.title = title.strip()[:200]
    questionnaire.draft_revision += 1
    db.session.commit()
    return SaveResult(
        questionnaire.draft_revision, removed + surveys.validate_definition(definition)
    )


def quota_questions(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Questions a quota can count by answer: one answer from a fixed list."""
    return [
        question
        for page in definition.get("pages", [])
        for question in page.get("questions", [])
        if question.get("type") in ("single_choice", "dropdown")
    ]


def save_settings(
    questionnaire: Questionnaire, settings: dict[str, Any], actor: User
) -> list[surveys.Problem]:
    """Put the respondent settings into the draft; they reach respondents when published.

    Refused (nothing stored) when `surveys` finds an error under `$.settings`; the problems
    are returned so the form can show them beside their fields.
    """
    draft = copy.deepcopy(questionnaire.draft)
    draft["settings"] = settings
    errors = [
        p
        for p in surveys.validate_definition(draft)
        if p.is_error and p.path.startswith("$.settings")
    ]
    if errors:
        return errors
    before = questionnaire.draft.get("settings")
    questionnaire.draft = draft
    questionnaire.draft_revision += 1
    audit.record(
        "questionnaire.settings",
        questionnaire,
        study_id=questionnaire.study_id,
        before={"settings": before},
        after={"settings": settings},
        actor=actor,
    )
    db.session.commit()
    return []


def publish(questionnaire: Questionnaire, actor: User) -> QuestionnaireVersion:
    """Freeze the draft as a new version and open the public link."""
    problems = surveys.validate_definition(questionnaire.draft)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise PublishRefused(errors)
    latest = questionnaire.latest_version
    if latest is not None and latest.definition == questionnaire.draft:
        _set_status(questionnaire, QuestionnaireStatus.OPEN)
        return latest
    version = QuestionnaireVersion(
        questionnaire=questionnaire,
        number=(latest.number + 1) if latest else 1,
        definition=copy.deepcopy(questionnaire.draft),
        published_by_id=actor.id,
    )
    db.session.add(version)
    before_status = questionnaire.status.value
    questionnaire.status = QuestionnaireStatus.OPEN
    db.session.flush()
    detail: dict[str, Any] = {"version": version.number}
    if latest is not None:
        diff = surveys.diff_definitions(latest.definition, version.definition)
        detail["changes"] = {
            "added": [q.id for q in diff.added],
            "removed": [q.id for q in diff.removed],
            "changed": [q.id for q in diff.changed],
        }
    audit.record(
        "questionnaire.publish",
        questionnaire,
        study_id=questionnaire.study_id,
        before={"status": before_status},
        after={"status": questionnaire.status.value},
        detail=detail,
        actor=actor,
    )
    db.session.commit()
    return version


def close(questionnaire: Questionnaire) -> None:
    _set_status(questionnaire, QuestionnaireStatus.CLOSED)


def reopen(questionnaire: Questionnaire) -> None:
    if questionnaire.latest_version is None or questionnaire.archived_at is not None:
        raise PublishRefused([])
    _set_status(questionnaire, QuestionnaireStatus.OPEN)


def version_number(questionnaire: Questionnaire, number: int) -> QuestionnaireVersion | None:
    return next((v for v in questionnaire.versions if v.number == number), None)


def export_xlsx(definition: dict[str, Any]) -> bytes:
    from surveys.xlsform import write_xlsform

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "questionnaire.xlsx"
        write_xlsform(definition, path)
        return path.read_bytes()


def _set_status(questionnaire: Questionnaire, status: QuestionnaireStatus) -> None:
    if questionnaire.status is status:
        return
    before = questionnaire.status.value
    questionnaire.status = status
    action = {"open": "questionnaire.open", "closed": "questionnaire.close"}[status.value]
    audit.record(
        action,
        questionnaire,
        study_id=questionnaire.study_id,
        before={"status": before},
        after={"status": status.value},
    )
    db.session.commit()


def _new_slug() -> str:
    """A random public slug that starts with a letter or digit: one starting with "-" would
    read as an option on the command line (`flask responses export -x3…`)."""
    while True:
        slug = secrets.token_urlsafe(8)
        if slug[0].isalnum():
            return slug


def rename(questionnaire: Questionnaire, title: str) -> None:
    title = title.strip()[:200]
    questionnaire.title = title
    questionnaire.draft = {**questionnaire.draft, "title": title}
    questionnaire.draft_revision += 1
    db.session.commit()


def definition_json(definition: dict[str, Any]) -> str:
    return json.dumps(definition, ensure_ascii=False, indent=2) + "\n"


def clear_test_responses(questionnaire: Questionnaire) -> int:
    """Delete the questionnaire's test responses, audited; how many went."""
    deleted = listing.delete_test_responses(questionnaire)
    audit.record(
        "questionnaire.clear_test_responses",
        questionnaire,
        study_id=questionnaire.study_id,
        detail={"deleted": deleted},
    )
    db.session.commit()
    return deleted


class NotADraft(Exception):
    """A questionnaire that was published is archived, never deleted: responses pin it."""


def delete_draft(questionnaire: Questionnaire) -> None:
    """Delete a questionnaire that was never published, audited; `NotADraft` otherwise."""
    if questionnaire.versions:
        raise NotADraft(questionnaire.id)
    audit.record(
        "questionnaire.delete",
        questionnaire,
        study_id=questionnaire.study_id,
        before={"title": questionnaire.title},
    )
    db.session.delete(questionnaire)
    db.session.commit()


def archive(questionnaire: Questionnaire) -> None:
    """Hide it from the list and close its link; its versions and responses stay."""
    if questionnaire.archived_at is not None:
        return
    if questionnaire.status is QuestionnaireStatus.OPEN:
        _set_status(questionnaire, QuestionnaireStatus.CLOSED)
    questionnaire.archived_at = utcnow()
    audit.record("questionnaire.archive", questionnaire, study_id=questionnaire.study_id)
    db.session.commit()


def restore(questionnaire: Questionnaire) -> None:
    """Back in the list; still closed until someone reopens it."""
    if questionnaire.archived_at is None:
        return
    questionnaire.archived_at = None
    audit.record("questionnaire.restore", questionnaire, study_id=questionnaire.study_id)
    db.session.commit()
