"""The demo contest: four weekly rounds of 20 questions, drawn without repeats for one
participant, and a practice round that never uses up a real attempt."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from contest_app.accounts.models import User
from contest_app.extensions import db
from contest_app.quiz import services
from contest_app.quiz.demo import DEMO_TITLE
from contest_app.quiz.models import AttemptItem, Contest


def test_demo_weekly_rounds_never_repeat_a_question(app, clock) -> None:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        contest = db.session.scalar(select(Contest).where(Contest.title == DEMO_TITLE))
        weekly = [r for r in contest.rounds if r.kind == "official"]
        assert len(weekly) == 4
        assert [r.question_count for r in weekly] == [20, 20, 20, 20]
        user = db.session.scalar(select(User).where(User.email == "thisinh1@demo.vn"))
        seen: list[int] = []
        for rnd in weekly:
            clock.set(rnd.opens_at + timedelta(hours=1))
            started = services.start_attempt(db.session, user.id, rnd.id, clock.now(), 5)
            services.submit(db.session, user.id, started.attempt.id, clock.now(), 5)
            db.session.commit()
            seen += [qid for (qid,) in db.session.execute(
                select(AttemptItem.question_id).where(
                    AttemptItem.attempt_id == started.attempt.id))]
        assert len(seen) == 80
        assert len(set(seen)) == 80


def test_demo_practice_round_is_open_and_unlimited(app, clock) -> None:
    app.test_cli_runner().invoke(args=["demo"])
    with app.app_context():
        contest = db.session.scalar(select(Contest).where(Contest.title == DEMO_TITLE))
        practice = next(r for r in contest.rounds if r.kind == "practice")
        user = db.session.scalar(select(User).where(User.email == "thisinh2@demo.vn"))
        for _ in range(3):
            started = services.start_attempt(db.session, user.id, practice.id, clock.now(), 5)
            assert started.created
            services.submit(db.session, user.id, started.attempt.id, clock.now(), 5)
            db.session.commit()
        official = next(r for r in contest.rounds if r.kind == "official"
                        and services.round_status(r, clock.now()) == "open")
        info = services.round_info(db.session, official, user.id, clock.now())
        assert info.used == 0 and info.left == 1
