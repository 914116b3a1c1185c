"""Forms for calls and rubrics, submissions with attachments, reviews, conflicts, assignment,
decisions and publication; and the Vietnamese messages for refused files."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..forms_i18n import FlaskForm, LocalDateTimeField
from . import files as filestore
from . import rules

REQUIRED = _l("Vui lòng điền thông tin này.")

DEFAULT_CRITERIA = [
    ("Tính mới, tính sáng tạo", "Giải pháp mới hoặc cải tiến rõ rệt so với cách làm hiện tại.",
     30, "0-10"),
    ("Tính khả thi", "Có thể triển khai với nguồn lực, thể chế hiện có.", 20, "0-10"),
    ("Tính hiệu quả", "Lợi ích đo được: thời gian, chi phí, sự hài lòng của người dân.", 30,
     "0-10"),
    ("Khả năng nhân rộng", "Có thể áp dụng tại các cơ quan, địa phương khác.", 20, "0-10"),
]


class CriterionForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(_l("Tiêu chí"), validators=[Optional(), Length(max=200)])
    description = StringField(_l("Mô tả"), validators=[Optional(), Length(max=1000)])
    weight = IntegerField(_l("Trọng số"), validators=[Optional(), NumberRange(min=1, max=100)])
    scale = SelectField(_l("Thang điểm"), choices=[("0-10", _l("0–10")), ("1-5", _l("1–5"))],
                        default="0-10")


class CallForm(FlaskForm):
    title = StringField(_l("Tên đợt phát động"),
                        validators=[DataRequired(REQUIRED), Length(max=255)])
    description = TextAreaField(_l("Giới thiệu, thể lệ"),
                                validators=[Optional(), Length(max=20000)])
    submission_deadline = LocalDateTimeField(_l("Hạn nộp sáng kiến"),
                                             validators=[InputRequired(REQUIRED)])
    review_deadline = LocalDateTimeField(_l("Hạn chấm"), validators=[InputRequired(REQUIRED)])
    fields_text = TextAreaField(_l("Lĩnh vực (mỗi dòng một lĩnh vực)"),
                                default="\n".join(rules.REFORM_FIELDS),
                                validators=[DataRequired(REQUIRED), Length(max=3000)])
    judges_per_submission = IntegerField(_l("Số giám khảo chấm mỗi sáng kiến"), default=2,
                                         validators=[InputRequired(REQUIRED),
                                                     NumberRange(min=1, max=10)])
    cojudge_visibility = SelectField(
        _l("Giám khảo xem phiếu chấm của giám khảo khác"),
        choices=[(rules.AFTER_REVIEW_DEADLINE, _l("Sau khi hết hạn chấm (khuyến nghị)")),
                 (rules.AFTER_OWN_REVIEW, _l("Sau khi giám khảo đã gửi phiếu của mình"))],
        default=rules.AFTER_REVIEW_DEADLINE)
    criteria = FieldList(FormField(CriterionForm), min_entries=6, max_entries=12)

    def validate_review_deadline(self, field) -> None:
        if field.data and self.submission_deadline.data and \
                field.data <= self.submission_deadline.data:
            raise ValidationError(_("Hạn chấm phải sau hạn nộp sáng kiến."))

    def criteria_data(self) -> list[tuple[str, str, int, str]]:
        return [(e.form.name.data.strip(), (e.form.description.data or "").strip(),
                 e.form.weight.data or 1, e.form.scale.data)
                for e in self.criteria if (e.form.name.data or "").strip()]

    def validate_criteria(self, field) -> None:
        if not self.criteria_data():
            raise ValidationError(_("Cần ít nhất một tiêu chí chấm điểm."))

    def fields_list(self) -> list[str]:
        seen: list[str] = []
        for line in (self.fields_text.data or "").splitlines():
            line = " ".join(line.split())
            if line and line not in seen:
                seen.append(line[:200])
        return seen


class InitiativeForm(FlaskForm):
    title = StringField(_l("Tên sáng kiến, giải pháp"),
                        validators=[DataRequired(REQUIRED), Length(max=300)])
    field = SelectField(_l("Lĩnh vực"), validators=[DataRequired(REQUIRED)])
    problem = TextAreaField(_l("Thực trạng, vấn đề cần giải quyết"),
                            validators=[Length(max=20000)])
    solution = TextAreaField(_l("Nội dung giải pháp, điểm mới"), validators=[Length(max=20000)])
    benefits = TextAreaField(_l("Hiệu quả, lợi ích mang lại"), validators=[Length(max=20000)])
    applied_at = TextAreaField(_l("Nơi đã áp dụng (nếu có)"),
                               validators=[Optional(), Length(max=5000)])
    co_authors = TextAreaField(_l("Đồng tác giả (mỗi dòng một người: họ tên, đơn vị)"),
                               validators=[Optional(), Length(max=2000)])
    files = MultipleFileField(_l("Tệp đính kèm (PDF, DOCX, XLSX, JPG, PNG)"))

    submitting = False

    def _required_when_submitting(self, field) -> None:
        if self.submitting and not (field.data or "").strip():
            raise ValidationError(_("Vui lòng điền thông tin này trước khi nộp."))

    validate_problem = _required_when_submitting
    validate_solution = _required_when_submitting
    validate_benefits = _required_when_submitting

    def validate_co_authors(self, field) -> None:
        if len(self.co_author_list()) > 9:
            raise ValidationError(_("Tối đa 9 đồng tác giả."))

    def co_author_list(self) -> list[str]:
        return [" ".join(line.split())[:200] for line in (self.co_authors.data or "").splitlines()
                if line.strip()]


class RedactionForm(FlaskForm):
    """The organiser's version of the texts judges see (the author's text is kept)."""

    title = StringField(_l("Tên sáng kiến, giải pháp"),
                        validators=[DataRequired(REQUIRED), Length(max=300)])
    problem = TextAreaField(_l("Thực trạng, vấn đề cần giải quyết"),
                            validators=[Length(max=20000)])
    solution = TextAreaField(_l("Nội dung giải pháp, điểm mới"), validators=[Length(max=20000)])
    benefits = TextAreaField(_l("Hiệu quả, lợi ích mang lại"), validators=[Length(max=20000)])
    applied_at = TextAreaField(_l("Nơi đã áp dụng"), validators=[Optional(), Length(max=5000)])

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in rules.JUDGE_TEXT_FIELDS}


class ConflictForm(FlaskForm):
    reason = TextAreaField(_l("Lý do (ví dụ: cùng đơn vị, quan hệ gia đình, đã góp ý cho tác "
                              "giả)"), validators=[DataRequired(REQUIRED), Length(max=1000)])


class AssignForm(FlaskForm):
    judge_id = SelectField(_l("Giám khảo"), coerce=int, validators=[DataRequired(REQUIRED)])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Quyết định"), choices=[
        ("accepted", _l("Công nhận")), ("rejected", _l("Không công nhận")),
        ("awarded", _l("Trao giải"))])
    award = SelectField(_l("Mức giải"), choices=[("", _l("— Không —"))]
                        + [(a, a) for a in rules.AWARD_LEVELS], default="")
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=2000)])

    def validate_award(self, field) -> None:
        if self.decision.data == "awarded" and not field.data:
            raise ValidationError(_("Hãy chọn mức giải khi trao giải."))


class PublishForm(FlaskForm):
    confirm = BooleanField(_l("Tôi xác nhận công bố kết quả: danh sách sáng kiến được công nhận, "
                              "trao giải sẽ hiển thị công khai và không thể sửa quyết định."),
                           validators=[DataRequired(_l("Hãy đánh dấu xác nhận trước khi công "
                                                       "bố."))])


def review_form_class(criteria) -> type[FlaskForm]:
    """A review form with one required score per criterion (named c<id>) and a comment."""
    attrs = {}
    for c in criteria:
        attrs[f"c{c.id}"] = IntegerField(
            c.name, validators=[InputRequired(_l("Vui lòng chấm tiêu chí này.")),
                                NumberRange(min=c.scale_min, max=c.scale_max,
                                            message=_l("Điểm phải từ %(min)s đến %(max)s."))])
    attrs["comment"] = TextAreaField(_l("Nhận xét"), validators=[
        DataRequired(_l("Vui lòng viết nhận xét.")), Length(max=10000)])
    return type("ReviewForm", (FlaskForm,), attrs)


def size_text(size: int) -> str:
    """A limit as people read it: whole MB when it is one, else KB."""
    if size >= filestore.MB and size % filestore.MB == 0:
        return f"{size // filestore.MB} MB"
    return f"{max(1, size // 1024)} KB"


def file_error(err: filestore.InvalidFile, limits) -> str:
    """A plain Vietnamese sentence for a refused file."""
    name = err.fields.get("name", "")
    reason = err.fields.get("files")
    messages = {
        "name": _("Tên tệp “%(name)s” không hợp lệ (chứa đường dẫn hoặc ký tự đặc biệt). "
                  "Hãy đổi tên tệp rồi tải lên lại.", name=name),
        "empty": _("Tệp “%(name)s” rỗng (0 byte).", name=name),
        "too_large": _("Tệp “%(name)s” vượt quá %(n)s.", name=name,
                       n=size_text(limits.max_file_bytes)),
        "type": _("Tệp “%(name)s” không thuộc loại được nhận (PDF, DOCX, XLSX, JPG, PNG).",
                  name=name),
        "content": _("Nội dung tệp “%(name)s” không đúng với đuôi tệp (ví dụ một tệp văn bản "
                     "được đổi đuôi thành .pdf).", name=name),
        "unreadable": _("Không đọc được tệp “%(name)s” để tạo bản ẩn danh cho giám khảo (tệp "
                        "hỏng, có mật khẩu hoặc quá lớn khi giải nén). Hãy lưu lại tệp bằng "
                        "phần mềm soạn thảo (không đặt mật khẩu) rồi tải lên lại.", name=name),
        "too_many": _("Mỗi sáng kiến có tối đa %(n)s tệp đính kèm.", n=limits.max_files),
        "total_too_large": _("Tổng dung lượng tệp đính kèm của một sáng kiến tối đa %(n)s.",
                             n=size_text(limits.max_total_bytes)),
    }
    message = messages.get(reason, _("Tệp đính kèm không hợp lệ."))
    return message + " " + _("Chưa có tệp nào được lưu; vui lòng chọn lại tệp.")
