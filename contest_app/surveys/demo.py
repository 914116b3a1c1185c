"""The demo survey: one open satisfaction survey built from the template, with a few dozen
sample responses so that the results page has something to show. Idempotent."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from . import design, services
from .models import CHOICE_KINDS, MULTIPLE, NUMBER, SCALE, SOURCE_PAPER, SOURCE_WEB, Survey

DEMO_TITLE = "Khảo sát mức độ hài lòng về giải quyết thủ tục hành chính năm 2026"
SAMPLE_RESPONSES = 36
COMMENTS = [
    "Cán bộ hướng dẫn nhiệt tình, dễ hiểu.",
    "Nên có thêm chỗ ngồi chờ và máy lấy số thứ tự.",
    "Thời gian chờ hơi lâu vào buổi sáng.",
    "Mong được nhắn tin báo khi hồ sơ có kết quả.",
    "Nộp trực tuyến thuận tiện, không phải đi lại.",
]


def load_demo_survey(session: Session, sample_responses: int = SAMPLE_RESPONSES) -> Survey:
    """Create the demo survey (open from a week ago for two months) once; later calls return
    it unchanged. Sample answers are drawn from a fixed seed (channel: web and paper)."""
    existing = session.scalar(select(Survey).where(Survey.title == DEMO_TITLE))
    if existing is not None:
        return existing
    now = clock.now()
    survey = design.create_from_template(session, None, DEMO_TITLE, now,
                                         opens_at=now - timedelta(days=7),
                                         closes_at=now + timedelta(days=60))
    survey.population = 1200
    survey.published = True
    session.flush()
    rng = random.Random(2026)
    sections = services.answer_form(survey)
    for i in range(sample_responses):
        raw = {}
        for section in sections:
            for q in section.questions:
                value = _sample_answer(rng, q)
                if value is not None:
                    raw[str(q.id)] = value
        services.submit_response(session, survey.id, raw, now - timedelta(hours=i * 3),
                                 SOURCE_PAPER if i % 4 == 0 else SOURCE_WEB,
                                 enforce_required=True)
    return survey


def _sample_answer(rng: random.Random, q: services.QuestionView):
    ids = [oid for oid, _text in q.options]
    if q.kind == SCALE:
        return rng.choices(ids, weights=[2, 5, 15, 45, 33])[0]
    if q.kind == MULTIPLE:
        return rng.sample(ids, k=rng.randint(1, min(3, len(ids))))
    if q.kind in CHOICE_KINDS:
        return rng.choice(ids) if ids else None
    if q.kind == NUMBER:
        return rng.choice([None, 3, 5, 7, 10, 15])
    return rng.choice([None, None, *COMMENTS])
