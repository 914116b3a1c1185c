"""A new survey is a draft: invisible to the public (pages, QR, API, list) until the organiser
opens it; staff can preview it; nothing can be answered into it (issue 17, point 8)."""

from __future__ import annotations

from sqlalchemy import select

from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.surveys.models import Survey
from tests.conftest import csrf_token

from .conftest import response_count, valid_answers

BASE = "/ban-to-chuc/khao-sat"


def test_a_survey_created_by_an_organiser_starts_as_a_draft(app, client, login_as,
                                                            make_unit) -> None:
    make_unit("Sở Tư pháp")
    login_as("organiser")
    response = client.post(f"{BASE}/tao-moi", data={
        "title": "Khảo sát quý IV", "csrf_token": csrf_token(client, f"{BASE}/")})
    assert response.status_code == 302
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        assert survey.published is False
        survey_id = survey.id
    page = client.get(f"{BASE}/{survey_id}").get_data(as_text=True)
    assert "Bản nháp" in page
    assert "Mở khảo sát cho người dân" in page

    public = app.test_client()
    assert public.get(f"/khao-sat/{survey_id}").status_code == 404
    assert public.get(f"/khao-sat/{survey_id}/qr.svg").status_code == 404
    assert "Khảo sát quý IV" not in public.get("/khao-sat/").get_data(as_text=True)
    assert public.get(f"/api/v1/surveys/{survey_id}").status_code == 404
    assert all(s["id"] != survey_id for s in public.get("/api/v1/surveys").get_json())


def test_nothing_can_be_answered_into_a_draft(app, make_survey) -> None:
    survey_id = make_survey(published=False)
    public = app.test_client()
    response = public.post(f"/api/v1/surveys/{survey_id}/responses",
                           json={"answers": valid_answers(app, survey_id)})
    assert response.status_code == 404
    assert response_count(app, survey_id) == 0


def test_staff_preview_a_draft_but_cannot_answer_it(app, client, login_as,
                                                    make_survey) -> None:
    survey_id = make_survey(published=False)
    login_as("organiser")
    page = client.get(f"/khao-sat/{survey_id}")
    assert page.status_code == 409
    assert "Khảo sát đang là bản nháp" in page.get_data(as_text=True)
    assert client.get(f"/khao-sat/{survey_id}/qr.svg").status_code == 200


def test_opening_and_withdrawing_a_survey(app, client, login_as, make_survey) -> None:
    survey_id = make_survey(published=False)
    login_as("organiser")
    token = csrf_token(client, f"{BASE}/{survey_id}")
    response = client.post(f"{BASE}/{survey_id}/cong-bo",
                           data={"action": "publish", "csrf_token": token})
    assert response.status_code == 302
    public = app.test_client()
    assert public.get(f"/khao-sat/{survey_id}").status_code == 200
    answered = public.post(f"/api/v1/surveys/{survey_id}/responses",
                           json={"answers": valid_answers(app, survey_id)})
    assert answered.status_code == 201

    client.post(f"{BASE}/{survey_id}/cong-bo", data={"action": "unpublish", "csrf_token": token})
    assert public.get(f"/khao-sat/{survey_id}").status_code == 404
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a.startswith("survey.") and "publish" in a] == [
        "survey.publish", "survey.unpublish"]


def test_bad_publish_action_changes_nothing(app, client, login_as, make_survey) -> None:
    survey_id = make_survey(published=False)
    login_as("organiser")
    token = csrf_token(client, f"{BASE}/{survey_id}")
    response = client.post(f"{BASE}/{survey_id}/cong-bo",
                           data={"action": "bogus", "csrf_token": token})
    assert response.status_code == 422
    assert "Thao tác không hợp lệ." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Survey, survey_id).published is False


def test_only_organisers_open_surveys(app, client, login_as, make_survey) -> None:
    survey_id = make_survey(published=False)
    login_as("participant")
    token = csrf_token(client, "/")
    response = client.post(f"{BASE}/{survey_id}/cong-bo",
                           data={"action": "publish", "csrf_token": token})
    assert response.status_code in (403, 404)
    with app.app_context():
        assert db.session.get(Survey, survey_id).published is False
