"""Survey design by organisers: a new survey from the template, settings and profile questions,
and the editing rule once a response exists (reword yes; remove or change type no: retire)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest_app.extensions import db
from contest_app.surveys import design, rules, services
from contest_app.surveys.models import Survey, SurveyOption, SurveyQuestion
from tests.conftest import csrf_token

from .conftest import questions, response_count, valid_answers

BASE = "/ban-to-chuc/khao-sat"


def _answer_once(app, client, survey_id: int) -> None:
    """Answer through the API from another device (no session cookie)."""
    response = app.test_client().post(f"/api/v1/surveys/{survey_id}/responses",
                           json={"answers": valid_answers(app, survey_id)})
    assert response.status_code == 201


def _question(app, question_id: int) -> SurveyQuestion:
    with app.app_context():
        q = db.session.get(SurveyQuestion, question_id)
        if q is not None:
            q.options  # noqa: B018  (load before leaving the session)
            db.session.expunge(q)
        return q


def _settings_data(app, survey_id: int, **changes):
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        data = {
            "title": survey.title, "introduction": survey.introduction,
            "opens_at": "25/11/2026 09:00", "closes_at": "25/12/2026 17:00",
            "thank_you": survey.thank_you, "population": "",
            "one_per_browser": "y", "profile": design.profile_keys(survey),
        }
        for i, label in enumerate(survey.scale_labels, start=1):
            data[f"label_{i}"] = label
    data.update(changes)
    return data


def test_organiser_creates_a_survey_from_the_template(app, client, login_as, make_unit) -> None:
    make_unit("Trung tâm Phục vụ hành chính công tỉnh")
    login_as("organiser")
    page = client.get(f"{BASE}/")
    assert "Chưa có khảo sát nào." in page.get_data(as_text=True)
    response = client.post(f"{BASE}/tao-moi", data={
        "title": "Khảo sát quý IV", "csrf_token": csrf_token(client, f"{BASE}/")})
    assert response.status_code == 302
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        titles = [s.title for s in survey.sections]
        assert titles == ["Thông tin chung", "Tiếp cận thông tin về thủ tục hành chính",
                          "Thủ tục hành chính", "Công chức trực tiếp giải quyết công việc",
                          "Kết quả và thời gian giải quyết", "Bộ phận Một cửa",
                          "Đánh giá chung và góp ý"]
        all_q = services.questions_of(survey)
        assert {q.profile_key for q in all_q if q.profile_key} == {
            "procedure", "unit", "channel", "age_group", "gender"}
        assert {q.kind for q in all_q} == {"scale", "single_choice", "multiple_choice",
                                           "short_text", "long_text", "number"}
        scale = next(q for q in all_q if q.kind == "scale")
        assert [o.text for o in scale.options] == [
            "Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]
        assert [o.value for o in scale.options] == [1, 2, 3, 4, 5]
        unit_q = next(q for q in all_q if q.profile_key == "unit")
        assert "Trung tâm Phục vụ hành chính công tỉnh" in [o.text for o in unit_q.options]
        channel = next(q for q in all_q if q.profile_key == "channel")
        assert [o.text for o in channel.options] == ["Trực tiếp", "Trực tuyến", "Qua bưu chính"]
    design_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Khảo sát quý IV" in design_page and "qr.svg" in design_page


def test_empty_title_is_refused(client, login_as) -> None:
    login_as("organiser")
    response = client.post(f"{BASE}/tao-moi", data={
        "title": " ", "csrf_token": csrf_token(client, f"{BASE}/")})
    assert response.status_code == 422
    assert "Vui lòng điền thông tin này." in response.get_data(as_text=True)


def test_scale_labels_are_editable(app, client, login_as, make_survey) -> None:
    survey_id = make_survey()
    login_as("organiser")
    data = _settings_data(app, survey_id, label_1="Rất tệ", label_5="Rất tốt",
                          csrf_token=csrf_token(client, f"{BASE}/{survey_id}"))
    assert client.post(f"{BASE}/{survey_id}", data=data).status_code == 302
    scale = next(q for q in questions(app, survey_id) if q.kind == "scale")
    assert [t for _, t in scale.options] == [
        "Rất tệ", "Không hài lòng", "Bình thường", "Hài lòng", "Rất tốt"]


def test_closing_before_opening_is_refused(app, client, login_as, make_survey) -> None:
    survey_id = make_survey()
    login_as("organiser")
    data = _settings_data(app, survey_id, title="Đổi tên", opens_at="01/12/2026 08:00",
                          closes_at="30/11/2026 08:00",
                          csrf_token=csrf_token(client, f"{BASE}/{survey_id}"))
    response = client.post(f"{BASE}/{survey_id}", data=data)
    assert response.status_code == 422
    assert "Thời gian đóng phải sau thời gian mở." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Survey, survey_id).title == "Khảo sát thử"


def test_profile_questions_follow_the_organisers_pick(app, client, login_as,
                                                      make_survey) -> None:
    survey_id = make_survey()
    login_as("organiser")
    data = _settings_data(app, survey_id, profile=["unit", "channel"],
                          csrf_token=csrf_token(client, f"{BASE}/{survey_id}"))
    assert client.post(f"{BASE}/{survey_id}", data=data).status_code == 302
    keys = {q.profile_key for q in questions(app, survey_id) if q.profile_key}
    assert keys == {"unit", "channel"}
    _answer_once(app, client, survey_id)
    data = _settings_data(app, survey_id, profile=["unit", "gender"],
                          csrf_token=csrf_token(client, f"{BASE}/{survey_id}"))
    assert client.post(f"{BASE}/{survey_id}", data=data).status_code == 302
    assert {q.profile_key for q in questions(app, survey_id) if q.profile_key} == {
        "unit", "gender"}
    with app.app_context():  # the answered channel question was retired, not deleted
        channel = db.session.scalar(select(SurveyQuestion).where(
            SurveyQuestion.survey_id == survey_id, SurveyQuestion.profile_key == "channel"))
        assert channel is not None and channel.retired


def test_rewording_is_allowed_after_responses(app, client, login_as, make_survey) -> None:
    survey_id = make_survey()
    _answer_once(app, client, survey_id)
    q = next(q for q in questions(app, survey_id) if q.kind == "scale")
    login_as("organiser")
    url = f"{BASE}/{survey_id}/cau-hoi/{q.id}"
    response = client.post(url, data={"text": "Câu hỏi đã sửa lời", "kind": "scale",
                                      "required": "y", "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    assert _question(app, q.id).text == "Câu hỏi đã sửa lời"


def test_type_change_is_refused_after_responses(app, client, login_as, make_survey) -> None:
    survey_id = make_survey()
    _answer_once(app, client, survey_id)
    q = next(q for q in questions(app, survey_id) if q.kind == "scale")
    login_as("organiser")
    url = f"{BASE}/{survey_id}/cau-hoi/{q.id}"
    response = client.post(url, data={"text": "Đổi sang chọn một", "kind": "single_choice",
                                      "new_options": "Có\nKhông",
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 409
    assert "không được xoá hay đổi loại câu hỏi" in response.get_data(as_text=True)
    stored = _question(app, q.id)
    assert (stored.kind, stored.text) == ("scale", q.text)
    assert len(stored.options) == 5


def test_removal_is_refused_after_responses_and_retiring_works(app, client, login_as,
                                                               make_survey) -> None:
    survey_id = make_survey()
    _answer_once(app, client, survey_id)
    q = next(q for q in questions(app, survey_id) if q.kind == "scale")
    login_as("organiser")
    url = f"{BASE}/{survey_id}/cau-hoi/{q.id}/thao-tac"
    token = csrf_token(client, f"{BASE}/{survey_id}")
    refused = client.post(url, data={"action": "delete", "csrf_token": token},
                          follow_redirects=True)
    assert "Hãy cho câu hỏi ngừng sử dụng thay vì xoá." in refused.get_data(as_text=True)
    assert _question(app, q.id) is not None
    assert client.post(url, data={"action": "retire", "csrf_token": token}).status_code == 302
    assert _question(app, q.id).retired
    assert q.id not in [x.id for x in questions(app, survey_id)]
    with app.app_context(), pytest.raises(rules.QuestionLocked):
        design.delete_question(db.session, None, db.session.get(SurveyQuestion, q.id))


def test_delete_before_any_response(app, client, login_as, make_survey) -> None:
    survey_id = make_survey()
    q = next(q for q in questions(app, survey_id) if q.kind == "long_text")
    login_as("organiser")
    response = client.post(f"{BASE}/{survey_id}/cau-hoi/{q.id}/thao-tac", data={
        "action": "delete", "csrf_token": csrf_token(client, f"{BASE}/{survey_id}")})
    assert response.status_code == 302
    assert _question(app, q.id) is None


def test_removed_option_is_retired_once_answered(app, client, login_as, make_survey) -> None:
    survey_id = make_survey()
    q = next(q for q in questions(app, survey_id) if q.profile_key == "procedure")
    _answer_once(app, client, survey_id)  # chooses the first procedure
    login_as("organiser")
    url = f"{BASE}/{survey_id}/cau-hoi/{q.id}"
    first, second = q.options[0][0], q.options[1][0]
    response = client.post(url, data={
        "text": q.text, "kind": "single_choice", f"option-{second}": "Chứng thực bản sao",
        f"remove-{first}": "1", "new_options": "Cấp đổi giấy phép lái xe",
        "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    stored = _question(app, q.id)
    by_id = {o.id: o for o in stored.options}
    assert by_id[first].retired  # kept for the results
    assert by_id[second].text == "Chứng thực bản sao"
    assert stored.options[-1].text == "Cấp đổi giấy phép lái xe"
    public = next(x for x in questions(app, survey_id) if x.id == q.id)
    assert first not in [oid for oid, _ in public.options]


def test_new_choice_question_needs_two_options(app, client, login_as, make_survey) -> None:
    survey_id = make_survey()
    with app.app_context():
        section_id = db.session.get(Survey, survey_id).sections[-1].id
    login_as("organiser")
    url = f"{BASE}/{survey_id}/phan/{section_id}/cau-hoi-moi"
    refused = client.post(url, data={"text": "Ông/Bà có quay lại không?", "kind": "single_choice",
                                     "new_options": "Có", "csrf_token": csrf_token(client, url)})
    assert refused.status_code == 422
    assert "cần ít nhất 2 phương án" in refused.get_data(as_text=True)
    ok = client.post(url, data={"text": "Ông/Bà có quay lại không?", "kind": "single_choice",
                                "new_options": "Có\nKhông", "required": "y",
                                "csrf_token": csrf_token(client, url)})
    assert ok.status_code == 302
    added = questions(app, survey_id)[-1]
    assert (added.text, added.required, [t for _, t in added.options]) == (
        "Ông/Bà có quay lại không?", True, ["Có", "Không"])


def test_sections_can_be_added_moved_and_emptied_ones_deleted(app, client, login_as,
                                                              make_survey) -> None:
    survey_id = make_survey()
    login_as("organiser")
    token = csrf_token(client, f"{BASE}/{survey_id}")
    assert client.post(f"{BASE}/{survey_id}/phan-moi", data={
        "section-title": "Dịch vụ bưu chính công ích", "section-description": "",
        "section-csrf_token": token, "csrf_token": token}).status_code == 302
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        new, full = survey.sections[-1], survey.sections[1]
        new_id, full_id, count = new.id, full.id, len(survey.sections)
    client.post(f"{BASE}/{survey_id}/phan/{new_id}/thao-tac",
                data={"action": "up", "csrf_token": token})
    refused = client.post(f"{BASE}/{survey_id}/phan/{full_id}/thao-tac",
                          data={"action": "delete", "csrf_token": token}, follow_redirects=True)
    assert "Chỉ xoá được phần không còn câu hỏi nào." in refused.get_data(as_text=True)
    client.post(f"{BASE}/{survey_id}/phan/{new_id}/thao-tac",
                data={"action": "delete", "csrf_token": token})
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        assert len(survey.sections) == count - 1
        assert [s.position for s in survey.sections] == list(range(count - 1))


def test_unit_options_follow_the_unit_table(app, client, login_as, make_survey,
                                            make_unit) -> None:
    survey_id = make_survey()
    unit_q = next(q for q in questions(app, survey_id) if q.profile_key == "unit")
    make_unit("UBND xã Ea Kar")
    login_as("organiser")
    client.post(f"{BASE}/{survey_id}/cau-hoi/{unit_q.id}/thao-tac", data={
        "action": "sync_units", "csrf_token": csrf_token(client, f"{BASE}/{survey_id}")})
    with app.app_context():
        texts = list(db.session.scalars(select(SurveyOption.text).where(
            SurveyOption.question_id == unit_q.id, SurveyOption.retired.is_(False))))
    assert "UBND xã Ea Kar" in texts and "Sở Tư pháp" in texts


@pytest.mark.parametrize("role", ["participant", "judge", "surveyor"])
def test_only_organisers_design(app, client, login_as, make_survey, role) -> None:
    survey_id = make_survey()
    login_as(role)
    assert client.get(f"{BASE}/{survey_id}").status_code == 403
    q = questions(app, survey_id)[0]
    assert client.get(f"{BASE}/{survey_id}/cau-hoi/{q.id}").status_code == 403
    token = csrf_token(client, "/tai-khoan/doi-mat-khau")
    assert client.post(f"{BASE}/tao-moi", data={
        "title": "Không được", "csrf_token": token}).status_code == 403
    assert client.post(f"{BASE}/{survey_id}/cau-hoi/{q.id}/thao-tac", data={
        "action": "delete", "csrf_token": token}).status_code == 403
    assert _question(app, q.id) is not None
    assert response_count(app) == 0


def test_anonymous_is_sent_to_login(client, make_survey) -> None:
    survey_id = make_survey()
    response = client.get(f"{BASE}/{survey_id}")
    assert response.status_code == 302 and "/tai-khoan/dang-nhap" in response.headers["Location"]


def test_another_surveys_question_is_404(app, client, login_as, make_survey) -> None:
    first, second = make_survey("Một"), make_survey("Hai")
    q = questions(app, second)[0]
    login_as("organiser")
    assert client.get(f"{BASE}/{first}/cau-hoi/{q.id}").status_code == 404
    assert client.get(f"{BASE}/999999").status_code == 404
