"""A citizen (no unit, a ward) in a published round: the ranking page, the individual export,
the winners' list and the award annex show the ward where an official's unit is shown; the
unit ranking holds real units only (no "no unit" row), and the survey's list of agencies
never lists wards."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from contest_app.accounts.models import Ward
from contest_app.extensions import db
from contest_app.quiz.models import Contest, Round
from contest_app.rankings import services
from contest_app.rankings.models import RankingRow, RankingSnapshot, UnitRankingRow
from contest_app.rankings.services import set_tiers

from .test_publish import publish


def _round_with_a_citizen(app, world, make_unit, organiser_id: int) -> dict[str, int]:
    unit = make_unit("Sở Tư pháp", headcount=10, block="Khối sở")
    with app.app_context():
        ward = Ward(name="Phường 1")
        db.session.add(ward)
        db.session.commit()
        ward_id = ward.id
        set_tiers(db.session, organiser_id, db.session.get(Contest, world.contest_id),
                  world.round_id, None, "individual", {1: 1, 2: 1}, {1: 2_000_000, 2: 1_000})
        db.session.commit()
    ids = {
        "citizen": world.person("Đặng Thị Dân", kind="citizen", ward_id=ward_id),
        "official": world.person("Nguyễn Văn An", unit_id=unit.id),
        "unit": unit.id,
    }
    world.attempt(ids["citizen"], 9, 50)
    world.attempt(ids["official"], 8, 40)
    return ids


def test_ranking_exports_winners_and_annex_show_the_ward(app, client, world, make_unit,
                                                         login_as) -> None:
    organiser = login_as("organiser")
    ids = _round_with_a_citizen(app, world, make_unit, organiser.id)
    publish(client, world.round_id)
    with app.app_context():
        rows = {r.user_id: (r.unit_id, r.unit_name) for r in db.session.scalars(
            select(RankingRow))}
    assert rows[ids["citizen"]] == (None, "Phường 1")
    assert rows[ids["official"]] == (ids["unit"], "Sở Tư pháp")

    page = client.get(f"/bang-xep-hang/vong-thi/{world.round_id}").get_data(as_text=True)
    assert "Đơn vị / Xã, phường" in page
    assert "Đặng Thị Dân · Phường 1" in page  # the winners' box at the top
    assert 'data-label="Đơn vị / Xã, phường">Phường 1</td>' in page
    # The unit filter lists units only.
    unit_filter = page.split('id="don_vi"')[1].split("</select>")[0]
    assert "Sở Tư pháp" in unit_filter and "Phường 1" not in unit_filter

    base = f"/ban-to-chuc/xep-hang/vong-thi/{world.round_id}"
    live = client.get(base).get_data(as_text=True)  # the organiser's live ranking
    assert "Đơn vị / Xã, phường" in live and "<td>Phường 1</td>" in live
    sheet = load_workbook(io.BytesIO(client.get(base + "/xuat/ca-nhan.xlsx").data)).active
    export = list(sheet.iter_rows(values_only=True))
    assert export[0][5] == "Đơn vị / Xã, phường"
    assert {r[2]: r[5] for r in export[1:]} == {"Đặng Thị Dân": "Phường 1",
                                               "Nguyễn Văn An": "Sở Tư pháp"}

    winners = client.get(f"/ban-to-chuc/vong-thi/{world.round_id}/danh-sach-dat-giai.xlsx")
    assert winners.status_code == 200
    values = [r for r in load_workbook(io.BytesIO(winners.data)).active.iter_rows(
        values_only=True)]
    people = {r[3]: r[5] for r in values if isinstance(r[0], int)}
    assert people == {"Đặng Thị Dân": "Phường 1", "Nguyễn Văn An": "Sở Tư pháp"}

    annex = client.get(base + "/phu-luc-khen-thuong.docx")
    table = [[c.text for c in row.cells] for row in Document(io.BytesIO(annex.data)).tables[0].rows]
    assert table[1][1] == "Đặng Thị Dân" and table[1][3] == "Phường 1"
    assert table[2][1] == "Nguyễn Văn An" and table[2][3] == "Sở Tư pháp"


def test_unit_ranking_holds_real_units_only(app, client, world, make_unit, login_as) -> None:
    organiser = login_as("organiser")
    ids = _round_with_a_citizen(app, world, make_unit, organiser.id)
    publish(client, world.round_id)
    with app.app_context():
        snapshot = db.session.scalar(select(RankingSnapshot))
        unit_rows = services.unit_rows(db.session, snapshot)
        assert all(r.unit_id is not None for r in unit_rows)
        by_unit = {r.unit_id: r for r in unit_rows}
        assert by_unit[ids["unit"]].participants == 1  # the citizen is in no unit's figures
        assert "Phường 1" not in {r.unit_name for r in db.session.scalars(
            select(UnitRankingRow))}
        stats = services.unit_stats(db.session, db.session.get(Round, world.round_id), None)
        assert all(unit is not None for unit, _ in stats)
        assert sum(s.participants for _, s in stats) == 1
    page = client.get(f"/bang-xep-hang/vong-thi/{world.round_id}/don-vi").get_data(
        as_text=True)
    assert "Sở Tư pháp" in page and "Phường 1" not in page


def test_the_survey_list_of_agencies_never_lists_wards(app, make_unit) -> None:
    from contest_app.surveys import design

    make_unit("Trung tâm Phục vụ hành chính công tỉnh")
    with app.app_context():
        db.session.add(Ward(name="Phường 1"))
        db.session.commit()
        names = [u.name for u in design.active_units(db.session)]
    assert "Trung tâm Phục vụ hành chính công tỉnh" in names and "Phường 1" not in names
