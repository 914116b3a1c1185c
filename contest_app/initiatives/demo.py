"""The demo calls for initiatives: one open now, scored in points as its rules say (Tính mới
30, Tính khả thi 25, Hiệu quả 30, Khả năng nhân rộng 15; bands for novelty), a third judge
asked when two judges differ by more than 15 points, and three submissions by the demo
participants (skipped when those accounts are missing); the demo judge of UBND phường Tuy Hòa
works in the unit of the third submission's author, so is automatically conflicted with it.
Last, a two-round call scored in points in both rounds whose best submissions are in a
final. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..accounts.models import User
from . import rules, scoring
from .cycle import TOP_N, select_finalists
from .final_models import FinalCriterion, Finalist, FinalRound, FinalScore
from .forms import DEFAULT_POINT_CRITERIA
from .models import Criterion, Initiative, InitiativeCall, Review, ReviewAssignment

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
            criteria=_points_criteria(DEFAULT_POINT_CRITERIA))
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
    "Vòng sơ khảo: Ban Giám khảo chấm hồ sơ sáng kiến theo tiêu chí (thang 100 điểm): tính "
    "mới tối đa 30 điểm; tính khả thi tối đa 25 điểm; hiệu quả tối đa 30 điểm; khả năng nhân "
    "rộng tối đa 15 điểm.\n"
    "Vòng chung khảo: các sáng kiến điểm cao nhất trình bày 10 phút và trả lời câu hỏi 5 phút; "
    "Ban Giám khảo chấm theo tiêu chí (thang 100 điểm): nội dung tối đa 40 điểm; trình bày tối "
    "đa 30 điểm; trả lời câu hỏi tối đa 30 điểm.\n"
    "Điểm chung cuộc = 30% điểm sơ khảo + 70% điểm chung khảo.\n"
    "Giám khảo không chấm sáng kiến của đơn vị mình hoặc của người cùng viết sáng kiến với mình."
)

# (author, title, co-authors, preliminary points per criterion: Tính mới /30, Tính khả thi
# /25, Hiệu quả /30, Khả năng nhân rộng /15). The UBND phường Tuy Hòa submission reaches the
# final, so the demo judge of that unit sits on a panel that never shows it to her.
DEMO_FINAL_SUBMISSIONS = [
    ("thisinh1@demo.vn", "Một cửa lưu động cho người cao tuổi tại tổ dân phố",
     ["Nguyễn Văn Hùng, UBND phường Buôn Ma Thuột"], (27, 21.5, 26, 13)),
    ("thisinh2@demo.vn", "Ký số hồ sơ cấp phép hành nghề y, dược tư nhân", [],
     (20, 18, 21.5, 10)),
    ("thisinh3@demo.vn", "Bản đồ số các điểm tiếp nhận hồ sơ thủ tục hành chính",
     ["Trần Thị Lan, UBND phường Tuy Hòa", "Lê Văn Minh"], (24, 20, 24.5, 12)),
]
DEMO_JUDGES = ("giamkhao@demo.vn", "giamkhao2@demo.vn", "giamkhao3@demo.vn")


def _points_criteria(rows) -> list[Criterion]:
    return [Criterion(name=n, description=d, weight=points, max_points=points,
                      bands=scoring.bands_to_json(scoring.check_bands(
                          scoring.parse_bands(bands), points)), position=i)
            for i, (n, d, points, bands) in enumerate(rows)]


def load_demo_two_rounds(session: Session) -> InitiativeCall | None:
    """A closed call scored in points in both rounds: each submission reviewed by two demo
    judges not conflicted with it, the two best in the final (whose panel has the three demo
    judges; the one of UBND phường Tuy Hòa never sees that unit's finalist), the first team
    already scored by one judge. Skipped without the demo judges; idempotent."""
    from .finals import default_final_criteria
    from .judging import conflict_map

    judges = [session.scalar(select(User).where(User.email == e)) for e in DEMO_JUDGES]
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
        scoring=scoring.POINTS, third_judge_gap=DEMO_THIRD_JUDGE_GAP,
        criteria=_points_criteria(DEFAULT_POINT_CRITERIA))
    session.add(call)
    session.flush()
    criteria = list(call.criteria)
    scored: list[tuple[int, float]] = []
    for index, (email, title, co_authors, marks) in enumerate(DEMO_FINAL_SUBMISSIONS):
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
        barred = conflict_map(session, [item], judges)[item.id]
        turn = judges[index % len(judges):] + judges[:index % len(judges)]
        panel = [j for j in turn if j.id not in barred][:call.judges_per_submission]
        totals = []
        for shift, judge in enumerate(panel):
            scores = {str(c.id): max(0.0, min(c.max_points, m - shift))
                      for c, m in zip(criteria, marks, strict=True)}
            total = float(sum(scores.values()))
            totals.append(total)
            session.add(ReviewAssignment(initiative_id=item.id, judge_id=judge.id,
                                         automatic=True, assigned_at=now - timedelta(days=39)))
            session.add(Review(initiative_id=item.id, judge_id=judge.id, scores=scores,
                               total=total, comment="Giải pháp thiết thực, có thể nhân rộng.",
                               submitted_at=now - timedelta(days=20),
                               updated_at=now - timedelta(days=20)))
        scored.append((item.id, round(sum(totals) / len(totals), 2)))
    final = FinalRound(
        call_id=call.id, title="Chung khảo Hội thi sáng kiến CCHC năm 2025",
        presentation_minutes=10, questions_minutes=5, preliminary_weight=30, final_weight=70,
        judge_ids=sorted(j.id for j in judges), created_at=now, scoring=scoring.POINTS,
        criteria=[FinalCriterion(name=spec.name, description=spec.description,
                                 weight=spec.max_points, max_points=spec.max_points, bands=[],
                                 position=i)
                  for i, spec in enumerate(default_final_criteria())])
    session.add(final)
    best = dict(scored)
    for position, initiative_id in enumerate(select_finalists(scored, TOP_N, 2), start=1):
        final.finalists.append(Finalist(initiative_id=initiative_id, position=position,
                                        preliminary_score=best[initiative_id],
                                        promoted_at=now - timedelta(days=5)))
    session.flush()
    if final.finalists:
        first = final.finalists[0]
        marks = {str(c.id): c.max_points * 0.85 // 0.5 * 0.5 for c in final.criteria}
        session.add(FinalScore(finalist_id=first.id, judge_id=judges[0].id, scores=marks,
                               total=float(sum(marks.values())),
                               comment="Trình bày rõ ràng, đúng giờ.", submitted_at=now,
                               updated_at=now))
    session.flush()
    return call
