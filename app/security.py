"""HTTP security headers for every response (Flask-Talisman), and no copy of a page kept in a
cache."""

from flask import Flask, request

from app.extensions import talisman

# Everything is served from our own origin: Bootstrap comes from the Bootstrap-Flask package,
# scripts from app/static. No inline script or style, so no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_app(app: Flask) -> None:
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )

    app.after_request(_no_store)


def _no_store(response):
    """Every page but the static files: `Cache-Control: no-store`, so no browser or proxy keeps
    a copy of a response, a transcript or an export (a shared computer's cache, a proxy's disk).

    The rule is by page, not by who is signed in: the respondent's pages carry answers too
    (resuming, the receipt), and no page here gains from a cache (each has its own CSRF token).
    It replaces `no-cache` (which allows storing), which `send_file` sets on downloads. A view
    that may be cached in the browser only says so with `Cache-Control: private`, kept as is.
    """
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.endswith(".static") or response.cache_control.private:
        return response
    response.headers["Cache-Control"] = "no-store"
    return response
