"""The decision list for the official decision (DOCX and XLSX, opened and read back), the
public results with each author and co-author beside their unit, and the quota page."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from contest_app.extensions import db
from contest_app.initiatives.models import InitiativeCall, Review
from contest_app.organiser.models import AuditEvent

from .conftest import AUTHOR_NAME, AUTHOR_UNIT, make_initiative, post

CO_AUTHORS = ["Phạm Thị Hoa, Văn phòng HĐND và UBND huyện", "Võ Văn Nam"]


def _decided(app, world, clock, publish: bool = True) -> None:
    with app.app_context():
        now = clock.now()
        first = make_initiative(world.call_id, world.author.id, now,
                                title="Một cửa liên thông số", decision="awarded",
                                award="Giải Nhì", co_authors=CO_AUTHORS)
        for judge, total in ((world.judge1, 88.0), (world.judge2, 87.0)):
            db.session.add(Review(initiative_id=first, judge_id=judge.id, scores={},
                                  total=total, comment="Tốt"))
        make_initiative(world.call_id, world.other.id, now, title="Hộp thư góp ý điện tử",
                        decision="accepted", co_authors=[])
        make_initiative(world.call_id, world.other.id, now, title="Ý tưởng bị loại",
                        decision="rejected")
        if publish:
            db.session.get(InitiativeCall, world.call_id).results_published_at = now
        db.session.commit()


def _unit_of(app, user) -> str:
    from contest_app.accounts.models import User

    with app.app_context():
        return db.session.get(User, user.id).unit.name


def test_decision_list_docx(app, clock, client_for, world) -> None:
    _decided(app, world, clock)
    organiser = client_for(world.organiser)
    response = organiser.get(f"/ban-to-chuc/sang-kien/dot/{world.call_id}/danh-sach-quyet-dinh"
                             ".docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(".docx")
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "DANH SÁCH SÁNG KIẾN, GIẢI PHÁP ĐƯỢC CÔNG NHẬN, TRAO GIẢI" in text
    assert "Sáng kiến CCHC 2026" in text and "công bố lúc" in text
    table = document.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["STT", "Tên sáng kiến, giải pháp", "Lĩnh vực", "Kết quả",
                      "Điểm (trên 100)", "Họ và tên", "Vai trò", "Đơn vị công tác"]
    people = [[c.text for c in row.cells] for row in table.rows[1:]]
    # One row per person; the submission's cells are merged down its people.
    assert [p[5:] for p in people] == [
        [AUTHOR_NAME, "Tác giả", AUTHOR_UNIT],
        ["Phạm Thị Hoa", "Đồng tác giả", "Văn phòng HĐND và UBND huyện"],
        ["Võ Văn Nam", "Đồng tác giả", ""],
        ["Người Khác", "Tác giả", _unit_of(app, world.other)],
    ]
    assert people[0][:5] == ["1", "Một cửa liên thông số", "Cải cách thủ tục hành chính",
                             "Giải Nhì", "87,50/100"]
    assert people[2][1] == "Một cửa liên thông số"  # merged cell reads the same text
    assert people[3][:5] == ["2", "Hộp thư góp ý điện tử", "Cải cách thủ tục hành chính",
                             "Công nhận", "—"]  # no review: no score
    assert "Ý tưởng bị loại" not in "\n".join(c.text for r in table.rows for c in r.cells)
    summary = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert summary[1:] == [["Giải Nhì", "1", "3"], ["Công nhận", "1", "1"],
                           ["Tổng cộng", "2", "4"]]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "initiative_call.decision_list"))
        assert event.after["format"] == "docx" and event.actor_id == world.organiser.id


def test_decision_list_xlsx_before_publication(app, clock, client_for, world) -> None:
    _decided(app, world, clock, publish=False)
    organiser = client_for(world.organiser)
    response = organiser.get(f"/ban-to-chuc/sang-kien/dot/{world.call_id}/danh-sach-quyet-dinh"
                             ".xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert any("chưa công bố" in str(v) for row in values for v in row if v)
    top = next(i for i, row in enumerate(values) if row[0] == "STT")
    body = [row[:8] for row in values[top + 1:top + 5]]
    assert values[top][4] == "Điểm (trên 100)"
    assert body[0] == (1, "Một cửa liên thông số", "Cải cách thủ tục hành chính", "Giải Nhì",
                       "87,50/100", AUTHOR_NAME, "Tác giả", AUTHOR_UNIT)
    assert body[1][5:] == ("Phạm Thị Hoa", "Đồng tác giả", "Văn phòng HĐND và UBND huyện")
    assert body[1][:2] == (1, "Một cửa liên thông số")  # repeated: filters still read right
    assert body[3][:6] == (2, "Hộp thư góp ý điện tử", "Cải cách thủ tục hành chính",
                           "Công nhận", "—", "Người Khác")


def test_decision_list_is_for_organisers_only(client_for, world) -> None:
    author = client_for(world.author)
    url = f"/ban-to-chuc/sang-kien/dot/{world.call_id}/danh-sach-quyet-dinh.docx"
    assert author.get(url).status_code in (403, 404)
    organiser = client_for(world.organiser)
    assert organiser.get(url.replace(".docx", ".pdf")).status_code == 404


def test_public_results_name_each_person_with_their_unit(app, clock, world) -> None:
    _decided(app, world, clock)
    page = app.test_client().get(f"/sang-kien/ket-qua/{world.call_id}").get_data(as_text=True)
    assert f"<strong>{AUTHOR_NAME}</strong> — {AUTHOR_UNIT}" in page
    assert "<strong>Phạm Thị Hoa</strong> — Văn phòng HĐND và UBND huyện" in page
    assert "<strong>Võ Văn Nam</strong> — chưa ghi đơn vị" in page
    assert "Đồng tác giả:" in page and "Ý tưởng bị loại" not in page


def test_quota_page_lists_who_is_short(app, clock, client_for, make_unit, make_user,
                                       world) -> None:
    a = make_unit("Sở Tư pháp", block="Khối sở, ngành")
    b = make_unit("Sở Nội vụ", block="Khối sở, ngành")
    c = make_unit("UBND xã An Bình", block="Khối xã, phường")
    author_a = make_user(unit=a)
    author_b = make_user(unit=b)
    make_user(unit=c)
    with app.app_context():
        for _ in range(2):
            make_initiative(world.call_id, author_a.id, clock.now())
        make_initiative(world.call_id, author_b.id, clock.now())
        make_initiative(world.call_id, author_b.id, clock.now(), state="draft")
        db.session.commit()
    organiser = client_for(world.organiser)
    url = f"/ban-to-chuc/sang-kien/dot/{world.call_id}/chi-tieu"
    assert "Chưa đặt chỉ tiêu cho mỗi đơn vị." in organiser.get(url).get_data(as_text=True)
    bad = post(organiser, url, {"min_per_unit": "0"}, page=url)
    assert bad.status_code == 422 and "Nhập số từ 1 đến 1000" in bad.get_data(as_text=True)
    saved = post(organiser, url, {"min_per_unit": "2", "min_per_block": "4"}, page=url)
    assert saved.status_code == 302
    page = organiser.get(url).get_data(as_text=True)
    units = page[page.index('id="short-units"'):page.index("</table>")]
    assert "Sở Nội vụ" in units and "UBND xã An Bình" in units and "Sở Tư pháp" not in units
    blocks = page[page.index('id="short-blocks"'):]
    blocks = blocks[:blocks.index("</table>")]
    # Khối sở, ngành has 3 submitted (the draft does not count): 1 short; Khối xã 4 short.
    assert "Khối sở, ngành</td><td class=\"text-end\" data-value=\"3\">3</td>" in blocks
    assert blocks.index("Khối xã, phường") < blocks.index("Khối sở, ngành")
    with app.app_context():
        call = db.session.get(InitiativeCall, world.call_id)
        assert (call.min_per_unit, call.min_per_block) == (2, 4)
        assert db.session.scalar(select(AuditEvent.after).where(
            AuditEvent.action == "initiative_call.quotas")) == {"min_per_unit": 2,
                                                                 "min_per_block": 4}


def _demo_two_rounds_published(app, clock) -> int:
    """The demo's two-round call with the final fully scored (the Tuy Hòa judge never scores
    her unit's team), decisions taken and results published."""
    from contest_app.accounts.models import User
    from contest_app.demo import load_units, load_users
    from contest_app.initiatives import finals
    from contest_app.initiatives.demo import DEMO_FINAL_CALL_TITLE, load_demo_initiatives
    from contest_app.initiatives.models import Initiative

    with app.app_context():
        load_users(db.session, load_units(db.session))
        load_demo_initiatives(db.session)
        call = db.session.scalar(select(InitiativeCall).where(
            InitiativeCall.title == DEMO_FINAL_CALL_TITLE))
        final = finals.final_of(db.session, call)
        for email in ("giamkhao@demo.vn", "giamkhao2@demo.vn", "giamkhao3@demo.vn"):
            judge = db.session.scalar(select(User).where(User.email == email))
            for finalist in finals.visible_finalists(db.session, final, judge.id):
                if finals.own_score(db.session, finalist, judge.id) is None:
                    marks = {c.id: c.max_points - 4 for c in final.criteria}  # 88 of 100
                    finals.save_score(db.session, judge.id, finalist, marks, "", clock.now())
        finalist_ids = [f.initiative_id for f in final.finalists]
        for item in db.session.scalars(select(Initiative).where(
                Initiative.call_id == call.id)):
            if item.id in finalist_ids:
                item.decision, item.award = "awarded", (
                    "Giải Nhất" if item.id == finalist_ids[0] else "Giải Nhì")
            else:
                item.decision = "accepted"
        call.results_published_at = clock.now()
        db.session.commit()
        return call.id


