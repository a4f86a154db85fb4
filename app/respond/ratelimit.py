"""The rate limits of the public respondent endpoints: per respondent, not per address.

A class of 300 on one campus Wi-Fi, an office behind one NAT or a carrier NAT answers from
one address, so a limit per address made them wait minutes (issue 29: 240 submissions from
one address needed 384 waits). Three counts instead:

- per respondent and endpoint (`RESPOND_RATE_LIMIT`): keyed by what the respondent's own
  browser sends, the submit's Idempotency-Key (the page's hidden key without JavaScript) or,
  for a progress save, the resume token. A request with neither counts only against its
  address;
- per client address, over every respondent endpoint (`RESPOND_ADDRESS_LIMIT`): a generous
  ceiling on what any number of respondents behind one address send;
- new responses per client address and questionnaire (`RESPOND_NEW_RESPONDENT_LIMIT`),
  asked and counted by the services where a row is created (`NewRespondents`).

Keys and cookies are the client's choice, so the respondent count alone would let a script
make a fresh identity per request. It gains nothing by that: every request also counts against
its address, and each identity the server has not stored a response under is a new
response of its address, so a flood of made-up keys or tokens stops at the third count, a
class's worth of respondents, while a repeat of a stored key is a repeat (no new row).

The counts are Flask-Limiter's: the same storage (memory, or Redis with `REDIS_URL`, shared by
the gunicorn processes), the same strategy and the same switch (`RATELIMIT_ENABLED`). Two
things differ from its decorator:

- one pass per request. The decorator resolves a route's limits in Flask-Limiter's
  before_request pass and again in the decorator (`docs/benchmarks.md`), on the endpoints
  every respondent hits;
- when the storage fails (Redis down), respondents are counted in memory instead of getting
  an error.

Researchers' routes keep the decorator.
"""

import re
import time
import weakref
from collections.abc import Callable
from functools import cache, wraps
from typing import ParamSpec, TypeVar

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage
from limits.strategies import STRATEGIES, FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from app.extensions import limiter

P = ParamSpec("P")
R = TypeVar("R")

# What may name a respondent in a count: the shape of an Idempotency-Key (`respond.services`)
# and of a resume token. Anything else counts against the address only (and the services
# refuse a malformed key anyway).
IDENTITY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")

# After a failure the shared storage is left alone this long, so that a Redis that hangs costs
# one request its timeout, not every request.
RETRY_STORAGE_AFTER_S = 10
# Flask-Limiter's storage → when (time.monotonic()) to try it again. Weak: a test app's
# storage goes with the app.
_FAILED_UNTIL: "weakref.WeakKeyDictionary[Storage, float]" = weakref.WeakKeyDictionary()


@cache
def _parsed(limits: str) -> list[RateLimitItem]:
    return parse_many(limits)


@cache
def _in_memory() -> FixedWindowRateLimiter:
    """This process's own counts, for while the shared storage fails (as Flask-Limiter's
    in-memory fallback does for the other routes): respondents are still limited, never
    refused with an error. Made on the first failure: the storage starts a thread."""
    return FixedWindowRateLimiter(MemoryStorage())


def per_respondent(
    identity: Callable[[str], str | None],
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse (429) a request past its address's `RESPOND_ADDRESS_LIMIT`, or past
    `RESPOND_RATE_LIMIT` requests to this endpoint by one respondent: the one
    *identity(slug)* reads from the request, in the questionnaire of the route's slug."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        endpoint = view.__name__

        @wraps(view)
        def limited(*args: P.args, **kwargs: P.kwargs) -> R:
            slug = str(kwargs["slug"])
            if limiter.enabled and not _within_limits(endpoint, slug, identity(slug)):
                raise TooManyRequests()
            return view(*args, **kwargs)

        return limited

    return decorate


def per_address(limits_key: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse (429) a POST past `config[limits_key]` requests from its client address to the
    views that share *limits_key* (the receipt-code pages: a code is tried from an address,
    not by a respondent, on any of them)."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def limited(*args: P.args, **kwargs: P.kwargs) -> R:
            if limiter.enabled and request.method == "POST":
                counted = ("respond-address", limits_key, get_remote_address())
                if not _count(current_app.config[limits_key], counted, hit=True):
                    raise TooManyRequests()
            return view(*args, **kwargs)

        return limited

    return decorate


class NewRespondents:
    """The responses one client address starts in one questionnaire (a partial, or a submit
    completing none): `RESPOND_NEW_RESPONDENT_LIMIT` (app/config.py).

    Asked before a response is stored (`allowed`), counted once it was (`started`): the
    one-statement submit tells a new response from a repeat of a stored key only by its
    write, and a repeat (a reply lost on the way, sent again) is no new respondent. Between
    the two, concurrent requests may pass the test together: the ceiling can be passed by
    as many requests as are in flight.
    """

    def allowed(self, questionnaire_id: int) -> bool:
        return not limiter.enabled or _count(self._limits(), self._identifiers(questionnaire_id))

    def started(self, questionnaire_id: int) -> None:
        if limiter.enabled:
            _count(self._limits(), self._identifiers(questionnaire_id), hit=True)

    @staticmethod
    def _limits() -> str:
        return current_app.config["RESPOND_NEW_RESPONDENT_LIMIT"]

    @staticmethod
    def _identifiers(questionnaire_id: int) -> tuple[str, ...]:
        return ("respond-new", str(questionnaire_id), get_remote_address())


new_respondents = NewRespondents()


def _within_limits(endpoint: str, slug: str, identity: str | None) -> bool:
    config = current_app.config
    address = ("respond-address", get_remote_address())
    if not _count(config["RESPOND_ADDRESS_LIMIT"], address, hit=True):
        return False
    if identity is None or not IDENTITY.match(identity):
        return True  # counted by its address (and, if it starts a response, as a new one)
    return _count(config["RESPOND_RATE_LIMIT"], ("respond", endpoint, slug, identity), hit=True)


def _count(limits: str, identifiers: tuple[str, ...], *, hit: bool = False) -> bool:
    """Whether one more hit of *identifiers* holds under each of *limits*; with *hit*,
    counted too (in every window, past a limit as well)."""
    items = _parsed(limits)
    storage = limiter.storage
    if _FAILED_UNTIL.get(storage, 0.0) <= time.monotonic():
        strategy = STRATEGIES[current_app.config.get("RATELIMIT_STRATEGY", "fixed-window")]
        try:
            return _ask(strategy(storage), items, identifiers, hit)
        except Exception:  # any failure of the storage: Redis down, a timeout
            _FAILED_UNTIL[storage] = time.monotonic() + RETRY_STORAGE_AFTER_S
            current_app.logger.warning(
                "rate-limit storage failed; respondents counted in memory for %d s",
                RETRY_STORAGE_AFTER_S,
            )
    return _ask(_in_memory(), items, identifiers, hit)


def _ask(strategy, items: list[RateLimitItem], identifiers: tuple[str, ...], hit: bool) -> bool:
    if hit:
        return all([strategy.hit(item, *identifiers) for item in items])  # noqa: C419 - every window
    return all(strategy.test(item, *identifiers) for item in items)


@limiter.request_filter
def _checked_by_per_respondent() -> bool:
    """Flask-Limiter's own per-request pass skips the respondent endpoints at its first test
    (`limiter.exempt` would still resolve their limits): `per_respondent` is the whole check."""
    return request.blueprint == "respond"
