"""Boards restricted by who joins: the organiser sets "Ai được tham gia bảng này" on the contest
page (anyone, officials only, citizens only); joining a board one is not admitted to is refused
with a Vietnamese message on the page and through the API, and nothing is written."""

from __future__ import annotations

import re

from sqlalchemy import select

from contest_app.accounts.models import Ward
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.quiz.models import Board, Participation
from tests.conftest import csrf_token

ADMIN = "/ban-to-chuc/cuoc-thi"


def ward_id(app) -> int:
    with app.app_context():
        ward = db.session.scalar(select(Ward).where(Ward.name == "Phường 1"))
        if ward is None:
            ward = Ward(name="Phường 1")
            db.session.add(ward)
            db.session.commit()
        return ward.id


def restrict(app, board_id: int, kind: str | None) -> None:
    with app.app_context():
        db.session.get(Board, board_id).allowed_kind = kind
        db.session.commit()


def participations(app) -> list[tuple[int, int | None]]:
    with app.app_context():
        return [(p.user_id, p.board_id) for p in db.session.scalars(select(Participation))]


def join_page(client, contest_id, **data):
    url = f"/cuoc-thi/{contest_id}/tham-gia"
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})


def test_organiser_sets_who_may_join_each_board(app, client, login_as, contest_ids) -> None:
    ids = contest_ids(boards=["Bảng A"])
    organiser = login_as("organiser")
    page_url = f"{ADMIN}/{ids.contest_id}"
    page = client.get(page_url).get_data(as_text=True)
    assert "Ai được tham gia bảng này" in page and "Chỉ người dân, doanh nghiệp" in page
    token = csrf_token(client, page_url)
    created = client.post(page_url, data={"csrf_token": token, "kind": "board",
                                          "board-name": "Bảng B",
                                          "board-allowed_kind": "citizen"})
    assert created.status_code == 302
    with app.app_context():
        b = db.session.scalar(select(Board).where(Board.name == "Bảng B"))
        assert b.allowed_kind == "citizen"
    a = ids.boards["Bảng A"]
    url = f"{page_url}/bang/{a}/doi-tuong"
    assert client.post(url, data={"csrf_token": token,
                                  f"aud{a}-allowed_kind": "official"}).status_code == 302
    with app.app_context():
        assert db.session.get(Board, a).allowed_kind == "official"
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "board.audience"))
        assert event.actor_id == organiser.id and event.after == {"allowed_kind": "official"}
    page = client.get(page_url).get_data(as_text=True)
    form = page.split(f'/bang/{a}/doi-tuong"')[1].split("</form>")[0]
    assert re.search(r'<option selected value="official">|<option value="official" selected',
                     form)
    # Anything else is refused and changes nothing; back to "anyone" with the empty choice.
    bad = client.post(url, data={"csrf_token": token, f"aud{a}-allowed_kind": "robot"})
    assert bad.status_code == 303
    with app.app_context():
        assert db.session.get(Board, a).allowed_kind == "official"
    client.post(url, data={"csrf_token": token, f"aud{a}-allowed_kind": ""})
    with app.app_context():
        assert db.session.get(Board, a).allowed_kind is None
    other = contest_ids(boards=["Bảng C"])
    wrong = client.post(f"{ADMIN}/{ids.contest_id}/bang/{other.boards['Bảng C']}/doi-tuong",
                        data={"csrf_token": token, "allowed_kind": "citizen"})
    assert wrong.status_code == 404


def test_official_refused_from_a_citizens_board_on_the_page(app, client, login_as,
                                                            contest_ids) -> None:
    ids = contest_ids(boards=["Bảng A", "Bảng B"])
    restrict(app, ids.boards["Bảng B"], "citizen")
    restrict(app, ids.boards["Bảng A"], "official")
    official = login_as()
    page = client.get(f"/cuoc-thi/{ids.contest_id}/tham-gia").get_data(as_text=True)
    assert "Dành cho người dân, doanh nghiệp" in page
    response = join_page(client, ids.contest_id, board_id=ids.boards["Bảng B"])
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "Bảng này chỉ dành cho người dân, doanh nghiệp." in body
    assert participations(app) == []
    assert join_page(client, ids.contest_id,
                     board_id=ids.boards["Bảng A"]).status_code == 302
    assert participations(app) == [(official.id, ids.boards["Bảng A"])]


