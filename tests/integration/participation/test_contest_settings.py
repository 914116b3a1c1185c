"""Every contest setting in the web (issue 15, point 4): CCCD, minimum age, date of birth and
certificates saved, shown and enforced at joining; locked with the reason once someone joined;
boards added, renamed, reordered and deleted while empty; organisers only."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.quiz.models import Attempt, BlueprintLine, Contest, Participation
from contest_app.rankings.models import PrizeTier
from tests import factories
from tests.conftest import csrf_token, login


def settings_url(contest_id: int) -> str:
    return f"/ban-to-chuc/cuoc-thi/{contest_id}/cai-dat"


def post_settings(client, contest_id: int, **fields: str):
    url = settings_url(contest_id)
    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token, **fields})


def board_action(client, contest_id: int, board_id: int, action: str, **fields: str):
    token = csrf_token(client, settings_url(contest_id))
    return client.post(f"/ban-to-chuc/cuoc-thi/{contest_id}/bang/{board_id}",
                       data={"csrf_token": token, "action": action, **fields})


def add_board(client, contest_id: int, name: str):
    token = csrf_token(client, settings_url(contest_id))
    return client.post(f"/ban-to-chuc/cuoc-thi/{contest_id}/bang",
                       data={"board-csrf_token": token, "csrf_token": token, "board-name": name})


def contest_row(app, contest_id: int) -> tuple:
    with app.app_context():
        c = db.session.get(Contest, contest_id)
        return c.require_cccd, c.min_age, c.collect_birth_date, c.certificates


def join(app, contest_id: int, user_id: int, board_id: int | None = None) -> None:
    with app.app_context():
        db.session.add(Participation(contest_id=contest_id, user_id=user_id, board_id=board_id))
        db.session.commit()


def board_names(app, contest_id: int) -> list[str]:
    with app.app_context():
        return [b.name for b in db.session.get(Contest, contest_id).boards]


# --- Settings ------------------------------------------------------------------------------

def test_settings_are_saved_shown_and_audited(app, client, login_as, contest_ids) -> None:
    ids = contest_ids()
    organiser = login_as("organiser")
    page = client.get(settings_url(ids.contest_id)).get_data(as_text=True)
    assert "Yêu cầu khai báo số CCCD khi tham gia" in page
    assert "Cấp giấy chứng nhận tham gia" in page
    saved = post_settings(client, ids.contest_id, require_cccd="y", min_age="16",
                          collect_birth_date="y", certificates="y")
    assert saved.status_code == 302
    assert contest_row(app, ids.contest_id) == (True, 16, True, True)
    page = client.get(settings_url(ids.contest_id)).get_data(as_text=True)
    assert page.count("checked") == 3 and 'value="16"' in page
    overview = client.get(f"/ban-to-chuc/cuoc-thi/{ids.contest_id}").get_data(as_text=True)
    assert "Cấp giấy chứng nhận tham gia: Có" in " ".join(overview.split())
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "contest.settings"))
        assert event.actor_id == organiser.id
        assert event.before == {"require_cccd": False, "min_age": None,
                                "collect_birth_date": False, "certificates": False}
        assert event.after == {"require_cccd": True, "min_age": 16,
                               "collect_birth_date": True, "certificates": True}
    # Turning everything off again is a change too (a browser sends the empty age field).
    assert post_settings(client, ids.contest_id, min_age="").status_code == 302
    assert contest_row(app, ids.contest_id) == (False, None, False, False)


@pytest.mark.parametrize("age", ["0", "101", "abc"])
def test_bad_minimum_age_is_refused(app, client, login_as, contest_ids, age) -> None:
    ids = contest_ids()
    login_as("organiser")
    refused = post_settings(client, ids.contest_id, min_age=age, certificates="y")
    assert refused.status_code == 422
    assert contest_row(app, ids.contest_id) == (False, None, False, False)


def test_settings_made_in_the_web_are_enforced_at_joining(app, client, login_as, make_user,
                                                         contest_ids, clock) -> None:
    ids = contest_ids()
    login_as("organiser")
    assert post_settings(client, ids.contest_id, collect_birth_date="y",
                         require_cccd="y").status_code == 302
    citizen = make_user(email="dan@example.vn")
    other = app.test_client()
    login(other, citizen.email)
    url = f"/cuoc-thi/{ids.contest_id}/tham-gia"
    form = other.get(url).get_data(as_text=True)
    assert 'name="date_of_birth"' in form and 'name="cccd"' in form
    assert "cần cho quyết định khen thưởng" in form
    token = csrf_token(other, url)
    missing = other.post(url, data={"csrf_token": token, "cccd": "001099012345"})
    assert missing.status_code == 403
    assert "Cuộc thi yêu cầu khai báo ngày sinh." in missing.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Participation)) is None
    # An official round needs the joining first.
    token = csrf_token(other, f"/vong-thi/{ids.official_id}")
    refused = other.post(f"/vong-thi/{ids.official_id}/bat-dau", data={"csrf_token": token})
    assert "/bai-thi/" not in refused.location
    with app.app_context():
        assert db.session.scalar(select(Attempt)) is None
    joined = other.post(url, data={"csrf_token": token, "cccd": "001099012345",
                                   "date_of_birth": "17/05/1990"})
    assert joined.status_code == 302
    with app.app_context():
        part = db.session.scalar(select(Participation))
        assert part.cccd_hash is not None and part.user_id == citizen.id


def test_minimum_age_set_in_the_web_refuses_the_too_young(app, client, login_as, make_user,
                                                          contest_ids, clock) -> None:
    ids = contest_ids()
    login_as("organiser")
    assert post_settings(client, ids.contest_id, min_age="18").status_code == 302
    young = make_user(email="tre@example.vn")
    other = app.test_client()
    login(other, young.email)
    url = f"/cuoc-thi/{ids.contest_id}/tham-gia"
    token = csrf_token(other, url)
    born = (clock.now().date() - timedelta(days=365 * 17)).strftime("%d/%m/%Y")
    refused = other.post(url, data={"csrf_token": token, "date_of_birth": born})
    assert refused.status_code == 403
    assert "Bạn chưa đủ độ tuổi tối thiểu" in refused.get_data(as_text=True)


def test_stricter_settings_are_locked_once_someone_joined(app, client, login_as, make_user,
                                                          contest_ids) -> None:
    ids = contest_ids(min_age=16)
    join(app, ids.contest_id, make_user().id)
    login_as("organiser")
    page = " ".join(client.get(settings_url(ids.contest_id)).get_data(as_text=True).split())
    assert "Đã có người tham gia (1 người): không thể bật yêu cầu khai báo số CCCD" in page
    assert "không thể đặt hoặc tăng độ tuổi tối thiểu" in page
    assert "không thể bắt đầu thu ngày sinh" in page
    checkbox = re.search(r'<input[^>]*name="require_cccd"[^>]*>', page).group(0)
    assert " disabled " in checkbox and "require_cccd-lock" in checkbox
    for fields, text in [
        ({"require_cccd": "y", "min_age": "16"}, "không thể bật yêu cầu khai báo số CCCD"),
        ({"min_age": "18"}, "không thể đặt hoặc tăng độ tuổi tối thiểu"),
        ({"min_age": "16", "collect_birth_date": "y"}, "không thể bắt đầu thu ngày sinh"),
    ]:
        refused = post_settings(client, ids.contest_id, **fields)
        html = " ".join(refused.get_data(as_text=True).split())
        assert refused.status_code == 422, fields
        assert "Đã có người tham gia (1 người)" in html and text in html
        assert contest_row(app, ids.contest_id) == (False, 16, False, False)
    # Relaxing and the certificates setting change no entry.
    assert post_settings(client, ids.contest_id, min_age="14",
                         certificates="y").status_code == 302
    assert contest_row(app, ids.contest_id) == (False, 14, False, True)


def test_an_official_attempt_counts_as_having_joined(app, client, login_as, make_user,
                                                     contest_ids, clock) -> None:
    ids = contest_ids()
    user = make_user()
    with app.app_context():
        from contest_app.quiz.models import Round

        factories.finished_attempt(db.session, db.session.get(Round, ids.official_id), user.id,
                                   3, 60_000, clock.now())
        db.session.commit()
    login_as("organiser")
    refused = post_settings(client, ids.contest_id, require_cccd="y")
    assert refused.status_code == 422
    assert contest_row(app, ids.contest_id)[0] is False


# --- Boards --------------------------------------------------------------------------------

def test_boards_added_renamed_and_reordered(app, client, login_as, contest_ids) -> None:
    ids = contest_ids(boards=["Bảng A"])
    login_as("organiser")
    assert add_board(client, ids.contest_id, "Bảng B").status_code == 302
    assert add_board(client, ids.contest_id, "Bảng C").status_code == 302
    duplicate = add_board(client, ids.contest_id, "bảng b")
    assert duplicate.status_code == 422
    assert "Cuộc thi đã có bảng với tên này." in duplicate.get_data(as_text=True)
    assert board_names(app, ids.contest_id) == ["Bảng A", "Bảng B", "Bảng C"]
    with app.app_context():
        boards = {b.name: b.id for b in db.session.get(Contest, ids.contest_id).boards}
    renamed = board_action(client, ids.contest_id, boards["Bảng A"], "rename",
                           name="  Cán bộ,  công chức ")
    assert renamed.status_code == 302
    assert board_names(app, ids.contest_id) == ["Cán bộ, công chức", "Bảng B", "Bảng C"]
    clash = board_action(client, ids.contest_id, boards["Bảng B"], "rename", name="Bảng C")
    assert clash.status_code == 422
    assert board_action(client, ids.contest_id, boards["Bảng C"], "up").status_code == 302
    assert board_names(app, ids.contest_id) == ["Cán bộ, công chức", "Bảng C", "Bảng B"]
    assert board_action(client, ids.contest_id, boards["Bảng A"], "down").status_code == 302
    assert board_names(app, ids.contest_id) == ["Bảng C", "Cán bộ, công chức", "Bảng B"]
    assert board_action(client, ids.contest_id, boards["Bảng C"], "up").status_code == 302
    assert board_names(app, ids.contest_id) == ["Bảng C", "Cán bộ, công chức", "Bảng B"]
    page = client.get(settings_url(ids.contest_id)).get_data(as_text=True)
    assert page.index("Bảng C") < page.index("Cán bộ, công chức") < page.index("Bảng B")
    join_form = client.get(f"/cuoc-thi/{ids.contest_id}/tham-gia").get_data(as_text=True)
    assert join_form.index("Bảng C") < join_form.index("Cán bộ, công chức")
    with app.app_context():
        actions = [(e.action, e.before, e.after) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(("board.rename", "board.reorder")))
            .order_by(AuditEvent.id))]
    assert actions[0] == ("board.rename", {"name": "Bảng A"}, {"name": "Cán bộ, công chức"})
    assert [a for a, _b, _c in actions].count("board.reorder") == 2  # the no-op is not logged


def test_empty_board_deleted_with_its_lines_and_tiers(app, client, login_as, contest_ids,
                                                      clock) -> None:
    ids = contest_ids(boards=["Bảng A", "Bảng B", "Bảng C"])
    with app.app_context():
        b = ids.boards["Bảng B"]
        db.session.add(BlueprintLine(round_id=ids.official_id, board_id=b, count=4))
        db.session.add(PrizeTier(contest_id=ids.contest_id, round_id=ids.official_id,
                                 board_id=b, level=1, name="Giải Nhất", count=1))
        db.session.commit()
    login_as("organiser")
    unconfirmed = board_action(client, ids.contest_id, ids.boards["Bảng B"], "delete")
    assert unconfirmed.status_code == 303
    assert board_names(app, ids.contest_id) == ["Bảng A", "Bảng B", "Bảng C"]
    deleted = board_action(client, ids.contest_id, ids.boards["Bảng B"], "delete",
                           confirm="yes")
    assert deleted.status_code == 302
    assert board_names(app, ids.contest_id) == ["Bảng A", "Bảng C"]
    with app.app_context():
        assert db.session.scalar(select(BlueprintLine)) is None
        assert db.session.scalar(select(PrizeTier)) is None
        assert [b.position for b in db.session.get(Contest, ids.contest_id).boards] == [0, 1]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "board.delete"))
        assert event.before["name"] == "Bảng B" and event.before["prize_tiers"] == 1
        assert event.before["blueprint_lines"] == 1


def test_board_with_members_or_attempts_cannot_be_deleted(app, client, login_as, make_user,
                                                          contest_ids, clock) -> None:
    ids = contest_ids(boards=["Bảng A", "Bảng B"])
    member = make_user()
    join(app, ids.contest_id, member.id, ids.boards["Bảng A"])
    login_as("organiser")
    page = client.get(settings_url(ids.contest_id)).get_data(as_text=True)
    assert "Không xóa được: bảng đã có người tham gia, bài làm hoặc bảng xếp hạng." in page
    refused = board_action(client, ids.contest_id, ids.boards["Bảng A"], "delete",
                           confirm="yes")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Bảng “Bảng A” đã có 1 người tham gia nên không thể xóa." in html
    assert board_names(app, ids.contest_id) == ["Bảng A", "Bảng B"]
    # Moved away, the member leaves an attempt behind: still refused.
    with app.app_context():
        part = db.session.scalar(select(Participation))
        part.board_id = ids.boards["Bảng B"]
        from contest_app.quiz.models import Round

        factories.finished_attempt(db.session, db.session.get(Round, ids.official_id),
                                   member.id, 3, 60_000, clock.now(),
                                   board_id=ids.boards["Bảng A"])
        db.session.commit()
    refused = board_action(client, ids.contest_id, ids.boards["Bảng A"], "delete",
                           confirm="yes")
    assert refused.status_code == 409
    assert "đã có 1 bài làm nên không thể xóa" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Attempt)).board_id == ids.boards["Bảng A"]
    assert board_names(app, ids.contest_id) == ["Bảng A", "Bảng B"]


def test_first_board_refused_once_people_joined_without_boards(app, client, login_as,
                                                               make_user, contest_ids) -> None:
    ids = contest_ids()
    join(app, ids.contest_id, make_user().id)
    login_as("organiser")
    page = client.get(settings_url(ids.contest_id)).get_data(as_text=True)
    assert "khi cuộc thi chưa chia bảng" in page
    refused = add_board(client, ids.contest_id, "Bảng A")
    assert refused.status_code == 422
    assert "khi cuộc thi chưa chia bảng" in refused.get_data(as_text=True)
    assert board_names(app, ids.contest_id) == []


# --- Permissions ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["participant", "judge"])
def test_only_organisers_change_settings_and_boards(app, client, login_as, contest_ids,
                                                    role) -> None:
    ids = contest_ids(boards=["Bảng A"])
    login_as(role)
    board_id = ids.boards["Bảng A"]
    token = csrf_token(client, "/")
    assert client.get(settings_url(ids.contest_id)).status_code == 403
    assert client.post(settings_url(ids.contest_id),
                       data={"csrf_token": token, "require_cccd": "y"}).status_code == 403
    assert client.post(f"/ban-to-chuc/cuoc-thi/{ids.contest_id}/bang",
                       data={"csrf_token": token, "board-name": "X"}).status_code == 403
    for action in ("rename", "up", "delete"):
        assert client.post(f"/ban-to-chuc/cuoc-thi/{ids.contest_id}/bang/{board_id}",
                           data={"csrf_token": token, "action": action, "name": "X",
                                 "confirm": "yes"}).status_code == 403
    assert contest_row(app, ids.contest_id) == (False, None, False, False)
    assert board_names(app, ids.contest_id) == ["Bảng A"]


def test_anonymous_visitors_go_to_the_login_page(client, contest_ids) -> None:
    ids = contest_ids()
    response = client.get(settings_url(ids.contest_id))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap" in response.location


def test_board_of_another_contest_is_not_found(app, client, login_as, contest_ids) -> None:
    first = contest_ids(boards=["Bảng A"])
    second = contest_ids(boards=["Bảng B"])
    login_as("organiser")
    assert client.get(settings_url(first.contest_id)).status_code == 200
    response = board_action(client, first.contest_id, second.boards["Bảng B"], "rename",
                            name="X")
    assert response.status_code == 404
    assert board_names(app, second.contest_id) == ["Bảng B"]


def test_unknown_board_action_is_a_bad_request(client, login_as, contest_ids) -> None:
    ids = contest_ids(boards=["Bảng A"])
    login_as("organiser")
    assert board_action(client, ids.contest_id, ids.boards["Bảng A"],
                        "explode").status_code == 400


def test_date_of_birth_kept_on_the_account(app, client, login_as, make_user,
                                           contest_ids) -> None:
    ids = contest_ids(collect_birth_date=True)
    person = login_as("participant")
    url = f"/cuoc-thi/{ids.contest_id}/tham-gia"
    token = csrf_token(client, url)
    assert client.post(url, data={"csrf_token": token,
                                  "date_of_birth": "17/05/1990"}).status_code == 302
    with app.app_context():
        from contest_app.accounts.models import User

        assert db.session.get(User, person.id).date_of_birth == date(1990, 5, 17)
