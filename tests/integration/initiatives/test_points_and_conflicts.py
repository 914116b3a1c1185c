"""Scoring in points through the pages (maxima, half points, bands, clear Vietnamese refusals,
the rubric lock), a third judge where two judges differ by more than the call's gap, and
conflicts of interest (own unit, co-authors, declared by judges or set by organisers): a
conflicted judge is never assigned, never lists and never opens the submission."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest_app.extensions import db
from contest_app.initiatives import judging, scoring
from contest_app.initiatives.models import (
    ConflictOfInterest,
    Criterion,
    Initiative,
    InitiativeCall,
    InitiativeFile,
    Review,
    ReviewAssignment,
)
from contest_app.organiser.models import AuditEvent
from tests.unit.initiatives.samples import PDF

from .conftest import AUTHOR_NAME, make_call, make_initiative, post

NOVELTY_BANDS = [[27.0, 30.0, "Hoàn toàn mới"], [21.0, 26.0, "Cải tiến rõ rệt"],
                 [0.0, 0.0, "Sao chép"]]
ENGLISH = ("Not a valid", "Invalid", "Number must", "This field")


def _points_call(app, clock, world, gap=20.0) -> int:
    """Turn the fixture's call into one scored in points: 30 (with bands) + 25 + 30 + 15."""
    with app.app_context():
        call = db.session.get(InitiativeCall, world.call_id)
        call.scoring, call.third_judge_gap = scoring.POINTS, gap
        for c, points in zip(call.criteria, (30, 25, 30, 15), strict=True):
            c.max_points = c.weight = points
        call.criteria[0].bands = NOVELTY_BANDS
        db.session.commit()
        return call.id


def _criteria(app, call_id: int = 1) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Criterion.id).where(Criterion.call_id == call_id)
                                       .order_by(Criterion.position)))


def _assign(app, item_id, *judges) -> None:
    with app.app_context():
        for judge in judges:
            db.session.add(ReviewAssignment(initiative_id=item_id, judge_id=judge.id))
        db.session.commit()


def _review(client, item_id, criteria, values, comment="Nhận xét của giám khảo"):
    url = f"/giam-khao/sang-kien/{item_id}"
    data = {f"c{cid}": str(v) for cid, v in zip(criteria, values, strict=True)}
    return post(client, url, {**data, "comment": comment}, page=url)


@pytest.fixture
def points_item(app, clock, world):
    _points_call(app, clock, world)
    with app.app_context():
        item_id = make_initiative(world.call_id, world.author.id, clock.now())
        db.session.commit()
    _assign(app, item_id, world.judge1, world.judge2)
    return item_id, _criteria(app)


# --- Points, half points, bands ---------------------------------------------------------


def test_new_call_form_defaults_to_points_as_rules_write_them(app, client_for, world) -> None:
    organiser = client_for(world.organiser)
    page = organiser.get("/ban-to-chuc/sang-kien/").get_data(as_text=True)
    assert '<option selected value="points">' in page
    assert 'id="criteria-1-max_points"' in page and 'value="25"' in page
    assert "27–30: Hoàn toàn mới" in page  # the novelty bands, ready to edit
    data = {"title": "Đợt điểm", "submission_deadline": "2026-12-20T17:00",
            "review_deadline": "2026-12-31T17:00", "fields_text": "Cải cách thể chế",
            "judges_per_submission": "2", "scoring": "points", "third_judge_gap": "15",
            "criteria-0-name": "Tính mới", "criteria-0-max_points": "30",
            "criteria-0-bands": "27–30: Hoàn toàn mới\n0: Sao chép",
            "criteria-1-name": "Tính khả thi", "criteria-1-max_points": "25",
            "criteria-2-name": "Hiệu quả", "criteria-2-max_points": "30",
            "criteria-3-name": "Khả năng nhân rộng", "criteria-3-max_points": "15"}
    response = post(organiser, "/ban-to-chuc/sang-kien/", data, page="/ban-to-chuc/sang-kien/")
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    with app.app_context():
        call = db.session.scalar(select(InitiativeCall).where(InitiativeCall.title == "Đợt điểm"))
        assert call.scoring == "points" and call.third_judge_gap == 15.0
        assert [(c.name, c.max_points) for c in call.criteria] == [
            ("Tính mới", 30), ("Tính khả thi", 25), ("Hiệu quả", 30), ("Khả năng nhân rộng", 15)]
        assert call.criteria[0].bands == [[27.0, 30.0, "Hoàn toàn mới"], [0.0, 0.0, "Sao chép"]]
        assert call.total_max == 100


