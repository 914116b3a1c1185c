"""The demo calls for initiatives: one open now, scored in points as its rules say (Tính mới
30, Tính khả thi 25, Hiệu quả 30, Khả năng nhân rộng 15; bands for novelty), a third judge
asked when two judges differ by more than 15 points, and three submissions by the demo
participants (skipped when those accounts are missing); the demo judge of UBND phường Tuy Hòa
works in the unit of the third submission's author, so is automatically conflicted with it.
Last, a two-round call whose best submissions are in a final. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..accounts.models import User
from . import rules, scoring
from .cycle import TOP_N, select_finalists
from .final_models import FinalCriterion, Finalist, FinalRound, FinalScore
from .finals import DEFAULT_FINAL_CRITERIA
from .forms import DEFAULT_CRITERIA, DEFAULT_POINT_CRITERIA
from .models import Criterion, Initiative, InitiativeCall, Review, ReviewAssignment
from .services import rubric

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
        "co_authors": ["Nguyễn Văn Hùng, UBND phường Buôn Ma Thuột"],
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
        "co_authors": ["Trần Thị Lan, UBND phường Tuy Hòa", "Lê Văn Minh"],
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
    load_demo_two_rounds(session)
    return call


# --- A two-round call: closed, reviewed, its best submissions promoted to a final ------------

DEMO_FINAL_CALL_TITLE = "Hội thi sáng kiến cải cách hành chính năm 2025 (hai vòng)"
DEMO_FINAL_TEXT = (
    "Vòng sơ khảo: Ban Giám khảo chấm hồ sơ sáng kiến theo tiêu chí.\n"
    "Vòng chung khảo: các sáng kiến điểm cao nhất trình bày 10 phút và trả lời câu hỏi 5 phút; "
    "điểm chung cuộc = 30% điểm sơ khảo + 70% điểm chung khảo."
)

DEMO_FINAL_SUBMISSIONS = [
    ("thisinh1@demo.vn", "Một cửa lưu động cho người cao tuổi tại tổ dân phố",
     ["Nguyễn Văn Hùng, UBND phường Buôn Ma Thuột"], (9, 8, 9, 8)),
    ("thisinh2@demo.vn", "Ký số hồ sơ cấp phép hành nghề y, dược tư nhân", [], (8, 9, 8, 9)),
    ("thisinh3@demo.vn", "Bản đồ số các điểm tiếp nhận hồ sơ thủ tục hành chính",
     ["Trần Thị Lan, UBND phường Tuy Hòa", "Lê Văn Minh"], (6, 7, 6, 6)),
]
DEMO_JUDGES = ("giamkhao@demo.vn", "giamkhao2@demo.vn")


def load_demo_two_rounds(session: Session) -> InitiativeCall | None:
    """A closed call whose preliminary round is scored by the demo judges and whose two best
    submissions are in the final, the first already scored by one judge. Skipped without the
    demo judges; idempotent."""
    judges = [session.scalar(select(User.id).where(User.email == e)) for e in DEMO_JUDGES]
    if None in judges:
        return None
    if session.scalar(select(InitiativeCall.id).where(
            InitiativeCall.title == DEMO_FINAL_CALL_TITLE)) is not None:
        return None
    now = clock.now()
    call = InitiativeCall(
        title=DEMO_FINAL_CALL_TITLE, description=DEMO_FINAL_TEXT,
        submission_deadline=now - timedelta(days=40), review_deadline=now - timedelta(days=10),
        fields=list(rules.REFORM_FIELDS), judges_per_submission=2, created_at=now,
        criteria=[Criterion(name=n, description=d, weight=w, scale=s, position=i)
                  for i, (n, d, w, s) in enumerate(DEFAULT_CRITERIA)])
    session.add(call)
    session.flush()
    criteria = rubric(call)
    scored: list[tuple[int, float]] = []
    for email, title, co_authors, marks in DEMO_FINAL_SUBMISSIONS:
        author_id = session.scalar(select(User.id).where(User.email == email))
        if author_id is None:
            continue
        item = Initiative(
            call_id=call.id, author_id=author_id, title=title, field=rules.REFORM_FIELDS[1],
            problem="Người dân phải đi lại nhiều lần, chờ lâu.",
            solution="Tổ chức lại quy trình, ứng dụng công nghệ số.",
            benefits="Rút ngắn thời gian giải quyết, người dân hài lòng hơn.",
            co_authors=co_authors, state=rules.SUBMITTED,
            submitted_at=now - timedelta(days=45), created_at=now - timedelta(days=50),
            updated_at=now - timedelta(days=45))
        session.add(item)
        session.flush()
        totals = []
        for shift, judge_id in enumerate(judges):
            scores = {c.id: max(0, min(10, m - shift)) for c, m in zip(criteria, marks,
                                                                       strict=True)}
            total = rules.review_total(criteria, scores)
            totals.append(total)
            session.add(ReviewAssignment(initiative_id=item.id, judge_id=judge_id,
                                         automatic=True, assigned_at=now - timedelta(days=39)))
            session.add(Review(initiative_id=item.id, judge_id=judge_id,
                               scores={str(k): v for k, v in scores.items()}, total=total,
                               comment="Giải pháp thiết thực, có thể nhân rộng.",
                               submitted_at=now - timedelta(days=20),
                               updated_at=now - timedelta(days=20)))
        scored.append((item.id, round(sum(totals) / len(totals), 2)))
    final = FinalRound(
        call_id=call.id, title="Chung khảo Hội thi sáng kiến CCHC năm 2025",
        presentation_minutes=10, questions_minutes=5, preliminary_weight=30, final_weight=70,
        judge_ids=sorted(judges), created_at=now,
        criteria=[FinalCriterion(name=n, description=d, weight=w, scale=s, position=i)
                  for i, (n, d, w, s) in enumerate(DEFAULT_FINAL_CRITERIA)])
    session.add(final)
    best = dict(scored)
    for position, initiative_id in enumerate(select_finalists(scored, TOP_N, 2), start=1):
        final.finalists.append(Finalist(initiative_id=initiative_id, position=position,
                                        preliminary_score=best[initiative_id],
                                        promoted_at=now - timedelta(days=5)))
    session.flush()
    if final.finalists:
        first = final.finalists[0]
        marks = {c.id: 9 for c in final.criteria}
        crit = [rules.Criterion(c.id, c.weight, c.scale_min, c.scale_max) for c in final.criteria]
        session.add(FinalScore(finalist_id=first.id, judge_id=judges[0],
                               scores={str(k): v for k, v in marks.items()},
                               total=rules.review_total(crit, marks),
                               comment="Trình bày rõ ràng, đúng giờ.", submitted_at=now,
                               updated_at=now))
    session.flush()
    return call
