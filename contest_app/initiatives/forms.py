"""Forms for calls and rubrics, submissions with attachments, reviews, conflicts, assignment,
decisions and publication; and the Vietnamese messages for refused files."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from ..forms_i18n import FlaskForm, LocalDateTimeField
from . import conflicts, rules, scoring
from . import files as filestore

REQUIRED = _l("Vui lòng điền thông tin này.")

DEFAULT_CRITERIA = [
    ("Tính mới, tính sáng tạo", "Giải pháp mới hoặc cải tiến rõ rệt so với cách làm hiện tại.",
     30, "0-10"),
    ("Tính khả thi", "Có thể triển khai với nguồn lực, thể chế hiện có.", 20, "0-10"),
    ("Tính hiệu quả", "Lợi ích đo được: thời gian, chi phí, sự hài lòng của người dân.", 30,
     "0-10"),
    ("Khả năng nhân rộng", "Có thể áp dụng tại các cơ quan, địa phương khác.", 20, "0-10"),
]

# The default rubric of a call scored in points: criteria out of their maximum, summing to 100,
# with the bands rules print for novelty. (name, description, max points, bands text)
DEFAULT_POINT_CRITERIA = [
    ("Tính mới, tính sáng tạo", "Giải pháp mới hoặc cải tiến rõ rệt so với cách làm hiện tại.",
     30, "27–30: Hoàn toàn mới\n21–26: Cải tiến rõ rệt\n16–20: Trung bình\n1–15: Cải tiến ít\n"
         "0: Sao chép"),
    ("Tính khả thi", "Có thể triển khai với nguồn lực, thể chế hiện có.", 25, ""),
    ("Tính hiệu quả", "Lợi ích đo được: thời gian, chi phí, sự hài lòng của người dân.", 30, ""),
    ("Khả năng nhân rộng", "Có thể áp dụng tại các cơ quan, địa phương khác.", 15, ""),
]

SCORING_CHOICES = [
    (scoring.POINTS, _l("Chấm theo điểm tối đa của từng tiêu chí, tổng là tổng điểm "
                        "(khuyến nghị)")),
    (scoring.WEIGHTED, _l("Chấm theo thang 0–10 hoặc 1–5 có trọng số, quy về thang 100")),
]


class CriterionForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(_l("Tiêu chí"), validators=[Optional(), Length(max=200)])
    description = StringField(_l("Mô tả"), validators=[Optional(), Length(max=1000)])
    max_points = IntegerField(_l("Điểm tối đa"), validators=[
        Optional(), NumberRange(min=1, max=scoring.MAX_POINTS_LIMIT,
                                message=_l("Điểm tối đa từ %(min)s đến %(max)s."))])
    bands = TextAreaField(_l("Các mức điểm (mỗi dòng một mức, ví dụ “27–30: Hoàn toàn mới”)"),
                          validators=[Optional(), Length(max=2000)])
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
    scoring = SelectField(_l("Cách chấm điểm"), choices=SCORING_CHOICES, default=scoring.POINTS)
    third_judge_gap = DecimalField(
        _l("Mời thêm giám khảo khi hai giám khảo chênh nhau hơn (điểm)"), places=1,
        validators=[Optional(), NumberRange(min=0.5, max=1000,
                                            message=_l("Ngưỡng chênh lệch từ 0,5 đến 1000 "
                                                       "điểm."))])
    criteria = FieldList(FormField(CriterionForm), min_entries=6, max_entries=12)

    def validate_review_deadline(self, field) -> None:
        if field.data and self.submission_deadline.data and \
                field.data <= self.submission_deadline.data:
            raise ValidationError(_("Hạn chấm phải sau hạn nộp sáng kiến."))

    def criteria_data(self) -> list:
        """The named rubric lines (services.CriterionSpec values); bands that cannot be read
        are left out here and reported by `validate_criteria`."""
        from .services import CriterionSpec

        rows = []
        for e in self.criteria:
            name = (e.form.name.data or "").strip()
            if not name:
                continue
            try:
                bands = scoring.parse_bands(e.form.bands.data)
            except scoring.InvalidBands:
                bands = ()
            rows.append(CriterionSpec(name, (e.form.description.data or "").strip(),
                                      e.form.weight.data or 1, e.form.scale.data,
                                      e.form.max_points.data, bands))
        return rows

    def validate_criteria(self, field) -> None:
        rows = self.criteria_data()
        if not rows:
            raise ValidationError(_("Cần ít nhất một tiêu chí chấm điểm."))
        if self.scoring.data != scoring.POINTS:
            return
        for e in self.criteria:
            name = (e.form.name.data or "").strip()
            if not name:
                continue
            if not e.form.max_points.data:
                raise ValidationError(_("Hãy nhập điểm tối đa của tiêu chí “%(name)s”.",
                                        name=name))
            try:
                scoring.check_bands(scoring.parse_bands(e.form.bands.data),
                                    e.form.max_points.data)
            except scoring.InvalidBands as err:
                raise ValidationError(band_error(name, err)) from None

    def third_judge_gap_value(self) -> float | None:
        value = self.third_judge_gap.data
        return float(value) if value is not None else None

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


CONFLICT_KIND_CHOICES = [
    (conflicts.SAME_UNIT, _l("Cùng đơn vị với tác giả")),
    (conflicts.COLLABORATOR, _l("Cộng tác, đồng tác giả với tác giả")),
    (conflicts.FAMILY, _l("Quan hệ gia đình")),
    (conflicts.OTHER, _l("Lý do khác")),
]


class ConflictForm(FlaskForm):
    kind = SelectField(_l("Loại xung đột lợi ích"), choices=CONFLICT_KIND_CHOICES,
                       default=conflicts.OTHER)
    reason = TextAreaField(_l("Lý do (ví dụ: cùng đơn vị, quan hệ gia đình, đã góp ý cho tác "
                              "giả)"), validators=[DataRequired(REQUIRED), Length(max=1000)])


class OrganiserConflictForm(FlaskForm):
    """An organiser records a judge's conflict with a submission."""

    judge_id = SelectField(_l("Giám khảo"), coerce=int, validators=[DataRequired(REQUIRED)])
    kind = SelectField(_l("Loại xung đột lợi ích"), choices=CONFLICT_KIND_CHOICES,
                       default=conflicts.OTHER)
    reason = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=1000)])


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


