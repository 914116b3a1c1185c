"""Survey forms: creating and setting up a survey, sections, questions, staff entry; and the
translation of a submitted answer page into the API's answer shape."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms_i18n import FlaskForm, LocalDateTimeField
from ..parsing import parse_int
from .models import MULTIPLE, NUMBER, SCALE, SINGLE, STAFF_SOURCES

REQUIRED = _l("Vui lòng điền thông tin này.")

KIND_LABELS = {
    SCALE: _l("Thang đo mức độ hài lòng (5 mức)"),
    SINGLE: _l("Chọn một"),
    MULTIPLE: _l("Chọn nhiều"),
    "short_text": _l("Trả lời ngắn"),
    "long_text": _l("Trả lời dài"),
    NUMBER: _l("Số"),
}
PROFILE_LABELS = {
    "procedure": _l("Thủ tục đã thực hiện"),
    "unit": _l("Đơn vị giải quyết"),
    "channel": _l("Hình thức nộp hồ sơ (trực tiếp, trực tuyến, qua bưu chính)"),
    "age_group": _l("Nhóm tuổi"),
    "gender": _l("Giới tính"),
}
CHANNEL_LABELS = {"paper": _l("Phiếu giấy"), "phone": _l("Phỏng vấn qua điện thoại")}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CreateSurveyForm(FlaskForm):
    title = StringField(_l("Tên khảo sát"), validators=[DataRequired(REQUIRED), Length(max=255)])


class SettingsForm(FlaskForm):
    title = StringField(_l("Tên khảo sát"), validators=[DataRequired(REQUIRED), Length(max=255)])
    introduction = TextAreaField(_l("Lời giới thiệu"), validators=[Optional(), Length(max=5000)])
    opens_at = LocalDateTimeField(_l("Mở lúc"), validators=[DataRequired(REQUIRED)])
    closes_at = LocalDateTimeField(_l("Đóng lúc"), validators=[DataRequired(REQUIRED)])
    thank_you = TextAreaField(_l("Lời cảm ơn sau khi gửi"),
                              validators=[Optional(), Length(max=2000)])
    label_1 = StringField(_l("Mức 1"), validators=[DataRequired(REQUIRED), Length(max=100)])
    label_2 = StringField(_l("Mức 2"), validators=[DataRequired(REQUIRED), Length(max=100)])
    label_3 = StringField(_l("Mức 3"), validators=[DataRequired(REQUIRED), Length(max=100)])
    label_4 = StringField(_l("Mức 4"), validators=[DataRequired(REQUIRED), Length(max=100)])
    label_5 = StringField(_l("Mức 5"), validators=[DataRequired(REQUIRED), Length(max=100)])
    profile = MultiCheckboxField(_l("Câu hỏi thông tin chung"),
                                 choices=list(PROFILE_LABELS.items()))
    one_per_browser = BooleanField(_l("Mỗi trình duyệt chỉ gửi một phiếu"), default=True)
    population = IntegerField(
        _l("Tổng số người, tổ chức đã giải quyết thủ tục trong kỳ (N)"),
        validators=[Optional(), NumberRange(min=1, max=100_000_000,
                                            message=_l("Nhập một số nguyên dương."))])

    def labels(self) -> list[str]:
        return [getattr(self, f"label_{i}").data for i in range(1, 6)]

    def validate_closes_at(self, field: LocalDateTimeField) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("Thời gian đóng phải sau thời gian mở."))


class SectionForm(FlaskForm):
    title = StringField(_l("Tên phần"), validators=[DataRequired(REQUIRED), Length(max=255)])
    description = TextAreaField(_l("Mô tả ngắn"), validators=[Optional(), Length(max=2000)])


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Nội dung câu hỏi"),
                         validators=[DataRequired(REQUIRED), Length(max=2000)])
    kind = SelectField(_l("Loại câu hỏi"), choices=list(KIND_LABELS.items()), default=SCALE)
    required = BooleanField(_l("Bắt buộc trả lời"))
    new_options = TextAreaField(_l("Thêm phương án (mỗi dòng một phương án)"),
                                validators=[Optional(), Length(max=20000)])

    def new_option_lines(self) -> list[str]:
        return [line.strip() for line in (self.new_options.data or "").splitlines()
                if line.strip()]


class EntryForm(FlaskForm):
    channel = SelectField(_l("Hình thức"), choices=list(CHANNEL_LABELS.items()),
                          validators=[DataRequired(REQUIRED)])

    def validate_channel(self, field: SelectField) -> None:
        if field.data not in STAFF_SOURCES:
            raise ValidationError(_l("Chọn phiếu giấy hoặc điện thoại."))


class ActionForm(FlaskForm):
    """CSRF only: the small buttons (move, retire, delete)."""


class PopulationForm(FlaskForm):
    class Meta:
        csrf = False

    n = IntegerField(_l("Tổng thể N"), validators=[
        Optional(), NumberRange(min=1, max=100_000_000, message=_l("Nhập một số nguyên dương."))])


def _int_or_raw(value: str) -> Any:
    number = parse_int(value, 1)
    return value if number is None else number


def _number_or_raw(value: str) -> Any:
    text = value.strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return value


def answers_from_form(sections: list[Any], form: MultiDict) -> dict[str, Any]:
    """The answer page's fields (`q<id>`) in the API's shape: an option id, a list of option
    ids, a text or a number. Anything unparsable is passed on for the rules to refuse."""
    raw: dict[str, Any] = {}
    for section in sections:
        for q in section.questions:
            name = f"q{q.id}"
            if q.kind == MULTIPLE:
                raw[str(q.id)] = [_int_or_raw(v) for v in form.getlist(name) if v.strip()]
                continue
            value = form.get(name, "")
            if not value.strip():
                raw[str(q.id)] = None
            elif q.kind in (SCALE, SINGLE):
                raw[str(q.id)] = _int_or_raw(value)
            elif q.kind == NUMBER:
                raw[str(q.id)] = _number_or_raw(value)
            else:
                raw[str(q.id)] = value
    return raw


def split_errors(fields: dict[str, Any]) -> tuple[dict[int, str], list[str]]:
    """Answer errors by question id ("answers.<id>"), and the others (e.g. an empty form)."""
    by_question: dict[int, str] = {}
    general: list[str] = []
    for key, message in fields.items():
        tail = key.split(".", 1)[1] if "." in key else ""
        if (qid := parse_int(tail, 1)) is not None:
            by_question[qid] = str(message)
        else:
            general.append(str(message))
    return by_question, general


class KioskStopForm(FlaskForm):
    """Staff end kiosk mode on the device with their own e-mail and password."""

    email = EmailField(_l("Email"), validators=[DataRequired()])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired()])
