"""Staff entry of paper and phone responses: organisers and surveyors only; the channel is marked
on the response and who typed it is kept in the entry log, not on the response."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest_app.extensions import db
from contest_app.surveys.models import SurveyAnswer, SurveyEntry, SurveyResponse
from tests.conftest import csrf_token

from .conftest import form_data, questions, response_count, valid_answers


def _url(survey_id: int) -> str:
    return f"/ban-to-chuc/khao-sat/{survey_id}/nhap-phieu"


@pytest.mark.parametrize(("role", "channel"), [("surveyor", "paper"), ("organiser", "phone")])
def test_staff_enter_a_response_marked_with_its_channel(app, client, login_as, make_survey,
                                                        role, channel) -> None:
    survey_id = make_survey()
    staff = login_as(role)
    page = client.get(_url(survey_id))
    assert page.status_code == 200 and 'id="survey-entry"' in page.get_data(as_text=True)
    data = {**form_data(app, survey_id, valid_answers(app, survey_id, pick=3)),
            "channel": channel, "csrf_token": csrf_token(client, _url(survey_id))}
    response = client.post(_url(survey_id), data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?kenh={channel}")
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu phiếu số" in after and "Bạn đã nhập 1 phiếu" in after
    with app.app_context():
        stored = db.session.scalar(select(SurveyResponse))
        entry = db.session.scalar(select(SurveyEntry))
        assert stored.source == channel
        assert (entry.response_id, entry.entered_by_id, entry.channel) == (
            stored.id, staff.id, channel)
        assert "entered_by_id" not in SurveyResponse.__table__.columns


def test_blank_required_answers_are_allowed_on_paper(app, client, login_as, make_survey) -> None:
    survey_id = make_survey()
    login_as("surveyor")
    scale = next(q for q in questions(app, survey_id) if q.kind == "scale")
    response = client.post(_url(survey_id), data={
        f"q{scale.id}": str(scale.options[4][0]), "channel": "paper",
        "csrf_token": csrf_token(client, _url(survey_id))})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SurveyAnswer.option_id)) == scale.options[4][0]


def test_empty_or_invalid_entry_is_refused(app, client, login_as, make_survey) -> None:
    survey_id = make_survey()
    login_as("surveyor")
    token = csrf_token(client, _url(survey_id))
    empty = client.post(_url(survey_id), data={"channel": "paper", "csrf_token": token})
    assert empty.status_code == 422
    assert "Phiếu chưa có câu trả lời nào." in empty.get_data(as_text=True)
    scales = [q for q in questions(app, survey_id) if q.kind == "scale"]
    wrong = client.post(_url(survey_id), data={
        f"q{scales[0].id}": str(scales[1].options[0][0]), "channel": "paper", "csrf_token": token})
    assert wrong.status_code == 422
    assert "Lựa chọn không thuộc câu hỏi này." in wrong.get_data(as_text=True)
    bad_channel = client.post(_url(survey_id), data={
        f"q{scales[0].id}": str(scales[0].options[0][0]), "channel": "web", "csrf_token": token})
    assert bad_channel.status_code == 422
    assert response_count(app) == 0


def test_entry_after_closing_is_allowed_but_not_before_opening(app, client, clock, login_as,
                                                               make_survey) -> None:
    survey_id = make_survey(opens_delta=timedelta(days=1), closes_delta=timedelta(days=2))
    login_as("surveyor")
    data = {**form_data(app, survey_id, valid_answers(app, survey_id)), "channel": "paper",
            "csrf_token": csrf_token(client, _url(survey_id))}
    early = client.post(_url(survey_id), data=data)
    assert early.status_code == 409
    assert "Khảo sát chưa mở" in early.get_data(as_text=True)
    clock.advance(days=5)  # paper forms collected in time, typed in after closing
    assert client.post(_url(survey_id), data=data).status_code == 302
    assert response_count(app) == 1


@pytest.mark.parametrize("role", ["participant", "judge"])
def test_other_roles_cannot_enter_responses(app, client, login_as, make_survey, role) -> None:
    survey_id = make_survey()
    login_as(role)
    assert client.get(_url(survey_id)).status_code == 403
    data = {**form_data(app, survey_id, valid_answers(app, survey_id)), "channel": "paper",
            "csrf_token": csrf_token(client, "/tai-khoan/doi-mat-khau")}
    assert client.post(_url(survey_id), data=data).status_code == 403
    assert response_count(app) == 0


def test_public_is_sent_to_login(client, make_survey) -> None:
    response = client.get(_url(make_survey()))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap" in response.headers["Location"]
