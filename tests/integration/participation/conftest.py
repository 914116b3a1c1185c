from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from contest_app.extensions import db
from tests import factories


@dataclass
class ContestIds:
    contest_id: int
    official_id: int
    practice_id: int
    boards: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def contest_ids(app, clock) -> Callable[..., ContestIds]:
    """A published contest (optionally with boards, a minimum age, the CCCD requirement) with
    an open official round and a practice round, over a bank of 12 approved official and 6
    practice questions."""

    made = {"bank": False}

    def build(boards: list[str] | None = None, **contest_fields: object) -> ContestIds:
        with app.app_context():
            if not made["bank"]:
                factories.bank(db.session, 12)
                factories.bank(db.session, 6, pool="practice")
                made["bank"] = True
            contest = factories.contest(db.session, boards=boards, **contest_fields)
            official = factories.round_(db.session, contest, clock.now(), question_count=4)
            practice = factories.round_(db.session, contest, clock.now(), question_count=4,
                                        kind="practice", title="Thi thử")
            db.session.commit()
            return ContestIds(contest.id, official.id, practice.id,
                              {b.name: b.id for b in contest.boards})

    return build


@pytest.fixture
def token_for(client) -> Callable[..., dict]:
    def issue(user) -> dict:
        response = client.post("/api/v1/tokens",
                               json={"email": user.email, "password": "mat-khau-123"})
        assert response.status_code == 201
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return issue
