"""Publishing: nothing public before, exclusion with audit, history kept, exports, API, CLI,
and no private field on public pages."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.quiz.models import Round
from contest_app.rankings.models import RankingSnapshot
from tests.conftest import csrf_token


def publish(client, round_id):
    token = csrf_token(client, f"/ban-to-chuc/xep-hang/vong-thi/{round_id}")
    return client.post(f"/ban-to-chuc/xep-hang/vong-thi/{round_id}/cong-bo",
                       data={"csrf_token": token, "confirm": "yes"})


def populate(world, make_unit):
    unit = make_unit("Sở Tư pháp", headcount=10, block="Khối sở")
    ids = {
        "an": world.person("Nguyễn Văn An", unit_id=unit.id),
        "binh": world.person("Trần Thị Bình", unit_id=unit.id),
        "cuong": world.person("Lê Quốc Cường", unit_id=unit.id),
    }
    world.attempt(ids["an"], 10, 65, prediction=2)
    world.attempt(ids["binh"], 10, 70, prediction=1)
    world.attempt(ids["cuong"], 7, 50)
    return ids


def test_nothing_public_before_publication(client, world, make_unit, login_as) -> None:
    populate(world, make_unit)
    rid = world.round_id
    assert client.get(f"/bang-xep-hang/vong-thi/{rid}").status_code == 404
    assert client.get(f"/bang-xep-hang/vong-thi/{rid}/don-vi").status_code == 404
    assert client.get(f"/api/v1/rounds/{rid}/ranking").status_code == 404
    assert client.get(f"/api/v1/rounds/{rid}/unit-ranking").status_code == 404
    login_as("participant")
    assert client.get(f"/ban-to-chuc/xep-hang/vong-thi/{rid}").status_code == 403
    assert client.get(f"/ban-to-chuc/xep-hang/vong-thi/{rid}/xuat/ca-nhan.xlsx"
                      ).status_code == 403


def test_publish_refused_while_round_open(app, client, world, login_as) -> None:
    with app.app_context():
        db.session.get(Round, world.round_id).closes_at = world.clock.now() + timedelta(hours=1)
        db.session.commit()
    login_as("organiser")
    response = publish(client, world.round_id)
    assert response.status_code == 302
    page = client.get(f"/ban-to-chuc/xep-hang/vong-thi/{world.round_id}").get_data(
        as_text=True)
    assert "Vòng thi chưa kết thúc" in page
    with app.app_context():
        assert db.session.scalar(select(RankingSnapshot)) is None


def test_exclude_publish_and_public_page(app, client, world, make_unit, login_as) -> None:
    ids = populate(world, make_unit)
    organiser = login_as("organiser")
    live = client.get(f"/ban-to-chuc/xep-hang/vong-thi/{world.round_id}").get_data(as_text=True)
    assert "Nguyễn Văn An" in live and "Con số thực tế của câu hỏi dự đoán: 2" in live
    token = csrf_token(client, f"/ban-to-chuc/xep-hang/vong-thi/{world.round_id}")
    short = client.post(f"/ban-to-chuc/xep-hang/vong-thi/{world.round_id}/loai-bai",
                        data={"csrf_token": token, "user_id": ids["an"], "reason": "x"})
    assert short.status_code == 303
    client.post(f"/ban-to-chuc/xep-hang/vong-thi/{world.round_id}/loai-bai",
                data={"csrf_token": token, "user_id": ids["an"], "reason": "Thi hộ người khác",
                      "confirm_prediction": "yes"})  # An had 10/10: the real figure moves
    client.post(f"/ban-to-chuc/xep-hang/vong-thi/{world.round_id}/giai-thuong",
                data={"csrf_token": token, "level_1": "1", "level_2": "1", "level_3": "0",
                      "level_4": "0"})
    assert publish(client, world.round_id).status_code == 302
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "ranking.exclude"))
        assert event.actor_id == organiser.id and event.reason == "Thi hộ người khác"
        assert event.at is not None
    anonymous = app.test_client()
    page = anonymous.get(f"/bang-xep-hang/vong-thi/{world.round_id}").get_data(as_text=True)
    assert "Nguyễn Văn An" not in page
    assert page.index("Trần Thị Bình") < page.index("Lê Quốc Cường")
    assert "Giải Nhất" in page and "Giải Nhì" in page
    assert "Con số thực tế): 1" in page or "(con số thực tế): 1" in page
    assert 'property="og:title"' in page and "Cuộc thi xếp hạng" in page
    for private in ("@example.vn", "0977", "***"):
        assert private not in page
    api = anonymous.get(f"/api/v1/rounds/{world.round_id}/ranking").get_json()
    assert [e["full_name"] for e in api["entries"]] == ["Trần Thị Bình", "Lê Quốc Cường"]
    assert api["actual_prediction"] == 1 and api["entries"][0]["prize"] == "Giải Nhất"
    assert "@" not in str(api) and "0977" not in str(api)
    unit_page = anonymous.get(f"/bang-xep-hang/vong-thi/{world.round_id}/don-vi")
    assert unit_page.status_code == 200
    unit_html = unit_page.get_data(as_text=True)
    assert "Sở Tư pháp" in unit_html and "20,0%" in unit_html and "Khối sở" in unit_html
    assert "số người dự thi ÷ biên chế" in unit_html  # the formula is printed above the table
    for lang in ("en", "vi"):
        anonymous.get(f"/ngon-ngu/{lang}")
        assert anonymous.get(f"/bang-xep-hang/vong-thi/{world.round_id}/don-vi"
                             ).status_code == 200
        assert anonymous.get(f"/bang-xep-hang/vong-thi/{world.round_id}").status_code == 200
    units = anonymous.get(f"/api/v1/rounds/{world.round_id}/unit-ranking").get_json()
    (unit,) = [u for u in units["entries"] if u["unit"] == "Sở Tư pháp"]
    assert unit["participants"] == 2 and unit["participation_rate"] == 0.2
    assert unit["prizes"] == 2


def test_republish_keeps_history(app, client, world, make_unit, login_as) -> None:
    ids = populate(world, make_unit)
    login_as("organiser")
    publish(client, world.round_id)
    token = csrf_token(client, f"/ban-to-chuc/xep-hang/vong-thi/{world.round_id}")
    client.post(f"/ban-to-chuc/xep-hang/vong-thi/{world.round_id}/loai-bai",
                data={"csrf_token": token, "user_id": ids["binh"], "reason": "Trùng tài khoản",
                      "confirm_prediction": "yes"})
    publish(client, world.round_id)
    public = app.test_client()
    current = public.get(f"/bang-xep-hang/vong-thi/{world.round_id}").get_data(as_text=True)
    assert "Trần Thị Bình" not in current and "phiên bản 2" in current
    old = public.get(f"/bang-xep-hang/vong-thi/{world.round_id}?phien_ban=1").get_data(
        as_text=True)
    assert "Trần Thị Bình" in old
    with app.app_context():
        versions = db.session.scalars(select(RankingSnapshot.version).order_by(
            RankingSnapshot.version)).all()
        assert versions == [1, 2]


def test_search_ignores_diacritics_and_filters_by_unit(app, client, world, make_unit,
                                                       login_as) -> None:
    populate(world, make_unit)
    other = make_unit("UBND xã Ea Kar")
    uid = world.person("Nguyễn Thị Bích", unit_id=other.id)
    world.attempt(uid, 5, 60)
    login_as("organiser")
    publish(client, world.round_id)
    base = f"/bang-xep-hang/vong-thi/{world.round_id}"
    found = client.get(base + "?q=nguyen").get_data(as_text=True)
    assert "Nguyễn Văn An" in found and "Nguyễn Thị Bích" in found
    assert "Trần Thị Bình" not in found
    given = client.get(base + "?q=BINH").get_data(as_text=True)
    assert "Trần Thị Bình" in given and "Nguyễn Văn An" not in given
    by_unit = client.get(base + f"?don_vi={other.id}").get_data(as_text=True)
    assert "Nguyễn Thị Bích" in by_unit and "Trần Thị Bình" not in by_unit


def test_exports_open_in_excel(app, client, world, make_unit, login_as) -> None:
    populate(world, make_unit)
    login_as("organiser")
    publish(client, world.round_id)
    base = f"/ban-to-chuc/xep-hang/vong-thi/{world.round_id}/xuat"
    xlsx = client.get(base + "/ca-nhan.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Hạng", "Thứ tự", "Họ và tên")
    assert [r[2] for r in rows[1:]] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Quốc Cường"]
    assert rows[1][3].endswith("@example.vn") and rows[1][4].startswith("0977")
    csv = client.get(base + "/ca-nhan.csv").data
    assert csv.startswith(b"\xef\xbb\xbf") and "Trần Thị Bình".encode() in csv
    units = load_workbook(io.BytesIO(client.get(base + "/don-vi.xlsx").data)).active
    unit_rows = list(units.iter_rows(values_only=True))
    assert unit_rows[0][2] == "Đơn vị"
    assert any(r[2] == "Sở Tư pháp" and r[3] == 3 for r in unit_rows[1:])


def test_cli_publish(app, world, make_unit) -> None:
    populate(world, make_unit)
    result = app.test_cli_runner().invoke(args=["rankings", "publish", str(world.round_id)])
    assert result.exit_code == 0, result.output
    assert "phiên bản 1: 3 người" in result.output
    again = app.test_cli_runner().invoke(args=["rankings", "publish", str(world.round_id)])
    assert "phiên bản 2" in again.output


def test_contest_wide_ranking_sums_rounds(app, client, world, make_unit, login_as) -> None:
    ids = populate(world, make_unit)
    from tests import factories

    with app.app_context():
        rnd1 = db.session.get(Round, world.round_id)
        rnd2 = factories.round_(db.session, rnd1.contest, world.clock.now(), question_count=10,
                                opens_delta=timedelta(days=-3), closes_delta=timedelta(hours=-2),
                                title="Tuần 2")
        factories.finished_attempt(db.session, rnd2, ids["cuong"], 10, 30_000,
                                   rnd2.opens_at + timedelta(hours=1))
        db.session.commit()
        round2 = rnd2.id
    login_as("organiser")
    token = csrf_token(client, f"/ban-to-chuc/xep-hang/cuoc-thi/{world.contest_id}")

    def publish_contest():
        client.post(f"/ban-to-chuc/xep-hang/cuoc-thi/{world.contest_id}",
                    data={"csrf_token": token, "action": "publish"})
        return app.test_client().get(f"/bang-xep-hang/cuoc-thi/{world.contest_id}").get_data(
            as_text=True)

    # Nothing published per round yet: the contest-wide ranking refuses.
    assert "Bảng xếp hạng chưa được công bố" in publish_contest()
    # Built from published rounds only: week 2 is closed but not published, so left out.
    publish(client, world.round_id)
    page = publish_contest()
    assert page.index("Nguyễn Văn An") < page.index("Lê Quốc Cường")
    publish(client, round2)
    page = publish_contest()
    # Cường: 7 + 10 = 17 beats An and Bình (10 each, one round).
    assert page.index("Lê Quốc Cường") < page.index("Nguyễn Văn An")
    # A live change after publication (a new attempt) never reaches the contest ranking.
    with app.app_context():
        late = db.session.get(Round, round2)
        factories.finished_attempt(db.session, late, ids["an"], 10, 30_000,
                                   late.opens_at + timedelta(hours=2), number=2)
        db.session.commit()
    page = publish_contest()
    assert page.index("Lê Quốc Cường") < page.index("Nguyễn Văn An")
