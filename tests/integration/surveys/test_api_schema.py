"""The survey endpoints checked with schemathesis against the OpenAPI document, on a real open
survey (the shared API check only meets unknown ids there): every answer has a documented status
and body, never a 500."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from contest_app.accounts import services as account_services
from contest_app.extensions import db
from tests.integration.api.test_schemathesis import CHECKS, TOKEN

SURVEY: dict[str, int] = {}


@pytest.fixture
def survey_schema(app, make_survey, make_user):
    SURVEY["id"] = make_survey()
    user = make_user()
    with app.app_context():  # the shared bearer auth, when registered, must stay valid
        token, _ = account_services.issue_token(
            db.session, db.session.get(type(user), user.id), 24)
        db.session.commit()
    TOKEN["value"] = token
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("survey_schema").include(path_regex=r"/surveys")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_survey_api_conforms_on_a_real_survey(case) -> None:
    if case.path_parameters and "survey_id" in case.path_parameters:
        case.path_parameters["survey_id"] = SURVEY["id"]
    case.call_and_validate(checks=CHECKS)