@pytest.mark.parametrize(("field", "value", "message"), [
    ("criteria-0-max_points", "", "Hãy nhập điểm tối đa của tiêu chí “Tính mới”."),
    ("criteria-0-bands", "27–31: Quá", "phải nằm trong khoảng từ 0 đến điểm tối đa"),
    ("criteria-0-bands", "20–30: A\n10–20: B", "chồng lên nhau"),
    ("criteria-0-bands", "rất mới", "dòng 1: hãy viết dạng"),
])
def test_points_rubric_is_checked(app, client_for, world, field, value, message) -> None:
    organiser = client_for(world.organiser)
    data = {"title": "Đợt lỗi", "submission_deadline": "2026-12-20T17:00",
            "review_deadline": "2026-12-31T17:00", "fields_text": "A",
            "judges_per_submission": "2", "scoring": "points",
            "criteria-0-name": "Tính mới", "criteria-0-max_points": "30", field: value}
    response = post(organiser, "/ban-to-chuc/sang-kien/", data, page="/ban-to-chuc/sang-kien/")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(InitiativeCall.id))) == 1


def test_judge_sees_maxima_and_bands_and_scores_half_points(app, client_for, world,
                                                            points_item) -> None:
    item_id, criteria = points_item
    judge = client_for(world.judge1)
    page = judge.get(f"/giam-khao/sang-kien/{item_id}").get_data(as_text=True)
    assert "tối đa 30 điểm" in page and "tối đa 25 điểm" in page and "tối đa 15 điểm" in page
    assert "27–30: Hoàn toàn mới" in page and "Tổng điểm tối đa: 100" in page
    assert 'step="0.5"' in page
    response = _review(judge, item_id, criteria, ("27,5", "6.5", 20, 15))
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    with app.app_context():
        review = db.session.scalar(select(Review))
        assert review.total == 69.0
        assert review.scores == {str(criteria[0]): 27.5, str(criteria[1]): 6.5,
                                 str(criteria[2]): 20.0, str(criteria[3]): 15.0}
    again = judge.get(f"/giam-khao/sang-kien/{item_id}").get_data(as_text=True)
    assert 'value="27.5"' in again and 'value="6.5"' in again


@pytest.mark.parametrize(("values", "message"), [
    (("6,3", 20, 20, 10), "Điểm chấm theo bước 0,5 (ví dụ 6 hoặc 6,5); 6,3 không hợp lệ."),
    ((31, 20, 20, 10), "Tiêu chí này tối đa 30 điểm; bạn đã nhập 31."),
    ((10, "25,5", 20, 10), "Tiêu chí này tối đa 25 điểm; bạn đã nhập 25,5."),
    ((-1, 20, 20, 10), "Điểm không được âm."),
    (("mười", 20, 20, 10), "Điểm phải là một số, ví dụ 6 hoặc 6,5."),
    (("", 20, 20, 10), "Vui lòng chấm tiêu chí này."),
])
def test_refused_points_get_a_clear_vietnamese_message(app, client_for, world, points_item,
                                                       values, message) -> None:
    item_id, criteria = points_item
    response = _review(client_for(world.judge1), item_id, criteria, values)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in text
    assert not any(english in text for english in ENGLISH)
    with app.app_context():
        assert db.session.scalar(select(func.count(Review.id))) == 0


def test_weighted_call_refuses_half_points_in_vietnamese(app, clock, client_for, world) -> None:
    with app.app_context():
        item_id = make_initiative(world.call_id, world.author.id, clock.now())
        db.session.commit()
    _assign(app, item_id, world.judge1)
    response = _review(client_for(world.judge1), item_id, _criteria(app), ("6,5", 7, 8, 9))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tiêu chí này chấm bằng số nguyên từ 0 đến 10." in text
    assert not any(english in text for english in ENGLISH)
    ok = _review(client_for(world.judge1), item_id, _criteria(app), (8, 7, 9, 6))
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Review.total)) == 77.0  # weighted model unchanged


