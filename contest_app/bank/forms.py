"""Bank forms: list filters, question create and edit, approve, retire (one or many), file
import (upload, confirm), new topic."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
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
    Regexp,
)

from ..forms_i18n import FlaskForm
from ..parsing import INT4_MAX
from .rules import GROUP_MAX, LETTERS, QuestionRecord, clean, parse_letters, split_list

DIFFICULTY_LABELS = {"easy": _l("Dễ"), "medium": _l("Trung bình"), "hard": _l("Khó")}
STATUS_LABELS = {"draft": _l("Chờ duyệt"), "approved": _l("Đã duyệt"),
                 "retired": _l("Ngừng sử dụng")}
CONFIDENCE_LABELS = {"primary": _l("Đọc trong văn bản gốc (primary)"),
                     "secondary": _l("Từ nguồn dẫn độc lập (secondary)")}
POOL_LABELS = {"official": _l("Chính thức"), "practice": _l("Luyện tập")}

ANY = [("", _l("Tất cả"))]


class FilterForm(FlaskForm):
    """The bank list's filters (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Tìm trong nội dung (không cần dấu)"), validators=[Optional()])
    topic = SelectField(_l("Chủ đề"), validators=[Optional()], validate_choice=False)
    difficulty = SelectField(_l("Mức độ"), choices=ANY + list(DIFFICULTY_LABELS.items()),
                             validators=[Optional()], validate_choice=False)
    status = SelectField(_l("Trạng thái"), choices=ANY + list(STATUS_LABELS.items()),
                         validators=[Optional()], validate_choice=False)
    pool = SelectField(_l("Dùng cho"), choices=ANY + list(POOL_LABELS.items()),
                       validators=[Optional()], validate_choice=False)


class QuestionForm(FlaskForm):
    topic = SelectField(_l("Chủ đề"), validators=[DataRequired(_l("Vui lòng chọn chủ đề."))])
    difficulty = SelectField(_l("Mức độ"), choices=list(DIFFICULTY_LABELS.items()))
    text = TextAreaField(_l("Nội dung câu hỏi"),
                         validators=[DataRequired(_l("Vui lòng nhập nội dung câu hỏi."))])
    option_a = TextAreaField(_l("Phương án A"))
    option_b = TextAreaField(_l("Phương án B"))
    option_c = TextAreaField(_l("Phương án C"))
    option_d = TextAreaField(_l("Phương án D"))
    option_e = TextAreaField(_l("Phương án E"))
    option_f = TextAreaField(_l("Phương án F"))
    answer = StringField(_l("Đáp án đúng"),
                         validators=[DataRequired(_l("Vui lòng nhập đáp án đúng."))])
    explanation = TextAreaField(_l("Giải thích"))
    legal_basis = StringField(_l("Căn cứ pháp lý"), validators=[Length(max=500)])
    facts = StringField(_l("Mã dữ kiện"))
    confidence = SelectField(_l("Độ tin cậy"), choices=list(CONFIDENCE_LABELS.items()))
    pool = SelectField(_l("Dùng cho"), choices=list(POOL_LABELS.items()))
    group = StringField(_l("Nhóm câu tương tự"), validators=[
        Optional(), Length(max=GROUP_MAX),
        Regexp(r"^[A-Za-z0-9_.\-]+$",
               message=_l("Nhóm câu hỏi chỉ gồm chữ không dấu, số, «-», «_», «.».")),
    ])

    OPTION_FIELDS = tuple(f"option_{c.lower()}" for c in LETTERS)

    def fill(self, record: QuestionRecord) -> None:
        self.topic.data, self.difficulty.data = record.topic, record.difficulty
        self.text.data = record.text
        for name, option in zip(self.OPTION_FIELDS, record.options, strict=False):
            getattr(self, name).data = option
        self.answer.data = ", ".join(record.answer)
        self.explanation.data, self.legal_basis.data = record.explanation, record.legal_basis
        self.facts.data, self.confidence.data = ", ".join(record.facts), record.confidence
        self.pool.data, self.group.data = record.pool, record.group

    def to_record(self) -> QuestionRecord:
        options = [clean(getattr(self, name).data) for name in self.OPTION_FIELDS]
        while options and not options[-1]:
            options.pop()
        return QuestionRecord(
            id="", topic=self.topic.data or "", difficulty=self.difficulty.data or "",
            text=clean(self.text.data), options=options,
            answer=parse_letters(self.answer.data or ""),
            explanation=clean(self.explanation.data), legal_basis=clean(self.legal_basis.data),
            facts=split_list(self.facts.data or ""), confidence=self.confidence.data or "",
            pool=self.pool.data or "", group=clean(self.group.data),
        )