def test_two_round_decision_list_uses_the_combined_result(app, clock, client_for,
                                                           world) -> None:
    from contest_app.initiatives import finals

    call_id = _demo_two_rounds_published(app, clock)
    with app.app_context():
        call = db.session.get(InitiativeCall, call_id)
        standings = finals.results(db.session, finals.final_of(db.session, call))
        assert all(r.scores == r.expected for r in standings)
        combined = {r.finalist.initiative.title: r.combined for r in standings}
    organiser = client_for(world.organiser)
    response = organiser.get(f"/ban-to-chuc/sang-kien/dot/{call_id}/danh-sach-quyet-dinh"
                             ".docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "DANH SÁCH SÁNG KIẾN, GIẢI PHÁP ĐƯỢC CÔNG NHẬN, TRAO GIẢI" in text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][3:6] == [
        "Kết quả", "Điểm chung cuộc (trên 100)", "Họ và tên"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    by_title = {r[1]: r for r in rows}
    for title, score in combined.items():
        assert by_title[title][4] == f"{score:.2f}".replace(".", ",") + "/100"
    # The submission that did not reach the final keeps its preliminary score, marked so.
    (other,) = [r for r in rows if r[1] not in combined]
    assert other[3] == "Công nhận" and other[4].endswith("/100 (sơ khảo)")
    assert [r[3] for r in rows][0] == "Giải Nhất"
    # Authors and co-authors with their units, one row each.
    people = [(r[5], r[6], r[7]) for r in rows]
    assert ("Võ Quốc Cường", "Tác giả", "UBND phường Tuy Hòa") in people
    assert ("Trần Thị Lan", "Đồng tác giả", "UBND phường Tuy Hòa") in people
    assert ("Lê Văn Minh", "Đồng tác giả", "") in people


def test_public_results_of_a_two_round_call_show_the_final(app, clock, world) -> None:
    from contest_app.initiatives import finals

    call_id = _demo_two_rounds_published(app, clock)
    with app.app_context():
        call = db.session.get(InitiativeCall, call_id)
        standings = finals.results(db.session, finals.final_of(db.session, call))
        best = standings[0]
        best_title, best_score = best.finalist.initiative.title, best.combined
    page = app.test_client().get(f"/sang-kien/ket-qua/{call_id}").get_data(as_text=True)
    final = page[page.index('id="final-standings"'):page.index("</table>")]
    assert "Chung cuộc (trên 100)" in final and best_title in final
    assert f"{best_score:.2f}".replace(".", ",") in final
    assert page.count("Vào chung khảo</span>") == len(standings)
    assert "Bản đồ số các điểm tiếp nhận hồ sơ thủ tục hành chính" in final
    assert "Ký số hồ sơ cấp phép hành nghề y, dược tư nhân" not in final  # not a finalist
    # Before publication nothing of it is public.
    with app.app_context():
        db.session.get(InitiativeCall, call_id).results_published_at = None
        db.session.commit()
    hidden = app.test_client().get(f"/sang-kien/ket-qua/{call_id}").get_data(as_text=True)
    assert 'id="final-standings"' not in hidden and best_title not in hidden
