"""The per-client rate limit of the public respondent endpoints.

It is Flask-Limiter's: the same storage (memory, or Redis with `REDIS_URL`, shared by the
gunicorn processes), the same strategy and the same switch (`RATELIMIT_ENABLED`). Two things
differ from its decorator:

- one check per request. The decorator resolves a route's limits in Flask-Limiter's
  before_request pass and again in the decorator: 0.12 ms of a 1 ms submit, against
  0.05 ms now with Flask-Limiter's remaining hooks (`docs/benchmarks.md`), on the endpoints
  every respondent hits;
- when the storage fails (Redis down), respondents are counted in memory instead of getting
  an error.

Besides the per-endpoint count, `new_partial_allowed` counts the partial responses a client
address starts in one questionnaire (`RESPOND_PARTIAL_LIMIT`): each request without a resume
cookie would otherwise be a new row.

Researchers' routes keep the decorator.
"""

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

DEFAULT_LIMIT = "120 per minute;2000 per hour"

P = ParamSpec("P")
R = TypeVar("R")

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


def per_respondent(view: Callable[P, R]) -> Callable[P, R]:
    """Refuse (429) a client address past `RESPOND_RATE_LIMIT` requests to this endpoint."""
    endpoint = view.__name__

    @wraps(view)
    def limited(*args: P.args, **kwargs: P.kwargs) -> R:
        if limiter.enabled and not _within_limit(endpoint):
            raise TooManyRequests()
        return view(*args, **kwargs)

    return limited


def new_partial_allowed(questionnaire_id: int) -> bool:
    """Whether this client address may start one more partial response to the questionnaire
    (counted, when it may): `RESPOND_PARTIAL_LIMIT` (app/config.py)."""
    if not limiter.enabled:
        return True
    limits = current_app.config["RESPOND_PARTIAL_LIMIT"]
    return _hit(limits, ("respond-partial", str(questionnaire_id), get_remote_address()))


def _within_limit(endpoint: str) -> bool:
    limits = current_app.config.get("RESPOND_RATE_LIMIT", DEFAULT_LIMIT)
    return _hit(limits, ("respond", endpoint, get_remote_address()))


def _hit(limits: str, identifiers: tuple[str, ...]) -> bool:
    """Count one hit of *identifiers* against each of *limits*; whether all still hold."""
    items = _parsed(limits)
    storage = limiter.storage
    if _FAILED_UNTIL.get(storage, 0.0) <= time.monotonic():
        strategy = STRATEGIES[current_app.config.get("RATELIMIT_STRATEGY", "fixed-window")]
        shared = strategy(storage)
        try:
            return all(shared.hit(item, *identifiers) for item in items)
        except Exception:  # any failure of the storage: Redis down, a timeout
            _FAILED_UNTIL[storage] = time.monotonic() + RETRY_STORAGE_AFTER_S
            current_app.logger.warning(
                "rate-limit storage failed; respondents counted in memory for %d s",
                RETRY_STORAGE_AFTER_S,
            )
    local = _in_memory()
    return all(local.hit(item, *identifiers) for item in items)


@limiter.request_filter
def _checked_by_per_respondent() -> bool:
    """Flask-Limiter's own per-request pass skips the respondent endpoints at its first test
    (`limiter.exempt` would still resolve their limits): `per_respondent` is the whole check."""
    return request.blueprint == "respond"