def test_rubric_cannot_change_once_a_review_exists(app, client_for, world, points_item) -> None:
    item_id, criteria = points_item
    assert _review(client_for(world.judge1), item_id, criteria, (27, 20, 20, 10)).status_code \
        == 302
    url = f"/ban-to-chuc/sang-kien/dot/{world.call_id}"
    organiser = client_for(world.organiser)
    page = organiser.get(url).get_data(as_text=True)
    assert "không thể thay đổi tiêu chí" in page and "27–30: Hoàn toàn mới" in page
    assert '<option selected value="points">' in page
    base = {"title": "Sáng kiến CCHC 2026", "submission_deadline": "2026-12-20T17:00",
            "review_deadline": "2026-12-31T17:00", "fields_text": "A",
            "judges_per_submission": "2", "scoring": "points", "third_judge_gap": "20"}
    same = {"criteria-0-name": "Tính mới, tính sáng tạo", "criteria-0-max_points": "30",
            "criteria-0-bands": "27–30: Hoàn toàn mới\n21–26: Cải tiến rõ rệt\n0: Sao chép",
            "criteria-1-name": "Tính khả thi", "criteria-1-max_points": "25",
            "criteria-2-name": "Tính hiệu quả", "criteria-2-max_points": "30",
            "criteria-3-name": "Khả năng nhân rộng", "criteria-3-max_points": "15"}
    with app.app_context():
        for i, c in enumerate(db.session.get(InitiativeCall, world.call_id).criteria):
            same[f"criteria-{i}-description"] = c.description
    for change in ({"criteria-1-max_points": "20"}, {"criteria-0-bands": "25–30: Mới"},
                   {"scoring": "weighted"}):
        response = post(organiser, url, {**base, **same, **change}, page=url)
        assert response.status_code == 422, change
        assert "không thể thay đổi cách chấm, tiêu chí, điểm tối đa" in response.get_data(
            as_text=True)
    with app.app_context():
        call = db.session.get(InitiativeCall, world.call_id)
        assert call.scoring == "points" and [c.max_points for c in call.criteria] == [
            30, 25, 30, 15]
    renamed = post(organiser, url, {**base, **same, "title": "Tên mới"}, page=url)
    assert renamed.status_code == 302
    with app.app_context():
        assert db.session.get(InitiativeCall, world.call_id).title == "Tên mới"


# --- A third judge ----------------------------------------------------------------------


def test_a_large_gap_is_flagged_and_one_click_adds_a_judge(app, clock, client_for, world,
                                                           make_user, points_item) -> None:
    item_id, criteria = points_item
    busy = make_user(roles={"judge"}, full_name="Giám Khảo Bận")
    free = make_user(roles={"judge"}, full_name="Giám Khảo Rảnh")
    with app.app_context():  # the busy judge already reviews another submission of the call
        other = make_initiative(world.call_id, world.other.id, clock.now(), title="SK khác")
        db.session.add(ReviewAssignment(initiative_id=other, judge_id=busy.id))
        db.session.commit()
    _review(client_for(world.judge1), item_id, criteria, (28, 24, 28, 14))   # 94
    _review(client_for(world.judge2), item_id, criteria, (10, 10, 10, 5))    # 35
    organiser = client_for(world.organiser)
    table = f"/ban-to-chuc/sang-kien/dot/{world.call_id}/bang"
    page = organiser.get(table).get_data(as_text=True)
    assert 'data-extra-judge="needed"' in page and "Cần thêm giám khảo" in page
    detail = organiser.get(f"/ban-to-chuc/sang-kien/{item_id}").get_data(as_text=True)
    assert "94/100" in detail and "35/100" in detail and "Tính khả thi: 24/25" in detail
    response = post(organiser, f"/ban-to-chuc/sang-kien/{item_id}/giam-khao-them", page=table)
    assert response.status_code == 302
    with app.app_context():
        judges = set(db.session.scalars(select(ReviewAssignment.judge_id).where(
            ReviewAssignment.initiative_id == item_id)))
        assert judges == {world.judge1.id, world.judge2.id, free.id}
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "initiative.assign_extra")) == "initiative.assign_extra"
    assert 'data-extra-judge="pending"' in organiser.get(table).get_data(as_text=True)
    again = post(organiser, f"/ban-to-chuc/sang-kien/{item_id}/giam-khao-them", page=table)
    assert again.status_code == 409 and "không cần thêm giám khảo" in again.get_data(
        as_text=True)
    _review(client_for(free), item_id, criteria, (20, 20, 20, 10))  # 70
    page = organiser.get(table).get_data(as_text=True)
    assert 'data-extra-judge="done"' in page
    with app.app_context():
        call = db.session.get(InitiativeCall, world.call_id)
        (row,) = [r for r in judging.organiser_table(db.session, call)
                  if r.initiative.id == item_id]
        assert row.aggregate.score == 66.33  # mean of all three completed reviews
        assert row.aggregate.reviews == 3


