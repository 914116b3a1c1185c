"""The demo survey: open now, built from the template, with sample responses; loading it twice
changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from contest_app.demo import load_units
from contest_app.extensions import db
from contest_app.surveys import services
from contest_app.surveys.demo import DEMO_TITLE, SAMPLE_RESPONSES, load_demo_survey
from contest_app.surveys.models import Survey, SurveyQuestion, SurveyResponse


def test_demo_survey_is_idempotent_and_open(app, clock) -> None:
    with app.app_context():
        load_units(db.session)
        first = load_demo_survey(db.session)
        db.session.commit()
        second = load_demo_survey(db.session)
        db.session.commit()
        assert first.id == second.id
        assert db.session.scalar(select(func.count(Survey.id))) == 1
        assert db.session.scalar(select(func.count(SurveyResponse.id))) == SAMPLE_RESPONSES
        assert db.session.scalar(select(func.count(SurveyQuestion.id))) == len(
            services.questions_of(first))
        survey = services.open_surveys(db.session, clock.now())
        assert [s.title for s in survey] == [DEMO_TITLE]
        titles = [s.title for s in first.sections]
        assert "Bộ phận Một cửa" in titles and titles[0] == "Thông tin chung"
        unit = next(q for q in services.questions_of(first) if q.profile_key == "unit")
        assert "Trung tâm Phục vụ hành chính công tỉnh" in [o.text for o in unit.options]


def test_demo_survey_is_answerable_by_link(app, client, clock) -> None:
    with app.app_context():
        load_units(db.session)
        survey_id = load_demo_survey(db.session, sample_responses=0).id
        db.session.commit()
    assert client.get(f"/khao-sat/{survey_id}").status_code == 200
    assert client.get("/api/v1/surveys").get_json()[0]["id"] == survey_id
