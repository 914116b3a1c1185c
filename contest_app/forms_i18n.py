"""The FlaskForm every form of the app inherits: WTForms' own messages in Vietnamese.

WTForms ships no Vietnamese catalogue, so a field left with a built-in message ("Not a valid
integer value.", "Number must be between 1 and 200.") would show English in the Vietnamese
interface. Forms import `FlaskForm` from here; in the English locale the messages stay as
WTForms wrote them.

The date fields every form uses live here too: dates typed as dd/mm/yyyy and dd/mm/yyyy HH:MM
whatever the browser's language."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm as _FlaskForm
from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from . import datetext
from .datetext import DateTextError

VI = {
    "This field is required.": "Vui lòng nhập trường này.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid email address.": "Địa chỉ email không hợp lệ.",
    "Invalid URL.": "Địa chỉ web không hợp lệ.",
    "Invalid UUID.": "Mã UUID không hợp lệ.",
    "Invalid IP address.": "Địa chỉ IP không hợp lệ.",
    "Invalid Mac address.": "Địa chỉ MAC không hợp lệ.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Choices cannot be None.": "Chưa có lựa chọn nào.",
    "'%(value)s' is not a valid choice for this field.": "«%(value)s» không phải lựa chọn hợp lệ.",
    "'%(value)s' are not valid choices for this field.":
        "«%(value)s» không phải các lựa chọn hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.":
        "Có lựa chọn không hợp lệ.",
    "Invalid field name '%s'.": "Tên trường «%s» không hợp lệ.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị không được là: %(values)s.",
    "Invalid value, must be one of: %(values)s.": "Giá trị không hợp lệ, phải là một trong: "
                                                  "%(values)s.",
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid decimal value.": "Vui lòng nhập một số.",
    "Not a valid float value.": "Vui lòng nhập một số.",
    "Not a valid date value.": "Ngày không hợp lệ.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid week value.": "Tuần không hợp lệ.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số phải từ %(max)s trở xuống.",
    "Number must be between %(min)s and %(max)s.": "Số phải trong khoảng %(min)s đến %(max)s.",
    "Date must be at least %(min)s.": "Ngày phải từ %(min)s trở đi.",
    "Date must be at most %(max)s.": "Ngày phải trước hoặc bằng %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải trong khoảng %(min)s đến %(max)s.",
    "Field must be equal to %(other_name)s.": "Phải trùng với trường %(other_name)s.",
    "Field must be between %(min)d and %(max)d characters long.":
        "Độ dài phải từ %(min)d đến %(max)d ký tự.",
    "Field must be at least %(min)d character long.": "Phải có ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Phải có ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Tối đa %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Tối đa %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải có đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Phải có đúng %(max)d ký tự.",
    "This field cannot be edited.": "Không sửa được trường này.",
    "This field is disabled and cannot have a value.": "Trường này bị khóa, không nhận giá trị.",
    "CSRF failed.": "Phiên làm việc đã hết hạn. Vui lòng tải lại trang và thử lại.",
    "CSRF token missing.": "Phiên làm việc đã hết hạn. Vui lòng tải lại trang và thử lại.",
    "CSRF token expired.": "Phiên làm việc đã hết hạn. Vui lòng tải lại trang và thử lại.",
    "Invalid CSRF Token.": "Phiên làm việc đã hết hạn. Vui lòng tải lại trang và thử lại.",
    "The CSRF token is missing.": "Phiên làm việc đã hết hạn. Vui lòng tải lại trang và thử lại.",
    "The CSRF session token is missing.":
        "Phiên làm việc đã hết hạn. Vui lòng tải lại trang và thử lại.",
    "The CSRF token has expired.": "Phiên làm việc đã hết hạn. Vui lòng tải lại trang và thử lại.",
    "The CSRF token is invalid.": "Phiên làm việc đã hết hạn. Vui lòng tải lại trang và thử lại.",
    "The CSRF tokens do not match.":
        "Phiên làm việc đã hết hạn. Vui lòng tải lại trang và thử lại.",
}


def _vietnamese() -> bool:
    if not has_request_context():
        return True  # the app is Vietnamese first
    locale = get_locale()
    return locale is None or locale.language == "vi"


class WTFormsMessages:
    """The gettext/ngettext pair WTForms asks a form's Meta for."""

    def gettext(self, string: str) -> str:
        return VI.get(string, string) if _vietnamese() else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


