"""The API checked against its own OpenAPI document with schemathesis: every operation, with
generated valid and invalid input, answers with a documented status, content type and body,
never a 500, refuses input the document calls invalid, and refuses missing or invalid
authentication. Runs with the rest of the suite (both databases in CI), bounded to a few
dozen examples per operation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from contest_app.accounts import services as account_services
from contest_app.extensions import db
from contest_app.rankings import services as ranking_services
from tests import factories

TOKEN: dict[str, str] = {}
# Valid-looking input may still be refused for domain reasons (an unknown id is 404, a closed
# attempt 409), so "positive data must be accepted" is not among them.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]


@schemathesis.auth()
class BearerAuth:
    """A valid token of a participant, created per test by the `api_schema` fixture."""

    def get(self, case, context) -> str:
        return TOKEN["value"]

    def set(self, case, data, context) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def api_schema(app, clock, make_user):
    user = make_user()
    with app.app_context():
        factories.bank(db.session, 12)
        contest = factories.contest(db.session)
        factories.round_(db.session, contest, clock.now(), prediction_kind="full_marks",
                         max_attempts=None)
        # A closed round with a published ranking, so the ranking operations answer 200 too.
        closed = factories.round_(db.session, contest, clock.now(), title="Tuần 0",
                                  opens_delta=timedelta(days=-7),
                                  closes_delta=timedelta(hours=-1))
        factories.finished_attempt(db.session, closed, user.id, 4, 60_000,
                                   closed.opens_at + timedelta(minutes=5))
        db.session.flush()
        ranking_services.publish_round(db.session, None, closed, clock.now())
        token, _ = account_services.issue_token(
            db.session, db.session.get(type(user), user.id), 24)
        db.session.commit()
    TOKEN["value"] = token
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case) -> None:
    case.call_and_validate(checks=CHECKS)
