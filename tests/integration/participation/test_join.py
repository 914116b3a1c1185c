"""Joining a contest from the web page: boards, repeat joins, one board per participant, board
moves by organisers (audited), and what starting an official round requires."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from contest_app.accounts.models import User
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.quiz.models import Attempt, Participation
from tests.conftest import csrf_token


def join_page(client, contest_id, **data):
    url = f"/cuoc-thi/{contest_id}/tham-gia"
    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token, **data})


def start(client, round_id):
    token = csrf_token(client, f"/vong-thi/{round_id}")
    return client.post(f"/vong-thi/{round_id}/bat-dau", data={"csrf_token": token})


def participations(app):
    with app.app_context():
        return [(p.user_id, p.board_id) for p in db.session.scalars(select(Participation))]


def test_join_page_needs_login(client, contest_ids) -> None:
    ids = contest_ids(boards=["Cán bộ, công chức", "Người dân"])
    response = client.get(f"/cuoc-thi/{ids.contest_id}/tham-gia")
    assert response.status_code == 302 and "/tai-khoan/dang-nhap" in response.location
    page = client.get(f"/cuoc-thi/{ids.contest_id}").get_data(as_text=True)
    assert "Đăng nhập để tham gia" in page


def test_join_with_board_then_repeat_then_other_board_refused(app, client, login_as,
                                                              contest_ids) -> None:
    ids = contest_ids(boards=["Cán bộ, công chức", "Người dân"])
    user = login_as("participant")
    contest_page = client.get(f"/cuoc-thi/{ids.contest_id}").get_data(as_text=True)
    assert "Tham gia cuộc thi" in contest_page
    form = client.get(f"/cuoc-thi/{ids.contest_id}/tham-gia").get_data(as_text=True)
    assert "Cán bộ, công chức" in form and "Người dân" in form
    missing = join_page(client, ids.contest_id)
    assert missing.status_code == 422 and "Vui lòng chọn bảng thi" in missing.get_data(
        as_text=True)
    assert participations(app) == []
    citizens = ids.boards["Người dân"]
    first = join_page(client, ids.contest_id, board_id=citizens)
    assert first.status_code == 302 and first.location.endswith(f"/cuoc-thi/{ids.contest_id}")
    assert participations(app) == [(user.id, citizens)]
    page = client.get(f"/cuoc-thi/{ids.contest_id}").get_data(as_text=True)
    assert "Bạn đã tham gia cuộc thi, bảng Người dân" in page
    again = join_page(client, ids.contest_id, board_id=citizens)
    assert again.status_code == 302
    other = join_page(client, ids.contest_id, board_id=ids.boards["Cán bộ, công chức"])
    assert other.status_code == 409
    assert "mỗi người chỉ thi một bảng" in other.get_data(as_text=True)
    assert participations(app) == [(user.id, citizens)]


def test_board_of_another_contest_refused(app, client, login_as, contest_ids) -> None:
    ids = contest_ids(boards=["A", "B"])
    other = contest_ids(boards=["C"])
    login_as("participant")
    response = join_page(client, ids.contest_id, board_id=other.boards["C"])
    assert response.status_code == 422
    assert "Bảng thi không thuộc cuộc thi này" in response.get_data(as_text=True)
    assert participations(app) == []


def test_join_with_next_goes_back_to_the_round_only_on_this_site(client, login_as,
                                                                 contest_ids) -> None:
    ids = contest_ids(boards=["A"])
    login_as("participant")
    url = f"/cuoc-thi/{ids.contest_id}/tham-gia?next=/vong-thi/{ids.official_id}"
    token = csrf_token(client, url)
    response = client.post(url, data={"csrf_token": token, "board_id": ids.boards["A"]})
    assert response.location.endswith(f"/vong-thi/{ids.official_id}")
    url = f"/cuoc-thi/{ids.contest_id}/tham-gia?next=//evil.example/x"
    response = client.post(url, data={"csrf_token": token, "board_id": ids.boards["A"]})
    assert "evil" not in response.location


def test_start_needs_a_board_then_works_and_draws_in_the_board(app, client, login_as,
                                                               contest_ids) -> None:
    ids = contest_ids(boards=["A", "B"])
    user = login_as("participant")
    round_page = client.get(f"/vong-thi/{ids.official_id}").get_data(as_text=True)
    assert "trước khi làm bài chính thức" in round_page
    refused = start(client, ids.official_id)
    assert refused.status_code == 302
    assert "Bạn cần chọn bảng thi" in client.get(f"/vong-thi/{ids.official_id}").get_data(
        as_text=True)
    # Practice needs no joining.
    assert "/bai-thi/" in start(client, ids.practice_id).location
    join_page(client, ids.contest_id, board_id=ids.boards["B"])
    assert "/bai-thi/" in start(client, ids.official_id).location
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(
            Attempt.round_id == ids.official_id, Attempt.user_id == user.id))
        assert attempt.board_id == ids.boards["B"]


def test_board_required_and_not_eligible_through_the_api(app, client, make_user, token_for,
                                                         contest_ids) -> None:
    boards = contest_ids(boards=["A"])
    aged = contest_ids(min_age=18)
    cccd = contest_ids(require_cccd=True)
    headers = token_for(make_user())
    response = client.post(f"/api/v1/rounds/{boards.official_id}/attempts", headers=headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "board_required"
    for ids in (aged, cccd):
        response = client.post(f"/api/v1/rounds/{ids.official_id}/attempts", headers=headers)
        assert response.status_code == 403, response.get_json()
        assert response.get_json()["error"]["code"] == "not_eligible"
        practice = client.post(f"/api/v1/rounds/{ids.practice_id}/attempts", headers=headers)
        assert practice.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(Attempt).where(
            Attempt.round_id.in_([boards.official_id, aged.official_id, cccd.official_id]))
        ) is None


def test_eligible_after_joining_and_rechecked_when_rules_tighten(app, client, make_user,
                                                                 token_for, clock,
                                                                 contest_ids) -> None:
    ids = contest_ids(min_age=16)
    user = make_user()
    headers = token_for(user)
    url = f"/api/v1/contests/{ids.contest_id}/participation"
    assert client.post(url, json={"date_of_birth": "2010-11-25"},
                       headers=headers).status_code == 201
    with app.app_context():
        assert db.session.get(User, user.id).date_of_birth == date(2010, 11, 25)
        from contest_app.quiz.models import Contest

        db.session.get(Contest, ids.contest_id).min_age = 18
        db.session.commit()
    response = client.post(f"/api/v1/rounds/{ids.official_id}/attempts", headers=headers)
    assert response.status_code == 403
    assert "date_of_birth" in response.get_json()["error"]["fields"]
    with app.app_context():
        db.session.get(Contest, ids.contest_id).min_age = 16
        db.session.commit()
    response = client.post(f"/api/v1/rounds/{ids.official_id}/attempts", headers=headers)
    assert response.status_code == 201


def test_min_age_form_on_the_page(app, client, login_as, clock, contest_ids) -> None:
    ids = contest_ids(min_age=16)
    login_as("participant")
    page = client.get(f"/cuoc-thi/{ids.contest_id}/tham-gia").get_data(as_text=True)
    assert "đủ 16 tuổi" in page
    assert 'inputmode="numeric"' in page and 'placeholder="dd/mm/yyyy"' in page
    assert 'type="date"' not in page
    missing = join_page(client, ids.contest_id)
    assert missing.status_code == 403
    assert "Cuộc thi yêu cầu khai báo ngày sinh" in missing.get_data(as_text=True)
    # The clock says 25/11/2026 (10:00 in Asia/Ho_Chi_Minh): born 26/11/2010 is 15.
    young = join_page(client, ids.contest_id, date_of_birth="26/11/2010")
    assert young.status_code == 403
    assert "Bạn chưa đủ độ tuổi tối thiểu" in young.get_data(as_text=True)
    bad = join_page(client, ids.contest_id, date_of_birth="31/02/2000")
    assert bad.status_code == 422
    assert "«31/02/2000»: tháng 2/2000 chỉ có 29 ngày." in bad.get_data(as_text=True)
    future = join_page(client, ids.contest_id, date_of_birth="2030-01-01")
    assert future.status_code == 422
    assert participations(app) == []
    ok = join_page(client, ids.contest_id, date_of_birth="25/11/2010")
    assert ok.status_code == 302
    assert "/bai-thi/" in start(client, ids.official_id).location


def test_organiser_moves_a_participant_with_an_audit_record(app, client, make_user, login_as,
                                                            contest_ids) -> None:
    ids = contest_ids(boards=["Cán bộ, công chức", "Người dân"])
    participant = make_user(full_name="Phạm Thị Dung")
    with app.app_context():
        part = Participation(contest_id=ids.contest_id, user_id=participant.id,
                             board_id=ids.boards["Người dân"])
        db.session.add(part)
        db.session.commit()
        part_id = part.id
    login_as("participant")
    url = f"/ban-to-chuc/cuoc-thi/{ids.contest_id}/nguoi-tham-gia"
    assert client.get(url).status_code == 403
    client.post("/tai-khoan/dang-xuat", data={"csrf_token": csrf_token(client, "/")})
    organiser = login_as("organiser")
    page = client.get(url).get_data(as_text=True)
    assert "Phạm Thị Dung" in page and "Người dân" in page
    token = csrf_token(client, url)
    wrong = client.post(url + "/chuyen-bang", data={
        "csrf_token": token, "participation_id": part_id, "board_id": 999999})
    assert wrong.status_code == 303
    response = client.post(url + "/chuyen-bang", data={
        "csrf_token": token, "participation_id": part_id,
        "board_id": ids.boards["Cán bộ, công chức"], "reason": "Là công chức Sở Tư pháp"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Participation, part_id).board_id == ids.boards[
            "Cán bộ, công chức"]
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "participation.move_board"))
        assert event.actor_id == organiser.id
        assert event.before == {"user_id": participant.id, "board_id": ids.boards["Người dân"]}
        assert event.after == {"user_id": participant.id,
                               "board_id": ids.boards["Cán bộ, công chức"]}
        assert event.reason == "Là công chức Sở Tư pháp"
        assert db.session.scalar(select(Participation).where(
            Participation.user_id == participant.id)).board_id != ids.boards["Người dân"]


def test_a_participant_is_never_in_two_boards_even_in_the_database(app, make_user,
                                                                   contest_ids) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    ids = contest_ids(boards=["A", "B"])
    user = make_user()
    with app.app_context():
        db.session.add(Participation(contest_id=ids.contest_id, user_id=user.id,
                                     board_id=ids.boards["A"]))
        db.session.commit()
        db.session.add(Participation(contest_id=ids.contest_id, user_id=user.id,
                                     board_id=ids.boards["B"]))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_contest_without_requirements_works_as_before(client, login_as, contest_ids) -> None:
    ids = contest_ids()
    login_as("participant")
    page = client.get(f"/cuoc-thi/{ids.contest_id}").get_data(as_text=True)
    assert "Đăng ký dự thi" not in page
    assert "/bai-thi/" in start(client, ids.official_id).location
