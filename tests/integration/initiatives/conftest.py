"""Fixtures for the initiative pages: a call with the default rubric, an organiser, two judges
and an author (each in their own unit), submissions, and logged-in clients per person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from contest_app.extensions import db
from contest_app.initiatives import rules
from contest_app.initiatives.forms import DEFAULT_CRITERIA
from contest_app.initiatives.models import Criterion, Initiative, InitiativeCall
from tests.conftest import csrf_token, login

AUTHOR_NAME = "Đinh Thị Tác Giả"
AUTHOR_EMAIL = "tacgia.bimat@example.vn"
AUTHOR_PHONE = "0987654321"
AUTHOR_UNIT = "UBND xã Hoà Thắng Bí Mật"
CO_AUTHOR = "Lương Văn Đồng Tác"


@dataclass
class World:
    call_id: int
    organiser: object
    judge1: object
    judge2: object
    author: object
    other: object


def make_call(now, judges_per_submission: int = 2, **fields) -> InitiativeCall:
    call = InitiativeCall(
        title=fields.pop("title", "Sáng kiến CCHC 2026"), description="Thể lệ đợt phát động",
        submission_deadline=now + timedelta(days=10), review_deadline=now + timedelta(days=20),
        fields=list(rules.REFORM_FIELDS), judges_per_submission=judges_per_submission,
        criteria=[Criterion(name=n, description=d, weight=w, scale=s, position=i)
                  for i, (n, d, w, s) in enumerate(DEFAULT_CRITERIA)], **fields)
    db.session.add(call)
    db.session.flush()
    return call


def make_initiative(call_id: int, author_id: int, now, state: str = "submitted",
                    title: str = "Một cửa điện tử liên thông cấp xã", **fields) -> int:
    item = Initiative(
        call_id=call_id, author_id=author_id, title=title, field=rules.REFORM_FIELDS[1],
        problem="Người dân phải đi lại nhiều lần.", solution="Tiếp nhận hồ sơ trực tuyến.",
        benefits="Giảm một nửa thời gian.", applied_at="Bộ phận một cửa", state=state,
        co_authors=fields.pop("co_authors", [CO_AUTHOR]),
        submitted_at=now if state == "submitted" else None, created_at=now, updated_at=now,
        **fields)
    db.session.add(item)
    db.session.flush()
    return item.id


@pytest.fixture
def world(app, clock, make_user, make_unit) -> World:
    secret_unit = make_unit(AUTHOR_UNIT)
    organiser = make_user(roles={"organiser"}, email="btc@example.vn", full_name="Ban Tổ Chức")
    judge1 = make_user(roles={"judge"}, email="gk1@example.vn", full_name="Giám Khảo Một")
    judge2 = make_user(roles={"judge"}, email="gk2@example.vn", full_name="Giám Khảo Hai")
    author = make_user(email=AUTHOR_EMAIL, full_name=AUTHOR_NAME, unit=secret_unit,
                       phone=AUTHOR_PHONE)
    other = make_user(email="nguoikhac@example.vn", full_name="Người Khác")
    with app.app_context():
        call = make_call(clock.now())
        db.session.commit()
        return World(call.id, organiser, judge1, judge2, author, other)


@pytest.fixture
def client_for(app):
    """A new test client logged in as the given user."""

    def make(user) -> FlaskClient:
        client = app.test_client()
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return client

    return make


def post(client: FlaskClient, url: str, data: dict | None = None, page: str | None = None,
         **kwargs):
    """POST with the CSRF token read from `page` (default: any page with the logout form)."""
    token = csrf_token(client, page or "/sang-kien/")
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)