class ReopenForm(FlaskForm):
    """Reopen a call: new deadlines and the reason, kept in the audit log."""

    submission_deadline = LocalDateTimeField(_l("Hạn nộp sáng kiến mới"),
                                             validators=[InputRequired(REQUIRED)])
    review_deadline = LocalDateTimeField(_l("Hạn chấm mới"), validators=[InputRequired(REQUIRED)])
    reason = TextAreaField(_l("Lý do mở lại"),
                           validators=[DataRequired(REQUIRED), Length(max=500)])
    confirm = BooleanField(_l("Tôi xác nhận mở lại đợt phát động: kết quả đã công bố (nếu có) "
                              "sẽ tạm thu hồi cho đến khi công bố lại."),
                           validators=[DataRequired(_l("Hãy đánh dấu xác nhận trước khi mở "
                                                       "lại."))])

    def validate_review_deadline(self, field) -> None:
        if field.data and self.submission_deadline.data and \
                field.data <= self.submission_deadline.data:
            raise ValidationError(_("Hạn chấm phải sau hạn nộp sáng kiến."))


class QuotaForm(FlaskForm):
    """Minimum submissions expected per unit and per block (empty: no quota)."""

    min_per_unit = IntegerField(_l("Số sáng kiến tối thiểu mỗi đơn vị"),
                                validators=[Optional(), NumberRange(
                                    min=1, max=1000, message=_l("Nhập số từ 1 đến 1000, hoặc "
                                                                "để trống nếu không đặt chỉ "
                                                                "tiêu."))])
    min_per_block = IntegerField(_l("Số sáng kiến tối thiểu mỗi khối"),
                                 validators=[Optional(), NumberRange(
                                     min=1, max=1000, message=_l("Nhập số từ 1 đến 1000, hoặc "
                                                                 "để trống nếu không đặt chỉ "
                                                                 "tiêu."))])


