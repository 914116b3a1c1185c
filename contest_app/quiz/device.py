"""A device mark for the suspicious-entry review: a random value in a long-lived cookie, set
when an attempt is started from a browser, and stored on the attempt only as a hash. It tells
the organiser that several accounts started attempts from one browser within minutes; it is
never used to refuse anyone."""

from __future__ import annotations

import hashlib
import secrets

from flask import Request, Response

DEVICE_COOKIE = "thiet_bi"
ONE_YEAR = 365 * 24 * 3600


def token_of(request: Request) -> tuple[str, bool]:
    """The browser's device token, or a new one (and whether it is new)."""
    token = request.cookies.get(DEVICE_COOKIE, "")
    if 20 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum():
        return token, False
    return secrets.token_urlsafe(24), True


def digest(token: str) -> str:
    return hashlib.sha256(("device:" + token).encode()).hexdigest()


def remember(response: Response, token: str, secure: bool) -> Response:
    response.set_cookie(DEVICE_COOKIE, token, max_age=ONE_YEAR, httponly=True,
                        samesite="Lax", secure=secure)
    return response
