"""An uploaded export kept between the dry run and the confirmation, in the instance folder.

The researcher corrects the mapping and confirms on later requests; each of them reads the
file again from here (never the browser's copy of a dry run). A file is named by a random
token under its questionnaire's folder, so one questionnaire's page cannot reach another's
upload; files older than a day are removed whenever a new one is kept.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import current_app

TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP_SECONDS = 24 * 3600


RESPONSES = "response-imports"
PARTICIPANTS = "participant-imports"  # the directory's (`app.directory.importing`), by organisation


def _folder(owner_id: int, kind: str = RESPONSES) -> Path:
    return Path(current_app.instance_path) / "uploads" / kind / str(owner_id)


def keep(questionnaire_id: int, filename: str, data: bytes, *, kind: str = RESPONSES) -> str:
    """Store *data*; the token that finds it again. *kind*: whose uploads (the id is a
    questionnaire's for RESPONSES, an organisation's for PARTICIPANTS)."""
    folder = _folder(questionnaire_id, kind)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_old(folder)
    token = secrets.token_hex(16)
    (folder / f"{token}.data").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({"filename": filename[:200]}))
    return token


def load(questionnaire_id: int, token: str, *, kind: str = RESPONSES) -> tuple[str, bytes] | None:
    """(filename, data) of a kept upload; None when the token names none."""
    if not TOKEN.match(token or ""):
        return None
    folder = _folder(questionnaire_id, kind)
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        return str(meta["filename"]), (folder / f"{token}.data").read_bytes()
    except (OSError, ValueError, KeyError):
        return None


def discard(questionnaire_id: int, token: str, *, kind: str = RESPONSES) -> None:
    if TOKEN.match(token or ""):
        for suffix in (".data", ".json"):
            (_folder(questionnaire_id, kind) / f"{token}{suffix}").unlink(missing_ok=True)


def _remove_old(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
