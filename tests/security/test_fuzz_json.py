"""Arbitrary JSON thrown at the endpoints that write (answer, prediction, survey response,
registration): never a 5xx, and a refused body writes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.surveys.conftest import make_survey, valid_answers

from .test_odd_input import fingerprint, published_round, taking  # noqa: F401  (fixtures)

__all__ = ["make_survey"]

ODD_TEXT = ["²", "١٢", "9" * 20, "1" * 5000, "\x00", "a\x00b", "-1", "0", " 1", "1.0", "1e9",
            "true", "null", "", "𝟙"]
ODD_INTS = [0, -1, 1, 6, 7, 2**31 - 1, 2**31, 2**63, -(2**63) - 1, 10**30]

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(), st.sampled_from(ODD_INTS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.sampled_from(ODD_TEXT),
)


def json_values(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=6) | st.dictionaries(
            keys, children, max_size=6),
        max_leaves=20)


FIELDS = {
    "answer": ["option_ids"],
    "prediction": ["value"],
    "survey": ["answers", "respondent_token"],
    "users": ["email", "password", "full_name", "phone", "unit_id"],
}
DEEP = "[" * 100_000 + "]" * 100_000
RAW_BODIES = [DEEP, '{"answers": {"1": ' + "[" * 5000 + "]" * 5000 + "}}",
              '{"value": ' + "{\"a\": " * 3000 + "1" + "}" * 3000 + "}", "{", "", "nul\x00",
              '{"answers": {"1' + "1" * 5000 + '": 1}}', '{"value": ' + "9" * 5000 + "}"]
SETTINGS = settings(max_examples=80, deadline=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("endpoint", list(FIELDS))
def test_arbitrary_json_never_5xx_and_refusals_write_nothing(
        app, client, make_survey, make_unit, taking, endpoint) -> None:  # noqa: F811
    survey_id = make_survey()
    unit = make_unit("Sở Công Thương")
    ids = [k for k in valid_answers(app, survey_id)]
    method, url = {
        "answer": ("put", f"/api/v1/attempts/{taking['attempt_id']}/answers/"
                          f"{taking['question_id']}"),
        "prediction": ("put", f"/api/v1/attempts/{taking['attempt_id']}/prediction"),
        "survey": ("post", f"/api/v1/surveys/{survey_id}/responses"),
        "users": ("post", "/api/v1/users"),
    }[endpoint]
    keys = st.one_of(st.sampled_from(ODD_TEXT), st.sampled_from(ids), st.text(max_size=8),
                     st.sampled_from(FIELDS[endpoint]))
    values = json_values(keys)
    shaped = st.fixed_dictionaries({}, optional={
        name: values for name in FIELDS[endpoint]})
    if endpoint == "survey":
        shaped = st.fixed_dictionaries({"answers": st.dictionaries(
            keys, values, max_size=8)}, optional={"respondent_token": values})
    if endpoint == "users":
        shaped = st.fixed_dictionaries({
            "email": st.one_of(st.emails(), values), "password": values,
            "full_name": values, "phone": values,
            "unit_id": st.one_of(st.just(unit.id), values)})

    bodies = st.one_of(shaped.map(json.dumps), shaped.map(json.dumps), values.map(json.dumps),
                       st.sampled_from(RAW_BODIES))

    @SETTINGS
    @given(body=bodies)
    def run(body: str) -> None:
        before = fingerprint(app)
        response = getattr(client, method)(
            url, data=body, content_type="application/json",
            headers={"X-CSRFToken": taking["csrf"]})
        assert response.status_code < 500, (body[:300], response.get_data(as_text=True)[:300])
        if response.status_code >= 400:
            assert response.get_json()["error"]["message"]
            assert fingerprint(app) == before, body[:300]

    run()
