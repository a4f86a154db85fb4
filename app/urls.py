"""URL helpers shared by the blueprints."""

from urllib.parse import urlsplit

from flask import url_for


def safe_next_url(target: str | None, default_endpoint: str = "studies.index") -> str:
    """A same-site path to go to after a form, or the default: never another host."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and urlsplit(target).netloc == ""
    ):
        return target
    return url_for(default_endpoint)
