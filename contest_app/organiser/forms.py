"""Organiser forms: units and blocks, user roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

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
    judge = BooleanField(_l("Giám khảo"))
    organiser = BooleanField(_l("Ban tổ chức"))
    surveyor = BooleanField(_l("Nhập phiếu khảo sát"))
    is_staff = BooleanField(_l("Thành viên ban tổ chức / tổ giúp việc (không xếp hạng)"))


class AccountLockForm(FlaskForm):
    action = HiddenField(validators=[AnyOf(("lock", "unlock"))])
    reason = StringField(_l("Lý do (ghi vào nhật ký)"), validators=[Optional(), Length(max=500)])
