"""Hole 9: every view that reads `next` redirects only to a local path (one helper decides)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import PASSWORD, csrf_token
from tests.integration.participation.conftest import contest_ids  # noqa: F401

# Raw query-string values (already percent-encoded where a browser would send them so).
HOSTILE = [
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d%0a/evil.example",
    "/%00/evil.example",
    "%09//evil.example",
    "//evil.example",
    "///evil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "https://evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "%20//evil.example",
    "/%E2%80%8B/evil.example",
    "evil.example",
]


def assert_local(response, expected: str) -> None:
    if response.status_code == 400:  # NUL bytes are refused before any view runs
        assert "Location" not in response.headers
        return
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith("//"), location
    assert "\\" not in location and "evil" not in location, location
    assert location == expected


@pytest.mark.parametrize("value", HOSTILE)
def test_language_switch(client, value: str) -> None:
    assert_local(client.get(f"/ngon-ngu/en?next={value}"), "/")


def test_language_switch_keeps_a_local_path(client) -> None:
    response = client.get("/ngon-ngu/en?next=" + quote("/cuoc-thi/1?trang=2", safe=""))
    assert response.headers["Location"] == "/cuoc-thi/1?trang=2"


@pytest.mark.parametrize("value", HOSTILE)
def test_login(client, make_user, value: str) -> None:
    user = make_user()
    url = f"/tai-khoan/dang-nhap?next={value}"
    token = csrf_token(client)
    response = client.post(url, data={"email": user.email, "password": PASSWORD,
                                      "csrf_token": token})
    assert_local(response, "/")


def test_login_keeps_a_local_path(client, make_user) -> None:
    user = make_user()
    url = "/tai-khoan/dang-nhap?next=%2Fcuoc-thi%2F7"
    response = client.post(url, data={"email": user.email, "password": PASSWORD,
                                      "csrf_token": csrf_token(client, url)})
    assert response.headers["Location"] == "/cuoc-thi/7"


@pytest.mark.parametrize("value", HOSTILE[:6])
def test_registration(client, make_unit, value: str) -> None:
    unit = make_unit()
    url = f"/tai-khoan/dang-ky?next={value}"
    response = client.post(url, data={
        "full_name": "Nguyễn Văn Thí Sinh", "email": "thisinh@example.vn",
        "phone": "0905123456", "unit_id": str(unit.id), "password": "mot-mat-khau",
        "confirm": "mot-mat-khau", "csrf_token": csrf_token(client, "/tai-khoan/dang-ky")})
    assert_local(response, "/")


@pytest.mark.parametrize("value", HOSTILE)
def test_join_contest(client, login_as, contest_ids, value: str) -> None:  # noqa: F811
    ids = contest_ids()
    login_as("participant")
    token = csrf_token(client, f"/cuoc-thi/{ids.contest_id}/tham-gia")
    response = client.post(f"/cuoc-thi/{ids.contest_id}/tham-gia?next={value}",
                           data={"csrf_token": token})
    assert_local(response, f"/cuoc-thi/{ids.contest_id}")


def test_join_contest_keeps_a_local_path(client, login_as, contest_ids) -> None:  # noqa: F811
    ids = contest_ids()
    login_as("participant")
    url = f"/cuoc-thi/{ids.contest_id}/tham-gia?next=/vong-thi/{ids.official_id}"
    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.headers["Location"] == f"/vong-thi/{ids.official_id}"