def test_no_extra_judge_when_judges_agree_or_not_allowed(app, client_for, world,
                                                         points_item) -> None:
    item_id, criteria = points_item
    _review(client_for(world.judge1), item_id, criteria, (20, 20, 20, 10))
    _review(client_for(world.judge2), item_id, criteria, (18, 18, 18, 8))
    table = f"/ban-to-chuc/sang-kien/dot/{world.call_id}/bang"
    organiser = client_for(world.organiser)
    response = post(organiser, f"/ban-to-chuc/sang-kien/{item_id}/giam-khao-them", page=table)
    assert response.status_code == 409
    for user in (world.judge1, world.author):
        assert post(client_for(user), f"/ban-to-chuc/sang-kien/{item_id}/giam-khao-them"
                    ).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(ReviewAssignment.id))) == 2


def test_extra_judge_is_never_a_conflicted_one(app, clock, client_for, world, make_user,
                                               points_item) -> None:
    item_id, criteria = points_item
    with app.app_context():
        unit_id = db.session.get(type(world.author), world.author.id).unit_id
    colleague = make_user(roles={"judge"}, full_name="Đồng Nghiệp Tác Giả")
    with app.app_context():
        db.session.get(type(colleague), colleague.id).unit_id = unit_id
        db.session.commit()
    _review(client_for(world.judge1), item_id, criteria, (30, 25, 30, 15))
    _review(client_for(world.judge2), item_id, criteria, (0, 0, 0, 0))
    response = post(client_for(world.organiser),
                    f"/ban-to-chuc/sang-kien/{item_id}/giam-khao-them",
                    page=f"/ban-to-chuc/sang-kien/dot/{world.call_id}/bang")
    assert response.status_code == 409
    assert "Không còn giám khảo nào chấm được sáng kiến này" in response.get_data(as_text=True)


# --- Conflicts ------------------------------------------------------------------------------


@pytest.fixture
def conflicted(app, clock, world, make_user):
    """A judge in the author's unit, a judge who co-wrote another submission with the author,
    and a free judge; the submission has an attachment."""
    from contest_app.accounts.models import User
    from contest_app.initiatives import files

    with app.app_context():
        unit_id = db.session.get(User, world.author.id).unit_id
    same_unit = make_user(roles={"judge"}, full_name="Cùng Đơn Vị")
    coauthor = make_user(roles={"judge"}, full_name="Trương Văn Cộng Sự")
    with app.app_context():
        db.session.get(User, same_unit.id).unit_id = unit_id
        item_id = make_initiative(world.call_id, world.author.id, clock.now())
        # Another call's draft: the co-author judge and the author wrote it together.
        other_call = make_call(clock.now(), title="Đợt năm trước")
        make_initiative(other_call.id, coauthor.id, clock.now(), state="draft",
                        title="Sáng kiến chung", co_authors=[f"{AUTHOR_NAME}, UBND xã"])
        stored = files.store(files.upload_dir(app.instance_path), PDF)
        row = InitiativeFile(initiative_id=item_id, original_name="a.pdf", stored_name=stored,
                             kind="pdf", size=len(PDF), sha256="0" * 64)
        db.session.add(row)
        db.session.commit()
        return item_id, row.id, same_unit, coauthor


def test_auto_assignment_honours_unit_and_coauthor_conflicts(app, client_for, world,
                                                            conflicted) -> None:
    item_id, _, same_unit, coauthor = conflicted
    organiser = client_for(world.organiser)
    table = f"/ban-to-chuc/sang-kien/dot/{world.call_id}/bang"
    response = post(organiser, f"/ban-to-chuc/sang-kien/dot/{world.call_id}/phan-cong-tu-dong",
                    page=table)
    assert response.status_code == 302
    with app.app_context():
        judges = set(db.session.scalars(select(ReviewAssignment.judge_id).where(
            ReviewAssignment.initiative_id == item_id)))
        assert judges == {world.judge1.id, world.judge2.id}
        barred = judging.conflict_map(db.session, [db.session.get(Initiative, item_id)],
                                      judging.judges(db.session))[item_id]
        assert barred == {same_unit.id: "same_unit", coauthor.id: "collaborator"}
    page = organiser.get(f"/ban-to-chuc/sang-kien/{item_id}").get_data(as_text=True)
    assert "Cùng đơn vị với tác giả" in page and "Cộng tác, đồng tác giả với tác giả" in page
    conflict_select = page.split('id="conflict-judge_id"')[1].split("</select>")[0]
    assert "Cùng Đơn Vị" in conflict_select  # the organiser may still record any conflict
    with app.app_context():
        db.session.execute(ReviewAssignment.__table__.delete())
        db.session.commit()
    page = organiser.get(f"/ban-to-chuc/sang-kien/{item_id}").get_data(as_text=True)
    assign_select = page.split('id="assign-judge_id"')[1].split("</select>")[0]
    assert "Giám Khảo Một" in assign_select and "Giám Khảo Hai" in assign_select
    assert "Cùng Đơn Vị" not in assign_select and "Trương Văn Cộng Sự" not in assign_select