def test_citizen_joins_the_citizens_board_not_the_officials(app, client, login_as,
                                                            contest_ids) -> None:
    ids = contest_ids(boards=["Bảng A", "Bảng B"])
    restrict(app, ids.boards["Bảng A"], "official")
    restrict(app, ids.boards["Bảng B"], "citizen")
    citizen = login_as(kind="citizen", unit_id=None, ward_id=ward_id(app))
    refused = join_page(client, ids.contest_id, board_id=ids.boards["Bảng A"])
    assert refused.status_code == 403
    assert ("Bảng này chỉ dành cho cán bộ, công chức, viên chức, người lao động."
            in refused.get_data(as_text=True))
    assert participations(app) == []
    assert join_page(client, ids.contest_id, board_id=ids.boards["Bảng B"]).status_code == 302
    assert participations(app) == [(citizen.id, ids.boards["Bảng B"])]


def test_open_boards_take_anyone(app, client, login_as, contest_ids) -> None:
    ids = contest_ids(boards=["Bảng chung"])
    citizen = login_as(kind="citizen", unit_id=None, ward_id=ward_id(app))
    assert join_page(client, ids.contest_id,
                     board_id=ids.boards["Bảng chung"]).status_code == 302
    assert participations(app) == [(citizen.id, ids.boards["Bảng chung"])]


def test_api_join_enforces_the_board_audience(app, client, make_user, token_for,
                                              contest_ids) -> None:
    ids = contest_ids(boards=["Bảng A", "Bảng B"])
    restrict(app, ids.boards["Bảng B"], "citizen")
    url = f"/api/v1/contests/{ids.contest_id}/participation"
    official = token_for(make_user())
    refused = client.post(url, json={"board_id": ids.boards["Bảng B"]}, headers=official)
    assert refused.status_code == 403
    error = refused.get_json()["error"]
    assert error["code"] == "board_not_allowed"
    assert error["fields"]["board_id"] == "Bảng này chỉ dành cho người dân, doanh nghiệp."
    assert participations(app) == []
    citizen_user = make_user(kind="citizen", unit_id=None, ward_id=ward_id(app))
    citizen = token_for(citizen_user)
    joined = client.post(url, json={"board_id": ids.boards["Bảng B"]}, headers=citizen)
    assert joined.status_code == 201
    assert participations(app) == [(citizen_user.id, ids.boards["Bảng B"])]
    # Restricting a board later keeps those already in it (a repeated join still answers).
    restrict(app, ids.boards["Bảng B"], "official")
    again = client.post(url, json={"board_id": ids.boards["Bảng B"]}, headers=citizen)
    assert again.status_code == 200


def test_participants_list_and_export_show_a_citizens_ward(app, client, login_as, make_user,
                                                          token_for, contest_ids) -> None:
    import io

    from openpyxl import load_workbook

    ids = contest_ids(boards=["Bảng B"])
    citizen = make_user(kind="citizen", unit_id=None, ward_id=ward_id(app),
                        full_name="Đặng Thị Dân")
    url = f"/api/v1/contests/{ids.contest_id}/participation"
    assert client.post(url, json={"board_id": ids.boards["Bảng B"]},
                       headers=token_for(citizen)).status_code == 201
    login_as("organiser")
    page = client.get(f"/ban-to-chuc/cuoc-thi/{ids.contest_id}/nguoi-tham-gia").get_data(
        as_text=True)
    assert "Đơn vị / Xã, phường" in page and "<td>Phường 1</td>" in page
    sheet = load_workbook(io.BytesIO(client.get(
        f"/ban-to-chuc/cuoc-thi/{ids.contest_id}/nguoi-tham-gia.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "Đơn vị / Xã, phường" and rows[1][1:4] == (
        "Đặng Thị Dân", citizen.email, "Phường 1")
