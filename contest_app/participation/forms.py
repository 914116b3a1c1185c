"""Forms: joining a contest, contest documents, importing units, moving a participant."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms_i18n import FlaskForm, LocalDateField
from ..parsing import coerce_id


class SecretTextField(StringField):
    """A text input that never writes its value back into the page (for the CCCD)."""

    def _value(self) -> str:
        return ""


class JoinForm(FlaskForm):
    date_of_birth = LocalDateField(_l("Ngày sinh"), validators=[Optional()])
    cccd = SecretTextField(
        _l("Số căn cước công dân (CCCD)"), validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": "20"},
    )


class DocumentForm(FlaskForm):
    title = StringField(_l("Tên tài liệu"), validators=[Optional(), Length(max=255)])
    kind = SelectField(_l("Loại tài liệu"), choices=[
        ("rules", _l("Thể lệ cuộc thi")), ("legal", _l("Văn bản pháp luật tham khảo"))],
        default="legal")
    file = FileField(_l("Tệp (PDF hoặc DOCX)"))


class UnitImportForm(FlaskForm):
    file = FileField(_l("Tệp danh sách đơn vị (XLSX hoặc CSV)"))


class WardImportForm(FlaskForm):
    file = FileField(_l("Tệp danh sách xã, phường (XLSX hoặc CSV)"))


class WardForm(FlaskForm):
    name = StringField(_l("Tên xã, phường"),
                       validators=[DataRequired(_l("Vui lòng điền thông tin này.")),
                                   Length(max=255)])
    code = StringField(_l("Mã (nếu có)"), validators=[Optional(), Length(max=20)])


class MoveBoardForm(FlaskForm):
    participation_id = StringField(validators=[DataRequired()])
    board_id = SelectField(_l("Chuyển sang bảng"), coerce=coerce_id, validate_choice=False)
    reason = StringField(_l("Lý do"), validators=[Optional(), Length(max=500)])
