"""The API checked against its own OpenAPI document with schemathesis: every operation, with
generated valid and invalid input, answers with a documented status and body, never a 500,
and refuses missing or invalid authentication."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from contest_app.accounts import services as account_services
from contest_app.extensions import db
from tests import factories

TOKEN: dict[str, str] = {}


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
        token, _ = account_services.issue_token(
            db.session, db.session.get(type(user), user.id), 24)
        db.session.commit()
    TOKEN["value"] = token
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case) -> None:
    # Valid-looking input may still be refused for domain reasons (an unknown id is 404, a
    # closed attempt 409), so "positive data must be accepted" does not apply here.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
