"""Security-test fixtures: a quiz round, API tokens, the bank and survey fixtures, and the
initiative fixtures (a call, an organiser, two judges and an author whose name, e-mail and
unit must never reach a judge)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from contest_app.extensions import db
from tests import factories
from tests.integration.bank.conftest import facts_dir, import_bank  # noqa: F401
from tests.integration.initiatives.conftest import client_for, world  # noqa: F401
from tests.integration.surveys.conftest import make_survey  # noqa: F401


@pytest.fixture
def quiz_round(app, clock) -> Callable[..., int]:
    """A bank of 12 approved questions, a contest and an official round; returns its id."""

    def build(bank_size: int = 12, **round_fields: object) -> int:
        with app.app_context():
            factories.bank(db.session, bank_size)
            contest = factories.contest(db.session)
            rnd = factories.round_(db.session, contest, clock.now(), **round_fields)
            db.session.commit()
            return rnd.id

    return build


@pytest.fixture
def api_token(client, make_user) -> Callable[..., tuple[dict, object]]:
    """A user and a bearer token for it: (headers, user)."""

    def issue(**user_fields: object):
        user = make_user(**user_fields)
        response = client.post("/api/v1/tokens",
                               json={"email": user.email, "password": "mat-khau-123"})
        assert response.status_code == 201, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}, user

    return issue
