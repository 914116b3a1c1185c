"""The built-in survey template a new survey starts from (organisers then edit it).

It follows the usual aspects of satisfaction surveys on administrative procedures: access to
information about the procedure, the procedure itself, the civil servant who handled it, the
result and the time taken, and the one-stop desk; then an overall rating and free comments.
The content is data (the survey's own text), not interface strings."""

from __future__ import annotations

from dataclasses import dataclass, field

from .rules import LONG_TEXT, MULTIPLE, NUMBER, SCALE, SHORT_TEXT, SINGLE


@dataclass(frozen=True)
class QuestionTemplate:
    kind: str
    text: str
    required: bool = False
    options: tuple[str, ...] = ()
    profile_key: str | None = None


@dataclass(frozen=True)
class SectionTemplate:
    title: str
    description: str = ""
    questions: tuple[QuestionTemplate, ...] = field(default_factory=tuple)
    is_profile: bool = False


INTRODUCTION = (
    "Nhằm nâng cao chất lượng phục vụ người dân, tổ chức, cơ quan tổ chức khảo sát mức độ hài "
    "lòng đối với việc giải quyết thủ tục hành chính. Phiếu khảo sát không ghi tên, không thu "
    "thập thông tin cá nhân; ý kiến của Ông/Bà chỉ được tổng hợp chung để cải tiến công việc. "
    "Thời gian trả lời khoảng 5 phút."
)
THANK_YOU = "Cảm ơn Ông/Bà đã dành thời gian tham gia khảo sát. Ý kiến của Ông/Bà đã được ghi nhận."

PROCEDURES = (
    "Đăng ký khai sinh",
    "Chứng thực bản sao từ bản chính",
    "Đăng ký thành lập hộ kinh doanh",
    "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "Đăng ký biến động đất đai",
    "Cấp phiếu lý lịch tư pháp",
    "Thủ tục khác",
)

# Fixed answers of the profile questions (units come from the Unit table).
PROFILE_QUESTIONS: dict[str, QuestionTemplate] = {
    "procedure": QuestionTemplate(
        SINGLE, "Ông/Bà đã thực hiện thủ tục hành chính nào?", options=PROCEDURES,
        profile_key="procedure"),
    "unit": QuestionTemplate(
        SINGLE, "Cơ quan, đơn vị nào đã giải quyết thủ tục của Ông/Bà?", profile_key="unit"),
    "channel": QuestionTemplate(
        SINGLE, "Ông/Bà đã nộp hồ sơ theo hình thức nào?",
        options=("Trực tiếp", "Trực tuyến", "Qua bưu chính"), profile_key="channel"),
    "age_group": QuestionTemplate(
        SINGLE, "Ông/Bà thuộc nhóm tuổi nào?",
        options=("Dưới 25 tuổi", "Từ 25 đến 34 tuổi", "Từ 35 đến 49 tuổi", "Từ 50 đến 59 tuổi",
                 "Từ 60 tuổi trở lên"), profile_key="age_group"),
    "gender": QuestionTemplate(
        SINGLE, "Giới tính của Ông/Bà", options=("Nam", "Nữ", "Khác / không muốn trả lời"),
        profile_key="gender"),
}

PROFILE_TITLE = "Thông tin chung"
PROFILE_DESCRIPTION = "Một vài thông tin chung để tổng hợp kết quả theo nhóm; không ghi tên."


def _scale(text: str, required: bool = True) -> QuestionTemplate:
    return QuestionTemplate(SCALE, text, required)


