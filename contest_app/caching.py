"""Short-lived caching of public pages that every anonymous visitor sees alike.

A page is cached only for a visitor without a session (no login, no flash message, no CSRF
token) and only when the response sets no cookie, so nothing personal is ever stored or
served to someone else. The key holds the full path with its query and the language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request, session

from .extensions import cache


def _personal() -> bool:
    return bool(session) or "remember_token" in request.cookies


def _key() -> str:
    return f"public:{request.cookies.get('lang', 'vi')}:{request.full_path}"


def _cacheable(response: Any) -> bool:
    """A plain 200 page whose rendering put nothing in the session (no CSRF token, no flash)."""
    if session.modified or session:
        return False
    if isinstance(response, tuple):
        return False  # an explicit status or headers: not a plain page
    if isinstance(response, Response):
        return response.status_code == 200 and "Set-Cookie" not in response.headers
    return isinstance(response, str)


def public_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Cache an anonymous public page for PUBLIC_PAGE_SECONDS."""
    cached = None

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal cached
        if cached is None:
            cached = cache.cached(
                timeout=current_app.config["PUBLIC_PAGE_SECONDS"], unless=_personal,
                make_cache_key=lambda *a, **k: _key(), response_filter=_cacheable,
            )(view)
        return cached(*args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    wrapper.__wrapped__ = view  # type: ignore[attr-defined]
    return wrapper


def remembered(key: str, seconds: int, compute: Callable[[], Any]) -> Any:
    """A value everyone may see alike (a count on a public page), computed at most once per
    `seconds` per cache; None is never cached."""
    value = cache.get(key)
    if value is None:
        value = compute()
        if value is not None:
            cache.set(key, value, timeout=seconds)
    return value