def test_manual_assignment_of_a_conflicted_judge_is_refused(app, client_for, world,
                                                            conflicted) -> None:
    item_id, _, same_unit, coauthor = conflicted
    organiser = client_for(world.organiser)
    url = f"/ban-to-chuc/sang-kien/{item_id}"
    for judge in (same_unit, coauthor):
        response = post(organiser, f"{url}/phan-cong", {"assign-judge_id": str(judge.id)},
                        page=url)
        assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count(ReviewAssignment.id))) == 0


def test_conflicted_judge_never_sees_the_submission(app, client_for, world, conflicted) -> None:
    """Even with an assignment made before the conflict was known (a row written directly),
    the judge neither lists, opens, reviews nor downloads it."""
    item_id, file_id, same_unit, coauthor = conflicted
    _assign(app, item_id, same_unit, coauthor)
    for judge in (same_unit, coauthor):
        client = client_for(judge)
        assert "Một cửa điện tử" not in client.get("/giam-khao/").get_data(as_text=True)
        assert client.get(f"/giam-khao/sang-kien/{item_id}").status_code == 404
        assert client.get(f"/sang-kien/tep/{file_id}").status_code == 404
        response = _review(client, item_id, _criteria(app), (8, 7, 9, 6))
        assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Review.id))) == 0


def test_judge_declares_a_typed_conflict(app, client_for, world, conflicted) -> None:
    item_id = conflicted[0]
    _assign(app, item_id, world.judge1)
    judge = client_for(world.judge1)
    url = f"/giam-khao/sang-kien/{item_id}"
    assert "Tôi có xung đột lợi ích" in judge.get(url).get_data(as_text=True)
    response = post(judge, f"{url}/xung-dot", {"coi-kind": "family",
                                               "coi-reason": "Tác giả là em họ tôi"}, page=url)
    assert response.status_code == 302
    assert judge.get(url).status_code == 404
    with app.app_context():
        row = db.session.scalar(select(ConflictOfInterest))
        assert (row.kind, row.declared_by_id) == ("family", world.judge1.id)
    refused = post(judge, f"{url}/xung-dot", {"coi-kind": "family", "coi-reason": "x"},
                   page="/giam-khao/")
    assert refused.status_code == 404


def test_organiser_sets_a_conflict(app, client_for, world, conflicted) -> None:
    item_id = conflicted[0]
    _assign(app, item_id, world.judge2)
    organiser = client_for(world.organiser)
    url = f"/ban-to-chuc/sang-kien/{item_id}"
    bad = post(organiser, f"{url}/xung-dot", {"conflict-judge_id": str(world.judge2.id),
                                              "conflict-kind": "hàng xóm"}, page=url)
    assert bad.status_code == 422
    response = post(organiser, f"{url}/xung-dot", {"conflict-judge_id": str(world.judge2.id),
                                                   "conflict-kind": "collaborator",
                                                   "conflict-reason": "Cùng đề tài"}, page=url)
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(ConflictOfInterest))
        assert (row.judge_id, row.kind, row.declared_by_id) == (
            world.judge2.id, "collaborator", world.organiser.id)
        assert db.session.scalar(select(func.count(ReviewAssignment.id))) == 0
    assert client_for(world.judge2).get(f"/giam-khao/sang-kien/{item_id}").status_code == 404
    for user in (world.judge1, world.author):
        assert post(client_for(user), f"{url}/xung-dot",
                    {"conflict-judge_id": str(world.judge2.id)}).status_code == 403
