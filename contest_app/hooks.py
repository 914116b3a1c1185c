"""The per-request hooks, made lean: every request pays only for what it uses.

Flask and its extensions each add their own hooks, and each hook costs a call (and Flask's
coroutine check) on every request, whatever the route does. Here the same checks run in fewer,
cheaper hooks, with the same outcome:

- one before_request for CSRF and the NUL guard, in that order (CSRF first, as before). A safe
  method (GET, HEAD, OPTIONS, or any method outside WTF_CSRF_METHODS) is never CSRF-checked
  and only its query string is looked at for NUL;
- one after_request for the security headers (precomputed), Flask-Limiter's rate-limit
  headers and Flask-Login's remember cookie, in the order Flask ran them before. The limiter
  parts run only when a limited view ran in this request (it keeps its state on the request
  context), the remember-cookie update only when the session holds something or is refreshed
  each request;
- the session's signing serializer is built once per secret key instead of per request, and an
  empty untouched session returns at once;
- Flask's `ensure_sync` (a coroutine check per hook and view call) is remembered per function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, request, session
from flask.globals import request_ctx
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from itsdangerous import URLSafeTimedSerializer

from .security import add_security_headers

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LeanSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with the serializer kept per key set (Flask builds, and
    self-tests, a new one on every request) and a quick return for an empty, untouched
    session. Cookies, signing, salts and expiry are Flask's own."""

    _serializers: dict[tuple[Any, ...], URLSafeTimedSerializer]

    def __init__(self) -> None:
        self._serializers = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            if len(self._serializers) > 8:
                self._serializers.clear()
            serializer = self._serializers[key] = super().get_signing_serializer(app)
        return serializer

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified:
            if session.accessed:
                if "Vary" in response.headers:
                    response.vary.add("Cookie")
                else:
                    response.headers.add("Vary", "Cookie")
            return
        super().save_session(app, session, response)


class ContestFlask(Flask):
    """Flask with `ensure_sync` remembered per function (hooks and views never change)."""

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        cache = self.__dict__.setdefault("_sync_cache", {})
        try:
            return cache[func]
        except KeyError:
            if len(cache) > 4096:
                cache.clear()
            wrapped = cache[func] = super().ensure_sync(func)
            return wrapped
        except TypeError:  # not hashable
            return super().ensure_sync(func)


def _limiter_ran() -> bool:
    return hasattr(request_ctx._get_current_object(), "_limiter_request_context")


def install(app: Flask, csrf: Any, limiter: Any, login_manager: Any,
            refuse_nul: Callable[[], None]) -> None:
    """Replace the extensions' global hooks by the lean ones. Call after every extension is
    initialised and before blueprints add their own hooks."""
    csrf_hook = next(f for f in app.before_request_funcs[None]
                     if getattr(f, "__qualname__", "").startswith("CSRFProtect."))
    app.before_request_funcs[None] = [
        f for f in app.before_request_funcs[None] if f is not csrf_hook and f is not refuse_nul]

    def guard_request() -> None:
        method = request.method
        if method in app.config["WTF_CSRF_METHODS"]:
            csrf_hook()
        if method not in SAFE_METHODS:
            refuse_nul()
            return
        query = request.query_string
        if query and (b"%00" in query or b"\x00" in query):
            refuse_nul()

    app.before_request_funcs[None].insert(0, guard_request)

    after = app.after_request_funcs.get(None, [])
    inject = next((f for f in after if getattr(getattr(f, "func", None), "__name__", "")
                   .endswith("__inject_headers")), None)
    remember = login_manager._update_remember_cookie
    app.after_request_funcs[None] = [
        f for f in after if f is not inject and f != remember]

    def finish_response(response: Response) -> Response:
        add_security_headers(app, response)
        if inject is not None and _limiter_ran():
            response = inject(response)
        if session or session.modified or app.config.get(
                "REMEMBER_COOKIE_REFRESH_EACH_REQUEST"):
            response = remember(response)
        return response

    app.after_request_funcs[None].insert(0, finish_response)

    teardown = app.teardown_request_funcs.get(None, [])
    release = next((f for f in teardown if getattr(f, "__name__", "")
                    .endswith("__release_context")), None)
    if release is not None:
        def release_limiter(exc: BaseException | None = None) -> None:
            if _limiter_ran():
                release(exc)

        app.teardown_request_funcs[None] = [
            release_limiter if f is release else f for f in teardown]
