"""The author's side: calls, submitting with an attachment, drafts, editing and withdrawing
until the deadline (server clock), the status timeline, and privacy of one's submission."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from sqlalchemy import select

from contest_app.extensions import db
from contest_app.initiatives.models import Initiative, InitiativeFile, ReviewAssignment
from contest_app.organiser.models import AuditEvent
from tests.unit.initiatives.samples import PDF

from .conftest import make_initiative, post

FORM = {
    "title": "Trả kết quả hộ tịch qua bưu điện",
    "field": "Cải cách thủ tục hành chính",
    "problem": "Người dân phải đến hai lần.",
    "solution": "Trả kết quả qua dịch vụ bưu chính công ích.",
    "benefits": "Tiết kiệm thời gian đi lại.",
    "applied_at": "",
    "co_authors": "Nguyễn Văn B\nTrần Thị C",
}


def _new(client, call_id, action="submit", files=None, **overrides):
    data = {**FORM, **overrides, "action": action}
    if files is not None:
        data["files"] = files
    return post(client, f"/sang-kien/dot/{call_id}/gui", data,
                page=f"/sang-kien/dot/{call_id}/gui", content_type="multipart/form-data")


def test_calls_are_public_and_submitting_needs_login(client, world) -> None:
    index = client.get("/sang-kien/").get_data(as_text=True)
    assert "Sáng kiến CCHC 2026" in index and "Đang nhận sáng kiến" in index
    page = client.get(f"/sang-kien/dot/{world.call_id}").get_data(as_text=True)
    assert "Tính mới, tính sáng tạo" in page and "Cải cách tài chính công" in page
    response = client.get(f"/sang-kien/dot/{world.call_id}/gui")
    assert response.status_code == 302 and "/tai-khoan/dang-nhap" in response.headers["Location"]


def test_submit_with_an_attachment(app, client_for, world) -> None:
    author = client_for(world.author)
    response = _new(author, world.call_id, files=[(io.BytesIO(PDF), "Thuyết minh sáng kiến.pdf")])
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = author.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã nộp sáng kiến" in page and "Thuyết minh sáng kiến.pdf" in page
    assert 'aria-current="step"' in page and "Đã nộp" in page
    with app.app_context():
        item = db.session.scalar(select(Initiative))
        assert item.state == "submitted" and item.author_id == world.author.id
        assert item.co_authors == ["Nguyễn Văn B", "Trần Thị C"]
        (stored,) = item.files
        assert stored.original_name == "Thuyết minh sáng kiến.pdf" and stored.kind == "pdf"
        folder = Path(app.instance_path) / "uploads" / "initiatives"
        assert (folder / stored.stored_name).read_bytes() == PDF
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.object_type == "Initiative")) == "initiative.submit"


def test_draft_then_submit_from_the_detail_page(app, client_for, world) -> None:
    author = client_for(world.author)
    response = _new(author, world.call_id, action="draft", problem="", solution="", benefits="")
    assert response.status_code == 302
    detail = response.headers["Location"]
    assert "Bản nháp" in author.get(detail).get_data(as_text=True)
    item_id = int(detail.rsplit("/", 1)[1])
    refused = post(author, f"/sang-kien/{item_id}/nop", page=detail)
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/sua")
    with app.app_context():
        assert db.session.get(Initiative, item_id).state == "draft"
    edit = post(author, f"/sang-kien/{item_id}/sua", {**FORM, "action": "submit"},
                page=f"/sang-kien/{item_id}/sua", content_type="multipart/form-data")
    assert edit.status_code == 302
    with app.app_context():
        assert db.session.get(Initiative, item_id).state == "submitted"


def test_submitting_requires_the_content(client_for, world) -> None:
    author = client_for(world.author)
    response = _new(author, world.call_id, solution="  ")
    assert response.status_code == 422
    assert "Vui lòng điền thông tin này trước khi nộp." in response.get_data(as_text=True)


def test_unknown_field_is_refused(app, client_for, world) -> None:
    response = _new(client_for(world.author), world.call_id, field="Lĩnh vực bịa")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Initiative.id)) is None


def test_edit_and_withdraw_until_the_deadline(app, clock, client_for, world) -> None:
    with app.app_context():
        item_id = make_initiative(world.call_id, world.author.id, clock.now())
        db.session.add(ReviewAssignment(initiative_id=item_id, judge_id=world.judge1.id))
        db.session.commit()
    author = client_for(world.author)
    page = f"/sang-kien/{item_id}"
    assert "Rút sáng kiến" in author.get(page).get_data(as_text=True)
    assert post(author, f"{page}/rut", page=page).status_code == 302
    with app.app_context():
        assert db.session.get(Initiative, item_id).state == "withdrawn"
        assert db.session.scalar(select(ReviewAssignment.id)) is None  # back to nobody
    # Resubmit before the deadline, then the deadline passes on the server clock.
    assert post(author, f"{page}/nop", page=page).status_code == 302
    clock.advance(days=10)
    html = author.get(page).get_data(as_text=True)
    assert "Đang chấm" in html and "Rút sáng kiến" not in html and "Sửa sáng kiến" not in html
    late = post(author, f"{page}/sua", {**FORM, "title": "Sửa muộn", "action": "submit"},
                page=page, content_type="multipart/form-data")
    assert late.status_code == 409
    assert "Đã hết hạn nộp" in late.get_data(as_text=True)
    assert post(author, f"{page}/rut", page=page).status_code == 409
    with app.app_context():
        item = db.session.get(Initiative, item_id)
        assert item.title != "Sửa muộn" and item.state == "submitted"


def test_new_submission_after_the_deadline_is_refused(app, clock, client_for, world) -> None:
    author = client_for(world.author)
    clock.advance(days=11)
    assert author.get(f"/sang-kien/dot/{world.call_id}/gui").status_code == 409
    assert "Đã hết hạn nộp sáng kiến" in author.get(
        f"/sang-kien/dot/{world.call_id}").get_data(as_text=True)


def test_someone_elses_submission_is_not_found(app, clock, client_for, world) -> None:
    with app.app_context():
        item_id = make_initiative(world.call_id, world.author.id, clock.now())
        db.session.commit()
    other = client_for(world.other)
    assert other.get(f"/sang-kien/{item_id}").status_code == 404
    assert other.get(f"/sang-kien/{item_id}/sua").status_code == 404
    assert post(other, f"/sang-kien/{item_id}/rut").status_code == 404
    with app.app_context():
        assert db.session.get(Initiative, item_id).state == "submitted"


def test_my_list_shows_status(app, clock, client_for, world) -> None:
    with app.app_context():
        make_initiative(world.call_id, world.author.id, clock.now(), state="draft",
                        title="Bản nháp của tôi")
        db.session.commit()
    html = client_for(world.author).get("/sang-kien/").get_data(as_text=True)
    assert re.search(r"Bản nháp của tôi.*Bản nháp", html, re.S)


def test_removing_a_file_deletes_it(app, client_for, world) -> None:
    author = client_for(world.author)
    response = _new(author, world.call_id, files=[(io.BytesIO(PDF), "mot.pdf")])
    item_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        row = db.session.scalar(select(InitiativeFile))
        file_id, stored = row.id, row.stored_name
    path = app.instance_path + "/uploads/initiatives/" + stored
    edit = f"/sang-kien/{item_id}/sua"
    assert "Xoá tệp" in author.get(edit).get_data(as_text=True)
    assert post(author, f"/sang-kien/{item_id}/tep/{file_id}/xoa", page=edit).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(InitiativeFile.id)) is None
    assert not os.path.exists(path)