MESSAGES = WTFormsMessages()


class FlaskForm(_FlaskForm):
    class Meta(_FlaskForm.Meta):
        def get_translations(self, form):  # noqa: ANN001, ANN202  (WTForms' signature)
            return MESSAGES


# --- Dates typed as dd/mm/yyyy and dd/mm/yyyy HH:MM, whatever the browser's language ----------
# `<input type="date">` and `datetime-local` show the browser's own format (mm/dd/yyyy and a
# 12-hour clock on an English phone); these fields are plain text inputs read on the server.

DATE_HINT = _l("Dạng dd/mm/yyyy (ngày/tháng/năm), ví dụ 25/11/2026; gõ liền 25112026 cũng "
               "được.")
DATETIME_HINT = _l("Giờ Việt Nam, dạng dd/mm/yyyy HH:MM (24 giờ), ví dụ 25/11/2026 14:30; gõ "
                   "liền 251120261430 cũng được.")


def date_text_message(err: DateTextError, with_time: bool) -> str:
    """The Vietnamese (or, in the English locale, English) message for a refused date."""
    if err.code == "month":
        return str(_l("«%(text)s»: tháng phải từ 1 đến 12.", text=err.text))
    if err.code == "day":
        return str(_l("«%(text)s»: tháng %(month)s/%(year)s chỉ có %(days)s ngày.",
                      text=err.text, **err.details))
    if err.code == "year":
        return str(_l("«%(text)s»: năm phải từ 1900 đến 2200.", text=err.text))
    if err.code == "time":
        return str(_l("«%(text)s»: giờ phải từ 00 đến 23 và phút từ 00 đến 59 (đồng hồ 24 "
                      "giờ).", text=err.text))
    if with_time:
        return str(_l("Vui lòng nhập ngày giờ dạng dd/mm/yyyy HH:MM, ví dụ 25/11/2026 14:30."))
    return str(_l("Vui lòng nhập ngày dạng dd/mm/yyyy, ví dụ 25/11/2026."))


class _TypedDateMixin:
    """A date that could not be read says why, once: "required" and the other validators
    do not pile their own messages on top."""

    def pre_validate(self, form) -> None:  # noqa: ANN001  (WTForms' signature)
        if self.process_errors:
            raise StopValidation()


def _text_input_kw(placeholder: str, pattern: str, size: int) -> dict:
    return {"inputmode": "numeric", "pattern": pattern, "placeholder": placeholder,
            "autocomplete": "off", "maxlength": str(size)}


class LocalDateField(_TypedDateMixin, Field):
    """A calendar date (date of birth, a day filter) typed as dd/mm/yyyy; `data` is a date."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs) -> None:  # noqa: ANN001
        kwargs.setdefault("description", DATE_HINT)
        render_kw = {**_text_input_kw(datetext.DATE_PLACEHOLDER, datetext.DATE_PATTERN, 12),
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return datetext.format_date(self.data)

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if not valuelist:
            return
        try:
            self.data = datetext.parse_date(valuelist[0])
        except DateTextError as err:
            raise ValueError(date_text_message(err, with_time=False)) from err


class LocalDateTimeField(_TypedDateMixin, Field):
    """A moment typed as dd/mm/yyyy HH:MM in the contest's time zone; `data` is aware, UTC."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs) -> None:  # noqa: ANN001
        kwargs.setdefault("description", DATETIME_HINT)
        render_kw = {**_text_input_kw(datetext.DATETIME_PLACEHOLDER, datetext.DATETIME_PATTERN,
                                      20), **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    @staticmethod
    def _tz() -> ZoneInfo:
        return ZoneInfo(current_app.config["CONTEST_TIMEZONE"])

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return datetext.format_local_datetime(self.data, self._tz())

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if not valuelist:
            return
        try:
            self.data = datetext.parse_local_datetime(valuelist[0], self._tz())
        except DateTextError as err:
            raise ValueError(date_text_message(err, with_time=True)) from err
