"""A request over MAX_CONTENT_LENGTH: a 413 page that links back to the form it came from (with
?khoi_phuc=1, so the form's script puts back the draft typed in the browser), JSON for the API;
and the limits the form gives the browser so it refuses such a file before sending."""

from __future__ import annotations

import re

import pytest

from contest_app import create_app
from contest_app.initiatives.forms import TEXT_ROOM_BYTES, upload_checks
from contest_app.initiatives.services import Limits
from tests.conftest import make_test_config

FORM = "/sang-kien/dot/7/gui"


@pytest.fixture
def small(app, database_url):
    return create_app(make_test_config(database_url, MAX_CONTENT_LENGTH=2048)).test_client()


def back_link(body: str) -> str | None:
    found = re.search(r'<a class="btn btn-primary" href="([^"]+)">Quay lại biểu mẫu</a>', body)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_413_page_links_back_to_the_form(small) -> None:
    response = small.post(FORM, data={"title": "x" * 5000},
                          headers={"Referer": f"http://localhost{FORM}?b=1&khoi_phuc=1"})
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "Tệp hoặc dữ liệu gửi lên quá lớn." in body
    assert back_link(body) == f"{FORM}?b=1&khoi_phuc=1"


def test_a_foreign_or_missing_referrer_falls_back_to_the_address_posted_to(small) -> None:
    for headers in ({"Referer": "https://evil.example/sang-kien/"}, {}):
        response = small.post(FORM, data={"title": "x" * 5000}, headers=headers)
        assert response.status_code == 413
        assert back_link(response.get_data(as_text=True)) == f"{FORM}?khoi_phuc=1"


def test_the_api_gets_json(small) -> None:
    response = small.post("/api/v1/tokens", data="x" * 5000,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"


def test_the_browser_is_given_the_limits_left(app) -> None:
    limits = Limits(max_file_bytes=10 * 2**20, max_total_bytes=25 * 2**20, max_files=10)
    with app.test_request_context():
        checks = upload_checks(limits, [5 * 2**20, 2**20], request_limit=32 * 2**20)
        assert checks["data-max-bytes"] == str(10 * 2**20)
        assert checks["data-max-total-bytes"] == str(19 * 2**20)
        assert checks["data-max-files"] == "8"
        assert checks["data-msg-too-large"].startswith("Tệp “__NAME__” vượt quá 10 MB. Chưa gửi gì")
        # A request body limit under the initiative's total caps what may be sent at once.
        capped = upload_checks(limits, [], request_limit=4 * 2**20)
        assert capped["data-max-total-bytes"] == str(4 * 2**20 - TEXT_ROOM_BYTES)