class FinalForm(FlaskForm):
    """The final round: timing, the weights combining the rounds, its rubric and panel."""

    title = StringField(_l("Tên vòng chung khảo"),
                        validators=[DataRequired(REQUIRED), Length(max=255)])
    presentation_minutes = IntegerField(_l("Thời gian trình bày (phút)"), default=10,
                                        validators=[InputRequired(REQUIRED),
                                                    NumberRange(min=1, max=120)])
    questions_minutes = IntegerField(_l("Thời gian trả lời câu hỏi (phút)"), default=5,
                                     validators=[InputRequired(REQUIRED),
                                                 NumberRange(min=0, max=120)])
    preliminary_weight = IntegerField(_l("Trọng số điểm sơ khảo (%)"), default=30,
                                      validators=[InputRequired(REQUIRED),
                                                  NumberRange(min=0, max=100)])
    final_weight = IntegerField(_l("Trọng số điểm chung khảo (%)"), default=70,
                                validators=[InputRequired(REQUIRED),
                                            NumberRange(min=0, max=100)])
    scoring = SelectField(_l("Cách chấm điểm"), choices=SCORING_CHOICES, default=scoring.POINTS)
    judge_ids = SelectMultipleField(_l("Ban Giám khảo chung khảo"), coerce=int,
                                    widget=widgets.ListWidget(prefix_label=False),
                                    option_widget=widgets.CheckboxInput())
    criteria = FieldList(FormField(CriterionForm), min_entries=5, max_entries=12)

    def validate_final_weight(self, field) -> None:
        if (field.data or 0) + (self.preliminary_weight.data or 0) <= 0:
            raise ValidationError(_("Tổng hai trọng số phải lớn hơn 0."))

    def validate_judge_ids(self, field) -> None:
        if not field.data:
            raise ValidationError(_("Hãy chọn ít nhất một giám khảo chung khảo."))

    def criteria_data(self) -> list:
        """The named rubric lines (finals.FinalCriterionSpec values); bands that cannot be
        read are left out here and reported by `validate_criteria`."""
        from .finals import FinalCriterionSpec

        rows = []
        for e in self.criteria:
            name = (e.form.name.data or "").strip()
            if not name:
                continue
            try:
                bands = scoring.parse_bands(e.form.bands.data)
            except scoring.InvalidBands:
                bands = ()
            rows.append(FinalCriterionSpec(name, (e.form.description.data or "").strip(),
                                           e.form.weight.data or 1, e.form.scale.data,
                                           e.form.max_points.data, bands))
        return rows

    def validate_criteria(self, field) -> None:
        if not self.criteria_data():
            raise ValidationError(_("Cần ít nhất một tiêu chí chấm điểm."))
        if self.scoring.data != scoring.POINTS:
            return
        for e in self.criteria:
            name = (e.form.name.data or "").strip()
            if not name:
                continue
            if not e.form.max_points.data:
                raise ValidationError(_("Hãy nhập điểm tối đa của tiêu chí “%(name)s”.",
                                        name=name))
            try:
                scoring.check_bands(scoring.parse_bands(e.form.bands.data),
                                    e.form.max_points.data)
            except scoring.InvalidBands as err:
                raise ValidationError(band_error(name, err)) from None


class PromoteForm(FlaskForm):
    """Promote to the final: the best N or every score at or above a threshold."""

    mode = RadioField(_l("Cách chọn"), choices=[
        ("top", _l("Lấy N sáng kiến điểm cao nhất")),
        ("threshold", _l("Lấy mọi sáng kiến đạt từ ngưỡng điểm trở lên"))], default="top")
    value = DecimalField(_l("N hoặc ngưỡng điểm (trên thang 100)"), places=2, default=5,
                         validators=[InputRequired(REQUIRED), NumberRange(
                             min=0, max=100, message=_l("Nhập số từ 0 đến 100."))])
    confirm = BooleanField(_l("Tôi đã xem danh sách và xác nhận đưa các sáng kiến được chọn vào "
                              "vòng chung khảo."),
                           validators=[DataRequired(_l("Hãy đánh dấu xác nhận trước khi đưa "
                                                       "vào chung khảo."))])

    def validate_value(self, field) -> None:
        if self.mode.data == "top" and field.data is not None and (
                field.data < 1 or field.data != int(field.data)):
            raise ValidationError(_("Số sáng kiến phải là số nguyên từ 1 trở lên."))


class TimerForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])


def final_score_form_class(criteria, in_points: bool = False) -> type[FlaskForm]:
    """The tablet form of the final: one required score per criterion (c<id>) in points (0 to
    its maximum, steps of 0.5, "6,5" accepted) or on its weighted scale, and a comment."""
    attrs = {}
    for c in criteria:
        check = (_points_validator(c.max_points or c.weight) if in_points
                 else _scale_validator(c.scale_min, c.scale_max))
        attrs[f"c{c.id}"] = ScoreField(c.name, validators=[check])
    attrs["comment"] = TextAreaField(_l("Nhận xét (không bắt buộc)"),
                                     validators=[Optional(), Length(max=5000)])
    return type("FinalScoreForm", (FlaskForm,), attrs)


def band_error(name: str, err: scoring.InvalidBands) -> str:
    """A plain sentence for bands that cannot be used."""
    reason = err.fields.get("reason")
    if reason in ("unreadable", "no_label"):
        return _("Các mức điểm của tiêu chí “%(name)s”, dòng %(line)s: hãy viết dạng "
                 "“27–30: Hoàn toàn mới” hoặc “0: Sao chép”.", name=name,
                 line=err.fields.get("line"))
    if reason == "range":
        return _("Các mức điểm của tiêu chí “%(name)s” phải nằm trong khoảng từ 0 đến điểm tối "
                 "đa.", name=name)
    if reason == "order":
        return _("Mức “%(band)s” của tiêu chí “%(name)s”: điểm đầu phải nhỏ hơn hoặc bằng "
                 "điểm cuối.", band=err.fields.get("band"), name=name)
    return _("Các mức điểm của tiêu chí “%(name)s” chồng lên nhau (mức “%(band)s”).",
             name=name, band=err.fields.get("band"))


def _points_text(value) -> str:
    return format(value.normalize(), "f").replace(".", ",") if value is not None else ""


