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


GENERATION_KEY = "public:generation"


def _key() -> str:
    # The generation is shared through the cache itself (Redis when several instances run):
    # bumping it retires every instance's cached public pages at once.
    generation = cache.get(GENERATION_KEY) or "0"
    return f"public:{generation}:{request.cookies.get('lang', 'vi')}:{request.full_path}"


def invalidate_public_pages() -> None:
    """Forget every cached public page on every instance (after publishing or withdrawing a
    ranking, or any change the public pages show)."""
    import uuid

    cache.set(GENERATION_KEY, uuid.uuid4().hex[:12], timeout=0)


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
