"""Survey services: reading surveys and answering them (public page, API, staff entry). Each
function takes the session and an explicit `now`, calls the rules, writes and flushes; the caller
commits once. Design operations are in design.py, results in results.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..domain import NotFound, ValidationFailed
from ..errors import register_domain_error
from ..organiser.models import record
from ..parsing import parse_int
from . import rules
from .models import (
    NUMBER,
    STAFF_SOURCES,
    TEXT_KINDS,
    Survey,
    SurveyAnswer,
    SurveyEntry,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
    SurveyTokenUse,
)

register_domain_error("survey_not_open", 409, _l("Khảo sát chưa mở hoặc đã kết thúc."))
register_domain_error("survey_already_answered", 409, _l(
    "Trình duyệt này đã gửi phiếu cho khảo sát này. Cảm ơn Ông/Bà đã tham gia!"))
register_domain_error("survey_question_locked", 409, _l(
    "Khảo sát đã có phiếu trả lời: chỉ được sửa lời câu hỏi, không được xoá hay đổi loại câu "
    "hỏi. Hãy cho câu hỏi ngừng sử dụng thay vì xoá."))
register_domain_error("survey_section_not_empty", 409, _l(
    "Chỉ xoá được phần không còn câu hỏi nào."))

ANSWER_ERRORS = {
    "required": _l("Vui lòng trả lời câu hỏi này."),
    "invalid_option": _l("Lựa chọn không thuộc câu hỏi này."),
    "duplicate_option": _l("Một lựa chọn được gửi nhiều lần."),
    "wrong_type": _l("Câu trả lời không đúng dạng của câu hỏi."),
    "too_long": _l("Câu trả lời quá dài."),
    "out_of_range": _l("Số không hợp lệ hoặc quá lớn."),
    "unknown_question": _l("Câu hỏi không thuộc khảo sát này hoặc đã ngừng sử dụng."),
    "empty": _l("Phiếu chưa có câu trả lời nào."),
}
NUMBER_WRONG_TYPE = _l("Vui lòng nhập một số (ví dụ 12 hoặc 2,5).")


# --- Reading --------------------------------------------------------------------------------


def get_survey(session: Session, survey_id: int) -> Survey:
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFound()
    return survey


def get_public_survey(session: Session, survey_id: int, staff: bool = False) -> Survey:
    """A survey as the public may see it: a draft is not found, except by staff (preview)."""
    survey = get_survey(session, survey_id)
    if not survey.published and not staff:
        raise NotFound()
    return survey


def status(survey: Survey, now: datetime) -> str:
    return rules.survey_status(now, survey.opens_at, survey.closes_at, survey.published)


def set_published(actor_id: int, survey: Survey, published: bool) -> bool:
    """Open a draft to the public, or take a survey back to draft. False when nothing changed."""
    if survey.published == published:
        return False
    survey.published = published
    record(actor_id, "survey.publish" if published else "survey.unpublish", survey,
           before={"published": not published}, after={"published": published})
    return True


def open_surveys(session: Session, now: datetime) -> list[Survey]:
    return list(session.scalars(
        select(Survey).where(Survey.published.is_(True), Survey.opens_at <= now,
                             Survey.closes_at > now)
        .order_by(Survey.closes_at, Survey.id)))


def all_surveys(session: Session) -> list[Survey]:
    return list(session.scalars(select(Survey).order_by(Survey.created_at.desc(),
                                                        Survey.id.desc())))


def response_counts(session: Session) -> dict[int, int]:
    return dict(session.execute(
        select(SurveyResponse.survey_id, func.count()).group_by(SurveyResponse.survey_id)).all())


def has_responses(session: Session, survey_id: int) -> bool:
    return bool(session.scalar(select(exists().where(SurveyResponse.survey_id == survey_id))))


def questions_of(survey: Survey) -> list[SurveyQuestion]:
    return [q for s in survey.sections for q in s.questions]


def get_question(survey: Survey, question_id: int) -> SurveyQuestion:
    for q in questions_of(survey):
        if q.id == question_id:
            return q
    raise NotFound()


def get_section(survey: Survey, section_id: int) -> SurveySection:
    for s in survey.sections:
        if s.id == section_id:
            return s
    raise NotFound()


# --- Answering ------------------------------------------------------------------------------


@dataclass
class QuestionView:
    id: int
    kind: str
    text: str
    required: bool
    options: list[tuple[int, str]]
    profile_key: str | None = None


@dataclass
class SectionView:
    id: int
    title: str
    description: str
    questions: list[QuestionView]


def answer_form(survey: Survey) -> list[SectionView]:
    """The sections and questions a respondent sees: active questions and options only, and no
    empty section."""
    sections = []
    for section in survey.sections:
        questions = [
            QuestionView(q.id, q.kind, q.text, q.required,
                         [(o.id, o.text) for o in q.active_options], q.profile_key)
            for q in section.questions if not q.retired
        ]
        if questions:
            sections.append(SectionView(section.id, section.title, section.description,
                                        questions))
    return sections


def _specs(sections: list[SectionView]) -> list[rules.QuestionSpec]:
    return [rules.QuestionSpec(q.id, q.kind, q.required, frozenset(oid for oid, _ in q.options))
            for s in sections for q in s.questions]


def answer_error(code: str, kind: str | None) -> Any:
    if code == "wrong_type" and kind == NUMBER:
        return NUMBER_WRONG_TYPE
    return ANSWER_ERRORS.get(code, ANSWER_ERRORS["wrong_type"])


def submit_response(
    session: Session, survey_id: int, raw: dict[str, Any], now: datetime, source: str,
    token: str | None = None, entered_by_id: int | None = None, enforce_required: bool = True,
    kiosk_id: int | None = None,
) -> SurveyResponse:
    """Store one anonymous response, or refuse it whole (nothing stored): outside the opening
    times (SurveyNotOpen), a browser token already used (AlreadyAnswered), or an invalid answer
    (ValidationFailed with one field per question). Staff entry (paper, phone) is accepted from
    the opening time on, also after closing, and records who typed it in the entry log."""
    survey = session.scalar(select(Survey).where(Survey.id == survey_id).options(
        selectinload(Survey.sections).selectinload(SurveySection.questions)
        .selectinload(SurveyQuestion.options)))
    if survey is None:
        raise NotFound()
    if not survey.published:  # a draft: unknown to the public, refused to staff entry
        if source not in STAFF_SOURCES:
            raise NotFound()
        raise rules.SurveyNotOpen(status=rules.STATUS_DRAFT)
    if source in STAFF_SOURCES:
        if now < survey.opens_at:
            raise rules.SurveyNotOpen(status=rules.STATUS_UPCOMING)
    else:
        rules.check_open(now, survey.opens_at, survey.closes_at)
    hashed = None
    if token and survey.one_per_browser and source not in STAFF_SOURCES:
        hashed = rules.token_hash(survey.id, token)
        if session.get(SurveyTokenUse, (survey.id, hashed)) is not None:
            raise rules.AlreadyAnswered()
    sections = answer_form(survey)
    kinds = {q.id: q.kind for s in sections for q in s.questions}
    cleaned, errors = rules.validate_answers(_specs(sections), raw, enforce_required)
    if errors:
        raise ValidationFailed(**{
            key: answer_error(code, kinds.get(parse_int(key.partition(".")[2], 1)))
            for key, code in errors.items()})
    if hashed is not None:
        # A simultaneous submission with the same token loses on the primary key; the error
        # handler (or the view) rolls the whole request back, so nothing of it is stored.
        session.add(SurveyTokenUse(survey_id=survey.id, token_hash=hashed))
        try:
            session.flush()
        except IntegrityError as err:
            raise rules.AlreadyAnswered() from err
    response = SurveyResponse(survey_id=survey.id, source=source, submitted_at=now,
                              kiosk_id=kiosk_id)
    session.add(response)
    session.flush()
    rows = []
    for qid, value in cleaned.items():
        base = {"response_id": response.id, "question_id": qid, "option_id": None,
                "text": None, "number": None}
        if isinstance(value, list):
            rows.extend({**base, "option_id": oid} for oid in value)
        elif kinds[qid] in TEXT_KINDS:
            rows.append({**base, "text": value})
        else:
            rows.append({**base, "number": value})
    if rows:
        session.execute(SurveyAnswer.__table__.insert(), rows)
    if source in STAFF_SOURCES:
        session.add(SurveyEntry(survey_id=survey.id, response_id=response.id,
                                entered_by_id=entered_by_id, channel=source, entered_at=now))
    session.flush()
    return response


def token_used(session: Session, survey: Survey, token: str | None) -> bool:
    """Whether this browser already answered (only when the survey limits one per browser)."""
    if not token or not survey.one_per_browser:
        return False
    return session.get(SurveyTokenUse, (survey.id, rules.token_hash(survey.id, token))) is not None


def entries_by(session: Session, survey_id: int, user_id: int) -> int:
    return session.scalar(select(func.count(SurveyEntry.id)).where(
        SurveyEntry.survey_id == survey_id, SurveyEntry.entered_by_id == user_id)) or 0
