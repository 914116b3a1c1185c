"""Anonymous answering by the public page and the API: nothing of the respondent's identity is
stored, invalid or out-of-time responses are refused whole, duplicates are limited per browser
and by a rate limit."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import inspect, select, text

from contest_app import create_app
from contest_app.extensions import db, limiter
from contest_app.surveys.models import SurveyAnswer, SurveyResponse, SurveyTokenUse
from contest_app.surveys.views import TOKEN_COOKIE
from tests.conftest import csrf_token, make_test_config

from .conftest import answer_count, form_data, questions, response_count, valid_answers

SURVEY_TABLES = ("survey_response", "survey_answer", "survey_token_use")
IDENTITY_WORDS = ("user", "email", "mail", "ip", "addr", "agent", "phone", "name", "entered_by")


def test_response_tables_have_no_identity_columns(app) -> None:
    with app.app_context():
        inspector = inspect(db.engine)
        for table in SURVEY_TABLES:
            columns = {c["name"] for c in inspector.get_columns(table)}
            for column in columns:
                parts = column.split("_")
                assert not any(word in parts or column.startswith(word)
                               for word in IDENTITY_WORDS), (table, column)
        assert {c["name"] for c in inspector.get_columns("survey_response")} == {
            "id", "survey_id", "source", "submitted_at", "kiosk_id"}


def _dump_survey_rows(app) -> str:
    with app.app_context():
        rows = []
        for table in (*SURVEY_TABLES, "survey_entry"):
            rows += [repr(tuple(r)) for r in db.session.execute(text(f"SELECT * FROM {table}"))]
        return "\n".join(rows)


def test_page_answer_stores_nothing_of_the_request_identity(app, client, make_survey,
                                                            login_as) -> None:
    survey_id = make_survey()
    user = login_as("participant", email="nguoi.tra.loi@example.vn",
                    full_name="Trần Thị Người Trả Lời")
    page = client.get(f"/khao-sat/{survey_id}")
    assert page.status_code == 200
    token = client.get_cookie(TOKEN_COOKIE, path="/khao-sat").value
    answers = valid_answers(app, survey_id)
    response = client.post(
        f"/khao-sat/{survey_id}",
        data={**form_data(app, survey_id, answers), "csrf_token": csrf_token(
            client, f"/khao-sat/{survey_id}")},
        headers={"User-Agent": "TrinhDuyetRiengTu/9.9", "X-Forwarded-For": "198.51.100.23"},
        environ_base={"REMOTE_ADDR": "203.0.113.77"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/khao-sat/{survey_id}/cam-on")
    assert response_count(app, survey_id) == 1
    stored = _dump_survey_rows(app)
    for secret in ("203.0.113.77", "198.51.100.23", "TrinhDuyetRiengTu", user.email,
                   user.full_name, user.phone, token):
        assert secret not in stored
    with app.app_context():
        response_row = db.session.scalar(select(SurveyResponse))
        assert response_row.source == "web"
        assert not hasattr(response_row, "user_id")
        used = db.session.scalar(select(SurveyTokenUse))
        assert used.token_hash != token and len(used.token_hash) == 64


def test_thank_you_page(client, make_survey) -> None:
    survey_id = make_survey()
    page = client.get(f"/khao-sat/{survey_id}/cam-on").get_data(as_text=True)
    assert "Cảm ơn" in page and 'id="survey-done"' in page


def test_page_shows_sections_and_keeps_typed_values_on_errors(app, client, make_survey) -> None:
    survey_id = make_survey()
    page = client.get(f"/khao-sat/{survey_id}").get_data(as_text=True)
    assert "Bộ phận Một cửa" in page and "Rất hài lòng" in page and "Sở Tư pháp" in page
    short = next(q for q in questions(app, survey_id) if q.kind == "short_text")
    required = [q for q in questions(app, survey_id) if q.required]
    token = csrf_token(client, f"/khao-sat/{survey_id}")
    response = client.post(f"/khao-sat/{survey_id}",
                           data={f"q{short.id}": "Rất nhanh gọn", "csrf_token": token})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Vui lòng trả lời câu hỏi này." in html
    assert f'id="q{required[0].id}-error"' in html
    assert 'value="Rất nhanh gọn"' in html
    assert response_count(app) == 0


def test_page_accepts_a_decimal_comma(app, client, make_survey) -> None:
    survey_id = make_survey()
    answers = valid_answers(app, survey_id)
    number = next(q for q in questions(app, survey_id) if q.kind == "number")
    data = form_data(app, survey_id, answers)
    data[f"q{number.id}"] = "2,5"
    data["csrf_token"] = csrf_token(client, f"/khao-sat/{survey_id}")
    assert client.post(f"/khao-sat/{survey_id}", data=data).status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(SurveyAnswer.number).where(
            SurveyAnswer.question_id == number.id))
    assert stored == 2.5


def test_page_is_refused_before_opening_and_after_closing(app, client, clock,
                                                          make_survey) -> None:
    survey_id = make_survey(opens_delta=timedelta(hours=1), closes_delta=timedelta(days=1))
    page = client.get(f"/khao-sat/{survey_id}")
    assert page.status_code == 409 and "Khảo sát chưa mở" in page.get_data(as_text=True)
    clock.advance(hours=2)
    token = csrf_token(client, f"/khao-sat/{survey_id}")
    clock.advance(days=2)
    data = {**form_data(app, survey_id, valid_answers(app, survey_id)), "csrf_token": token}
    response = client.post(f"/khao-sat/{survey_id}", data=data)
    assert response.status_code == 409
    assert "đã kết thúc" in response.get_data(as_text=True)
    assert response_count(app) == 0


# --- API ------------------------------------------------------------------------------------


def test_api_lists_open_surveys_only(app, client, make_survey) -> None:
    open_id = make_survey("Đang mở")
    make_survey("Sắp mở", opens_delta=timedelta(days=1), closes_delta=timedelta(days=2))
    make_survey("Đã đóng", opens_delta=timedelta(days=-9), closes_delta=timedelta(days=-1))
    body = client.get("/api/v1/surveys").get_json()
    assert [s["id"] for s in body] == [open_id]
    assert set(body[0]) == {"id", "title", "opens_at", "closes_at"}


def test_api_describes_sections_and_questions(app, client, make_survey) -> None:
    survey_id = make_survey()
    body = client.get(f"/api/v1/surveys/{survey_id}").get_json()
    assert body["status"] == "open"
    titles = [s["title"] for s in body["sections"]]
    assert titles[0] == "Thông tin chung" and "Bộ phận Một cửa" in titles
    scale = next(q for s in body["sections"] for q in s["questions"] if q["type"] == "scale")
    assert set(scale) == {"id", "type", "text", "required", "options"}
    assert [o["text"] for o in scale["options"]] == [
        "Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]
    assert client.get("/api/v1/surveys/999999").status_code == 404


def test_api_answer_is_created(app, client, make_survey) -> None:
    survey_id = make_survey()
    response = client.post(f"/api/v1/surveys/{survey_id}/responses",
                           json={"answers": valid_answers(app, survey_id)})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["survey_id"] == survey_id
    with app.app_context():
        assert db.session.scalar(select(SurveyResponse.source)) == "api"


def test_api_missing_required_answer_is_422_and_stores_nothing(app, client, make_survey) -> None:
    survey_id = make_survey()
    answers = valid_answers(app, survey_id)
    required = next(q for q in questions(app, survey_id) if q.required)
    del answers[str(required.id)]
    response = client.post(f"/api/v1/surveys/{survey_id}/responses", json={"answers": answers})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert error["fields"] == {f"answers.{required.id}": "Vui lòng trả lời câu hỏi này."}
    assert response_count(app) == 0 and answer_count(app) == 0


def test_api_option_of_another_question_is_422_and_stores_nothing(app, client,
                                                                  make_survey) -> None:
    survey_id = make_survey()
    answers = valid_answers(app, survey_id)
    scales = [q for q in questions(app, survey_id) if q.kind == "scale"]
    answers[str(scales[0].id)] = scales[1].options[4][0]  # "Rất hài lòng" of the next question
    response = client.post(f"/api/v1/surveys/{survey_id}/responses", json={"answers": answers})
    assert response.status_code == 422
    assert f"answers.{scales[0].id}" in response.get_json()["error"]["fields"]
    assert response_count(app) == 0 and answer_count(app) == 0


def test_api_wrong_types_and_unknown_questions_are_422(app, client, make_survey) -> None:
    survey_id = make_survey()
    number = next(q for q in questions(app, survey_id) if q.kind == "number")
    multiple = next(q for q in questions(app, survey_id) if q.kind == "multiple_choice")
    answers = valid_answers(app, survey_id)
    answers.update({str(number.id): "năm", str(multiple.id): multiple.options[0][0],
                    "123456": 1})
    response = client.post(f"/api/v1/surveys/{survey_id}/responses", json={"answers": answers})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {f"answers.{number.id}", f"answers.{multiple.id}", "answers.123456"}
    assert client.post(f"/api/v1/surveys/{survey_id}/responses",
                       json={"nope": 1}).status_code == 422
    assert response_count(app) == 0


def test_api_refuses_answers_outside_the_opening_times(app, client, clock, make_survey) -> None:
    survey_id = make_survey(opens_delta=timedelta(hours=1), closes_delta=timedelta(hours=5))
    answers = valid_answers(app, survey_id)
    url = f"/api/v1/surveys/{survey_id}/responses"
    early = client.post(url, json={"answers": answers})
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "survey_not_open"
    clock.advance(hours=1)
    assert client.post(url, json={"answers": answers}).status_code == 201
    clock.advance(hours=4)  # closing time itself is closed
    assert client.post(url, json={"answers": answers}).status_code == 409
    assert response_count(app) == 1


def test_api_retired_question_is_no_longer_asked(app, client, make_survey) -> None:
    from contest_app.surveys import design
    from contest_app.surveys.models import SurveyQuestion

    survey_id = make_survey()
    scale = next(q for q in questions(app, survey_id) if q.kind == "scale")
    with app.app_context():
        design.set_retired(db.session, None, db.session.get(SurveyQuestion, scale.id), True)
        db.session.commit()
    body = client.get(f"/api/v1/surveys/{survey_id}").get_json()
    assert scale.id not in [q["id"] for s in body["sections"] for q in s["questions"]]
    answers = valid_answers(app, survey_id)
    answers[str(scale.id)] = scale.options[0][0]
    response = client.post(f"/api/v1/surveys/{survey_id}/responses", json={"answers": answers})
    assert response.status_code == 422


# --- Duplicates -----------------------------------------------------------------------------


def _submit_page(app, client, survey_id: int):
    data = {**form_data(app, survey_id, valid_answers(app, survey_id)),
            "csrf_token": csrf_token(client)}  # the session's token, from the login page
    return client.post(f"/khao-sat/{survey_id}", data=data)


def test_one_response_per_browser(app, client, make_survey) -> None:
    survey_id = make_survey()
    assert _submit_page(app, client, survey_id).status_code == 302
    again = _submit_page(app, client, survey_id)
    assert again.status_code == 409
    assert "đã gửi phiếu" in again.get_data(as_text=True)
    assert response_count(app) == 1
    notice = client.get(f"/khao-sat/{survey_id}").get_data(as_text=True)
    assert "đã gửi phiếu" in notice and 'id="survey-form"' not in notice
    other_browser = app.test_client()
    assert _submit_page(app, other_browser, survey_id).status_code == 302
    assert response_count(app) == 2


def test_shared_tablet_may_answer_many_times(app, client, make_survey) -> None:
    survey_id = make_survey(one_per_browser=False)
    assert _submit_page(app, client, survey_id).status_code == 302
    assert _submit_page(app, client, survey_id).status_code == 302
    assert response_count(app) == 2


def test_api_respondent_token_limits_duplicates(app, client, make_survey) -> None:
    survey_id = make_survey()
    url = f"/api/v1/surveys/{survey_id}/responses"
    body = {"answers": valid_answers(app, survey_id), "respondent_token": "kiosk-may-1-abcdefgh"}
    assert client.post(url, json=body).status_code == 201
    again = client.post(url, json=body)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "survey_already_answered"
    assert response_count(app) == 1


def test_submissions_are_rate_limited(app, database_url, make_survey) -> None:
    survey_id = make_survey()
    limited = create_app(make_test_config(database_url, RATELIMIT_ENABLED=True,
                                          SURVEY_RATE_LIMIT="2 per minute"))
    try:
        client = limited.test_client()
        url = f"/api/v1/surveys/{survey_id}/responses"
        body = {"answers": valid_answers(app, survey_id)}
        statuses = [client.post(url, json=body).status_code for _ in range(3)]
        assert statuses == [201, 201, 429]
        refused = client.post(url, json=body)
        assert refused.get_json()["error"]["message"].startswith("Bạn thao tác quá nhanh")
        assert response_count(app) == 2
    finally:  # the limiter is one extension object shared by every app in this process
        limiter.reset()
        limiter.enabled = False


def test_qr_code_is_svg_made_here(client, make_survey) -> None:
    survey_id = make_survey()
    response = client.get(f"/khao-sat/{survey_id}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert re.search(r"<svg[^>]*xmlns", response.get_data(as_text=True))
    assert client.get("/khao-sat/999999/qr.svg").status_code == 404


def test_public_list_and_empty_state(client, make_survey) -> None:
    assert "Chưa có khảo sát nào đang mở." in client.get("/khao-sat/").get_data(as_text=True)
    make_survey("Khảo sát Bộ phận Một cửa")
    assert "Khảo sát Bộ phận Một cửa" in client.get("/khao-sat/").get_data(as_text=True)
