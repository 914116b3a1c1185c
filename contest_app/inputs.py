"""Odd input refused in one place: bounded integers from query strings and forms (400 with a
clear message), JSON nested too deep (400), and NUL characters, which PostgreSQL cannot store
in text (400). The parsing itself is in `parsing` (Flask-free)."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l

from .domain import DomainError
from .parsing import INT4_MAX, MAX_ID, MAX_JSON_DEPTH, contains_nul, json_depth_exceeds, parse_int

__all__ = ["MAX_ID", "arg_int", "form_int", "parse_int", "register_input_guards"]


NUL_FIELD = _l("Có ký tự rỗng (NUL).")


class BadParameter(DomainError):
    """A number in the address or a form is not an ASCII integer within its bounds."""

    code = "invalid_parameter"


class JsonTooDeep(DomainError):
    code = "json_too_deep"


class NulCharacter(DomainError):
    code = "nul_character"


def _register_errors() -> None:
    from .errors import register_domain_error

    register_domain_error("invalid_parameter", 400, _l(
        "Tham số gửi lên không hợp lệ: cần một số nguyên trong giới hạn cho phép."))
    register_domain_error("json_too_deep", 400, _l(
        "Dữ liệu JSON lồng nhau quá sâu, không được xử lý."))
    register_domain_error("nul_character", 400, _l(
        "Dữ liệu gửi lên chứa ký tự rỗng (NUL), không được chấp nhận."))


def _bounded(name: str, raw: str | None, default: int | None, minimum: int,
             maximum: int) -> int | None:
    if raw is None or raw.strip() == "":
        return default
    number = parse_int(raw, minimum, maximum)
    if number is None:
        raise BadParameter(**{name: _l("Cần một số nguyên trong giới hạn cho phép.")})
    return number


def arg_int(name: str, default: int | None = None, *, minimum: int = 0,
            maximum: int = INT4_MAX) -> int | None:
    """The query-string parameter `name` as a bounded int; `default` when absent or empty;
    BadParameter (400) when present but not an ASCII integer within [minimum, maximum]."""
    return _bounded(name, request.args.get(name), default, minimum, maximum)


def form_int(name: str, default: int | None = None, *, minimum: int = 0,
             maximum: int = INT4_MAX, values: bool = False) -> int | None:
    """The form field `name` (or query-or-form when `values`) as `arg_int` reads the query."""
    source = request.values if values else request.form
    return _bounded(name, source.get(name), default, minimum, maximum)


# --- JSON --------------------------------------------------------------------------------

class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON with a depth limit on loading: a body nested 100,000 levels is a 400
    (JsonTooDeep), not a RecursionError and a 500. The depth is only walked when the text
    has more brackets than the limit, so ordinary small bodies cost one count."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise JsonTooDeep() from None
        opens = (s.count(b"[") + s.count(b"{")) if isinstance(s, bytes | bytearray) else (
            s.count("[") + s.count("{"))
        if opens > MAX_JSON_DEPTH and json_depth_exceeds(value):
            raise JsonTooDeep()
        return value


# --- NUL characters ----------------------------------------------------------------------


def refuse_nul() -> None:
    """before_request: refuse any query string, form field or JSON string holding a NUL.
    Cheap on the hot paths: a JSON body is parsed only when its raw bytes hold `\\u0000`;
    uploaded files are not looked at (binary content may hold NUL bytes)."""
    query = request.query_string
    if b"%00" in query or b"\x00" in query:
        raise NulCharacter(query=NUL_FIELD)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        data = request.get_data(cache=True)
        if b"\\u0000" in data and contains_nul(request.get_json(silent=True)):
            raise NulCharacter(body=NUL_FIELD)
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            if "\x00" in value or "\x00" in key:
                raise NulCharacter(**{key.replace("\x00", "") or "body": NUL_FIELD})


def register_input_guards(app: Flask) -> None:
    _register_errors()
    app.json = SafeJSONProvider(app)
    app.before_request(refuse_nul)
