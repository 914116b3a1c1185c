"""API authentication: a bearer token, or the cookie session plus the X-CSRFToken header."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..accounts.models import parse_session_id
from ..accounts.services import session_user_id, user_for_token
from ..domain import DomainError
from ..extensions import csrf, db
from ..inputs import MAX_ID
from . import bp

csrf.exempt(bp)


class Unauthorized(DomainError):
    code = "unauthorized"


# Views whose one statement checks the cookie session itself (see `session_checked_by_view`).
_CHECKED_BY_VIEW: set[str] = set()


def session_checked_by_view(view: Callable) -> Callable:
    """Mark an API view as checking the cookie session in its own statement (passing
    g.api_session_generation to the service), so the request makes one round trip instead of
    a SELECT here and the write after. A session that fails the check is still a 401."""
    _CHECKED_BY_VIEW.add(f"{bp.name}.{view.__name__}")
    return view


def _defer_session_check(raw: object) -> bool:
    """For a marked view with a well-formed session id and no remember cookie (which could
    stand in for a stale session): CSRF as below, the user id and generation in `g`, the
    account check left to the view's statement. A CSRF failure is a 401 rather than a 400 when
    the session itself is no longer valid, as on the usual path."""
    parsed = parse_session_id(raw)
    if parsed is None or parsed[0] > MAX_ID or request.endpoint not in _CHECKED_BY_VIEW:
        return False
    if request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")):
        return False
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        try:
            csrf.protect()
        except CSRFError:
            if session_user_id(db.session, raw) is None:
                return True  # anonymous: require_user_id answers 401
            raise
    g.api_user_id, g.api_session_generation = parsed
    return True


@bp.before_request
def _authenticate() -> None:
    g.api_user_id = None
    g.api_session_generation = None
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        user = user_for_token(db.session, header[7:].strip())
        if user is None:
            raise Unauthorized()
        g.api_user_id = user.id
        g.api_user = user
        return
    # Cookie session (the quiz page's own JavaScript): CSRF is checked for unsafe methods.
    # The session id carries the account's session generation: a locked account or an ended
    # session (logout everywhere, password change) is anonymous here too.
    raw = session.get("_user_id")
    if _defer_session_check(raw):
        return
    user_id = session_user_id(db.session, raw)
    if user_id is None and request.cookies.get(current_app.config.get(
            "REMEMBER_COOKIE_NAME", "remember_token")):
        user_id = current_user.id if current_user.is_authenticated else None
    if user_id is not None:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        g.api_user_id = user_id


def require_user_id() -> int:
    if g.get("api_user_id") is None:
        raise Unauthorized()
    return g.api_user_id
