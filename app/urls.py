"""URL helpers shared by the blueprints: safe redirects, and whole numbers from the URL that
fit a database column (a larger one cannot name a row; binding it would fail with an
overflow, a 500)."""

from typing import overload
from urllib.parse import urlsplit

from flask import abort, current_app, request, url_for
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


@overload
def query_int(name: str, default: int, *, maximum: int = SQL_INT_MAX) -> int: ...
@overload
def query_int(name: str, default: None = None, *, maximum: int = SQL_INT_MAX) -> int | None: ...
def query_int(name: str, default: int | None = None, *, maximum: int = SQL_INT_MAX) -> int | None:
    """`?name=` as a whole number, *default* when absent or not a number (as
    ``request.args.get(name, default, type=int)``); 404 when its size is past *maximum*."""
    value = request.args.get(name, default, type=int)
    if value is not None and abs(value) > maximum:
        abort(404)
    return value


def external_url(endpoint: str, **values) -> str:
    """An absolute link to hand out (a public link, its QR code, a resume or invitation link).

    Built on `BASE_URL` (`WENFANG_BASE_URL`, required in production), never on the request's
    Host header, which the client chooses: else a request with `Host: evil.example` would get
    resume links and QR codes that send respondents, and their tokens, to that host. Without a
    base URL (development, tests) the request's own address is used. A path prefix the proxy
    forwarded (`X-Forwarded-Prefix`) is part of the base URL, so it is not added twice.
    """
    base = current_app.config.get("BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    return base + path.removeprefix(request.script_root)


def checked_base_url(value: str | None) -> str | None:
    """*value* without its trailing slash, or None when unset; RuntimeError when it is not an
    http(s) address with a host and no query or fragment."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(
            f"WENFANG_BASE_URL must be the address respondents open, such as "
            f"https://survey.example.org or https://example.org/wenfang, not {value!r}."
        )
    return value.rstrip("/")
