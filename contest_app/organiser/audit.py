"""The audit log as people read it: Vietnamese names for actions, objects, roles and the
reasons the code writes; filters by person, action and date; the changes an event made
(before/after) as rows; an XLSX export with the same filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from ..accounts.models import ROLE_LABELS, User
from .models import AuditEvent

ACTIONS = {
    "annex.export": _l("Xuất phụ lục quyết định khen thưởng"),
    "attempt.void": _l("Hủy bài làm (cho thi lại)"),
    "backup.create": _l("Sao lưu dữ liệu"),
    "backup.restore": _l("Khôi phục dữ liệu từ bản sao lưu"),
    "bank.import": _l("Nhập ngân hàng câu hỏi"),
    "bank.bulk_approve": _l("Duyệt hàng loạt câu hỏi"),
    "bank.bulk_retire": _l("Ngừng sử dụng hàng loạt câu hỏi"),
    "question.create": _l("Tạo câu hỏi"),
    "question.edit": _l("Sửa câu hỏi (phiên bản mới)"),
    "certificate.generate": _l("Cấp giấy chứng nhận cho cả vòng thi"),
    "certificate.revoke": _l("Thu hồi giấy chứng nhận"),
    "certificate_template.save": _l("Lưu mẫu giấy chứng nhận"),
    "block.create": _l("Thêm khối đơn vị"),
    "board.create": _l("Thêm bảng thi"),
    "contest.save": _l("Lưu cuộc thi"),
    "contest_document.add": _l("Thêm tài liệu cuộc thi"),
    "contest_document.remove": _l("Xóa tài liệu cuộc thi"),
    "fraud.dismiss": _l("Ghi nhận phát hiện đáng ngờ là không vi phạm"),
    "fraud.disqualify": _l("Loại bài dự thi đáng ngờ"),
    "initiative.assign": _l("Phân công giám khảo chấm sáng kiến"),
    "initiative.assign_extra": _l("Mời thêm giám khảo chấm sáng kiến"),
    "initiative.conflict": _l("Khai báo xung đột lợi ích"),
    "initiative.create": _l("Tạo hồ sơ sáng kiến"),
    "initiative.decision": _l("Quyết định công nhận sáng kiến"),
    "initiative.file_remove": _l("Xóa tệp đính kèm sáng kiến"),
    "initiative.redact": _l("Che thông tin trong nội dung sáng kiến"),
    "initiative.review": _l("Chấm sáng kiến"),
    "initiative.submit": _l("Nộp sáng kiến"),
    "initiative.unassign": _l("Bỏ phân công giám khảo"),
    "initiative.update": _l("Sửa hồ sơ sáng kiến"),
    "initiative.withdraw": _l("Rút hồ sơ sáng kiến"),
    "initiative_final.promote": _l("Đưa sáng kiến vào vòng chung khảo"),
    "initiative_final.save": _l("Lưu vòng chung khảo sáng kiến"),
    "initiative_final.score": _l("Chấm điểm chung khảo sáng kiến"),
    "initiative_final.timer": _l("Bấm giờ phần trình bày chung khảo"),
    "initiative_call.auto_assign": _l("Phân công giám khảo tự động"),
    "initiative_call.create": _l("Tạo đợt thi sáng kiến"),
    "initiative_call.publish": _l("Công bố đợt thi sáng kiến"),
    "initiative_call.decision_list": _l("Xuất danh sách sáng kiến được công nhận, trao giải"),
    "initiative_call.quotas": _l("Đặt chỉ tiêu số sáng kiến theo đơn vị, khối"),
    "initiative_call.reopen": _l("Mở lại đợt thi sáng kiến (nhận thêm sáng kiến)"),
    "initiative_call.update": _l("Sửa đợt thi sáng kiến"),
    "participation.choose_board": _l("Chọn bảng thi"),
    "participation.join": _l("Đăng ký tham gia cuộc thi"),
    "participation.move_board": _l("Chuyển bảng thi"),
    "prizes.set": _l("Đặt cơ cấu giải thưởng"),
    "question.approve": _l("Duyệt câu hỏi"),
    "question.retire": _l("Ngừng sử dụng câu hỏi"),
    "ranking.exclude": _l("Loại bài dự thi"),
    "ranking.publish": _l("Công bố xếp hạng vòng thi"),
    "ranking.publish_contest": _l("Công bố xếp hạng toàn cuộc thi"),
    "ranking.reinstate": _l("Khôi phục bài dự thi"),
    "ranking.settings": _l("Đổi cấu hình xếp hạng"),
    "ranking.withdraw": _l("Hủy công bố xếp hạng"),
    "round.close_now": _l("Kết thúc vòng thi ngay"),
    "round.create": _l("Tạo vòng thi"),
    "round.extra_time": _l("Cộng thêm thời gian làm bài"),
    "round.regrade": _l("Chấm lại bài thi theo đáp án đã sửa"),
    "round.update": _l("Sửa vòng thi"),
    "round.update_locked": _l("Sửa vòng thi đã có bài làm"),
    "round.weekly_series": _l("Tạo chuỗi vòng thi hằng tuần"),
    "survey.create": _l("Tạo khảo sát"),
    "survey.publish": _l("Mở khảo sát"),
    "survey.unpublish": _l("Chuyển khảo sát về bản nháp"),
    "survey.update": _l("Sửa khảo sát"),
    "survey_kiosk.start": _l("Bắt đầu chế độ kiosk khảo sát"),
    "survey_kiosk.stop": _l("Dừng chế độ kiosk khảo sát"),
    "survey_question.create": _l("Thêm câu hỏi khảo sát"),
    "survey_question.delete": _l("Xóa câu hỏi khảo sát"),
    "survey_question.restore": _l("Dùng lại câu hỏi khảo sát"),
    "survey_question.retire": _l("Ngừng dùng câu hỏi khảo sát"),
    "survey_question.update": _l("Sửa câu hỏi khảo sát"),
    "survey_section.create": _l("Thêm phần khảo sát"),
    "survey_section.delete": _l("Xóa phần khảo sát"),
    "survey_section.update": _l("Sửa phần khảo sát"),
    "topic.create": _l("Thêm chủ đề câu hỏi"),
    "unit.save": _l("Lưu đơn vị"),
    "units.import": _l("Nhập danh sách đơn vị"),
    "user.deactivate": _l("Khóa tài khoản"),
    "user.logout_everywhere": _l("Đăng xuất khỏi mọi thiết bị"),
    "user.password_change": _l("Đổi mật khẩu"),
    "user.reactivate": _l("Mở khóa tài khoản"),
    "user.roles": _l("Đổi vai trò"),
    "user.staff": _l("Đổi tư cách thành viên ban tổ chức"),
    "winners.export": _l("Xuất danh sách đạt giải"),
    "board.audience": _l("Đổi đối tượng được vào bảng thi"),
    "board.delete": _l("Xóa bảng thi"),
    "board.rename": _l("Đổi tên bảng thi"),
    "board.reorder": _l("Đổi thứ tự bảng thi"),
    "contest.settings": _l("Đổi thiết lập cuộc thi"),
    "contest.appearance": _l("Đổi giao diện cuộc thi (màu, ảnh bìa)"),
    "user.create": _l("Tạo tài khoản"),
    "user.invite_link": _l("Gửi đường dẫn kích hoạt tài khoản"),
    "user.reset_link": _l("Cấp đường dẫn đặt lại mật khẩu"),
    "user.password_invite": _l("Đặt mật khẩu qua đường dẫn kích hoạt"),
    "user.password_reset": _l("Đặt lại mật khẩu qua đường dẫn"),
    "ward.delete": _l("Xóa xã, phường"),
    "ward.save": _l("Lưu xã, phường"),
    "wards.import": _l("Nhập danh sách xã, phường"),
}

OBJECTS = {
    "Attempt": _l("Bài làm"), "Block": _l("Khối"), "Board": _l("Bảng thi"),
    "Certificate": _l("Giấy chứng nhận"),
    "Contest": _l("Cuộc thi"), "ContestDocument": _l("Tài liệu"), "Database": _l("Dữ liệu"),
    "Exclusion": _l("Bài bị loại"), "Initiative": _l("Sáng kiến"),
    "InitiativeCall": _l("Đợt thi sáng kiến"), "Participation": _l("Lượt tham gia"),
    "Question": _l("Câu hỏi"), "QuestionBank": _l("Ngân hàng câu hỏi"),
    "Round": _l("Vòng thi"), "Survey": _l("Khảo sát"),
    "SurveyKiosk": _l("Phiên kiosk khảo sát"), "SurveyQuestion": _l("Câu hỏi khảo sát"),
    "SurveySection": _l("Phần khảo sát"),
    "Topic": _l("Chủ đề"), "Unit": _l("Đơn vị"), "User": _l("Tài khoản"),
    "Ward": _l("Xã, phường"),
}

ROLES = ROLE_LABELS  # the names the account pages use

# Reasons and values the code itself writes (older events), read in Vietnamese.
WORDS = {"reinstated": _l("khôi phục")}
YES, NO = _l("có"), _l("không")

FIELDS = {
    "title": _l("Tiêu đề"), "name": _l("Tên"), "roles": _l("Vai trò"), "reason": _l("Lý do"),
    "opens_at": _l("Mở lúc"), "closes_at": _l("Đóng lúc"), "status": _l("Trạng thái"),
    "board_id": _l("Bảng"), "user_id": _l("Người"), "round_id": _l("Vòng thi"),
    "published": _l("Công khai"), "is_staff": _l("Thành viên ban tổ chức"),
    "counts": _l("Số giải"), "amounts": _l("Mức thưởng"), "version": _l("Phiên bản"),
    "versions": _l("Phiên bản"), "file": _l("Tệp"), "size": _l("Dung lượng"),
    "rows": _l("Số dòng"), "kind": _l("Loại"), "format": _l("Định dạng"),
    "code": _l("Mã"), "issued": _l("Số giấy đã cấp"), "created": _l("Số giấy mới"),
    "organiser_name": _l("Tên cơ quan tổ chức"), "heading": _l("Tiêu đề giấy"),
    "participation_text": _l("Nội dung giấy tham gia"), "prize_text": _l("Nội dung giấy đạt giải"),
    "signer_name": _l("Họ tên người ký"), "signer_title": _l("Chức danh người ký"),
    "logo": _l("Biểu trưng"), "signature": _l("Ảnh chữ ký"),
    "tie_breaks": _l("Thứ tự phân định"), "overall_mode": _l("Cách tính toàn cuộc thi"),
    "theme_primary": _l("Màu chính"), "theme_accent": _l("Màu nhấn"), "banner": _l("Ảnh bìa"),
    "banner_name": _l("Tệp ảnh bìa"), "survey_id": _l("Khảo sát"),
    "expires_at": _l("Hết hạn lúc"), "answers": _l("Số phiếu"),
}


def action_label(action: str) -> str:
    label = ACTIONS.get(action)
    return str(label) if label is not None else action


def object_label(object_type: str) -> str:
    label = OBJECTS.get(object_type)
    return str(label) if label is not None else object_type


def readable(value: Any) -> str:
    """A before/after value as text: roles and the code's own words in Vietnamese."""
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, list | tuple | set):
        return ", ".join(str(ROLES.get(v, v)) if isinstance(v, str) else readable(v)
                         for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {readable(v)}" for k, v in value.items()) or "—"
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return str(ROLES.get(value) or WORDS.get(value) or value)
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def changes(event: AuditEvent) -> list[Change]:
    """The fields the event recorded, before and after, in a stable order; unchanged fields
    that appear on both sides are left out."""
    before, after = event.before or {}, event.after or {}
    out = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        label = FIELDS.get(key)
        out.append(Change(str(label) if label is not None else key,
                          readable(old) if key in before else "",
                          readable(new) if key in after else ""))
    return out


def reason_text(reason: str | None) -> str:
    if not reason:
        return ""
    return str(WORDS.get(reason, reason))


@dataclass(frozen=True)
class Filters:
    actor_id: int | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None  # included


def query(filters: Filters, tz: tzinfo) -> Select:
    """Events matching the filters, newest first. Dates are days in the contest's zone."""
    stmt = select(AuditEvent)
    if filters.actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.since is not None:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(filters.since, time(), tz))
    if filters.until is not None:
        stmt = stmt.where(AuditEvent.at < datetime.combine(filters.until + timedelta(days=1),
                                                           time(), tz))
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def actors_query() -> Select:
    """People who appear in the log, for the filter."""
    return (select(User).where(User.id.in_(select(AuditEvent.actor_id).distinct()))
            .order_by(User.search_name))


EXPORT_HEADER = ["Thời điểm", "Người thực hiện", "Email", "Thao tác", "Mã thao tác", "Đối tượng",
                 "Mã đối tượng", "Lý do", "Thay đổi (trước → sau)"]


def export_rows(events: list[AuditEvent], actors: dict[int, User], tz: tzinfo) -> list[list]:
    rows = []
    for e in events:
        person = actors.get(e.actor_id) if e.actor_id else None
        rows.append([
            e.at.astimezone(tz).strftime("%d/%m/%Y %H:%M:%S"),
            person.full_name if person else "—", person.email if person else "",
            action_label(e.action), e.action, object_label(e.object_type), e.object_id or "",
            reason_text(e.reason),
            "; ".join(f"{c.field}: {c.before or '∅'} → {c.after or '∅'}" for c in changes(e)),
        ])
    return rows
