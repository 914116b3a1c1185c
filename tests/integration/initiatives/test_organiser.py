"""The organiser's side: calls and rubric, assignment by hand and automatic, the judging table
(weighted score, spread, progress), decisions with audit, publication and the public results;
before publication nothing of the decisions is public."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from contest_app.extensions import db
from contest_app.initiatives.models import (
    ConflictOfInterest,
    Criterion,
    Initiative,
    InitiativeCall,
    Review,
    ReviewAssignment,
)
from contest_app.organiser.models import AuditEvent

from .conftest import AUTHOR_NAME, AUTHOR_UNIT, CO_AUTHOR, make_initiative, post

TABLE = "/ban-to-chuc/sang-kien/dot/{}/bang"


def _criteria(app) -> list[Criterion]:
    with app.app_context():
        return list(db.session.scalars(select(Criterion).order_by(Criterion.position)))


def _add_review(app, item_id, judge_id, total, scores=None):
    with app.app_context():
        db.session.add(Review(initiative_id=item_id, judge_id=judge_id, scores=scores or {},
                              total=total, comment="Nhận xét"))
        db.session.commit()


def test_dashboard_links_to_initiatives(client_for, world) -> None:
    html = client_for(world.organiser).get("/ban-to-chuc/").get_data(as_text=True)
    assert 'href="/ban-to-chuc/sang-kien/"' in html and "Sáng kiến CCHC" in html


def test_create_a_weighted_call(app, client_for, world) -> None:
    organiser = client_for(world.organiser)
    page = organiser.get("/ban-to-chuc/sang-kien/").get_data(as_text=True)
    assert "Tính mới, tính sáng tạo" in page and "Chính phủ số" in page
    data = {"title": "Đợt 2", "description": "", "submission_deadline": "20/12/2026 17:00",
            "review_deadline": "31/12/2026 17:00", "fields_text": "Cải cách thể chế\nKhác",
            "judges_per_submission": "3", "scoring": "weighted",
            "criteria-0-name": "Tính mới", "criteria-0-weight": "60", "criteria-0-scale": "0-10",
            "criteria-1-name": "Hiệu quả", "criteria-1-weight": "40", "criteria-1-scale": "1-5"}
    response = post(organiser, "/ban-to-chuc/sang-kien/", data, page="/ban-to-chuc/sang-kien/")
    assert response.status_code == 302, response.text[:3000]
    with app.app_context():
        call = db.session.scalar(select(InitiativeCall).where(InitiativeCall.title == "Đợt 2"))
        assert call.fields == ["Cải cách thể chế", "Khác"] and call.judges_per_submission == 3
        assert [(c.name, c.weight, c.scale) for c in call.criteria] == [
            ("Tính mới", 60, "0-10"), ("Hiệu quả", 40, "1-5")]
        assert call.submission_deadline.hour == 10  # 17:00 in Asia/Ho_Chi_Minh is 10:00 UTC


def test_call_form_errors_are_shown(client_for, world) -> None:
    organiser = client_for(world.organiser)
    data = {"title": "", "submission_deadline": "20/12/2026 17:00",
            "review_deadline": "01/12/2026 17:00", "fields_text": "A",
            "judges_per_submission": "2"}
    response = post(organiser, "/ban-to-chuc/sang-kien/", data, page="/ban-to-chuc/sang-kien/")
    assert response.status_code == 422
    assert "Hạn chấm phải sau hạn nộp sáng kiến." in response.text
    assert "Cần ít nhất một tiêu chí chấm điểm." in response.text


def test_rubric_is_locked_once_reviewed(app, clock, client_for, world) -> None:
    with app.app_context():
        item = make_initiative(world.call_id, world.author.id, clock.now())
        db.session.commit()
    _add_review(app, item, world.judge1.id, 50.0)
    organiser = client_for(world.organiser)
    url = f"/ban-to-chuc/sang-kien/dot/{world.call_id}"
    page = organiser.get(url).get_data(as_text=True)
    assert "không thể thay đổi tiêu chí" in page
    data = {"title": "Sáng kiến CCHC 2026", "submission_deadline": "20/12/2026 17:00",
            "review_deadline": "31/12/2026 17:00", "fields_text": "A",
            "judges_per_submission": "2", "scoring": "weighted",
            "criteria-0-name": "Chỉ một", "criteria-0-weight": "1",
            "criteria-0-scale": "0-10"}
    response = post(organiser, url, data, page=url)
    assert response.status_code == 422
    assert len(_criteria(app)) == 4


def test_automatic_assignment_is_balanced(app, clock, client_for, world, make_user) -> None:
    make_user(roles={"judge"}, full_name="Giám Khảo Ba")
    with app.app_context():
        ids = [make_initiative(world.call_id, world.other.id, clock.now(), title=f"SK {n}")
               for n in range(6)]
        db.session.commit()
    organiser = client_for(world.organiser)
    url = TABLE.format(world.call_id)
    response = post(organiser, f"/ban-to-chuc/sang-kien/dot/{world.call_id}/phan-cong-tu-dong",
                    page=url)
    assert response.status_code == 302
    assert "Đã phân công tự động 12 lượt chấm." in organiser.get(url).text
    with app.app_context():
        loads = dict(db.session.execute(select(ReviewAssignment.judge_id, func.count())
                                        .group_by(ReviewAssignment.judge_id)).all())
        per_item = dict(db.session.execute(select(ReviewAssignment.initiative_id, func.count())
                                           .group_by(ReviewAssignment.initiative_id)).all())
    assert sorted(loads.values()) == [4, 4, 4]
    assert per_item == {i: 2 for i in ids}
    assert "0/4 đã chấm" in organiser.get(url).text


def test_automatic_assignment_skips_authors_conflicts_and_same_unit(
        app, clock, client_for, world, make_user) -> None:
    with app.app_context():
        own = make_initiative(world.call_id, world.judge1.id, clock.now(), title="Của GK1")
        conflicted = make_initiative(world.call_id, world.other.id, clock.now(), title="XĐ")
        same_unit = make_initiative(world.call_id, world.author.id, clock.now(), title="Cùng ĐV")
        db.session.add(ConflictOfInterest(initiative_id=conflicted, judge_id=world.judge2.id))
        db.session.commit()
    from contest_app.accounts.models import User

    with app.app_context():
        db.session.get(User, world.judge2.id).unit_id = db.session.get(
            User, world.author.id).unit_id
        db.session.commit()
    make_user(roles={"judge"}, full_name="Giám Khảo Ba")
    call = world.call_id
    with app.app_context():
        db.session.get(InitiativeCall, call).judges_per_submission = 1
        db.session.commit()
    organiser = client_for(world.organiser)
    post(organiser, f"/ban-to-chuc/sang-kien/dot/{call}/phan-cong-tu-dong", page=TABLE.format(call))
    with app.app_context():
        plan = dict(db.session.execute(select(ReviewAssignment.initiative_id,
                                              ReviewAssignment.judge_id)).all())
    assert plan[own] != world.judge1.id
    assert plan[conflicted] != world.judge2.id
    assert plan[same_unit] != world.judge2.id


def test_not_enough_judges_is_a_clear_error(app, clock, client_for, world) -> None:
    with app.app_context():
        make_initiative(world.call_id, world.judge1.id, clock.now())  # only judge2 may review
        db.session.commit()
    organiser = client_for(world.organiser)
    url = TABLE.format(world.call_id)
    post(organiser, f"/ban-to-chuc/sang-kien/dot/{world.call_id}/phan-cong-tu-dong", page=url)
    assert "Không đủ giám khảo để phân công" in organiser.get(url).text
    with app.app_context():
        assert db.session.scalar(select(func.count(ReviewAssignment.id))) == 0


def test_manual_assignment_refuses_the_author_and_accepts_a_judge(app, clock, client_for,
                                                                  world) -> None:
    with app.app_context():
        item = make_initiative(world.call_id, world.judge1.id, clock.now())
        db.session.commit()
    organiser = client_for(world.organiser)
    url = f"/ban-to-chuc/sang-kien/{item}"
    refused = post(organiser, f"{url}/phan-cong", {"assign-judge_id": str(world.judge1.id)},
                   page=url)
    assert refused.status_code == 409 and "là tác giả" in refused.text
    not_a_judge = post(organiser, f"{url}/phan-cong", {"assign-judge_id": str(world.other.id)},
                       page=url)
    assert not_a_judge.status_code == 422
    ok = post(organiser, f"{url}/phan-cong", {"assign-judge_id": str(world.judge2.id)}, page=url)
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ReviewAssignment.judge_id)) == world.judge2.id
    assert post(organiser, f"{url}/phan-cong/{world.judge2.id}/xoa", page=url).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(ReviewAssignment.id))) == 0


def test_table_shows_scores_spread_and_progress(app, clock, client_for, world) -> None:
    with app.app_context():
        item = make_initiative(world.call_id, world.author.id, clock.now())
        for judge in (world.judge1, world.judge2):
            db.session.add(ReviewAssignment(initiative_id=item, judge_id=judge.id))
        db.session.commit()
    _add_review(app, item, world.judge1.id, 90.0)
    organiser = client_for(world.organiser)
    html = organiser.get(TABLE.format(world.call_id)).text
    assert "1/2" in html and "thiếu 1" in html and "90,00" in html
    assert "1/1 đã chấm" in html and "0/1 đã chấm" in html
    assert "Bất đồng lớn" not in html
    _add_review(app, item, world.judge2.id, 60.0)
    html = organiser.get(TABLE.format(world.call_id)).text
    assert "75,00" in html and "30,00" in html and "Bất đồng lớn" in html
    export = organiser.get(f"/ban-to-chuc/sang-kien/dot/{world.call_id}/bang.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    row = [c.value for c in sheet[3]]
    assert row[1] == "Một cửa điện tử liên thông cấp xã" and row[3] == AUTHOR_NAME
    assert row[8] == 75.0 and row[9] == 30.0 and row[10] == "Có"


def test_decisions_stay_private_until_published(app, clock, client_for, world) -> None:
    with app.app_context():
        awarded = make_initiative(world.call_id, world.author.id, clock.now(),
                                  title="Sáng kiến đoạt giải")
        rejected = make_initiative(world.call_id, world.other.id, clock.now(),
                                   title="Sáng kiến bị loại", co_authors=[])
        db.session.commit()
    _add_review(app, awarded, world.judge1.id, 88.0)
    organiser, author = client_for(world.organiser), client_for(world.author)
    url = f"/ban-to-chuc/sang-kien/{awarded}"
    missing_award = post(organiser, f"{url}/quyet-dinh", {"decision-decision": "awarded"},
                         page=url)
    assert missing_award.status_code == 422 and "Hãy chọn mức giải" in missing_award.text
    assert post(organiser, f"{url}/quyet-dinh", {"decision-decision": "awarded",
                                                 "decision-award": "Giải Nhì"},
                page=url).status_code == 302
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "initiative.decision"))
        assert event.after == {"decision": "awarded", "award": "Giải Nhì"}
        assert event.actor_id == world.organiser.id
    # Not yet published: nothing public, the author sees "under review" and no reviews.
    results = f"/sang-kien/ket-qua/{world.call_id}"
    public = app.test_client().get(results).text
    assert "Kết quả chưa được công bố." in public and "Sáng kiến đoạt giải" not in public
    assert "Giải Nhì" not in public
    mine = author.get(f"/sang-kien/{awarded}").text
    assert "Đang chấm" in mine and "Giải Nhì" not in mine and "Nhận xét" not in mine
    assert "Đạt giải" not in mine
    # Publishing needs confirmation and every decision.
    table = TABLE.format(world.call_id)
    publish = f"/ban-to-chuc/sang-kien/dot/{world.call_id}/cong-bo"
    assert post(organiser, publish, {}, page=table).status_code == 422
    undecided = post(organiser, publish, {"confirm": "y"}, page=table)
    assert undecided.status_code == 409 and "chưa có quyết định" in undecided.text
    post(organiser, f"/ban-to-chuc/sang-kien/{rejected}/quyet-dinh",
         {"decision-decision": "rejected"}, page=url)
    assert post(organiser, publish, {"confirm": "y"}, page=table).status_code == 302
    # Published: the public list, the author's decision and reviews.
    public = app.test_client().get(results).text
    assert "Sáng kiến đoạt giải" in public and "Giải Nhì" in public
    assert AUTHOR_NAME in public and CO_AUTHOR in public and AUTHOR_UNIT in public
    assert "Sáng kiến bị loại" not in public
    mine = author.get(f"/sang-kien/{awarded}").text
    assert "Đạt giải" in mine and "Giải Nhì" in mine and "Nhận xét" in mine
    # Decisions are frozen once published.
    again = post(organiser, f"{url}/quyet-dinh", {"decision-decision": "rejected"}, page=url)
    assert again.status_code == 409
    with app.app_context():
        assert db.session.get(Initiative, awarded).decision == "awarded"
        assert db.session.scalar(select(AuditEvent.id).where(
            AuditEvent.action == "initiative_call.publish"))
