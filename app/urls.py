"""URL helpers shared by the blueprints: safe redirects, and whole numbers from the URL that
fit a database column (a larger one cannot name a row; binding it would fail with an
overflow, a 500)."""

from urllib.parse import urlsplit

from flask import abort, request, url_for
from werkzeug.routing import IntegerConverter

from app.database import SQL_INT_MAX


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


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: past `SQL_INT_MAX` the URL matches nothing (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", SQL_INT_MAX)
        super().__init__(map, *args, **kwargs)


def query_int(name: str, default: int | None = None, *, maximum: int = SQL_INT_MAX) -> int | None:
    """`?name=` as a whole number, *default* when absent or not a number (as
    ``request.args.get(name, default, type=int)``); 404 when its size is past *maximum*."""
    value = request.args.get(name, default, type=int)
    if value is not None and abs(value) > maximum:
        abort(404)
    return value
