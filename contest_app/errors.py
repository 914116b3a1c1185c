"""Errors mapped once: domain error codes to statuses and messages; HTML or JSON by URL prefix."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .domain import DomainError

log = logging.getLogger("contest_app")

# code -> (HTTP status, message shown to people)
ERRORS: dict[str, tuple[int, object]] = {
    "not_found": (404, _l("Không tìm thấy trang hoặc dữ liệu bạn yêu cầu.")),
    "forbidden": (403, _l("Bạn không có quyền thực hiện thao tác này.")),
    "validation_failed": (422, _l("Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại.")),
    "round_not_open": (403, _l("Vòng thi chưa mở hoặc đã kết thúc.")),
    "no_attempts_left": (409, _l("Bạn đã dùng hết số lượt thi của vòng này.")),
    "attempt_closed": (
        409, _l("Bài thi đã nộp hoặc đã hết giờ; câu trả lời này không được ghi nhận.")
    ),
    "invalid_option": (422, _l("Phương án đã chọn không thuộc câu hỏi này.")),
    "bank_too_small": (
        409,
        _l("Ngân hàng câu hỏi chưa đủ câu để tạo đề cho vòng thi này. Vui lòng báo ban tổ chức."),
    ),
    "practice_pool_too_small": (
        409,
        _l("Vòng thi thử chưa thể bắt đầu: kho câu hỏi dành cho thi thử chưa đủ câu để tạo "
           "đề. Vui lòng báo ban tổ chức."),
    ),
    "board_required": (409, _l("Bạn cần chọn bảng thi trước khi bắt đầu làm bài.")),
    "round_locked": (
        409, _l("Vòng thi đã có bài làm nên chỉ được sửa thời gian kết thúc.")
    ),
    "round_frozen": (
        409, _l("Bảng xếp hạng của vòng thi đã được công bố nên không được sửa thời gian và quy "
                "tắc của vòng thi. Muốn sửa, hãy hủy công bố (ghi rõ lý do) trước.")
    ),
    "unauthorized": (401, _l("Bạn cần đăng nhập (token không hợp lệ hoặc đã hết hạn).")),
}

HTTP_MESSAGES: dict[int, object] = {
    400: _l("Yêu cầu không hợp lệ."),
    401: _l("Bạn cần đăng nhập để tiếp tục."),
    403: _l("Bạn không có quyền truy cập trang này."),
    404: _l("Không tìm thấy trang bạn yêu cầu."),
    405: _l("Phương thức không được hỗ trợ."),
    409: _l("Yêu cầu xung đột với trạng thái hiện tại."),
    413: _l("Tệp hoặc dữ liệu gửi lên quá lớn."),
    422: _l("Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại."),
    429: _l("Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút."),
    500: _l("Hệ thống đang gặp sự cố. Vui lòng thử lại sau."),
}


# Statuses with a page of their own (same layout as the site, a way home); others share one.
PAGES = {403: "errors/403.html", 404: "errors/404.html", 413: "errors/413.html"}


def register_domain_error(code: str, status: int, message: object) -> None:
    """Declare how a domain error code is shown (called by each domain at import)."""
    ERRORS[code] = (status, message)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: object, fields: dict | None = None):
    if wants_json():
        body: dict = {"error": {"code": code, "message": str(message)}}
        if fields:
            body["error"]["fields"] = {k: str(v) for k, v in fields.items()}
        return jsonify(body), status
    template = PAGES.get(status, "errors/500.html" if status >= 500 else "errors/error.html")
    return render_template(template, status=status, message=message), status


def form_url() -> str | None:
    """Where the refused form was: the page that sent the request (same site only), else the
    address it was sent to; with ?khoi_phuc=1 so the form puts back what was typed."""
    from .security import safe_next

    referrer = urlsplit(request.referrer or "")
    candidate = None
    if referrer.netloc == request.host and referrer.path:
        candidate = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    elif request.method == "POST":
        candidate = request.path
    target = safe_next(candidate, "")
    if not target:
        return None
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "khoi_phuc"]
    return urlunsplit(("", "", parts.path, urlencode([*query, ("khoi_phuc", "1")]), ""))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        from .extensions import db

        if err.persist:
            db.session.commit()
        else:
            db.session.rollback()
        status, message = ERRORS.get(err.code, (400, HTTP_MESSAGES[400]))
        return error_response(status, err.code, message, err.fields or None)

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        return error_response(
            400, "csrf_failed", _l("Phiên làm việc đã hết hạn, vui lòng tải lại trang và thử lại.")
        )

    @app.errorhandler(413)
    def _too_large(err: HTTPException):
        # The body past the limit is never read, so nothing typed can come back from it: the
        # page links back to the form, whose script puts back the draft kept in the browser.
        if wants_json():
            return error_response(413, "request_entity_too_large", HTTP_MESSAGES[413])
        return render_template("errors/413.html", status=413, message=HTTP_MESSAGES[413],
                               back_url=form_url()), 413

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        status = err.code or 500
        code = (err.name or "error").lower().replace(" ", "_")
        message = HTTP_MESSAGES.get(status, err.description)
        response = error_response(status, code, message)
        if status == 405 and hasattr(err, "valid_methods") and err.valid_methods:
            resp, st = response
            resp = app.make_response((resp, st))
            resp.headers["Allow"] = ", ".join(err.valid_methods)
            return resp
        return response

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", HTTP_MESSAGES[500])
