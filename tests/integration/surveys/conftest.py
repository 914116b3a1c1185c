"""Survey fixtures: a survey built from the template (open now on the test clock), valid answers
for it, and helpers to read what the database holds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from contest_app.extensions import db
from contest_app.surveys import design, services
from contest_app.surveys.models import SurveyAnswer, SurveyResponse


@pytest.fixture
def make_survey(app, clock, make_unit):
    """Create a survey from the template, opened to the public unless `published=False`;
    returns its id. Units exist before, so the unit question has options."""
    created = {"units": False}

    def build(title: str = "Khảo sát thử", opens_delta=timedelta(hours=-1),
              closes_delta=timedelta(days=30), published: bool = True, **fields: Any) -> int:
        if not created["units"]:
            make_unit("Sở Tư pháp")
            make_unit("Sở Y tế")
            created["units"] = True
        with app.app_context():
            now = clock.now()
            survey = design.create_from_template(db.session, None, title, now,
                                                 opens_at=now + opens_delta,
                                                 closes_at=now + closes_delta)
            survey.published = published
            for key, value in fields.items():
                setattr(survey, key, value)
            db.session.commit()
            return survey.id

    return build


def form_of(app, survey_id: int) -> list[services.SectionView]:
    with app.app_context():
        return services.answer_form(services.get_survey(db.session, survey_id))


def questions(app, survey_id: int) -> list[services.QuestionView]:
    return [q for s in form_of(app, survey_id) for q in s.questions]


def valid_answers(app, survey_id: int, pick: int = 0) -> dict[str, Any]:
    """API-shaped answers to every question: the `pick`-th option of each choice question."""
    answers: dict[str, Any] = {}
    for q in questions(app, survey_id):
        if q.kind in ("scale", "single_choice"):
            answers[str(q.id)] = q.options[min(pick, len(q.options) - 1)][0]
        elif q.kind == "multiple_choice":
            answers[str(q.id)] = [q.options[0][0]]
        elif q.kind == "number":
            answers[str(q.id)] = 5
        else:
            answers[str(q.id)] = "Ý kiến thử nghiệm"
    return answers


def form_data(app, survey_id: int, answers: dict[str, Any]) -> dict[str, Any]:
    """The answer page's fields for API-shaped answers."""
    return {f"q{qid}": (value if isinstance(value, list) else str(value))
            for qid, value in answers.items()}


def response_count(app, survey_id: int | None = None) -> int:
    with app.app_context():
        query = select(func.count(SurveyResponse.id))
        if survey_id is not None:
            query = query.where(SurveyResponse.survey_id == survey_id)
        return db.session.scalar(query)


def answer_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(SurveyAnswer.id)))
