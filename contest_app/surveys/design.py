"""Survey design by organisers: a new survey from the built-in template, settings, profile
questions, sections and questions. Once a survey has responses a question can be reworded but
not removed or changed in type (it is retired instead). Writes and flushes; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..accounts.models import Block, Unit
from ..domain import ValidationFailed
from ..organiser.models import record
from . import rules, template
from .models import (
    CHOICE_KINDS,
    DEFAULT_SCALE_LABELS,
    MULTIPLE,
    PROFILE_KEYS,
    SCALE,
    SINGLE,
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveySection,
)
from .services import has_responses, questions_of

DEFAULT_DURATION = timedelta(days=30)


# --- Creating from the template -------------------------------------------------------------


def active_units(session: Session) -> list[Unit]:
    return list(session.scalars(
        select(Unit).outerjoin(Block, Block.id == Unit.block_id).where(Unit.active.is_(True))
        .order_by(func.coalesce(Block.position, 10_000), Unit.name)))


def _new_question(session: Session, survey: Survey, section: SurveySection,
                  tpl: template.QuestionTemplate) -> SurveyQuestion:
    question = SurveyQuestion(
        survey_id=survey.id, section_id=section.id, position=len(section.questions),
        kind=tpl.kind, text=tpl.text, required=tpl.required, profile_key=tpl.profile_key)
    section.questions.append(question)
    if tpl.kind == SCALE:
        question.options = _scale_options(survey)
    else:
        question.options = [SurveyOption(position=i, text=t) for i, t in enumerate(tpl.options)]
    session.flush()
    if tpl.profile_key == "unit":
        sync_unit_options(session, question)
    return question


def _scale_options(survey: Survey) -> list[SurveyOption]:
    return [SurveyOption(position=i, text=label, value=i + 1)
            for i, label in enumerate(survey.scale_labels)]


def create_from_template(
    session: Session, actor_id: int | None, title: str, now: datetime,
    opens_at: datetime | None = None, closes_at: datetime | None = None,
) -> Survey:
    """A new survey holding a copy of the built-in template, open from now for 30 days."""
    opens_at = opens_at or now
    survey = Survey(
        title=" ".join(title.split()), introduction=template.INTRODUCTION,
        thank_you=template.THANK_YOU, opens_at=opens_at,
        closes_at=closes_at or opens_at + DEFAULT_DURATION, created_by_id=actor_id,
        scale_labels=list(DEFAULT_SCALE_LABELS))
    session.add(survey)
    session.flush()
    _profile_section(session, survey)
    for key in template.DEFAULT_PROFILE_KEYS:
        _new_question(session, survey, _profile_section(session, survey),
                      template.PROFILE_QUESTIONS[key])
    for position, tpl in enumerate(template.SECTIONS, start=1):
        section = SurveySection(survey_id=survey.id, position=position, title=tpl.title,
                                description=tpl.description)
        survey.sections.append(section)
        session.flush()
        for q in tpl.questions:
            _new_question(session, survey, section, q)
    record(actor_id, "survey.create", survey, after={"title": survey.title})
    return survey


def _profile_section(session: Session, survey: Survey) -> SurveySection:
    for section in survey.sections:
        if section.is_profile:
            return section
    for section in survey.sections:
        section.position += 1
    section = SurveySection(survey_id=survey.id, position=0, title=template.PROFILE_TITLE,
                            description=template.PROFILE_DESCRIPTION, is_profile=True)
    survey.sections.insert(0, section)
    session.flush()
    return section


# --- Settings and profile questions ---------------------------------------------------------


@dataclass
class Settings:
    title: str
    introduction: str
    thank_you: str
    opens_at: datetime
    closes_at: datetime
    scale_labels: list[str]
    one_per_browser: bool
    population: int | None
    profile_keys: list[str] = field(default_factory=list)


def update_settings(session: Session, actor_id: int, survey: Survey, data: Settings) -> None:
    if data.closes_at <= data.opens_at:
        raise ValidationFailed(closes_at=_l("Thời gian đóng phải sau thời gian mở."))
    before = {"title": survey.title, "opens_at": survey.opens_at.isoformat(),
              "closes_at": survey.closes_at.isoformat()}
    survey.title = " ".join(data.title.split())
    survey.introduction, survey.thank_you = data.introduction or "", data.thank_you or ""
    survey.opens_at, survey.closes_at = data.opens_at, data.closes_at
    survey.one_per_browser, survey.population = data.one_per_browser, data.population
    labels = [" ".join(label.split()) for label in data.scale_labels]
    if labels != list(survey.scale_labels):
        survey.scale_labels = labels
        for q in questions_of(survey):
            if q.kind == SCALE:
                for option in q.options:
                    option.text = labels[option.value - 1]
    set_profile_keys(session, survey, data.profile_keys)
    session.flush()
    record(actor_id, "survey.update", survey, before,
           {"title": survey.title, "opens_at": survey.opens_at.isoformat(),
            "closes_at": survey.closes_at.isoformat(), "profile": sorted(data.profile_keys)})


def profile_keys(survey: Survey) -> list[str]:
    return [q.profile_key for q in questions_of(survey) if q.profile_key and not q.retired]


def set_profile_keys(session: Session, survey: Survey, keys: list[str]) -> None:
    """Ask exactly the chosen profile questions: add the missing ones, bring back retired
    ones, and drop the others (retired when the survey has responses, else deleted)."""
    existing = {q.profile_key: q for q in questions_of(survey) if q.profile_key}
    answered = has_responses(session, survey.id)
    for key in PROFILE_KEYS:
        question = existing.get(key)
        if key in keys:
            if question is None:
                _new_question(session, survey, _profile_section(session, survey),
                              template.PROFILE_QUESTIONS[key])
            elif question.retired:
                question.retired = False
            if key == "unit":
                sync_unit_options(session, existing.get(key) or _profile_question(survey, key))
        elif question is not None and not question.retired:
            if answered:
                question.retired = True
            else:
                section = question.section
                section.questions.remove(question)
                _renumber(section.questions)
    session.flush()


def _profile_question(survey: Survey, key: str) -> SurveyQuestion:
    return next(q for q in questions_of(survey) if q.profile_key == key)


def sync_unit_options(session: Session, question: SurveyQuestion) -> None:
    """The unit question's options follow the Unit table: active units in block order."""
    units = active_units(session)
    by_unit = {o.unit_id: o for o in question.options if o.unit_id is not None}
    answered = has_responses(session, question.survey_id)
    kept: list[SurveyOption] = []
    for unit in units:
        option = by_unit.pop(unit.id, None)
        if option is None:
            option = SurveyOption(text=unit.name, unit_id=unit.id)
            question.options.append(option)
        option.text, option.retired = unit.name, False
        kept.append(option)
    for option in list(question.options):
        if option in kept:
            continue
        if answered:
            option.retired = True
            kept.append(option)
        else:
            question.options.remove(option)
    for position, option in enumerate(kept):
        option.position = position
    session.flush()


