"""The demo call for initiatives: open now, scored in points as its rules say (Tính mới 30,
Tính khả thi 25, Hiệu quả 30, Khả năng nhân rộng 15; bands for novelty), a third judge asked
when two judges differ by more than 15 points, and three submissions by the demo participants
(skipped when those accounts are missing). The demo judge of UBND phường Tuy Hòa works in the
unit of the third submission's author, so is automatically conflicted with it. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..accounts.models import User
from . import rules, scoring
from .forms import DEFAULT_POINT_CRITERIA
from .models import Criterion, Initiative, InitiativeCall

DEMO_CALL_TITLE = "Hội thi sáng kiến, giải pháp cải cách hành chính năm 2026"
DEMO_CALL_TEXT = (
    "Đối tượng: cán bộ, công chức, viên chức, người dân và tổ chức trên địa bàn tỉnh.\n"
    "Mỗi sáng kiến gồm: tên, lĩnh vực, thực trạng, nội dung giải pháp, hiệu quả và nơi đã áp "
    "dụng; có thể kèm tài liệu (PDF, Word, Excel, ảnh).\n"
    "Để bảo đảm chấm điểm khách quan, không ghi tên tác giả, đơn vị trong phần mô tả; giám "
    "khảo chấm không biết tác giả.\n"
    "Ban Giám khảo chấm theo các tiêu chí (thang 100 điểm): tính mới, tính sáng tạo tối đa 30 "
    "điểm; tính khả thi tối đa 25 điểm; tính hiệu quả tối đa 30 điểm; khả năng nhân rộng tối "
    "đa 15 điểm.\n"
    "Giám khảo không chấm sáng kiến của đơn vị mình hoặc của người cùng viết sáng kiến với mình."
)
DEMO_THIRD_JUDGE_GAP = 15.0

DEMO_SUBMISSIONS = [
    ("thisinh1@demo.vn", {
        "title": "Tiếp nhận và trả kết quả hồ sơ đăng ký khai sinh qua Zalo OA của phường",
        "field": rules.REFORM_FIELDS[1],
        "problem": "Người dân phải đến trụ sở ít nhất hai lần để nộp hồ sơ và nhận kết quả "
                   "đăng ký khai sinh; giờ cao điểm chờ trung bình 45 phút.",
        "solution": "Mở kênh Zalo OA để hướng dẫn, kiểm tra trước thành phần hồ sơ và hẹn "
                    "giờ; kết quả được thông báo và trả qua dịch vụ bưu chính công ích.",
        "benefits": "Giảm 60% số lượt đi lại, thời gian chờ còn dưới 10 phút; tỷ lệ hài lòng "
                    "tăng từ 82% lên 96% sau 6 tháng.",
        "applied_at": "Bộ phận một cửa cấp xã, từ tháng 3/2026.",
        "co_authors": ["Nguyễn Văn Hùng, công chức tư pháp – hộ tịch"],
    }),
    ("thisinh2@demo.vn", {
        "title": "Số hoá quy trình cấp giấy phép hành nghề khám bệnh, chữa bệnh",
        "field": rules.REFORM_FIELDS[5],
        "problem": "Hồ sơ giấy dày, thẩm định qua nhiều phòng, thường xuyên quá hạn giải "
                   "quyết; khó tra cứu lịch sử hồ sơ.",
        "solution": "Xây dựng quy trình điện tử liên thông trên Hệ thống thông tin giải quyết "
                    "thủ tục hành chính, ký số văn bản thẩm định, tự động nhắc hạn.",
        "benefits": "Thời gian giải quyết giảm từ 20 xuống 10 ngày làm việc; 100% hồ sơ đúng "
                    "hạn trong quý II/2026.",
        "applied_at": "",
        "co_authors": [],
    }),
    ("thisinh3@demo.vn", {
        "title": "Sổ tay điện tử hướng dẫn thủ tục hành chính cho người cao tuổi",
        "field": rules.REFORM_FIELDS[1],
        "problem": "Người cao tuổi khó tra cứu thủ tục trên cổng dịch vụ công; chữ nhỏ, "
                   "nhiều bước.",
        "solution": "Biên soạn sổ tay chữ lớn, có mã QR dẫn đến video hướng dẫn ngắn cho 20 "
                    "thủ tục thường gặp; phối hợp chi hội người cao tuổi phổ biến.",
        "benefits": "Hơn 1.200 lượt sử dụng trong 3 tháng; số cuộc gọi hỏi thủ tục giảm 35%.",
        "applied_at": "Thí điểm tại 5 tổ dân phố.",
        "co_authors": ["Trần Thị Lan", "Lê Văn Minh"],
    }),
]


def load_demo_initiatives(session: Session) -> InitiativeCall:
    now = clock.now()
    call = session.scalar(select(InitiativeCall).where(InitiativeCall.title == DEMO_CALL_TITLE))
    if call is None:
        call = InitiativeCall(
            title=DEMO_CALL_TITLE, description=DEMO_CALL_TEXT,
            submission_deadline=now + timedelta(days=30), review_deadline=now + timedelta(days=45),
            fields=list(rules.REFORM_FIELDS), judges_per_submission=2, created_at=now,
            scoring=scoring.POINTS, third_judge_gap=DEMO_THIRD_JUDGE_GAP,
            criteria=[Criterion(name=n, description=d, weight=points, max_points=points,
                                bands=scoring.bands_to_json(scoring.check_bands(
                                    scoring.parse_bands(bands), points)), position=i)
                      for i, (n, d, points, bands) in enumerate(DEFAULT_POINT_CRITERIA)])
        session.add(call)
        session.flush()
    for email, content in DEMO_SUBMISSIONS:
        author_id = session.scalar(select(User.id).where(User.email == email))
        if author_id is None:
            continue
        exists = session.scalar(select(Initiative.id).where(
            Initiative.call_id == call.id, Initiative.author_id == author_id,
            Initiative.title == content["title"]))
        if exists is None:
            session.add(Initiative(call_id=call.id, author_id=author_id, state=rules.SUBMITTED,
                                   submitted_at=now, created_at=now, updated_at=now, **content))
    session.flush()
    return call
