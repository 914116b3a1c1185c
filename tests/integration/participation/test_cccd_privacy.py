"""The CCCD: unique per contest across accounts, and never in clear text in the database, in
a page or API response a participant or the public can reach, or in a log line."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, select, text

from contest_app.extensions import db
from contest_app.participation import crypto
from contest_app.quiz.models import Participation, Round
from tests.conftest import csrf_token, login

CCCD = "066204001234"
SPACED = "0662 0400 1234"


def url(contest_id: int) -> str:
    return f"/api/v1/contests/{contest_id}/participation"


def test_same_cccd_refused_for_a_second_account(app, client, make_user, token_for,
                                                contest_ids) -> None:
    ids = contest_ids(require_cccd=True)
    other_contest = contest_ids(require_cccd=True)
    first, second = make_user(), make_user()
    h1, h2 = token_for(first), token_for(second)
    assert client.post(url(ids.contest_id), json={"cccd": CCCD}, headers=h1).status_code == 201
    refused = client.post(url(ids.contest_id), json={"cccd": SPACED}, headers=h2)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "cccd_taken"
    assert "đã được dùng để tham gia cuộc thi bằng một tài khoản khác" in error["message"]
    assert CCCD not in str(refused.get_json())
    # The first account may repeat; the number is unique per contest, not site-wide.
    assert client.post(url(ids.contest_id), json={"cccd": CCCD}, headers=h1).status_code == 200
    assert client.post(url(other_contest.contest_id), json={"cccd": CCCD},
                       headers=h2).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count(Participation.id)).where(
            Participation.contest_id == ids.contest_id)) == 1
        part = db.session.scalar(select(Participation).where(
            Participation.contest_id == ids.contest_id))
        key = app.config["DATA_KEY"]
        assert part.cccd_hash == crypto.keyed_hash(key, CCCD)
        assert crypto.decrypt(key, part.cccd_cipher) == CCCD


def test_same_cccd_refused_on_the_page_with_a_clear_message(app, client, make_user,
                                                            contest_ids) -> None:
    ids = contest_ids(require_cccd=True)
    first, second = make_user(), make_user()
    join = f"/cuoc-thi/{ids.contest_id}/tham-gia"
    for user, expected in ((first, 302), (second, 409)):
        login(client, user.email)
        response = client.post(join, data={"csrf_token": csrf_token(client, join),
                                           "cccd": CCCD})
        assert response.status_code == expected
        client.post("/tai-khoan/dang-xuat", data={"csrf_token": csrf_token(client, "/")})
    page = response.get_data(as_text=True)
    assert "Số CCCD này đã được dùng để tham gia cuộc thi bằng một tài khoản khác" in page
    assert CCCD not in page  # the typed number is not written back into the form


def test_a_different_cccd_cannot_replace_the_declared_one(client, make_user, token_for,
                                                          contest_ids) -> None:
    ids = contest_ids(require_cccd=True)
    headers = token_for(make_user())
    assert client.post(url(ids.contest_id), json={"cccd": CCCD}, headers=headers
                       ).status_code == 201
    response = client.post(url(ids.contest_id), json={"cccd": "066204009999"}, headers=headers)
    assert response.status_code == 422 and "cccd" in response.get_json()["error"]["fields"]


def _all_values(app) -> list[str]:
    """Every value of every row of every table, as text (bytes decoded both ways)."""
    values = []
    with app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"')):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        raw = bytes(value)
                        values += [raw.decode("latin-1"), raw.hex()]
                    else:
                        values.append(str(value))
    return values


def test_cccd_never_in_clear_in_db_pages_api_or_logs(app, client, make_user, login_as,
                                                     contest_ids, clock, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    ids = contest_ids(boards=["Người dân"], require_cccd=True, min_age=16)
    user = login_as("participant")
    join = f"/cuoc-thi/{ids.contest_id}/tham-gia"
    response = client.post(join, data={"csrf_token": csrf_token(client, join),
                                       "board_id": ids.boards["Người dân"],
                                       "date_of_birth": "04/05/2000", "cccd": SPACED})
    assert response.status_code == 302
    other, other_client = make_user(), app.test_client()
    issued = other_client.post("/api/v1/tokens", json={"email": other.email,
                                                        "password": "mat-khau-123"})
    api = other_client.post(url(ids.contest_id), json={
        "board_id": ids.boards["Người dân"], "date_of_birth": "2000-05-04", "cccd": CCCD},
        headers={"Authorization": "Bearer " + issued.get_json()["token"]})
    assert api.status_code == 409 and CCCD not in api.get_data(as_text=True)
    token = csrf_token(client, f"/vong-thi/{ids.official_id}")
    started = client.post(f"/vong-thi/{ids.official_id}/bat-dau", data={"csrf_token": token})
    attempt_url = started.location
    client.post(attempt_url, data={"csrf_token": token, "action": "submit"})
    # Pages and API responses a participant or the public can reach.
    pages = [join, f"/cuoc-thi/{ids.contest_id}", f"/vong-thi/{ids.official_id}",
             attempt_url, attempt_url + "/ket-qua", "/ket-qua-cua-toi", "/",
             "/api/v1/contests"]
    seen = []
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 302), path
        seen.append(response.get_data(as_text=True))
    again = client.post(url(ids.contest_id), json={"board_id": ids.boards["Người dân"]},
                        headers={"X-CSRFToken": token})
    assert again.status_code == 200 and again.get_json()["cccd_declared"] is True
    seen.append(again.get_data(as_text=True))
    # After publication: the public ranking pages and API.
    with app.app_context():
        from contest_app.rankings import services as rankings

        rnd = db.session.get(Round, ids.official_id)
        clock.set(rnd.closes_at + timedelta(minutes=1))
        rankings.publish_round(db.session, None, rnd, clock.now())
        db.session.commit()
    public = app.test_client()
    for path in (f"/bang-xep-hang/vong-thi/{ids.official_id}",
                 f"/bang-xep-hang/vong-thi/{ids.official_id}/don-vi",
                 f"/api/v1/rounds/{ids.official_id}/ranking",
                 f"/api/v1/rounds/{ids.official_id}/unit-ranking",
                 f"/cuoc-thi/{ids.contest_id}"):
        response = public.get(path)
        assert response.status_code == 200, path
        seen.append(response.get_data(as_text=True))
    assert user.full_name in seen[-5]  # the ranking really shows this participant
    for body in seen:
        assert CCCD not in body and SPACED not in body
    # The database: every value of every table.
    for value in _all_values(app):
        assert CCCD not in value and SPACED not in value
    # Logs, including SQL statements and their parameters at DEBUG level.
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)
    for record in caplog.records:
        assert CCCD not in record.getMessage() and SPACED not in record.getMessage()
    assert CCCD not in caplog.text and SPACED not in caplog.text