class ApproveForm(FlaskForm):
    version = IntegerField(validators=[InputRequired(), NumberRange(
        min=1, max=INT4_MAX, message=_l("Cần một số nguyên trong giới hạn cho phép."))])
    confirm = BooleanField(
        _l("Tôi xác nhận đã kiểm tra pháp lý phiên bản này (đáp án, giải thích, căn cứ pháp lý)."),
        validators=[DataRequired(_l("Vui lòng đánh dấu xác nhận trước khi duyệt."))],
    )


class RetireForm(FlaskForm):
    confirm = BooleanField(
        _l("Tôi hiểu câu hỏi sẽ không còn được rút vào các đợt thi mới."),
        validators=[DataRequired(_l("Vui lòng đánh dấu xác nhận trước khi ngừng sử dụng."))],
    )
    reason = StringField(_l("Lý do (không bắt buộc)"), validators=[Optional(), Length(max=500)])


class TopicForm(FlaskForm):
    key = StringField(_l("Mã chủ đề"), validators=[
        DataRequired(_l("Vui lòng nhập mã chủ đề.")), Length(max=40),
        Regexp(r"^[a-z][a-z0-9_]*$",
               message=_l("Mã chủ đề chỉ gồm chữ thường không dấu, số và dấu gạch dưới.")),
    ])
    name = StringField(_l("Tên chủ đề"), validators=[DataRequired(_l("Vui lòng nhập tên chủ đề.")),
                                                     Length(max=200)])


class NewQuestionForm(QuestionForm):
    key = StringField(_l("Mã câu hỏi"), validators=[
        DataRequired(_l("Vui lòng nhập mã câu hỏi.")), Length(max=40),
        Regexp(r"^[A-Za-z0-9_.\-]+$",
               message=_l("Mã câu hỏi chỉ gồm chữ không dấu, số, «-», «_», «.».")),
    ])


IMPORT_MODE_LABELS = {
    "merge": _l("Gộp vào ngân hàng (mặc định): thêm câu hỏi mới, tạo phiên bản mới cho câu "
                "hỏi đã đổi; không ngừng sử dụng câu hỏi nào"),
    "replace": _l("Thay cả ngân hàng: như gộp, và ngừng sử dụng mọi câu hỏi không có trong "
                  "tệp (cần xác nhận lần hai)"),
}


class UploadForm(FlaskForm):
    file = FileField(_l("Tệp câu hỏi (Excel .xlsx hoặc YAML .yaml)"))
    mode = RadioField(_l("Cách nhập"), choices=list(IMPORT_MODE_LABELS.items()),
                      default="merge")
    legal_checked = BooleanField(_l(
        "Tôi đã kiểm tra pháp lý toàn bộ tệp này (đáp án, giải thích, căn cứ pháp lý): ghi "
        "nhận tôi duyệt các câu hỏi có trạng thái «approved» trong tệp. Nếu không đánh dấu, "
        "câu hỏi mới và câu hỏi đã sửa sẽ chờ duyệt."))


class ConfirmImportForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
    fingerprint = HiddenField(validators=[DataRequired()])
    confirm_replace = BooleanField(_l(
        "Tôi đồng ý ngừng sử dụng các câu hỏi không có trong tệp như danh sách trên."))


BULK_ACTIONS = {"approve": _l("Duyệt các câu đã chọn"),
                "retire": _l("Ngừng sử dụng các câu đã chọn")}


class BulkForm(FlaskForm):
    action = SelectField(_l("Thao tác"), choices=list(BULK_ACTIONS.items()))
    legal_checked = BooleanField(_l(
        "Tôi xác nhận đã kiểm tra pháp lý phiên bản hiện hành của các câu đã chọn (khi duyệt)."))
    reason = StringField(_l("Lý do ngừng sử dụng (bắt buộc khi ngừng sử dụng)"),
                         validators=[Optional(), Length(max=500)])
