"""Role checks, security headers, the Content-Security-Policy and the one rule for `next`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Pages meant to be framed by provincial portals and newspapers (the contest widget).
EMBED_PREFIX = "/nhung/"


_SOURCE = re.compile(
    r"(?:[a-z][a-z0-9+.-]*:|[a-z][a-z0-9+.-]*://(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*"
    r"(?::[0-9]+|:\*)?|'self')", re.IGNORECASE)


def embed_frame_ancestors(configured: str | None) -> str:
    """The `frame-ancestors` sources for embed pages from EMBED_ALLOWED_ORIGINS: space-separated
    origins with their scheme (`https://portal.gov.vn`, `https://*.gov.vn:443`), schemes
    (`https:`) or `'self'`; unset or blank: any https origin. Other tokens are dropped, so the
    value cannot end the directive or add another; when none is left nobody may frame."""
    if not (configured or "").strip():
        return "https:"
    tokens = [t for t in configured.split() if _SOURCE.fullmatch(t)]
    return " ".join(tokens) or "'none'"


def embed_csp(configured: str | None) -> str:
    return CSP.replace("frame-ancestors 'none'",
                       f"frame-ancestors {embed_frame_ancestors(configured)}")


HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
_COMMON = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))
PAGE_HEADERS = (("Content-Security-Policy", CSP), ("X-Frame-Options", "DENY"), *_COMMON)


@lru_cache(maxsize=16)
def embed_headers(configured: str | None) -> tuple[tuple[str, str], ...]:
    return (("Content-Security-Policy", embed_csp(configured)), *_COMMON)


def add_security_headers(app: Flask, response: Response) -> None:
    """Content-Security-Policy, X-Frame-Options (not on embed pages, which the CSP alone lets
    the configured origins frame), nosniff, Referrer-Policy and HSTS on HTTPS deployments;
    a header the view set itself is kept."""
    if request.path.startswith(EMBED_PREFIX):
        defaults = embed_headers(app.config.get("EMBED_ALLOWED_ORIGINS"))
    else:
        defaults = PAGE_HEADERS
    if app.config.get("SESSION_COOKIE_SECURE"):
        defaults = (*defaults, HSTS)
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    for name, value in defaults:
        if name.lower() not in present:
            headers.add(name, value)


def safe_next(value: str | None, default: str) -> str:
    r"""The redirect target named by a `next` parameter if it is a local path, else `default`.

    `value` is the parameter as Werkzeug gives it (percent-decoded once). Control and format
    characters are removed wherever they are (browsers drop tab, CR and LF inside URLs, so
    `/\t/evil.example` would become `//evil.example`) and surrounding whitespace is stripped.
    What is left must be printable ASCII without spaces, start with one `/` (not `//` nor `/\`),
    contain no backslash, and have neither a scheme nor a host. Anything else gives `default`,
    which callers build with `url_for`."""
    if not value:
        return default
    cleaned = "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cf")).strip()
    if not cleaned or any(not ("!" <= c <= "~") for c in cleaned):
        return default
    if not cleaned.startswith("/") or cleaned.startswith(("//", "/\\")) or "\\" in cleaned:
        return default
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return default
    if parts.scheme or parts.netloc:
        return default
    return cleaned


def role_required(*roles: str) -> Callable[[F], F]:
    """Allow the view to users holding any of `roles`; anonymous users go to the login page,
    logged-in users without the role get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from .extensions import login_manager

                return login_manager.unauthorized()
            if roles and not any(current_user.has_role(r) for r in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def register_security(app: Flask) -> None:
    from .accounts.models import User
    from .accounts.services import load_session_user
    from .extensions import db, login_manager

    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(user_id: str) -> User | None:
        # "<id>:<generation>": a locked account, an ended session (logout everywhere, password
        # change, deactivation) or an old bare "<id>" cookie is simply anonymous.
        return load_session_user(db.session, user_id)

    # The security headers (add_security_headers) are added by hooks.install's after_request.
