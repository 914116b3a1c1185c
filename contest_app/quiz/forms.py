"""Organiser forms for contests, boards and rounds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..forms_i18n import FlaskForm, LocalDateTimeField
from ..parsing import coerce_id

REQUIRED = _l("Vui lòng điền thông tin này.")


class ContestForm(FlaskForm):
    title = StringField(_l("Tên cuộc thi"), validators=[DataRequired(REQUIRED), Length(max=255)])
    description = TextAreaField(_l("Giới thiệu ngắn"), validators=[Optional(), Length(max=2000)])
    rules_text = TextAreaField(_l("Thể lệ"), validators=[Optional(), Length(max=50000)])
    published = BooleanField(_l("Hiển thị công khai"), default=True)
    winner_instructions = TextAreaField(
        _l("Dặn dò người đoạt giải"), validators=[Optional(), Length(max=5000)],
        description=_l("Gửi kèm thư chúc mừng người đoạt giải khi công bố kết quả vòng thi: "
                       "cần mang theo gì (căn cước, giấy giới thiệu…), thời gian, địa điểm "
                       "nhận giải."))


AUDIENCES = [("", _l("Mọi người")),
             ("official", _l("Chỉ cán bộ, công chức, viên chức, người lao động")),
             ("citizen", _l("Chỉ người dân, doanh nghiệp"))]


class BoardForm(FlaskForm):
    name = StringField(_l("Tên bảng thi"), validators=[DataRequired(REQUIRED), Length(max=200)])
    allowed_kind = SelectField(_l("Ai được tham gia bảng này"), choices=AUDIENCES, default="")


class BoardAudienceForm(FlaskForm):
    allowed_kind = SelectField(_l("Ai được tham gia bảng này"), choices=AUDIENCES, default="")


class ContestSettingsForm(FlaskForm):
    require_cccd = BooleanField(_l("Yêu cầu khai báo số CCCD khi tham gia"))
    min_age = IntegerField(_l("Độ tuổi tối thiểu"), validators=[
        Optional(), NumberRange(min=1, max=100, message=_l(
            "Độ tuổi tối thiểu phải từ 1 đến 100 (để trống nếu không giới hạn)."))])
    collect_birth_date = BooleanField(_l("Thu ngày sinh khi tham gia (cần cho quyết định khen "
                                         "thưởng)"))
    certificates = BooleanField(_l("Cấp giấy chứng nhận tham gia"))


class AppearanceForm(FlaskForm):
    """The contest's colours and banner (checked in quiz/branding.py, not here)."""

    primary = StringField(_l("Màu chính (nút, thanh trên cùng)"), validators=[Length(max=20)])
    accent = StringField(_l("Màu nhấn (khung đếm ngược ở trang chủ)"),
                         validators=[Length(max=20)])
    banner = FileField(_l("Ảnh bìa (PNG, JPEG hoặc WebP)"))
    remove_banner = BooleanField(_l("Bỏ ảnh bìa hiện tại"))


class BlueprintLineForm(FlaskForm):
    class Meta:
        csrf = False

    board_id = SelectField(_l("Bảng"), coerce=coerce_id, validate_choice=False, default=0)
    topic_id = SelectField(_l("Chủ đề"), coerce=coerce_id, validate_choice=False, default=0)
    difficulty = SelectField(_l("Mức độ"), choices=[
        ("", _l("Mọi mức độ")), ("easy", _l("Dễ")), ("medium", _l("Trung bình")),
        ("hard", _l("Khó"))], default="")
    count = IntegerField(_l("Số câu"), validators=[Optional(), NumberRange(min=0, max=200)])


MIN_LINES, MAX_LINES = 6, 30


class RoundForm(FlaskForm):
    title = StringField(_l("Tên vòng thi"), validators=[DataRequired(REQUIRED), Length(max=255)])
    kind = SelectField(_l("Loại vòng"), choices=[("official", _l("Chính thức")),
                                                ("practice", _l("Thi thử (không xếp hạng)"))])
    opens_at = LocalDateTimeField(_l("Mở lúc"))
    closes_at = LocalDateTimeField(_l("Đóng lúc"))
    question_count = IntegerField(_l("Số câu hỏi"), validators=[
        DataRequired(REQUIRED), NumberRange(min=1, max=200)])
    time_limit_min = IntegerField(_l("Thời gian làm bài (phút)"), validators=[
        DataRequired(REQUIRED), NumberRange(min=1, max=600)])
    max_attempts = IntegerField(_l("Số lượt thi (0 = không giới hạn)"), default=1,
                                validators=[Optional(), NumberRange(min=0, max=1000)])
    counting = SelectField(_l("Lượt được tính"), choices=[
        ("best", _l("Lượt tốt nhất")), ("first", _l("Lượt đầu tiên")),
        ("last", _l("Lượt cuối cùng"))])
    reveal = SelectField(_l("Công bố đáp án"), choices=[
        ("after_submit", _l("Ngay sau khi nộp bài")),
        ("after_close", _l("Sau khi vòng thi kết thúc")), ("never", _l("Không công bố"))])
    prediction_kind = SelectField(_l("Câu hỏi dự đoán"), choices=[
        ("", _l("Không có")),
        ("full_marks", _l("Số người trả lời đúng tất cả các câu")),
        ("participants", _l("Số người tham gia vòng thi"))], default="")
    prediction_text = StringField(_l("Nội dung câu hỏi dự đoán"),
                                  validators=[Optional(), Length(max=500)])
    lines = FieldList(FormField(BlueprintLineForm), min_entries=MIN_LINES, max_entries=MAX_LINES)

    def validate_closes_at(self, field: LocalDateTimeField) -> None:
        if self.kind.data == "official":
            if not self.opens_at.data or not field.data:
                raise ValidationError(_l("Vòng thi chính thức cần thời gian mở và đóng."))
            if field.data <= self.opens_at.data:
                raise ValidationError(_l("Thời gian đóng phải sau thời gian mở."))


class WeeklySeriesForm(FlaskForm):
    count = IntegerField(_l("Số tuần thi"), default=4,
                         validators=[DataRequired(REQUIRED), NumberRange(min=1, max=52)])
    first_opens = LocalDateTimeField(_l("Tuần đầu mở lúc"), validators=[DataRequired(REQUIRED)])
    first_closes = LocalDateTimeField(_l("Tuần đầu đóng lúc"),
                                      validators=[DataRequired(REQUIRED)])
    title_pattern = StringField(_l("Tên vòng ({n} là số thứ tự)"), default="Tuần thi thứ {n}",
                                validators=[DataRequired(REQUIRED), Length(max=200)])

    def validate_first_closes(self, field: LocalDateTimeField) -> None:
        if self.first_opens.data and field.data and field.data <= self.first_opens.data:
            raise ValidationError(_l("Thời gian đóng phải sau thời gian mở."))


class ExtraTimeForm(FlaskForm):
    participant = StringField(_l("Email hoặc số điện thoại của thí sinh"),
                              validators=[DataRequired(REQUIRED), Length(max=254)])
    minutes = IntegerField(_l("Số phút cộng thêm"), validators=[
        DataRequired(REQUIRED), NumberRange(min=1, max=1440)])