# --- Sections -------------------------------------------------------------------------------


def add_section(session: Session, actor_id: int, survey: Survey, title: str,
                description: str) -> SurveySection:
    section = SurveySection(survey_id=survey.id, position=len(survey.sections),
                            title=" ".join(title.split()), description=description or "")
    survey.sections.append(section)
    session.flush()
    record(actor_id, "survey_section.create", section, after={"title": section.title})
    return section


def update_section(session: Session, actor_id: int, section: SurveySection, title: str,
                   description: str) -> None:
    before = {"title": section.title}
    section.title, section.description = " ".join(title.split()), description or ""
    session.flush()
    record(actor_id, "survey_section.update", section, before, {"title": section.title})


def delete_section(session: Session, actor_id: int, section: SurveySection) -> None:
    if section.questions:
        raise rules.SectionNotEmpty()
    survey = section.survey
    survey.sections.remove(section)
    _renumber(survey.sections)
    session.flush()
    record(actor_id, "survey_section.delete", "SurveySection", {"title": section.title})


def _renumber(items: list[Any]) -> None:
    for position, item in enumerate(items):
        item.position = position


def _move(session: Session, owner: Any, attribute: str, item: Any, delta: int) -> None:
    """Swap an item's position with its neighbour's. The relationship list itself is left
    alone (removing an item from it, even for a moment, would delete it as an orphan)."""
    items = list(getattr(owner, attribute))
    index = items.index(item)
    target = index + delta
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        _renumber(items)
        session.flush()
        session.expire(owner, [attribute])


