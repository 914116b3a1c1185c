"""The bank in the web: upload an Excel or YAML file, preview by row what would happen (nothing
written), confirm (replace mode needs a second tick); create a question; an edit makes a new
version that waits for approval; bulk approve and bulk retire with a reason; one approval
status on the question page."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from contest_app.bank import services
from contest_app.bank.models import Question, QuestionVersion
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from tests.conftest import csrf_token
from tests.integration.bank.test_import_modes import NEW_QUESTION
from tests.unit.bank.samples import BASE_QUESTIONS, dump, questions

BASE = "/ban-to-chuc/ngan-hang-cau-hoi"
UPLOAD = f"{BASE}/nhap-tu-tep"


def _statuses(app) -> dict[str, str]:
    with app.app_context():
        return dict(db.session.execute(select(Question.key, Question.status)).all())


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _upload(client, content: bytes, name: str, *, mode: str = "merge",
            legal: bool = False):
    data = {"csrf_token": csrf_token(client, UPLOAD), "mode": mode,
            "file": (BytesIO(content), name)}
    if legal:
        data["legal_checked"] = "y"
    return client.post(UPLOAD, data=data, content_type="multipart/form-data")


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page)
    assert match, f"no {name} in page"
    return match.group(1)


def _confirm(client, page: str, **extra: str):
    data = {"csrf_token": _hidden(page, "csrf_token"), "token": _hidden(page, "token"),
            "fingerprint": _hidden(page, "fingerprint"), **extra}
    return client.post(f"{UPLOAD}/xac-nhan", data=data)


def _sheet(app, tmp_path: Path) -> bytes:
    """The exported bank with one row changed (MOTCUA-002), one new row, and MOTCUA-003
    missing."""
    path = tmp_path / "bank.xlsx"
    with app.app_context():
        services.export_xlsx(db.session, path)
    book = load_workbook(path)
    ws = book.active
    ws["D3"] = "Văn bản nào quy định cơ chế một cửa, một cửa liên thông từ năm 2025?"
    row = [NEW_QUESTION["id"], "one_stop", "easy", NEW_QUESTION["text"],
           *NEW_QUESTION["options"], "", "", "B", NEW_QUESTION["explanation"],
           NEW_QUESTION["legal_basis"], "B2", "secondary", "approved", "official", ""]
    for col, value in enumerate(row, start=1):
        ws.cell(row=4, column=col, value=value)  # replaces MOTCUA-003's row
    book.save(path)
    return path.read_bytes()


def test_excel_preview_lists_each_row_and_writes_nothing(app, client, login_as, import_bank,
                                                        tmp_path) -> None:
    import_bank()
    login_as("organiser")
    content = _sheet(app, tmp_path)
    versions, events = _count(app, QuestionVersion), _count(app, AuditEvent)
    response = _upload(client, content, "ngan-hang.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert "Xem trước khi nhập tệp ngan-hang.xlsx" in page
    assert "Thêm mới: 1" in page and "Phiên bản mới: 1" in page and "Không đổi: 1" in page
    assert "Ngừng sử dụng: 0" in page  # merge: MOTCUA-003, missing, is not retired
    added = page.split("Câu hỏi mới, phiên bản 1")[1].split("</table>")[0]
    assert "MOTCUA-004" in added and "dòng 4" in added and "Chờ duyệt" in added
    assert "MOTCUA-002" in page.split("Nội dung khác phiên bản hiện hành")[1].split(
        "</table>")[0]
    assert _count(app, QuestionVersion) == versions and _count(app, AuditEvent) == events
    assert _statuses(app) == {"MOTCUA-001": "approved", "MOTCUA-002": "approved",
                              "MOTCUA-003": "draft"}
    confirmed = _confirm(client, page)
    assert confirmed.status_code == 302
    statuses = _statuses(app)
    assert statuses == {"MOTCUA-001": "approved", "MOTCUA-002": "draft",
                        "MOTCUA-003": "draft", "MOTCUA-004": "draft"}
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bank.import")
                                  .order_by(AuditEvent.id.desc()).limit(1))
        assert event.after["mode"] == "merge" and event.after["added"] == 1
    # The stored upload is gone: confirming twice writes nothing more.
    again = _confirm(client, page)
    assert again.status_code == 303 and _count(app, QuestionVersion) == versions + 2


def test_excel_errors_are_listed_by_row_and_cannot_be_confirmed(app, client, login_as,
                                                                import_bank, tmp_path) -> None:
    import_bank()
    login_as("organiser")
    path = tmp_path / "bank.xlsx"
    with app.app_context():
        services.export_xlsx(db.session, path)
    book = load_workbook(path)
    book.active["K3"] = "F"  # MOTCUA-002's key outside its options
    book.save(path)
    response = _upload(client, path.read_bytes(), "loi.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dòng 3 [MOTCUA-002]: Đáp án F không có trong các phương án" in page
    assert "Xác nhận nhập" not in page and 'name="token"' not in page
    assert _count(app, QuestionVersion) == 3


def test_yaml_upload_preview_and_confirm_with_the_legal_check(app, client, login_as,
                                                              import_bank) -> None:
    import_bank()
    organiser = login_as("organiser")
    content = dump([*questions(MOTCUA_001={"difficulty": "medium"}), NEW_QUESTION]).encode()
    response = _upload(client, content, "one_stop.yaml", legal=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert "Thêm mới: 1" in page and "Cập nhật thuộc tính: 1" in page
    assert "ghi nhận là do bạn duyệt" in page
    assert _confirm(client, page).status_code == 302
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == "MOTCUA-004"))
        (version,) = question.versions
        assert question.status == "approved"
        assert version.approved_by_id == organiser.id and version.legal_checked
        assert db.session.scalar(select(Question.difficulty).where(
            Question.key == "MOTCUA-001")) == "medium"


def test_yaml_errors_are_listed_by_line(app, client, login_as, import_bank) -> None:
    import_bank()
    login_as("organiser")
    content = dump(questions(MOTCUA_003={"legal_basis": ""})).encode()
    line = next(i for i, t in enumerate(content.decode().splitlines(), 1)
                if t.strip() == "legal_basis: ''")
    response = _upload(client, content, "one_stop.yaml")
    assert response.status_code == 422
    assert f"Dòng {line} [MOTCUA-003]: Thiếu căn cứ pháp lý" in response.get_data(as_text=True)
    broken = _upload(client, b"topic: one_stop\nquestions: [\n", "x.yml")
    assert broken.status_code == 422 and "YAML sai cú pháp" in broken.get_data(as_text=True)


def test_cross_topic_id_is_an_error_in_the_preview(app, client, login_as, import_bank) -> None:
    import_bank()
    login_as("organiser")
    content = dump([{**NEW_QUESTION, "id": "MOTCUA-002"}], topic="online_services").encode()
    response = _upload(client, content, "online_services.yaml")
    assert response.status_code == 422
    assert "đã được dùng cho một câu hỏi khác thuộc chủ đề" in response.get_data(as_text=True)


def test_replace_retires_only_after_the_second_confirmation(app, client, login_as,
                                                            import_bank) -> None:
    import_bank()
    login_as("organiser")
    content = dump(questions()[:1]).encode()
    response = _upload(client, content, "one_stop.yaml", mode="replace")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Ngừng sử dụng (2)" in page
    retired = page.split('id="retired-title"')[1].split("</section>")[0]
    assert "MOTCUA-002" in retired and "MOTCUA-003" in retired
    first = _confirm(client, page)
    assert first.status_code == 422
    assert "Vui lòng đánh dấu đồng ý ngừng sử dụng" in first.get_data(as_text=True)
    assert _statuses(app)["MOTCUA-002"] == "approved"
    second = _confirm(client, page, confirm_replace="y")
    assert second.status_code == 302
    assert _statuses(app) == {"MOTCUA-001": "approved", "MOTCUA-002": "retired",
                              "MOTCUA-003": "retired"}


def test_a_plan_that_changed_since_the_preview_is_shown_again(app, client, login_as,
                                                              import_bank) -> None:
    import_bank()
    organiser = login_as("organiser")
    response = _upload(client, dump(questions()[:1]).encode(), "one_stop.yaml",
                       mode="replace")
    page = response.get_data(as_text=True)
    with app.app_context():  # meanwhile, someone retires MOTCUA-002 in the web
        question = db.session.scalar(select(Question).where(Question.key == "MOTCUA-002"))
        services.retire_question(db.session, question, organiser.id)
        db.session.commit()
    stale = _confirm(client, page, confirm_replace="y")
    assert stale.status_code == 409
    assert "Ngân hàng đã thay đổi từ lúc xem trước" in stale.get_data(as_text=True)
    assert _statuses(app)["MOTCUA-003"] == "draft"


def test_uploads_are_checked_and_kept_for_their_session_only(app, client, login_as,
                                                             import_bank) -> None:
    import_bank()
    login_as("organiser")
    wrong = _upload(client, b"a,b\n", "bank.csv")
    assert wrong.status_code == 422 and "Chỉ nhận tệp Excel" in wrong.get_data(as_text=True)
    big = _upload(client, b"#" * (services.YAML_MAX_BYTES + 1), "big.yaml")
    assert big.status_code == 422 and "lớn quá giới hạn" in big.get_data(as_text=True)
    latin = _upload(client, "topic: é".encode("latin-1"), "x.yaml")
    assert latin.status_code == 422 and "UTF-8" in latin.get_data(as_text=True)
    folder = Path(app.instance_path) / "uploads" / "bank"
    before = set(folder.glob("*.upload")) if folder.is_dir() else set()
    response = _upload(client, dump(questions()[:1]).encode(), "one_stop.yaml",
                       mode="replace")
    page = response.get_data(as_text=True)
    stored = list(set(folder.glob("*.upload")) - before)
    assert len(stored) == 1
    forged = _confirm(client, page.replace(_hidden(page, "token"), "x" * 32),
                      confirm_replace="y")
    assert forged.status_code == 303
    stored[0].write_bytes(dump(questions()[:2]).encode())  # tampered on disk
    tampered = _confirm(client, page, confirm_replace="y")
    assert tampered.status_code == 303 and _statuses(app)["MOTCUA-002"] == "approved"
    assert not stored[0].exists()


def test_participants_cannot_upload(client, login_as, import_bank) -> None:
    import_bank()
    login_as("participant")
    assert client.get(UPLOAD).status_code == 403
    assert client.post(f"{UPLOAD}/xac-nhan", data={}).status_code in (400, 403)


# --- create, edit, bulk --------------------------------------------------------------------

def _question_data(client, url: str, **changes: str) -> dict[str, str]:
    data = {
        "key": NEW_QUESTION["id"], "topic": "one_stop", "difficulty": "easy",
        "text": NEW_QUESTION["text"],
        **{f"option_{c}": o for c, o in zip("abcd", NEW_QUESTION["options"], strict=True)},
        "answer": "B", "explanation": NEW_QUESTION["explanation"],
        "legal_basis": NEW_QUESTION["legal_basis"], "facts": "B2", "confidence": "secondary",
        "pool": "official", "csrf_token": csrf_token(client, url),
    }
    data.update(changes)
    return data


def test_create_a_question_in_the_web(app, client, login_as, import_bank) -> None:
    import_bank()
    organiser = login_as("organiser")
    assert "Thêm câu hỏi" in client.get(f"{BASE}/").get_data(as_text=True)
    response = client.post(f"{BASE}/moi", data=_question_data(client, f"{BASE}/moi"))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == "MOTCUA-004"))
        (version,) = question.versions
        assert question.status == "draft" and version.number == 1
        assert version.created_by_id == organiser.id and version.correct == [1]
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "question.create")).actor_id == organiser.id
    page = client.get(f"{BASE}/MOTCUA-004").get_data(as_text=True)
    assert "Phiên bản này đang chờ duyệt." in page and "Duyệt phiên bản 1" in page
    taken = client.post(f"{BASE}/moi", data=_question_data(client, f"{BASE}/moi",
                                                            key="MOTCUA-001"))
    assert taken.status_code == 422 and "đã có trong ngân hàng" in taken.get_data(as_text=True)
    bad = client.post(f"{BASE}/moi", data=_question_data(client, f"{BASE}/moi",
                                                          key="MOTCUA-005", answer="F"))
    assert bad.status_code == 422
    assert _count(app, Question) == 4


def test_editing_an_approved_question_makes_a_version_waiting_for_approval(
        app, client, login_as, import_bank) -> None:
    import_bank()
    organiser = login_as("organiser")
    url = f"{BASE}/MOTCUA-002/sua"
    data = _question_data(client, url, difficulty="medium",
                          text="Từ năm 2025, văn bản nào quy định cơ chế một cửa, một cửa "
                               "liên thông?",
                          option_a="Nghị định 118/2025/NĐ-CP",
                          option_b="Nghị định 43/2011/NĐ-CP",
                          option_c="Nghị định 63/2010/NĐ-CP",
                          option_d="Nghị định 42/2022/NĐ-CP", answer="A",
                          explanation=BASE_QUESTIONS[1]["explanation"],
                          legal_basis="Nghị định 118/2025/NĐ-CP", facts="C43",
                          confidence="primary")
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == "MOTCUA-002"))
        v1, v2 = question.versions
        assert question.status == "draft" and question.current_version == 2
        assert v1.approved_at is not None and v1.text.startswith("Văn bản nào")  # kept
        assert v2.approved_at is None and v2.created_by_id == organiser.id
    page = client.get(f"{BASE}/MOTCUA-002").get_data(as_text=True)
    assert "Phiên bản này đang chờ duyệt." in page and "Đã duyệt bởi" not in page


def test_bulk_approve_records_each_approval(app, client, login_as, import_bank) -> None:
    import_bank(approve=False)
    organiser = login_as("organiser")
    token = csrf_token(client, f"{BASE}/")
    keys = ["MOTCUA-001", "MOTCUA-003"]
    refused = client.post(f"{BASE}/hang-loat", data={"csrf_token": token, "action": "approve",
                                                     "keys": keys})
    assert refused.status_code == 422 and "kiểm tra pháp lý" in refused.get_data(as_text=True)
    assert _statuses(app)["MOTCUA-001"] == "draft"
    none = client.post(f"{BASE}/hang-loat", data={"csrf_token": token, "action": "approve",
                                                  "legal_checked": "y"})
    assert none.status_code == 422 and "Chưa chọn câu hỏi nào" in none.get_data(as_text=True)
    no_csrf = client.post(f"{BASE}/hang-loat", data={"action": "approve", "keys": keys,
                                                     "legal_checked": "y"})
    assert no_csrf.status_code in (400, 422) and _statuses(app)["MOTCUA-001"] == "draft"
    done = client.post(f"{BASE}/hang-loat", data={"csrf_token": token, "action": "approve",
                                                  "legal_checked": "y", "keys": keys})
    assert done.status_code == 302
    assert _statuses(app) == {"MOTCUA-001": "approved", "MOTCUA-002": "draft",
                              "MOTCUA-003": "approved"}
    with app.app_context():
        for key in keys:
            question = db.session.scalar(select(Question).where(Question.key == key))
            version = question.versions[0]
            assert version.approved_by_id == organiser.id and version.legal_checked
        events = list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "question.approve")))
        assert len(events) == 2 and {e.actor_id for e in events} == {organiser.id}
        bulk = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "bank.bulk_approve"))
        assert bulk.after == {"keys": keys}


def test_bulk_approve_is_all_or_nothing(app, client, login_as, import_bank) -> None:
    import_bank(approve=False)
    login_as("organiser")
    with app.app_context():  # MOTCUA-002 has become unapprovable (its fact is now AVOID)
        version = db.session.scalar(select(QuestionVersion).join(Question).where(
            Question.key == "MOTCUA-002"))
        version.facts = ["C111"]
        db.session.commit()
    token = csrf_token(client, f"{BASE}/")
    response = client.post(f"{BASE}/hang-loat", data={
        "csrf_token": token, "action": "approve", "legal_checked": "y",
        "keys": ["MOTCUA-001", "MOTCUA-002"]})
    assert response.status_code == 422
    assert "MOTCUA-002" in response.get_data(as_text=True)
    assert _statuses(app)["MOTCUA-001"] == "draft"


def test_bulk_retire_needs_a_reason(app, client, login_as, import_bank) -> None:
    import_bank()
    organiser = login_as("organiser")
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert 'name="keys" value="MOTCUA-001"' in page
    token = csrf_token(client, f"{BASE}/")
    keys = ["MOTCUA-001", "MOTCUA-002"]
    refused = client.post(f"{BASE}/hang-loat", data={"csrf_token": token, "action": "retire",
                                                     "keys": keys, "reason": "  "})
    assert refused.status_code == 422 and "lý do" in refused.get_data(as_text=True)
    assert _statuses(app)["MOTCUA-001"] == "approved"
    done = client.post(f"{BASE}/hang-loat", data={"csrf_token": token, "action": "retire",
                                                  "keys": keys, "reason": "Văn bản hết hiệu lực"})
    assert done.status_code == 302
    assert _statuses(app) == {"MOTCUA-001": "retired", "MOTCUA-002": "retired",
                              "MOTCUA-003": "draft"}
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "question.retire")))
        assert {e.reason for e in events} == {"Văn bản hết hiệu lực"}
        assert {e.actor_id for e in events} == {organiser.id}
    # A question retired in the web stays retired when the YAML files are imported again.
    assert import_bank().left_alone == keys
    assert _statuses(app)["MOTCUA-001"] == "retired"


def test_question_page_never_says_approved_and_not_approved(app, client, login_as,
                                                            import_bank) -> None:
    import_bank(approve=False)  # the file says "approved", nobody ticked the legal check
    login_as("organiser")
    page = client.get(f"{BASE}/MOTCUA-001").get_data(as_text=True)
    assert "Chờ duyệt" in page and "Đã duyệt" not in page
    import_bank()
    page = client.get(f"{BASE}/MOTCUA-001").get_data(as_text=True)
    assert "Đã duyệt" in page and "chờ duyệt" not in page.lower().split("lịch sử")[0]


def test_only_an_organiser_brings_a_retired_question_back(app, client, login_as,
                                                          import_bank) -> None:
    import_bank()
    organiser = login_as("organiser")
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == "MOTCUA-001"))
        services.retire_question(db.session, question, organiser.id, "Tạm dừng")
        db.session.commit()
    assert import_bank().left_alone == ["MOTCUA-001"]
    page = client.get(f"{BASE}/MOTCUA-001").get_data(as_text=True)
    assert "đưa câu hỏi trở lại sử dụng" in page
    token = csrf_token(client, f"{BASE}/MOTCUA-001")
    response = client.post(f"{BASE}/MOTCUA-001/duyet", data={
        "approve-version": "1", "approve-confirm": "y", "approve-csrf_token": token})
    assert response.status_code == 302
    assert _statuses(app)["MOTCUA-001"] == "approved"