class ScoreField(StringField):
    """A score as typed: "6,5" or "6.5"; `data` is a Decimal, or None when empty or not a
    number (the validators tell which)."""

    def process_formdata(self, valuelist) -> None:
        self.raw = valuelist[0] if valuelist else ""
        self.data = scoring.parse_number(self.raw)

    def process_data(self, value) -> None:
        self.raw = ""
        self.data = scoring.parse_number(str(value)) if value is not None else None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        value = self.data
        if value is not None and not isinstance(value, Decimal):
            value = scoring.parse_number(str(value))
        return format(value.normalize(), "f") if value is not None else ""


def _entered(field) -> None:
    if field.data is None:
        if (getattr(field, "raw", "") or "").strip():
            raise StopValidation(_("Điểm phải là một số, ví dụ 6 hoặc 6,5."))
        raise StopValidation(_("Vui lòng chấm tiêu chí này."))


def _points_validator(maximum: int):
    def check(form, field) -> None:
        _entered(field)
        reason = scoring.point_problem(field.data, maximum)
        if reason == scoring.NEGATIVE:
            raise StopValidation(_("Điểm không được âm."))
        if reason == scoring.ABOVE_MAX:
            raise StopValidation(_("Tiêu chí này tối đa %(max)s điểm; bạn đã nhập %(value)s.",
                                   max=maximum, value=_points_text(field.data)))
        if reason == scoring.OFF_GRID:
            raise StopValidation(_("Điểm chấm theo bước 0,5 (ví dụ 6 hoặc 6,5); %(value)s không "
                                   "hợp lệ.", value=_points_text(field.data)))
    return check


def _scale_validator(low: int, high: int):
    def check(form, field) -> None:
        _entered(field)
        reason = scoring.scale_problem(field.data, low, high)
        if reason == scoring.NOT_INTEGER:
            raise StopValidation(_("Tiêu chí này chấm bằng số nguyên từ %(min)s đến %(max)s.",
                                   min=low, max=high))
        if reason == scoring.OUT_OF_RANGE:
            raise StopValidation(_("Điểm phải từ %(min)s đến %(max)s.", min=low, max=high))
    return check


def review_form_class(criteria, in_points: bool = False) -> type[FlaskForm]:
    """A review form with one required score per criterion (named c<id>) and a comment: in
    points (0 to the criterion's maximum, steps of 0.5) or on the weighted scale (whole
    numbers)."""
    attrs = {}
    for c in criteria:
        check = (_points_validator(c.max_points or c.weight) if in_points
                 else _scale_validator(c.scale_min, c.scale_max))
        attrs[f"c{c.id}"] = ScoreField(c.name, validators=[check])
    attrs["comment"] = TextAreaField(_l("Nhận xét"), validators=[
        DataRequired(_l("Vui lòng viết nhận xét.")), Length(max=10000)])
    return type("ReviewForm", (FlaskForm,), attrs)


def size_text(size: int) -> str:
    """A limit as people read it: whole MB when it is one, else KB."""
    if size >= filestore.MB and size % filestore.MB == 0:
        return f"{size // filestore.MB} MB"
    return f"{max(1, size // 1024)} KB"


# Room kept for the text fields when the request body limit caps what files may be sent.
TEXT_ROOM_BYTES = 256 * 1024


def upload_checks(limits, existing_sizes: list[int], request_limit: int | None) -> dict[str, str]:
    """The data-* attributes of the file input, so the browser refuses a file that is too large
    before sending anything (static/js/uploads.js): the per-file limit, the room left in the
    initiative's total (and under the server's request body limit), the number of files left,
    and the Vietnamese sentences, with __NAME__ standing for the file's name."""
    total = max(0, limits.max_total_bytes - sum(existing_sizes))
    if request_limit:
        total = min(total, max(0, request_limit - TEXT_ROOM_BYTES))
    kept = " " + _("Chưa gửi gì; nội dung bạn đã nhập vẫn còn nguyên. Hãy chọn tệp nhỏ hơn "
                   "hoặc bớt tệp.")
    return {
        "data-max-bytes": str(limits.max_file_bytes),
        "data-max-total-bytes": str(total),
        "data-max-files": str(max(0, limits.max_files - len(existing_sizes))),
        "data-msg-too-large": _("Tệp “%(name)s” vượt quá %(n)s.", name="__NAME__",
                                n=size_text(limits.max_file_bytes)) + kept,
        "data-msg-total": _("Tổng dung lượng tệp đính kèm của một sáng kiến tối đa %(n)s.",
                            n=size_text(min(limits.max_total_bytes, total + sum(existing_sizes))))
        + kept,
        "data-msg-too-many": _("Mỗi sáng kiến có tối đa %(n)s tệp đính kèm.",
                               n=limits.max_files) + kept,
    }


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
