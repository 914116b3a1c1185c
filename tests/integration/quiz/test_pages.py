"""The participant's quiz pages through the test client: round page, plain-form answering
without JavaScript, result and review, my results; organiser contest and round editing."""

from __future__ import annotations

import re

from sqlalchemy import select

from contest_app.accounts.services import create_user
from contest_app.bank.models import QuestionVersion
from contest_app.extensions import db
from contest_app.quiz.models import Attempt, AttemptItem, Round
from tests.conftest import csrf_token, login


def _start(client, round_id):
    token = csrf_token(client, f"/vong-thi/{round_id}")
    response = client.post(f"/vong-thi/{round_id}/bat-dau", data={"csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_round_page_shows_rules_and_start_button(client, login_as, quiz_round) -> None:
    round_id = quiz_round(question_count=5, time_limit_s=600, max_attempts=2)
    anonymous = client.get(f"/vong-thi/{round_id}").get_data(as_text=True)
    assert "Đăng nhập để dự thi" in anonymous
    login_as()
    page = client.get(f"/vong-thi/{round_id}").get_data(as_text=True)
    assert "Bắt đầu làm bài" in page
    assert "10 phút" in page and "Đã dùng 0, còn 2" in page
    assert "Xem đáp án ngay sau khi nộp bài" in page


def test_home_and_contest_pages_list_rounds(client, quiz_round) -> None:
    quiz_round()
    home = client.get("/").get_data(as_text=True)
    assert "Cuộc thi thử nghiệm" in home and "Tuần 1" in home
    contest_id = int(re.search(r'href="/cuoc-thi/(\d+)"', home).group(1))
    page = client.get(f"/cuoc-thi/{contest_id}").get_data(as_text=True)
    assert "Thể lệ" in page and "Đang mở" in page


def test_take_page_never_contains_the_key(app, client, login_as, quiz_round) -> None:
    login_as()
    attempt_id = _start(client, quiz_round())
    html = client.get(f"/bai-thi/{attempt_id}").get_data(as_text=True)
    assert "Giải thích cho" not in html and "Nghị định 61/2018" not in html
    assert "correct" not in html.lower()
    with app.app_context():
        keys = db.session.execute(
            select(QuestionVersion.options, QuestionVersion.correct)
            .join(AttemptItem, AttemptItem.version_id == QuestionVersion.id)).all()
    for options, _ in keys:
        for option in options:
            assert option in html  # all options shown, none marked


def test_plain_form_saves_and_submits_without_javascript(app, client, login_as,
                                                         quiz_round) -> None:
    login_as()
    attempt_id = _start(client, quiz_round(question_count=5))
    html = client.get(f"/bai-thi/{attempt_id}").get_data(as_text=True)
    names = sorted(set(re.findall(r'name="(q-\d+)"', html)))
    assert len(names) == 5
    token = csrf_token(client, f"/bai-thi/{attempt_id}")
    saved = client.post(f"/bai-thi/{attempt_id}", data={
        "csrf_token": token, names[0]: "1", names[1]: "2", "action": "save"})
    assert saved.status_code == 302
    again = client.get(f"/bai-thi/{attempt_id}").get_data(as_text=True)
    assert "Đã lưu các câu trả lời" in again
    assert re.search(rf'name="{names[0]}" value="1" checked', again)
    submitted = client.post(f"/bai-thi/{attempt_id}", data={
        "csrf_token": token, names[0]: "1", names[1]: "2", names[2]: "3", "action": "submit"})
    assert submitted.headers["Location"].endswith(f"/bai-thi/{attempt_id}/ket-qua")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "submitted"
        chosen = [i.chosen for i in attempt.items]
        assert sum(1 for c in chosen if c) == 3
    result = client.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert f"{attempt.score}/5" in result
    assert "Giải thích" in result and "Căn cứ pháp lý" in result


def test_result_page_says_when_review_comes(client, login_as, quiz_round) -> None:
    login_as()
    attempt_id = _start(client, quiz_round(reveal="after_close"))
    token = csrf_token(client, f"/bai-thi/{attempt_id}")
    client.post(f"/bai-thi/{attempt_id}", data={"csrf_token": token, "action": "submit"})
    page = client.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert "sau khi vòng thi kết thúc" in page
    assert "Căn cứ pháp lý" not in page


def test_overdue_attempt_page_redirects_to_result(app, client, login_as, quiz_round,
                                                  clock) -> None:
    login_as()
    attempt_id = _start(client, quiz_round(time_limit_s=60))
    clock.advance(minutes=5)
    response = client.get(f"/bai-thi/{attempt_id}")
    assert response.headers["Location"].endswith("/ket-qua")
    page = client.get(f"/bai-thi/{attempt_id}/ket-qua").get_data(as_text=True)
    assert "tự động nộp" in page


def test_someone_elses_attempt_page_is_404(app, client, login_as, quiz_round) -> None:
    login_as()
    attempt_id = _start(client, quiz_round())
    other = app.test_client()
    with app.app_context():
        create_user(db.session, email="khac@example.vn", full_name="Người khác",
                    phone="0988777666", password="mat-khau-123")
        db.session.commit()
    login(other, "khac@example.vn")
    assert other.get(f"/bai-thi/{attempt_id}").status_code == 404
    assert other.get(f"/bai-thi/{attempt_id}/ket-qua").status_code == 404
    token = csrf_token(other, "/")
    assert other.post(f"/bai-thi/{attempt_id}", data={"csrf_token": token,
                                                      "action": "submit"}).status_code == 404


def test_start_when_no_attempt_left_shows_message(client, login_as, quiz_round) -> None:
    login_as()
    round_id = quiz_round(max_attempts=1)
    attempt_id = _start(client, round_id)
    token = csrf_token(client, f"/bai-thi/{attempt_id}")
    client.post(f"/bai-thi/{attempt_id}", data={"csrf_token": token, "action": "submit"})
    response = client.post(f"/vong-thi/{round_id}/bat-dau", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Bạn đã dùng hết số lượt thi" in response.get_data(as_text=True)


def test_my_results_lists_attempts(client, login_as, quiz_round) -> None:
    login_as()
    assert "Chưa có bài thi nào" in client.get("/ket-qua-cua-toi").get_data(as_text=True)
    _start(client, quiz_round())
    page = client.get("/ket-qua-cua-toi").get_data(as_text=True)
    assert "Tuần 1" in page and "Đang làm" in page


def test_close_overdue_cli(app, client, login_as, quiz_round, clock) -> None:
    login_as()
    attempt_id = _start(client, quiz_round(time_limit_s=60))
    clock.advance(minutes=2)
    result = app.test_cli_runner().invoke(args=["attempts", "close-overdue"])
    assert "Đã đóng 1 bài thi" in result.output
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "expired" and attempt.score == 0


def test_organiser_creates_contest_and_round(app, client, login_as) -> None:
    login_as("organiser")
    token = csrf_token(client, "/ban-to-chuc/cuoc-thi/")
    response = client.post("/ban-to-chuc/cuoc-thi/", data={
        "csrf_token": token, "title": "Cuộc thi mới", "description": "", "rules_text": "Luật",
        "published": "y"})
    assert response.status_code == 302
    contest_url = response.headers["Location"]
    round_url = contest_url + "/vong-thi/moi"
    bad = client.post(round_url, data={
        "csrf_token": token, "title": "Tuần 1", "kind": "official",
        "opens_at": "01/12/2026 10:00", "closes_at": "30/11/2026 10:00", "question_count": "10",
        "time_limit_min": "15", "max_attempts": "1", "counting": "best",
        "reveal": "after_submit", "prediction_kind": ""})
    assert bad.status_code == 422
    assert "Thời gian đóng phải sau thời gian mở" in bad.get_data(as_text=True)
    ok = client.post(round_url, data={
        "csrf_token": token, "title": "Tuần 1", "kind": "official",
        "opens_at": "01/12/2026 10:00", "closes_at": "08/12/2026 09:00", "question_count": "10",
        "time_limit_min": "15", "max_attempts": "1", "counting": "best",
        "reveal": "after_submit", "prediction_kind": "full_marks"})
    assert ok.status_code == 302
    with app.app_context():
        rnd = db.session.scalar(select(Round))
        assert rnd.opens_at.isoformat() == "2026-12-01T03:00:00+00:00"  # 10:00 in Hà Nội
        assert rnd.time_limit_s == 900 and rnd.prediction_kind == "full_marks"


def test_round_rules_frozen_once_an_attempt_exists(app, client, login_as, quiz_round,
                                                   clock) -> None:
    round_id = quiz_round()
    organiser = login_as("organiser")
    assert organiser
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        contest_id = rnd.contest_id
        from contest_app.quiz import services

        services.start_attempt(db.session, organiser.id, round_id, clock.now(), 5)
        db.session.commit()
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/{round_id}"
    token = csrf_token(client, url)
    base = {"csrf_token": token, "title": "Tuần 1", "kind": "official",
            "opens_at": "25/11/2026 09:00", "closes_at": "02/12/2026 10:00",
            "question_count": "5", "time_limit_min": "10", "max_attempts": "1",
            "counting": "best", "reveal": "after_submit", "prediction_kind": ""}
    page = client.get(url).get_data(as_text=True)
    assert "chỉ được sửa tên và thời gian kết thúc" in page
    changed = client.post(url, data={**base, "time_limit_min": "20"})
    assert changed.status_code == 422
    assert "chỉ được sửa thời gian kết thúc" in changed.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Round, round_id).time_limit_s == 600
    later = client.post(url, data={**base, "closes_at": "09/12/2026 10:00"})
    assert later.status_code == 302
    with app.app_context():
        assert db.session.get(Round, round_id).closes_at.isoformat().startswith("2026-12-09T03")
