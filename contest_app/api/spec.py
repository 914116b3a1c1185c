"""OpenAPI 3 document built from the API's own route declarations.

Each view is declared with `operation(...)`, which records its path, method, request schema and
responses; the same request schema validates incoming JSON, so the document cannot drift from
what the code accepts."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from jsonschema import Draft202012Validator, validators

from ..domain import ValidationFailed

OPERATIONS: list[dict[str, Any]] = []


def _strict_integer(checker: Any, instance: Any) -> bool:
    """JSON Schema counts 1.0 as an integer; the API does not: an id or a count must be sent as
    an integer literal, so `1.0`, `1e0`, `"1"` and `true` are refused (422) before any view."""
    return type(instance) is int


StrictValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer))

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}

TIMESTAMP = {"type": "string", "format": "date-time"}
BINARY = {"type": "string", "format": "binary"}
NULLABLE_TIMESTAMP = {"type": ["string", "null"], "format": "date-time"}


def operation(
    path: str,
    method: str,
    summary: str,
    responses: dict[int, dict[str, Any] | None],
    body: dict[str, Any] | None = None,
    auth: bool = True,
    parameters: list[dict[str, Any]] | None = None,
    fast_valid: Callable[[Any], bool] | None = None,
    media: dict[int, str] | None = None,
) -> Callable:
    """Declare an API operation; validates the JSON body against `body` before the view runs.

    `fast_valid`, for hot paths, recognises the common valid body cheaply; anything it does
    not accept goes through the full schema validation (and its field errors). `media` names
    the content type of responses that are not JSON (e.g. {200: "application/pdf"})."""
    validator = StrictValidator(body) if body else None

    def decorator(view: Callable) -> Callable:
        OPERATIONS.append({
            "path": path, "method": method.lower(), "summary": summary, "responses": responses,
            "body": body, "auth": auth, "parameters": parameters or [],
            "operationId": view.__name__, "media": media or {},
        })

        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if validator is not None:
                payload = request.get_json(silent=True)
                if payload is None:
                    raise ValidationFailed(body=_l("Nội dung phải là JSON hợp lệ."))
                if fast_valid is not None and fast_valid(payload):
                    kwargs["payload"] = payload
                    return view(*args, **kwargs)
                errors = {}
                for err in validator.iter_errors(payload):
                    field = ".".join(str(p) for p in err.absolute_path) or (
                        err.validator_value[0] if err.validator == "required"
                        and isinstance(err.validator_value, list) else "body")
                    if err.validator == "required":
                        missing = err.message.split("'")[1] if "'" in err.message else field
                        field = missing
                    errors[field] = _message(err)
                if errors:
                    raise ValidationFailed(**errors)
                kwargs["payload"] = payload
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _message(err: Any) -> str:
    if err.validator == "required":
        return str(_l("Thiếu trường bắt buộc."))
    if err.validator == "type":
        return str(_l("Sai kiểu dữ liệu."))
    if err.validator in ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"):
        return str(_l("Giá trị nằm ngoài giới hạn cho phép."))
    if err.validator == "additionalProperties":
        return str(_l("Có trường không được hỗ trợ."))
    return str(_l("Giá trị không hợp lệ."))


def build_spec() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        params = [
            {"name": name, "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}
            for name in _path_params(op["path"])
        ] + op["parameters"]
        entry: dict[str, Any] = {
            "operationId": op["operationId"],
            "summary": op["summary"],
            "responses": {
                str(code): {
                    "description": _describe(code),
                    **({"content": {op["media"].get(code, "application/json"):
                                    {"schema": schema}}}
                       if schema is not None else {}),
                }
                # Any call presenting an invalid bearer token is refused with 401; any call
                # with a NUL character, JSON nested too deep or a malformed number with 400.
                for code, schema in sorted({400: ERROR, 401: ERROR, **op["responses"]}.items())
            },
        }
        if params:
            entry["parameters"] = params
        if op["body"] is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": op["body"]}},
            }
        if not op["auth"]:
            entry["security"] = []
        paths.setdefault(op["path"], {})[op["method"]] = entry
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hội thi CCHC API", "version": "1.0.0",
                 "description": "JSON API v1 for contests, rounds and attempts."},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }


def _path_params(path: str) -> list[str]:
    import re

    return re.findall(r"{(\w+)}", path)


def _describe(code: int) -> str:
    return {200: "OK", 201: "Created", 202: "Accepted", 204: "No content", 400: "Bad request",
            401: "Unauthorized",
            403: "Forbidden", 404: "Not found", 409: "Conflict",
            422: "Validation failed", 429: "Too many requests"}.get(code, "Response")