SECTIONS: tuple[SectionTemplate, ...] = (
    SectionTemplate(
        "Tiếp cận thông tin về thủ tục hành chính",
        "Việc tìm hiểu thông tin về thủ tục trước và trong khi thực hiện.",
        (
            QuestionTemplate(
                MULTIPLE, "Ông/Bà tìm hiểu thông tin về thủ tục qua những nguồn nào?",
                options=("Cổng Dịch vụ công", "Trang thông tin điện tử của cơ quan",
                         "Bảng niêm yết tại nơi tiếp nhận hồ sơ", "Hỏi trực tiếp công chức",
                         "Tổng đài hoặc điện thoại đường dây nóng", "Người thân, bạn bè",
                         "Nguồn khác")),
            _scale("Thông tin về thủ tục (thành phần hồ sơ, trình tự, thời hạn, phí, lệ phí) "
                   "được công khai đầy đủ, dễ tìm."),
            _scale("Thông tin về thủ tục được trình bày dễ hiểu."),
            _scale("Thông tin được công khai khớp với yêu cầu thực tế khi giải quyết hồ sơ."),
        ),
    ),
    SectionTemplate(
        "Thủ tục hành chính",
        "Hồ sơ, biểu mẫu và các bước phải thực hiện.",
        (
            _scale("Thành phần hồ sơ phải nộp là hợp lý."),
            _scale("Mẫu đơn, tờ khai dễ hiểu, dễ điền."),
            _scale("Các bước thực hiện thủ tục đơn giản, thuận tiện."),
            _scale("Phí, lệ phí phải nộp đúng với mức đã được công khai.", required=False),
            QuestionTemplate(
                SINGLE, "Ông/Bà đã phải đến nơi giải quyết bao nhiêu lần để hoàn thành thủ tục?",
                options=("1 lần", "2 lần", "3 lần", "Từ 4 lần trở lên",
                         "Không phải đến (làm trực tuyến hoặc qua bưu chính)")),
        ),
    ),
    SectionTemplate(
        "Công chức trực tiếp giải quyết công việc",
        "Người tiếp nhận, hướng dẫn và giải quyết hồ sơ của Ông/Bà.",
        (
            _scale("Công chức có thái độ lịch sự, tôn trọng khi tiếp nhận và giải quyết hồ sơ."),
            _scale("Công chức lắng nghe và trả lời đầy đủ các câu hỏi của Ông/Bà."),
            _scale("Công chức hướng dẫn kê khai hồ sơ tận tình, dễ hiểu."),
            _scale("Công chức hướng dẫn bổ sung hồ sơ một lần, đầy đủ (nếu có yêu cầu bổ sung).",
                   required=False),
        ),
    ),
    SectionTemplate(
        "Kết quả và thời gian giải quyết",
        "Kết quả nhận được và thời gian từ khi nộp hồ sơ đến khi nhận kết quả.",
        (
            _scale("Kết quả nhận được đúng với yêu cầu, thông tin trên kết quả chính xác."),
            _scale("Thời gian giải quyết hồ sơ đúng với thời hạn đã hẹn."),
            QuestionTemplate(
                SINGLE, "So với ngày hẹn, Ông/Bà nhận kết quả khi nào?",
                options=("Sớm hơn ngày hẹn", "Đúng ngày hẹn", "Muộn hơn ngày hẹn",
                         "Chưa nhận kết quả")),
            QuestionTemplate(
                NUMBER, "Tổng số ngày làm việc từ khi nộp hồ sơ đến khi nhận kết quả (nếu nhớ)."),
        ),
    ),
    SectionTemplate(
        "Bộ phận Một cửa",
        "Nơi tiếp nhận hồ sơ và trả kết quả. Bỏ qua phần này nếu Ông/Bà không đến trực tiếp.",
        (
            _scale("Nơi tiếp nhận và trả kết quả có đủ chỗ ngồi, sạch sẽ, thoáng mát.",
                   required=False),
            _scale("Trang thiết bị phục vụ (máy lấy số thứ tự, máy tra cứu, bút, mẫu đơn) đầy đủ, "
                   "dễ sử dụng.", required=False),
            _scale("Có biển chỉ dẫn, sơ đồ rõ ràng, dễ tìm đúng quầy.", required=False),
        ),
    ),
    SectionTemplate(
        "Đánh giá chung và góp ý",
        "",
        (
            _scale("Nhìn chung, Ông/Bà hài lòng ở mức nào với việc giải quyết thủ tục hành chính "
                   "lần này?"),
            QuestionTemplate(SHORT_TEXT, "Điều Ông/Bà hài lòng nhất là gì?"),
            QuestionTemplate(
                LONG_TEXT, "Ông/Bà có góp ý gì để việc giải quyết thủ tục hành chính tốt hơn?"),
        ),
    ),
)

DEFAULT_PROFILE_KEYS = ("procedure", "unit", "channel", "age_group", "gender")