def move_section(session: Session, section: SurveySection, delta: int) -> None:
    _move(session, section.survey, "sections", section, delta)


def move_question(session: Session, question: SurveyQuestion, delta: int) -> None:
    _move(session, question.section, "questions", question, delta)


# --- Questions ------------------------------------------------------------------------------


@dataclass
class QuestionData:
    text: str
    kind: str
    required: bool
    option_texts: dict[int, str] = field(default_factory=dict)  # rewording, by option id
    remove_option_ids: set[int] = field(default_factory=set)
    new_options: list[str] = field(default_factory=list)


def save_question(session: Session, actor_id: int, survey: Survey, section: SurveySection,
                  question: SurveyQuestion | None, data: QuestionData) -> SurveyQuestion:
    """Create or edit a question. Once the survey has responses, a question can be reworded
    (its options too) but not change type; removed options are retired instead."""
    answered = has_responses(session, survey.id)
    text = data.text.strip()
    if not text:
        raise ValidationFailed(text=_l("Vui lòng nhập nội dung câu hỏi."))
    creating = question is None
    before = None
    if question is None:
        question = SurveyQuestion(survey_id=survey.id, section_id=section.id,
                                  position=len(section.questions), kind=data.kind, text=text)
        section.questions.append(question)
        question.options = _scale_options(survey) if data.kind == SCALE else []
    else:
        before = {"text": question.text, "kind": question.kind, "required": question.required}
        rules.check_kind_change(answered, question.kind, data.kind)
        if question.profile_key and data.kind != SINGLE:
            raise ValidationFailed(kind=_l("Câu hỏi thông tin chung luôn là câu chọn một."))
        if data.kind != question.kind and SCALE in (data.kind, question.kind):
            question.options = _scale_options(survey) if data.kind == SCALE else []
    question.text, question.kind, question.required = text, data.kind, data.required
    editable = data.kind in (SINGLE, MULTIPLE) and question.profile_key != "unit"
    if editable:
        _edit_options(question, data, answered)
    else:
        if data.kind not in CHOICE_KINDS:
            question.options = []
    if data.kind in (SINGLE, MULTIPLE) and len(question.active_options) < 2:
        raise ValidationFailed(new_options=_l("Câu hỏi lựa chọn cần ít nhất 2 phương án."))
    session.flush()
    record(actor_id, "survey_question.create" if creating else "survey_question.update",
           question, before, {"text": question.text, "kind": question.kind,
                              "required": question.required})
    return question


def _edit_options(question: SurveyQuestion, data: QuestionData, answered: bool) -> None:
    for option in list(question.options):
        if option.id in data.remove_option_ids:
            if answered:
                option.retired = True
            else:
                question.options.remove(option)
            continue
        new_text = " ".join((data.option_texts.get(option.id) or "").split())
        if new_text:
            option.text = new_text
    for text in data.new_options:
        text = " ".join(text.split())
        if text and all(o.text != text for o in question.active_options):
            question.options.append(SurveyOption(text=text[:500]))
    _renumber(question.options)


def set_retired(session: Session, actor_id: int, question: SurveyQuestion,
                retired: bool) -> None:
    question.retired = retired
    session.flush()
    record(actor_id, "survey_question.retire" if retired else "survey_question.restore",
           question)


def delete_question(session: Session, actor_id: int, question: SurveyQuestion) -> None:
    """Only before any response: afterwards questions are retired, never removed."""
    rules.check_removal(has_responses(session, question.survey_id))
    section = question.section
    section.questions.remove(question)
    _renumber(section.questions)
    session.flush()
    record(actor_id, "survey_question.delete", "SurveyQuestion",
           {"id": question.id, "text": question.text})
