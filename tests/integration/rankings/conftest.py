from __future__ import annotations

from datetime import timedelta

import pytest

from contest_app.accounts import services as account_services
from contest_app.extensions import db
from tests import factories


class World:
    """A contest with one closed official round and helpers to add participants."""

    def __init__(self, app, clock) -> None:
        self.app, self.clock, self.n = app, clock, 0
        with app.app_context():
            contest = factories.contest(db.session, title="Cuộc thi xếp hạng")
            rnd = factories.round_(db.session, contest, clock.now(), question_count=10,
                                   opens_delta=timedelta(days=-7),
                                   closes_delta=timedelta(hours=-1),
                                   prediction_kind="full_marks")
            db.session.commit()
            self.contest_id, self.round_id = contest.id, rnd.id

    def person(self, name: str, unit_id: int | None = None, roles=(), **fields) -> int:
        self.n += 1
        with self.app.app_context():
            user = account_services.create_user(
                db.session, email=f"p{self.n}@example.vn", full_name=name,
                phone=f"0977{self.n:06d}", password="mat-khau-123", unit_id=unit_id,
                roles=set(roles))
            for key, value in fields.items():
                setattr(user, key, value)
            db.session.commit()
            return user.id

    def attempt(self, user_id: int, score: int, seconds: float, at_minutes: float = 0,
                prediction: int | None = None, number: int = 1, **kw) -> None:
        from contest_app.quiz.models import Round

        with self.app.app_context():
            rnd = db.session.get(Round, self.round_id)
            when = rnd.opens_at + timedelta(minutes=10 + at_minutes)
            factories.finished_attempt(db.session, rnd, user_id, score, int(seconds * 1000),
                                       when, prediction, number=number, **kw)
            db.session.commit()


@pytest.fixture
def world(app, clock) -> World:
    return World(app, clock)
