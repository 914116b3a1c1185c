"""Organiser forms: units and blocks, user roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from ..accounts.models import ROLE_LABELS
from ..forms_i18n import FlaskForm
from ..parsing import INT4_MAX, coerce_id


class UnitForm(FlaskForm):
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(_l("Vui lòng nhập tên đơn vị.")),
                                                   Length(max=255)])
    block_id = SelectField(_l("Khối"), coerce=coerce_id, validate_choice=False)
    headcount = IntegerField(
        _l("Số cán bộ, công chức, viên chức (biên chế)"),
        validators=[Optional(), NumberRange(min=0, max=INT4_MAX,
                                            message=_l("Số người phải là số không âm."))],
    )
    active = BooleanField(_l("Đang hoạt động"), default=True)


class BlockForm(FlaskForm):
    name = StringField(_l("Tên khối"), validators=[DataRequired(_l("Vui lòng nhập tên khối.")),
                                                 Length(max=200)])


class RolesForm(FlaskForm):
    judge = BooleanField(ROLE_LABELS["judge"])
    organiser = BooleanField(ROLE_LABELS["organiser"])
    surveyor = BooleanField(ROLE_LABELS["surveyor"])
    is_staff = BooleanField(_l("Thành viên ban tổ chức / tổ giúp việc (không xếp hạng)"))


class AccountLockForm(FlaskForm):
    action = HiddenField(validators=[AnyOf(("lock", "unlock"))])
    reason = StringField(_l("Lý do (ghi vào nhật ký)"), validators=[Optional(), Length(max=500)])


class StaffAccountForm(FlaskForm):
    """An account the organiser creates; the person sets a password through the invitation."""

    full_name = StringField(_l("Họ và tên"), validators=[
        DataRequired(_l("Vui lòng nhập họ và tên.")), Length(max=150)])
    email = EmailField(_l("Email"), validators=[
        DataRequired(_l("Vui lòng điền thông tin này.")), Length(max=254)])
    phone = TelField(_l("Số điện thoại di động"), validators=[
        DataRequired(_l("Vui lòng điền thông tin này.")), Length(max=20)])
    judge = BooleanField(ROLE_LABELS["judge"])
    organiser = BooleanField(ROLE_LABELS["organiser"])
    surveyor = BooleanField(ROLE_LABELS["surveyor"])


class StaffImportForm(FlaskForm):
    file = FileField(_l("Tệp danh sách tài khoản (XLSX hoặc CSV)"))


class StaffImportConfirmForm(FlaskForm):
    payload = HiddenField(validators=[DataRequired()])


class AccountLinkForm(FlaskForm):
    """The buttons that issue a one-time link (CSRF only)."""
