"""Locale and time-zone helpers for templates: dates shown in the contest's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import get_locale


def local_time(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(current_app.config["CONTEST_TIMEZONE"]))


def format_dt(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """`25/11/2026 14:30` in the contest's time zone (empty for None)."""
    local = local_time(value)
    return local.strftime(fmt) if local else ""


def format_duration(ms: int | None, tenths: bool = False) -> str:
    """Milliseconds as mm:ss (or h:mm:ss); with `tenths`, to the tenth of a second as rankings
    need when time breaks a tie ("12:05,3", Vietnamese decimal comma; cut, never rounded up)."""
    if ms is None:
        return "—"
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    if tenths:
        text += f",{(ms % 1000) // 100}"
    return text


def number_text(value: float | int | None, digits: int = 0, locale: str = "vi") -> str:
    """A number with the locale's separators, `digits` decimals: 1.234.567 and 8,5 in
    Vietnamese, 1,234,567 and 8.5 in English (Babel's CLDR data); "—" for None."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=locale)


def format_number(value: float | int | None, digits: int = 0) -> str:
    """The `num` filter: `number_text` in the page's language (Vietnamese outside a request)."""
    locale = str(get_locale() or "vi") if has_request_context() else "vi"
    return number_text(value, digits, locale)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["dt"] = format_dt
    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.filters["num"] = format_number

    @app.context_processor
    def _ctx() -> dict:
        def lang_url(code: str) -> str:
            return url_for("main.set_language", code=code, next=request.full_path.rstrip("?"))

        return {"current_locale": str(get_locale() or "vi"), "lang_url": lang_url}
