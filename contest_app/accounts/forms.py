"""WTForms for accounts (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from ..forms_i18n import FlaskForm
from ..parsing import coerce_id
from .models import KIND_CITIZEN, KIND_OFFICIAL, PHONE_INVALID
from .rules import is_valid_phone, normalise_phone


def _phone_check(form, field) -> None:
    if not is_valid_phone(normalise_phone(field.data or "")):
        raise ValidationError(PHONE_INVALID)


REQUIRED = _l("Vui lòng điền thông tin này.")


class RegistrationForm(FlaskForm):
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(2, 150)])
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED), Length(3, 254)])
    phone = TelField(_l("Số điện thoại di động"), validators=[DataRequired(REQUIRED), _phone_check])
    kind = RadioField(
        _l("Bạn là"),
        choices=[(KIND_OFFICIAL, _l("Cán bộ, công chức, viên chức, người lao động")),
                 (KIND_CITIZEN, _l("Người dân / doanh nghiệp"))],
        default=KIND_OFFICIAL, validate_choice=False)
    unit_id = SelectField(_l("Đơn vị"), coerce=coerce_id, validate_choice=False)
    ward_id = SelectField(_l("Xã, phường nơi cư trú"), coerce=coerce_id, validate_choice=False)
    organisation = StringField(_l("Tên doanh nghiệp, tổ chức (nếu có)"),
                               validators=[Optional(), Length(max=200)])
    password = PasswordField(
        _l("Mật khẩu"),
        validators=[DataRequired(REQUIRED),
                    Length(min=8, message=_l("Mật khẩu phải có ít nhất 8 ký tự."))],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("Hai mật khẩu không khớp."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[DataRequired(REQUIRED),
                    Length(min=8, message=_l("Mật khẩu phải có ít nhất 8 ký tự."))],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(REQUIRED),
                    EqualTo("new_password", _l("Hai mật khẩu không khớp."))],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED), Length(max=254)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Mật khẩu mới"),
        validators=[DataRequired(REQUIRED),
                    Length(min=8, message=_l("Mật khẩu phải có ít nhất 8 ký tự.")),
                    Length(max=200)],
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu mới"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("Hai mật khẩu không khớp."))],
    )
