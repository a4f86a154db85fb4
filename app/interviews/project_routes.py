"""REFI-QDA project import: upload → preview (nothing written) → confirm (one transaction).

Between the preview and the confirmation the file waits in the instance folder under a random
token bound to the study and the uploader, and is removed when imported or after a day.
"""

import re
import secrets
import time
from pathlib import Path

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from analysis.qda import QdaError, QdaTooLarge
from analysis.qda.project_import import WarningCode
from app.interviews import bp, project_import
from app.interviews.common import page
from app.interviews.forms import ProjectFileForm, ProjectImportForm
from app.permissions import StudyAccess, study_required

STAGED_FOR_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

WARNINGS = {
    WarningCode.UNSUPPORTED_SOURCE: _l(
        "Source “%(name)s” (%(detail)s) is not imported: Wenfang holds text sources only."
    ),
    WarningCode.EXTERNAL_SOURCE: _l(
        "Source “%(name)s” is not imported: its text is outside the archive (%(detail)s)."
    ),
    WarningCode.NO_PLAIN_TEXT: _l(
        "Source “%(name)s” is not imported: it has no plain text, only a rich-text file; "
        "export it again with plain text from the other program."
    ),
    WarningCode.MISSING_SOURCE: _l(
        "Source “%(name)s” is not imported: the archive has no file %(detail)s."
    ),
    WarningCode.UNREADABLE_SOURCE: _l("Source “%(name)s” is not imported: its text is not UTF-8."),
    WarningCode.EMPTY_SOURCE: _l("Source “%(name)s” is not imported: its text is empty."),
    WarningCode.SETS: _l("%(count)d sets (document or code groups) are not imported."),
    WarningCode.GRAPHS: _l("%(count)d graphs (networks, maps) are not imported."),
    WarningCode.LINKS: _l("%(count)d links between items are not imported."),
    WarningCode.SELECTION_OUTSIDE: _l(
        "%(count)d codings in “%(name)s” cover no text of a turn (outside the text, only blank "
        "lines or a speaker's label) and are not imported."
    ),
    WarningCode.UNKNOWN_CODE: _l(
        "%(count)d codings in “%(name)s” name a code that is not in the codebook and are not "
        "imported."
    ),
    WarningCode.ANNOTATION: _l(
        "%(count)d annotations without a code in “%(name)s” are not imported."
    ),
    WarningCode.SPLIT_SELECTION: _l(
        "%(count)d codings in “%(name)s” span several paragraphs: each becomes one highlight "
        "per turn."
    ),
    WarningCode.CASE_WITHOUT_SOURCE: _l(
        "Case “%(name)s” names no source: its attributes are not imported."
    ),
    WarningCode.SEVERAL_CASES: _l(
        "Source “%(name)s” belongs to several cases: their attributes are merged and the first "
        "case names the participant."
    ),
    WarningCode.CASE_CODES: _l("Codes applied to case “%(name)s” itself are not imported."),
    WarningCode.ALREADY_IMPORTED: _l(
        "Source “%(name)s” was imported into this study before: it will be there twice."
    ),
    WarningCode.UNCODABLE_CODE: _l(
        "“%(name)s” is a folder in the file (not codable); it comes in as an ordinary code."
    ),
}
LIMITS = {
    "bytes": _l("The project file is larger than %(max)s; nothing was imported."),
    "unpacked bytes": _l("The project unpacks to more than %(max)s; nothing was imported."),
    "compression ratio": _l(
        "The project is compressed more than %(max)s times (a zip bomb?); nothing was imported."
    ),
    "sources": _l("The project has more than %(max)s sources; nothing was imported."),
    "selections": _l("The project has more than %(max)s codings; nothing was imported."),
    "codes": _l("The project has more than %(max)s codes; nothing was imported."),
    "characters in a source": _l(
        "A source of the project has more than %(max)s characters; nothing was imported."
    ),
    "other": _l("The project is past one of the import's limits (%(max)s); nothing was imported."),
}


def warning_text(warning) -> str:
    return str(WARNINGS[warning.code]) % {
        "name": warning.name,
        "count": warning.count,
        "detail": warning.detail,
    }


def _staging() -> Path:
    folder = Path(current_app.instance_path) / "qdpx-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _staged(access: StudyAccess, token: str) -> Path:
    return _staging() / f"{access.study.id}-{current_user.id}-{token}.qdpx"


def _stage(access: StudyAccess, data: bytes) -> str:
    folder = _staging()
    for old in folder.glob("*.qdpx"):
        if old.stat().st_mtime < time.time() - STAGED_FOR_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    _staged(access, token).write_bytes(data)
    return token


def _problem(error: QdaError) -> str:
    if isinstance(error, QdaTooLarge):
        maximum = f"{error.maximum // 2**20} MB" if "bytes" in error.what else str(error.maximum)
        return str(LIMITS.get(error.what, LIMITS["other"])) % {"max": maximum}
    return _("This is not a REFI-QDA project: %(error)s", error=str(error))


@bp.route("/import/project", methods=["POST"])
@study_required("import_interviews")
def import_project(access: StudyAccess):
    """Read the uploaded .qdpx and show what will come in and what cannot; write nothing."""
    form = ProjectFileForm()
    if not form.validate_on_submit():
        flash(_("Choose a REFI-QDA project file (.qdpx)."), "danger")
        return redirect(url_for(".index", study_id=access.study.id))
    data = form.file.data.read(project_import.LIMITS.max_archive_bytes + 1)
    try:
        preview, _plan = project_import.preview_project(access.study, data)
    except QdaError as error:
        flash(_problem(error), "danger")
        return redirect(url_for(".index", study_id=access.study.id))
    confirm = ProjectImportForm(token=_stage(access, data))
    return page(
        "interviews/project_preview.html",
        access,
        preview=preview,
        warnings=[warning_text(w) for w in preview.warnings],
        form=confirm,
        filename=form.file.data.filename or "",
    )


@bp.route("/import/project/confirm", methods=["POST"])
@study_required("import_interviews")
def confirm_project_import(access: StudyAccess):
    form = ProjectImportForm()
    token = form.token.data or ""
    staged = _staged(access, token) if _TOKEN.fullmatch(token) else None
    if not form.validate_on_submit() or staged is None or not staged.exists():
        flash(_("The previewed file is no longer here: upload it again."), "danger")
        return redirect(url_for(".index", study_id=access.study.id))
    try:
        preview = project_import.import_project(access.study, current_user, staged.read_bytes())
    except QdaError as error:
        flash(_problem(error), "danger")
    else:
        flash(
            _(
                "Imported %(sources)d transcripts, %(codes)d new codes and %(codings)d codings.",
                sources=preview.sources,
                codes=preview.new_codes,
                codings=preview.codings,
            ),
            "success",
        )
    staged.unlink(missing_ok=True)
    return redirect(url_for(".index", study_id=access.study.id))
