"""The public link of a questionnaire and its QR code (segno: pure Python, PNG and SVG)."""

import io

import segno

from app.models import Questionnaire
from app.respond import test_mode
from app.urls import external_url


def public_url(questionnaire: Questionnaire) -> str:
    return external_url("respond.form", slug=questionnaire.slug)


def test_url(questionnaire: Questionnaire, secret: str) -> str:
    """The public link in test mode: what it stores is a test response (app.respond.test_mode)."""
    return external_url(
        "respond.form", slug=questionnaire.slug, test=test_mode.token(questionnaire.id, secret)
    )


def qr_code(url: str, fmt: str) -> tuple[bytes, str]:
    """The QR code of *url* as PNG or SVG bytes, with its MIME type."""
    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    if fmt == "svg":
        code.save(buffer, kind="svg", scale=8, border=2, xmldecl=True)
        return buffer.getvalue(), "image/svg+xml"
    code.save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue(), "image/png"
