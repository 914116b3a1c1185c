"""The judge's side: only assigned submissions, blind (nothing of the author's identity in any
page or response), complete rubric, others' reviews after one's own, conflicts of interest,
one review per judge and submission."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from contest_app.extensions import db
from contest_app.initiatives.models import (
    ConflictOfInterest,
    Criterion,
    InitiativeCall,
    InitiativeFile,
    Review,
    ReviewAssignment,
)
from contest_app.initiatives.sanitise import sanitise
from contest_app.organiser.models import AuditEvent
from tests.unit.initiatives.samples import PDF

from .conftest import (
    AUTHOR_EMAIL,
    AUTHOR_NAME,
    AUTHOR_PHONE,
    AUTHOR_UNIT,
    CO_AUTHOR,
    make_initiative,
    post,
)

SECRETS = [AUTHOR_NAME, AUTHOR_EMAIL, AUTHOR_PHONE, AUTHOR_UNIT, CO_AUTHOR,
           "Đinh Thị", "tacgia.bimat", "Hoà Thắng"]


@pytest.fixture
def assigned(app, clock, world):
    """A submitted initiative with an attachment named after the author, assigned to both
    judges; returns (initiative id, file id, criterion ids)."""
    from contest_app.initiatives import files

    with app.app_context():
        item_id = make_initiative(world.call_id, world.author.id, clock.now())
        stored = files.store(files.upload_dir(app.instance_path), PDF)
        row = InitiativeFile(initiative_id=item_id,
                             original_name=f"{AUTHOR_NAME} - thuyết minh.pdf",
                             stored_name=stored, kind="pdf", size=len(PDF), sha256="0" * 64)
        db.session.add(row)
        for judge in (world.judge1, world.judge2):
            db.session.add(ReviewAssignment(initiative_id=item_id, judge_id=judge.id))
        db.session.commit()
        criteria = list(db.session.scalars(select(Criterion.id).order_by(Criterion.position)))
        return item_id, row.id, criteria


def _scores(criteria, values=(8, 7, 9, 6)):
    return {f"c{cid}": str(v) for cid, v in zip(criteria, values, strict=True)}


def _review(client, item_id, data):
    url = f"/giam-khao/sang-kien/{item_id}"
    return post(client, url, data, page=url)


def _assert_blind(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_participant_and_anonymous_cannot_reach_judging(app, client_for, world, assigned) -> None:
    item_id = assigned[0]
    participant = client_for(world.author)
    for url in ("/giam-khao/", f"/giam-khao/sang-kien/{item_id}"):
        assert participant.get(url).status_code == 403
        assert app.test_client().get(url).status_code == 302
    assert post(participant, f"/giam-khao/sang-kien/{item_id}/xung-dot",
                {"coi-reason": "x"}).status_code == 403


def test_organiser_pages_are_closed_to_judges_and_participants(client_for, world) -> None:
    for user in (world.judge1, world.author):
        client = client_for(user)
        assert client.get("/ban-to-chuc/sang-kien/").status_code == 403
        assert client.get(f"/ban-to-chuc/sang-kien/dot/{world.call_id}/bang").status_code == 403


def test_judge_sees_only_assigned_submissions(app, clock, client_for, world, assigned) -> None:
    with app.app_context():
        stranger = make_initiative(world.call_id, world.other.id, clock.now(),
                                   title="Sáng kiến chưa phân công")
        db.session.commit()
    judge = client_for(world.judge1)
    page = judge.get("/giam-khao/").get_data(as_text=True)
    assert "Một cửa điện tử liên thông cấp xã" in page and "Sáng kiến chưa phân công" not in page
    assert "0/1 đã chấm" in page
    assert judge.get(f"/giam-khao/sang-kien/{stranger}").status_code == 404
    assert _review(judge, stranger, {"comment": "x"}).status_code == 404


def test_judge_gets_404_for_files_of_other_submissions(app, clock, client_for, world,
                                                       assigned) -> None:
    from contest_app.initiatives import files

    with app.app_context():
        stranger = make_initiative(world.call_id, world.other.id, clock.now())
        row = InitiativeFile(initiative_id=stranger, original_name="khac.pdf",
                             stored_name=files.store(files.upload_dir(app.instance_path), PDF),
                             kind="pdf", size=len(PDF), sha256="0" * 64)
        db.session.add(row)
        db.session.commit()
        other_file = row.id
    judge = client_for(world.judge1)
    assert judge.get(f"/sang-kien/tep/{other_file}").status_code == 404
    assert judge.get(f"/sang-kien/tep/{assigned[1]}").status_code == 200


def test_nothing_of_the_author_reaches_the_judge(app, clock, client_for, world,
                                                assigned) -> None:
    item_id, file_id, criteria = assigned
    judge1, judge2 = client_for(world.judge1), client_for(world.judge2)
    responses = [judge1.get("/giam-khao/"), judge1.get(f"/giam-khao/sang-kien/{item_id}")]
    responses.append(_review(judge1, item_id, {"comment": ""}))  # form with errors
    assert responses[-1].status_code == 422
    responses.append(post(judge1, f"/giam-khao/sang-kien/{item_id}/xung-dot",
                          {"coi-reason": ""}, page=f"/giam-khao/sang-kien/{item_id}"))
    assert responses[-1].status_code == 422
    saved = _review(judge1, item_id, {**_scores(criteria), "comment": "Tốt, khả thi."})
    responses.append(judge1.get(saved.headers["Location"]))
    _review(judge2, item_id, {**_scores(criteria, (5, 5, 5, 5)), "comment": "Trung bình."})
    clock.advance(days=21)  # past the review deadline: co-judges' reviews are shown
    responses.append(judge1.get(f"/giam-khao/sang-kien/{item_id}"))  # with others' reviews
    download = judge1.get(f"/sang-kien/tep/{file_id}")
    # The judge's copy, made from the original stored before copies existed.
    assert download.status_code == 200 and download.data == sanitise("pdf", PDF)
    headers = "\n".join(f"{k}: {v}" for k, v in download.headers.items())
    assert f"sang-kien-{item_id}-tep-1.pdf" in headers
    _assert_blind(headers)
    for response in responses:
        _assert_blind(response.get_data(as_text=True))
    page = responses[-1].get_data(as_text=True)
    assert "Tệp đính kèm 1" in page and "Giám khảo 1" in page and "Trung bình." in page


def test_review_needs_every_criterion_within_its_scale(app, client_for, world, assigned) -> None:
    item_id, _, criteria = assigned
    judge = client_for(world.judge1)
    missing = _scores(criteria)
    del missing[f"c{criteria[2]}"]
    response = _review(judge, item_id, {**missing, "comment": "Thiếu một tiêu chí"})
    assert response.status_code == 422 and "Vui lòng chấm tiêu chí này." in response.text
    too_high = {**_scores(criteria), f"c{criteria[0]}": "11", "comment": "Quá thang"}
    response = _review(judge, item_id, too_high)
    assert response.status_code == 422 and "Điểm phải từ 0 đến 10." in response.text
    no_comment = _review(judge, item_id, {**_scores(criteria), "comment": " "})
    assert no_comment.status_code == 422 and "Vui lòng viết nhận xét." in no_comment.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Review.id))) == 0


def test_review_is_saved_with_its_weighted_total(app, client_for, world, assigned) -> None:
    item_id, _, criteria = assigned
    judge = client_for(world.judge1)
    response = _review(judge, item_id, {**_scores(criteria), "comment": "Rõ ràng."})
    assert response.status_code == 302
    with app.app_context():
        review = db.session.scalar(select(Review))
        # weights 30, 20, 30, 20 on 0–10: (30*8 + 20*7 + 30*9 + 20*6) / 100 * 10 = 77
        assert review.total == 77.0 and review.judge_id == world.judge1.id
        assert review.scores == {str(c): v for c, v in zip(criteria, (8, 7, 9, 6), strict=True)}
    assert "1/1 đã chấm" in judge.get("/giam-khao/").get_data(as_text=True)
    # Editing keeps one review.
    _review(judge, item_id, {**_scores(criteria, (1, 1, 1, 1)), "comment": "Sửa lại."})
    with app.app_context():
        assert db.session.scalar(select(func.count(Review.id))) == 1
        assert db.session.scalar(select(Review.total)) == 10.0


def test_others_reviews_only_after_ones_own_when_the_call_says_so(app, client_for, world,
                                                                  assigned) -> None:
    item_id, _, criteria = assigned
    with app.app_context():
        db.session.get(InitiativeCall, world.call_id).cojudge_visibility = "after_own_review"
        db.session.commit()
    judge1, judge2 = client_for(world.judge1), client_for(world.judge2)
    _review(judge1, item_id, {**_scores(criteria), "comment": "Nhận xét bí mật của GK1"})
    before = judge2.get(f"/giam-khao/sang-kien/{item_id}").get_data(as_text=True)
    assert "Nhận xét bí mật của GK1" not in before and "77" not in before
    assert "sau khi gửi phiếu của mình" in before
    _review(judge2, item_id, {**_scores(criteria, (5, 5, 5, 5)), "comment": "Của GK2"})
    after = judge2.get(f"/giam-khao/sang-kien/{item_id}").get_data(as_text=True)
    assert "Nhận xét bí mật của GK1" in after and "77" in after
    assert "Giám Khảo Một" not in after  # judges are anonymous to each other too


def test_reviews_close_at_the_review_deadline(app, clock, client_for, world, assigned) -> None:
    item_id, _, criteria = assigned
    clock.advance(days=21)
    response = _review(client_for(world.judge1), item_id,
                       {**_scores(criteria), "comment": "Muộn"})
    assert response.status_code == 409 and "Đã hết hạn chấm" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Review.id))) == 0


def test_conflict_returns_the_submission(app, client_for, world, assigned) -> None:
    item_id, file_id, _ = assigned
    judge = client_for(world.judge1)
    url = f"/giam-khao/sang-kien/{item_id}"
    response = post(judge, f"{url}/xung-dot", {"coi-reason": "Cùng cơ quan với tác giả"},
                    page=url)
    assert response.status_code == 302
    assert judge.get(url).status_code == 404
    assert judge.get(f"/sang-kien/tep/{file_id}").status_code == 404
    assert "Một cửa điện tử" not in judge.get("/giam-khao/").get_data(as_text=True)
    with app.app_context():
        conflict = db.session.scalar(select(ConflictOfInterest))
        assert conflict.judge_id == world.judge1.id and "Cùng cơ quan" in conflict.reason
        assert db.session.scalar(select(func.count(ReviewAssignment.id))) == 1
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "initiative.conflict")) == "initiative.conflict"


def test_one_review_per_judge_and_submission_in_the_database(app, world, assigned) -> None:
    item_id = assigned[0]
    with app.app_context():
        for _ in range(2):
            db.session.add(Review(initiative_id=item_id, judge_id=world.judge1.id, scores={},
                                  total=0.0, comment="x"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_withdrawn_submission_disappears_for_judges(app, client_for, world, assigned) -> None:
    from contest_app.initiatives.models import Initiative

    item_id, file_id, _ = assigned
    with app.app_context():
        db.session.get(Initiative, item_id).state = "withdrawn"
        db.session.commit()
    judge = client_for(world.judge1)
    assert judge.get(f"/giam-khao/sang-kien/{item_id}").status_code == 404
    assert judge.get(f"/sang-kien/tep/{file_id}").status_code == 404
    assert re.search(r"0/0 đã chấm", judge.get("/giam-khao/").get_data(as_text=True))


def test_judge_and_organiser_views_are_gated_by_role_required(app) -> None:
    gated = [name for name in app.view_functions
             if name.startswith(("judging.", "initiatives_admin."))]
    assert len(gated) >= 12
    for name in gated:
        assert getattr(app.view_functions[name], "__wrapped__", None) is not None, name
