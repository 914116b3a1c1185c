"""API authentication: a bearer token, or the cookie session plus the X-CSRFToken header."""

from __future__ import annotations

from flask import current_app, g, request, session
from flask_login import current_user

from ..accounts.services import session_user_id, user_for_token
from ..domain import DomainError
from ..extensions import csrf, db
from . import bp

csrf.exempt(bp)


class Unauthorized(DomainError):
    code = "unauthorized"


@bp.before_request
def _authenticate() -> None:
    g.api_user_id = None
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
    user_id = session_user_id(db.session, session.get("_user_id"))
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
