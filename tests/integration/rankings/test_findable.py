"""Rankings people can find and trust (issue 17, points 1 and 4): boards kept on every page,
an unpublished ranking that says so, search by any run of words without diacritics, times to
the tenth of a second and the prediction's difference in its own column."""

from __future__ import annotations

import re
from datetime import timedelta

from contest_app.extensions import db
from contest_app.quiz.models import Board, Round
from tests.conftest import csrf_token

from .test_publish import publish

ADMIN = "/ban-to-chuc/xep-hang/vong-thi"


def two_boards(world) -> tuple[int, int]:
    with world.app.app_context():
        for i, name in enumerate(("Bảng A", "Bảng B")):
            db.session.add(Board(contest_id=world.contest_id, name=name, position=i))
        db.session.commit()
        boards = db.session.query(Board).filter_by(contest_id=world.contest_id).order_by(
            Board.position).all()
        return boards[0].id, boards[1].id


def test_an_unpublished_ranking_says_so_and_when(app, client, world) -> None:
    page = client.get(f"/bang-xep-hang/vong-thi/{world.round_id}")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "Bảng xếp hạng chưa được công bố" in html
    assert "Ban tổ chức đang rà soát kết quả" in html  # the round has closed
    with app.app_context():
        db.session.get(Round, world.round_id).closes_at = world.clock.now() + timedelta(days=2)
        db.session.commit()
    html = client.get(f"/bang-xep-hang/vong-thi/{world.round_id}/don-vi").get_data(as_text=True)
    assert "đang diễn ra và kết thúc lúc" in html
    contest = client.get(f"/bang-xep-hang/cuoc-thi/{world.contest_id}")
    assert contest.status_code == 404
    assert "Bảng xếp hạng chưa được công bố" in contest.get_data(as_text=True)
    # An old version that never existed is still a plain 404.
    assert client.get(f"/bang-xep-hang/vong-thi/{world.round_id}?phien_ban=7").status_code == 404


def test_home_and_contest_pages_link_closed_rounds_to_their_ranking(client, world) -> None:
    link = f"/bang-xep-hang/vong-thi/{world.round_id}"
    assert link in client.get("/").get_data(as_text=True)
    contest = client.get(f"/cuoc-thi/{world.contest_id}").get_data(as_text=True)
    assert link in contest and "chưa công bố" in contest


def test_search_matches_any_run_of_words_without_diacritics(client, world, make_unit,
                                                            login_as) -> None:
    unit = make_unit("Sở Nội vụ")
    for name, score in (("Lê Thị Hồng Nhung", 9), ("Hồng Văn Nam", 8), ("Trần Nhung", 7)):
        world.attempt(world.person(name, unit_id=unit.id), score, 60)
    login_as("organiser")
    publish(client, world.round_id)
    base = f"/bang-xep-hang/vong-thi/{world.round_id}?q="

    def found(q: str) -> set[str]:
        html = client.get(base + q).get_data(as_text=True)
        return {n for n in ("Lê Thị Hồng Nhung", "Hồng Văn Nam", "Trần Nhung") if n in html}

    assert found("hong nhung") == {"Lê Thị Hồng Nhung"}
    assert found("thi hong") == {"Lê Thị Hồng Nhung"}
    assert found("HỒNG") == {"Lê Thị Hồng Nhung", "Hồng Văn Nam"}
    assert found("nhung") == {"Lê Thị Hồng Nhung", "Trần Nhung"}
    assert found("nhung le") == set()  # words out of order are not a run
    assert found("ong") == set()  # a run starts at a word boundary
    assert found("%") == set()  # LIKE wildcards are literal


def test_times_to_the_tenth_and_the_prediction_difference(client, world, make_unit,
                                                          login_as) -> None:
    unit = make_unit("Sở Tư pháp")
    world.attempt(world.person("Nguyễn Văn An", unit_id=unit.id), 10, 65.47, prediction=5)
    world.attempt(world.person("Trần Thị Bình", unit_id=unit.id), 10, 65.41, prediction=1)
    login_as("organiser")
    publish(client, world.round_id)
    html = client.get(f"/bang-xep-hang/vong-thi/{world.round_id}").get_data(as_text=True)
    assert "01:05,4" in html and "Chênh lệch" in html
    # 2 people answered 10/10 ("full_marks" prediction): An is 3 away, Bình 1 away.
    rows = re.findall(r'data-label="Chênh lệch" class="text-end">([^<]+)<', html)
    assert sorted(rows) == ["1", "3"]


def test_boards_stay_chosen_through_exclusion_and_publication(app, client, world, make_unit,
                                                              login_as) -> None:
    board_a, board_b = two_boards(world)
    unit = make_unit("Sở Tư pháp")
    a_person = world.person("Người Bảng A", unit_id=unit.id)
    b_person = world.person("Người Bảng B", unit_id=unit.id)
    world.attempt(a_person, 9, 60, board_id=board_a)
    world.attempt(b_person, 8, 60, board_id=board_b)
    login_as("organiser")
    live_b = f"{ADMIN}/{world.round_id}?bang={board_b}"
    page = client.get(live_b).get_data(as_text=True)
    assert "Công bố xếp hạng vòng thi (cả 2 bảng)" in page
    token = csrf_token(client, live_b)
    response = client.post(f"{ADMIN}/{world.round_id}/loai-bai", data={
        "csrf_token": token, "user_id": b_person, "reason": "Gian lận khi làm bài",
        "bang": board_b})
    assert response.status_code == 302
    assert f"bang={board_b}" in response.headers["Location"]
    page_b = client.get(live_b).get_data(as_text=True)
    assert "Gian lận khi làm bài" in page_b
    page_a = client.get(f"{ADMIN}/{world.round_id}?bang={board_a}").get_data(as_text=True)
    assert "Gian lận khi làm bài" not in page_a

    response = client.post(f"{ADMIN}/{world.round_id}/cong-bo", data={
        "csrf_token": token, "confirm": "yes", "bang": board_b})
    assert f"bang={board_b}" in response.headers["Location"]
    after = client.get(live_b).get_data(as_text=True)
    assert "(đã công bố)" in after and "(chưa công bố)" not in after
    units = client.get(f"/bang-xep-hang/vong-thi/{world.round_id}/don-vi?bang={board_b}"
                       ).get_data(as_text=True)
    assert f"bang={board_a}" in units and 'aria-current="page"' in units


