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
        assert final.call_id == two_rounds.id and len(final.judge_ids) == 2
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
