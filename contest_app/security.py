"""Role checks, security headers and the Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, abort
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


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

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