def test_contest_ranking_has_a_board_switch(app, client, world, make_unit, login_as) -> None:
    board_a, board_b = two_boards(world)
    unit = make_unit("Sở Tư pháp")
    world.attempt(world.person("Người Bảng B", unit_id=unit.id), 8, 60, board_id=board_b)
    login_as("organiser")
    publish(client, world.round_id)
    token = csrf_token(client, f"/ban-to-chuc/xep-hang/cuoc-thi/{world.contest_id}")
    client.post(f"/ban-to-chuc/xep-hang/cuoc-thi/{world.contest_id}",
                data={"csrf_token": token, "action": "publish"})
    html = client.get(f"/bang-xep-hang/cuoc-thi/{world.contest_id}?bang={board_b}"
                      ).get_data(as_text=True)
    assert "Người Bảng B" in html
    assert f"/bang-xep-hang/cuoc-thi/{world.contest_id}?bang={board_a}" in html


def test_reinstating_needs_a_reason_and_a_confirmation(app, client, world, make_unit,
                                                       login_as) -> None:
    from sqlalchemy import select

    from contest_app.organiser.models import AuditEvent
    from contest_app.rankings.models import Exclusion

    unit = make_unit("Sở Tư pháp")
    person = world.person("Nguyễn Văn An", unit_id=unit.id)
    world.attempt(person, 9, 60)
    login_as("organiser")
    live = f"{ADMIN}/{world.round_id}"
    token = csrf_token(client, live)
    client.post(f"{live}/loai-bai", data={"csrf_token": token, "user_id": person,
                                          "reason": "Nộp hộ người khác"})
    with app.app_context():
        exclusion_id = db.session.scalar(select(Exclusion.id))
    url = f"{live}/phuc-hoi/{exclusion_id}"
    client.post(url, data={"csrf_token": token, "reason": "Đã xác minh lại", "confirm": ""})
    client.post(url, data={"csrf_token": token, "reason": "ok", "confirm": "yes"})
    with app.app_context():
        assert db.session.get(Exclusion, exclusion_id) is not None
    client.post(url, data={"csrf_token": token, "reason": "Đã xác minh lại", "confirm": "yes"})
    with app.app_context():
        assert db.session.get(Exclusion, exclusion_id) is None
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "ranking.reinstate"))
        assert event.reason == "Đã xác minh lại"


def test_format_duration_tenths() -> None:
    from contest_app.i18n import format_duration

    assert format_duration(65_470) == "01:05"
    assert format_duration(65_470, tenths=True) == "01:05,4"
    assert format_duration(3_725_999, tenths=True) == "1:02:05,9"
    assert format_duration(None, tenths=True) == "—"



def test_unit_prizes_only_for_real_units_that_took_part(app, client, world, make_unit,
                                                        login_as) -> None:
    """A unit without a block or a headcount never gets a collective prize; a unit nobody
    took part from is listed unranked."""
    from sqlalchemy import select

    from contest_app.rankings.models import UnitRankingRow
    from contest_app.rankings.services import set_tiers

    real = make_unit("Sở Tư pháp", headcount=10, block="Khối sở")
    make_unit("Sở Vắng", headcount=10, block="Khối sở")
    fake = make_unit("Đơn vị tạm", headcount=None, block=None)
    no_count = make_unit("Sở Chưa Khai", headcount=None, block="Khối sở")
    world.attempt(world.person("Người thật", unit_id=real.id), 6, 60)
    for i in range(3):
        world.attempt(world.person(f"Người tạm {i}", unit_id=fake.id), 10, 60)
    world.attempt(world.person("Người chưa khai", unit_id=no_count.id), 10, 60)
    organiser = login_as("organiser")
    with app.app_context():
        from contest_app.quiz.models import Contest

        set_tiers(db.session, organiser.id, db.session.get(Contest, world.contest_id),
                  world.round_id, None, "unit", {1: 1, 2: 1, 3: 1})
        db.session.commit()
    publish(client, world.round_id)
    with app.app_context():
        rows = {r.unit_name: r for r in db.session.scalars(select(UnitRankingRow))}
    assert rows["Đơn vị tạm"].prize is None
    assert rows["Sở Chưa Khai"].prize is None
    assert rows["Sở Tư pháp"].prize == "Giải Nhất"
    assert rows["Sở Vắng"].rank is None and rows["Sở Vắng"].prize is None
    html = client.get(f"/bang-xep-hang/vong-thi/{world.round_id}/don-vi").get_data(as_text=True)
    assert "Không xếp hạng (chưa có người dự thi)" in html
    assert html.index("Sở Tư pháp") < html.index("Sở Vắng")
    api = client.get(f"/api/v1/rounds/{world.round_id}/unit-ranking").get_json()
    assert {e["unit"]: e["rank"] for e in api["entries"]}["Sở Vắng"] is None
