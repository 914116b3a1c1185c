"""Registration of both kinds ("Bạn là"): officials pick a unit, citizens and businesses a
ward (xã, phường) and perhaps an organisation; the page and POST /api/v1/users alike."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from contest_app.accounts.models import User, Ward
from contest_app.extensions import db
from tests.conftest import csrf_token

PAGE = "/tai-khoan/dang-ky"


def make_ward(app, name: str, code: str | None = None) -> int:
    with app.app_context():
        ward = Ward(name=name, code=code)
        db.session.add(ward)
        db.session.commit()
        return ward.id


def _register(client, **fields):
    data = {"full_name": "Đặng Thị Dân", "email": "dan@example.vn", "phone": "0906111222",
            "password": "mot-mat-khau", "confirm": "mot-mat-khau",
            "csrf_token": csrf_token(client, PAGE)}
    data.update({k: str(v) for k, v in fields.items()})
    return client.post(PAGE, data=data)


def _radio(html: str, value: str) -> str:
    """The <input> tag of the "Bạn là" choice with this value."""
    return re.search(r'<input[^>]*value="' + value + r'"[^>]*>', html).group(0)


def _users(app) -> list[User]:
    with app.app_context():
        users = list(db.session.scalars(select(User)))
        for user in users:
            db.session.expunge(user)
        return users


def test_page_asks_who_you_are_and_lists_units_and_wards(app, client, make_unit) -> None:
    make_unit("Sở Nội vụ")
    make_ward(app, "Phường 1")
    page = client.get(PAGE).get_data(as_text=True)
    assert "Bạn là" in page
    assert "Cán bộ, công chức, viên chức, người lao động" in page
    assert "Người dân / doanh nghiệp" in page
    assert "Sở Nội vụ" in page and "Phường 1" in page
    # The official choice is the default.
    assert "checked" in _radio(page, "official") and "checked" not in _radio(page, "citizen")


def test_citizen_registers_with_a_ward_and_an_organisation(app, client, make_unit) -> None:
    make_unit("Sở Nội vụ")
    ward_id = make_ward(app, "Phường 1")
    response = _register(client, kind="citizen", ward_id=ward_id, unit_id=0,
                         organisation="  Hợp tác xã   mẫu ")
    assert response.status_code == 302
    [user] = _users(app)
    assert (user.kind, user.unit_id, user.ward_id) == ("citizen", None, ward_id)
    assert user.organisation == "Hợp tác xã mẫu"


def test_citizen_unit_choice_is_ignored_when_the_page_sent_both(app, client, make_unit) -> None:
    unit = make_unit("Sở Nội vụ")
    ward_id = make_ward(app, "Xã A")
    assert _register(client, kind="citizen", ward_id=ward_id, unit_id=unit.id).status_code == 302
    [user] = _users(app)
    assert user.unit_id is None and user.ward_id == ward_id and user.organisation is None


def test_citizen_without_a_ward_is_refused(app, client, make_unit) -> None:
    make_unit("Sở Nội vụ")
    make_ward(app, "Phường 1")
    response = _register(client, kind="citizen", ward_id=0)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Vui lòng chọn xã, phường nơi cư trú trong danh sách." in body
    assert 'value="Đặng Thị Dân"' in body
    assert _users(app) == []


def test_official_still_needs_a_unit_even_with_a_ward(app, client, make_unit) -> None:
    make_unit("Sở Nội vụ")
    ward_id = make_ward(app, "Phường 1")
    response = _register(client, kind="official", unit_id=0, ward_id=ward_id)
    assert response.status_code == 422
    assert "Vui lòng chọn đơn vị trong danh sách." in response.get_data(as_text=True)
    assert _users(app) == []


def test_official_registers_with_a_unit_and_no_ward(app, client, make_unit) -> None:
    unit = make_unit("Sở Nội vụ")
    ward_id = make_ward(app, "Phường 1")
    assert _register(client, kind="official", unit_id=unit.id,
                     ward_id=ward_id, organisation="X").status_code == 302
    [user] = _users(app)
    assert (user.kind, user.unit_id, user.ward_id, user.organisation) == (
        "official", unit.id, None, None)


def test_unknown_kind_is_refused(app, client, make_unit) -> None:
    unit = make_unit()
    response = _register(client, kind="alien", unit_id=unit.id)
    assert response.status_code == 422
    assert "Vui lòng cho biết bạn là" in response.get_data(as_text=True)
    assert _users(app) == []


def test_lists_narrow_without_javascript(app, client, make_unit) -> None:
    make_unit("Sở Nội vụ")
    make_unit("Sở Tư pháp")
    make_ward(app, "Phường 1")
    make_ward(app, "Xã A")
    units = client.get(PAGE + "?tim_don_vi=noi vu").get_data(as_text=True)
    assert "Sở Nội vụ" in units and "Sở Tư pháp" not in units
    assert "Phường 1" in units and "Xã A" in units  # the other list is left whole
    wards = client.get(PAGE + "?tim_xa=xa&loai=citizen").get_data(as_text=True)
    assert "Xã A" in wards and ">Phường 1<" not in wards
    assert 'value="xa"' in wards
    # The citizen choice is kept after searching the wards.
    assert "checked" in _radio(wards, "citizen")


# --- API ----------------------------------------------------------------------------------

BODY = {"email": "dan@example.vn", "password": "mot-mat-khau", "full_name": "Đặng Thị Dân",
        "phone": "0906111222"}


def test_api_registers_a_citizen_without_a_unit(app, client) -> None:
    ward_id = make_ward(app, "Phường 1")
    response = client.post("/api/v1/users", json={**BODY, "kind": "citizen",
                                                   "ward_id": ward_id,
                                                   "organisation": "Hợp tác xã mẫu"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["kind"] == "citizen" and body["unit_id"] is None
    assert body["ward_id"] == ward_id and body["organisation"] == "Hợp tác xã mẫu"
    [user] = _users(app)
    assert user.kind == "citizen" and user.ward_id == ward_id


def test_api_refuses_an_official_without_a_unit(app, client) -> None:
    ward_id = make_ward(app, "Phường 1")
    for payload in ({**BODY, "kind": "official"}, {**BODY, "kind": "official",
                                                   "ward_id": ward_id}, BODY):
        response = client.post("/api/v1/users", json=payload)
        assert response.status_code == 422, payload
        error = response.get_json()["error"]
        assert error["fields"]["unit_id"] == "Vui lòng chọn đơn vị trong danh sách."
    assert _users(app) == []


def test_api_refuses_unknown_ward_and_a_citizen_with_a_unit(app, client, make_unit) -> None:
    unit = make_unit()
    ward_id = make_ward(app, "Phường 1")
    unknown = client.post("/api/v1/users", json={**BODY, "kind": "citizen",
                                                  "ward_id": ward_id + 100})
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["fields"]["ward_id"] == (
        "Vui lòng chọn xã, phường nơi cư trú trong danh sách.")
    missing = client.post("/api/v1/users", json={**BODY, "kind": "citizen"})
    assert missing.status_code == 422 and "ward_id" in missing.get_json()["error"]["fields"]
    with_unit = client.post("/api/v1/users", json={**BODY, "kind": "citizen",
                                                    "ward_id": ward_id, "unit_id": unit.id})
    assert with_unit.status_code == 422
    assert "unit_id" in with_unit.get_json()["error"]["fields"]
    bad_kind = client.post("/api/v1/users", json={**BODY, "kind": "alien", "unit_id": unit.id})
    assert bad_kind.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_api_without_kind_registers_an_official(app, client, make_unit) -> None:
    unit = make_unit()
    response = client.post("/api/v1/users", json={**BODY, "unit_id": unit.id})
    assert response.status_code == 201
    body = response.get_json()
    assert body["kind"] == "official" and body["unit_id"] == unit.id and body["ward_id"] is None


def test_api_lists_wards_and_documents_the_body(app, client) -> None:
    a = make_ward(app, "Xã A", code="00001")
    one = make_ward(app, "Phường 1")
    assert client.get("/api/v1/wards").get_json() == [
        {"id": one, "name": "Phường 1", "code": None}, {"id": a, "name": "Xã A", "code": "00001"}]
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/users"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert body["properties"]["kind"]["enum"] == ["official", "citizen"]
    assert {"ward_id", "organisation", "unit_id"} <= set(body["properties"])
    assert "unit_id" not in body["required"]
    assert "/api/v1/wards" in spec["paths"]


def test_demo_loads_placeholder_wards_and_citizens_without_a_fake_unit(app) -> None:
    from contest_app.accounts.models import Unit
    from contest_app.demo import WARDS, load_units, load_users

    with app.app_context():
        for _ in range(2):  # idempotent
            load_users(db.session, load_units(db.session))
            db.session.commit()
        assert sorted(db.session.scalars(select(Ward.name))) == sorted(WARDS)
        citizens = list(db.session.scalars(select(User).where(User.kind == "citizen")))
        assert citizens and all(u.unit_id is None and u.ward_id for u in citizens)
        assert not any("Người dân" in name for name in db.session.scalars(select(Unit.name)))


def test_api_searches_units_and_wards_without_diacritics(app, client, make_unit) -> None:
    ben_nghe = make_ward(app, "Phường Bến Nghé")
    make_ward(app, "Phường Bến Thành")
    make_ward(app, "Xã Nghĩa Hưng")
    assert [w["id"] for w in client.get("/api/v1/wards?q=phuong ben nghe").get_json()] == [
        ben_nghe]
    assert [w["name"] for w in client.get("/api/v1/wards?q=NGHE").get_json()] == [
        "Phường Bến Nghé"]
    assert len(client.get("/api/v1/wards?q=ben").get_json()) == 2
    assert client.get("/api/v1/wards?q=khong co").get_json() == []
    make_unit("Sở Nội vụ")
    make_unit("Sở Tư pháp")
    assert [u["name"] for u in client.get("/api/v1/units?q=so noi").get_json()] == ["Sở Nội vụ"]
    spec = client.get("/api/v1/openapi.json").get_json()
    assert [p["name"] for p in spec["paths"]["/api/v1/wards"]["get"]["parameters"]] == ["q"]
