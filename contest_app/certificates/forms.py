"""Forms: a contest's certificate design and revoking a certificate."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms_i18n import FlaskForm


class TemplateForm(FlaskForm):
    organiser_name = StringField(_l("Tên cơ quan tổ chức"), validators=[Optional(),
                                                                       Length(max=255)])
    heading = StringField(_l("Tiêu đề giấy"), validators=[Optional(), Length(max=120)])
    participation_text = TextAreaField(_l("Nội dung giấy chứng nhận tham gia"),
                                       validators=[Optional(), Length(max=1000)],
                                       render_kw={"rows": 3})
    prize_text = TextAreaField(_l("Nội dung giấy chứng nhận đạt giải"),
                               validators=[Optional(), Length(max=1000)], render_kw={"rows": 3})
    signer_title = StringField(_l("Chức danh người ký"), validators=[Optional(),
                                                                    Length(max=200)])
    signer_name = StringField(_l("Họ tên người ký"), validators=[Optional(), Length(max=150)])
    logo = FileField(_l("Biểu trưng (PNG hoặc JPEG, tối đa 2 MB)"))
    remove_logo = BooleanField(_l("Bỏ biểu trưng hiện có"))
    signature = FileField(_l("Ảnh chữ ký (PNG hoặc JPEG, tối đa 2 MB)"))
    remove_signature = BooleanField(_l("Bỏ ảnh chữ ký hiện có"))


class RevokeForm(FlaskForm):
    reason = StringField(_l("Lý do thu hồi"), validators=[DataRequired(), Length(min=10,
                                                                                max=500)])
