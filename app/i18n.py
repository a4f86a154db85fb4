"""Language choice: zh_CN first, English second (Flask-Babel)."""

from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

from app.extensions import babel

# `babel.Locale.parse("zh_CN")` scans every locale file name Babel ships (about 1 ms each
# time); Flask-Babel calls it once per request with what the selector returns, and returns a
# `Locale` given to it unchanged. So the few languages offered are parsed once, here.
_PARSED: dict[str, Locale] = {}


def select_locale() -> str:
    """The user's saved choice, then this browser session's, then the browser's, then zh_CN;
    zh_CN outside a request too (a command, a job's worker), unless `force_locale` says."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages, default=languages[0])


def _selected_locale() -> Locale:
    name = select_locale()
    parsed = _PARSED.get(name)
    if parsed is None:
        parsed = _PARSED.setdefault(name, Locale.parse(name))
    return parsed


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=_selected_locale, timezone_selector=None)

    @app.context_processor
    def inject_locale():
        locale = select_locale() if request else app.config["BABEL_DEFAULT_LOCALE"]
        return {"current_locale": locale, "html_lang": locale.replace("_", "-")}
