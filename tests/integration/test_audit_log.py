"""The audit log reads as Vietnamese (issue 17, point 6): every action the code records has a
Vietnamese name; roles and before/after values are shown as changes; filters by person,
action and date; an export with the same filters."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from contest_app.extensions import db
from contest_app.organiser import audit
from contest_app.organiser.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2] / "contest_app"
RECORDED = re.compile(r"""(?:record|audit)\(\s*[^,]+,\s*["']([a-z_]+\.[a-z_]+)["']""")


def test_every_recorded_action_has_a_vietnamese_name() -> None:
    used = set()
    for path in ROOT.rglob("*.py"):
        used.update(RECORDED.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no record() call"
    # Actions built from a purpose: the invitation and reset links and what they set.
    used |= {f"user.{purpose}_link" for purpose in ("invite", "reset")}
    used |= {f"user.password_{purpose}" for purpose in ("invite", "reset")}
    assert sorted(used - set(audit.ACTIONS)) == []


def _event(app, actor_id, action, at, **fields) -> None:
    with app.app_context():
        db.session.add(AuditEvent(actor_id=actor_id, action=action, object_type="User",
                                  object_id="7", at=at, **fields))
        db.session.commit()


def test_log_in_vietnamese_with_changes_and_filters(app, client, login_as, make_user) -> None:
    organiser = login_as("organiser")
    other = make_user(email="khac@example.vn", full_name="Phan Văn Khác")
    _event(app, organiser.id, "user.roles", datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
           before={"roles": ["judge"]}, after={"roles": ["judge", "organiser"]})
    _event(app, other.id, "ranking.reinstate", datetime(2026, 11, 24, 17, 30, tzinfo=UTC),
           reason="reinstated")
    page = client.get("/ban-to-chuc/nhat-ky").get_data(as_text=True)
    assert "Đổi vai trò" in page and "user.roles" not in page.split("<tbody>")[1]
    assert "<del>Giám khảo</del> → Giám khảo, Ban tổ chức" in page
    assert "Khôi phục bài dự thi" in page and "khôi phục" in page

    by_person = client.get(f"/ban-to-chuc/nhat-ky?nguoi={other.id}").get_data(as_text=True)
    assert "Khôi phục bài dự thi" in by_person and "Đổi vai trò" not in by_person.split(
        "<tbody>")[1]
    by_action = client.get("/ban-to-chuc/nhat-ky?thao_tac=user.roles").get_data(as_text=True)
    assert "Đổi vai trò" in by_action.split("<tbody>")[1]
    assert "Khôi phục bài dự thi" not in by_action.split("<tbody>")[1]
    # 24/11 17:30 UTC is 00:30 on 25/11 in Việt Nam: the day filter is in the contest's zone.
    day = client.get("/ban-to-chuc/nhat-ky?tu_ngay=25/11/2026&den_ngay=25/11/2026").get_data(
        as_text=True).split("<tbody>")[1]
    assert "Khôi phục bài dự thi" in day and "Đổi vai trò" not in day

    export = client.get("/ban-to-chuc/nhat-ky.xlsx?thao_tac=user.roles")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert rows[0] == tuple(audit.EXPORT_HEADER)
    assert len(rows) == 2 and rows[1][3] == "Đổi vai trò"
    assert rows[1][8] == "Vai trò: Giám khảo → Giám khảo, Ban tổ chức"


def test_a_bad_date_is_a_warning_not_an_error(client, login_as) -> None:
    login_as("organiser")
    response = client.get("/ban-to-chuc/nhat-ky?tu_ngay=31/02/2026&den_ngay=2026-13-40")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "«31/02/2026»: tháng 2/2026 chỉ có 28 ngày." in body
    assert "«2026-13-40»: tháng phải từ 1 đến 12." in body
    assert 'value="31/02/2026"' in body  # what was typed stays in the field


def test_only_organisers_read_the_log(client, login_as) -> None:
    login_as("judge")
    assert client.get("/ban-to-chuc/nhat-ky").status_code == 403
    assert client.get("/ban-to-chuc/nhat-ky.xlsx").status_code == 403
