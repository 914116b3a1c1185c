"""The demo calls: one open relative to the server clock with three submissions by the demo
participants (skipped when missing), then a two-round call whose best submissions are in a
final; loading twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from contest_app.demo import load_units, load_users
from contest_app.extensions import db
from contest_app.initiatives import finals
from contest_app.initiatives.demo import DEMO_FINAL_CALL_TITLE, load_demo_initiatives
from contest_app.initiatives.final_models import Finalist, FinalRound, FinalScore
from contest_app.initiatives.models import (
    Initiative,
    InitiativeCall,
    InitiativeFile,
    ReviewAssignment,
)


def _counts() -> tuple[int, int, int, int]:
    return tuple(db.session.scalar(select(func.count(model.id))) for model in (
        InitiativeCall, Initiative, ReviewAssignment, InitiativeFile))


def test_demo_call_is_open_with_three_submissions_and_idempotent(app, clock) -> None:
    with app.app_context():
        load_users(db.session, load_units(db.session))
        call = load_demo_initiatives(db.session)
        db.session.commit()
        first = _counts()
        load_demo_initiatives(db.session)
        db.session.commit()
        # The open call (3 submissions, none assigned) and the two-round call (3 reviewed twice).
        assert _counts() == first == (2, 6, 6, 0)
        assert call.submission_deadline > clock.now() and len(call.criteria) == 4
        assert db.session.scalar(select(func.count(Initiative.id)).where(
            Initiative.call_id == call.id)) == 3
        states = set(db.session.scalars(select(Initiative.state)))
        assert states == {"submitted"}
        two_rounds = db.session.scalar(select(InitiativeCall).where(
            InitiativeCall.title == DEMO_FINAL_CALL_TITLE))
        assert two_rounds.submission_deadline < clock.now()
        final = db.session.scalar(select(FinalRound))
        assert final.call_id == two_rounds.id and len(final.judge_ids) == 3
        assert db.session.scalar(select(func.count(Finalist.id))) == 2
        assert db.session.scalar(select(func.count(FinalScore.id))) == 1
        results = finals.results(db.session, final)
        # The best preliminary submissions were promoted; the scored one has a combined result.
        assert [r.finalist.position for r in results] == [1, 2]
        assert results[0].combined is not None and results[1].combined is None
        assert results[0].preliminary >= results[1].preliminary


def test_demo_skips_missing_participants(app, clock) -> None:
    with app.app_context():
        load_demo_initiatives(db.session)
        db.session.commit()
        assert _counts() == (1, 0, 0, 0)


def test_demo_call_scores_in_points_and_has_an_auto_conflicted_judge(app, clock) -> None:
    from contest_app.accounts.models import User
    from contest_app.initiatives import judging

    with app.app_context():
        load_users(db.session, load_units(db.session))
        call = load_demo_initiatives(db.session)
        db.session.commit()
        assert call.scoring == "points" and call.total_max == 100
        assert [c.max_points for c in call.criteria] == [30, 25, 30, 15]
        assert call.criteria[0].bands[0] == [27.0, 30.0, "Hoàn toàn mới"]
        judge = db.session.scalar(select(User).where(User.email == "giamkhao3@demo.vn"))
        items = list(db.session.scalars(select(Initiative).where(
            Initiative.call_id == call.id).order_by(Initiative.id)))
        barred = judging.conflict_map(db.session, items, judging.judges(db.session))
        same_unit = [i for i in items if i.author.unit_id == judge.unit_id]
        assert len(same_unit) == 1
        assert barred[same_unit[0].id] == {judge.id: "same_unit"}
        judging.auto_assign(db.session, None, call, clock.now())
        assigned = set(db.session.scalars(select(ReviewAssignment.judge_id).where(
            ReviewAssignment.initiative_id == same_unit[0].id)))
        assert judge.id not in assigned and len(assigned) == 2


def test_demo_call_page_shows_the_points_rubric(app, client) -> None:
    with app.app_context():
        call_id = load_demo_initiatives(db.session).id
        db.session.commit()
    page = client.get(f"/sang-kien/dot/{call_id}").get_data(as_text=True)
    assert "Điểm tối đa" in page and "27–30: Hoàn toàn mới" in page
    assert "tối đa 25 điểm" in page  # the rules text of the call


def test_demo_two_rounds_score_in_points_and_keep_the_conflicted_judge_away(app, clock) -> None:
    from contest_app.accounts.models import User
    from contest_app.initiatives.models import Review

    with app.app_context():
        load_users(db.session, load_units(db.session))
        load_demo_initiatives(db.session)
        db.session.commit()
        call = db.session.scalar(select(InitiativeCall).where(
            InitiativeCall.title == DEMO_FINAL_CALL_TITLE))
        # Sơ khảo in points as the rules text says, out of 100.
        assert call.scoring == "points" and call.total_max == 100
        assert [c.max_points for c in call.criteria] == [30, 25, 30, 15]
        assert "tối đa 30 điểm" in call.description
        final = finals.final_of(db.session, call)
        # Chung khảo in points too: Nội dung 40, Trình bày 30, Trả lời câu hỏi 30.
        assert final.in_points and final.total_max == 100
        assert [(c.name, c.max_points) for c in final.criteria] == [
            ("Nội dung", 40), ("Trình bày", 30), ("Trả lời câu hỏi", 30)]
        judge = db.session.scalar(select(User).where(User.email == "giamkhao3@demo.vn"))
        assert judge.id in final.judge_ids
        own_unit = [i.id for i in db.session.scalars(select(Initiative).where(
            Initiative.call_id == call.id)) if i.author.unit_id == judge.unit_id]
        assert len(own_unit) == 1
        # Never assigned, never reviewed in the preliminary round...
        assert db.session.scalar(select(func.count(ReviewAssignment.id)).where(
            ReviewAssignment.initiative_id == own_unit[0],
            ReviewAssignment.judge_id == judge.id)) == 0
        assert db.session.scalar(select(func.count(Review.id)).where(
            Review.initiative_id == own_unit[0], Review.judge_id == judge.id)) == 0
        # ...though she reviews others; reviews are sums of points.
        assert db.session.scalar(select(func.count(Review.id)).where(
            Review.judge_id == judge.id)) >= 1
        for review in db.session.scalars(select(Review).join(Initiative).where(
                Initiative.call_id == call.id)):
            assert review.total == sum(review.scores.values()) <= 100
        # The unit's submission reached the final; its panel judge of that unit never sees it.
        finalist_ids = {f.initiative_id for f in final.finalists}
        assert own_unit[0] in finalist_ids
        visible = {f.initiative_id for f in finals.visible_finalists(db.session, final,
                                                                     judge.id)}
        assert own_unit[0] not in visible and visible == finalist_ids - {own_unit[0]}
        results = finals.results(db.session, final)
        scored = results[0]
        assert scored.final == 85.0  # 34 + 25,5 + 25,5 of 100
        assert scored.combined == round(0.3 * scored.preliminary + 0.7 * 85.0, 2)
        barred = next(r for r in results if r.finalist.initiative_id == own_unit[0])
        assert barred.expected == 2  # the conflicted judge is not expected to score it
