"""The organiser's bank pages: roles, list, filters, diacritics-insensitive search, question
history, approve (who, which version, when), edit (a new version), retire, topics, downloads."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from contest_app.bank import rules
from contest_app.bank.models import Question, Topic
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from tests.conftest import csrf_token
from tests.unit.bank.samples import BASE_QUESTIONS, questions

BASE = "/ban-to-chuc/ngan-hang-cau-hoi"
PAGES = [f"{BASE}/", f"{BASE}/MOTCUA-001", f"{BASE}/MOTCUA-001/sua", f"{BASE}/chu-de",
         f"{BASE}/xuat-excel", f"{BASE}/bao-cao-phap-ly"]


def _question(app, key: str) -> Question:
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == key))
        for version in question.versions:
            db.session.expunge(version)
        db.session.expunge(question)
        return question


def _edit_data(client, key: str, **changes: str) -> dict[str, str]:
    data = {
        "topic": "one_stop", "difficulty": "medium",
        "text": "Văn bản nào hiện quy định cơ chế một cửa, một cửa liên thông?",
        "option_a": "Nghị định 118/2025/NĐ-CP", "option_b": "Nghị định 43/2011/NĐ-CP",
        "option_c": "Nghị định 63/2010/NĐ-CP", "option_d": "Nghị định 42/2022/NĐ-CP",
        "answer": "A", "explanation": BASE_QUESTIONS[1]["explanation"],
        "legal_basis": "Nghị định 118/2025/NĐ-CP", "facts": "C43", "confidence": "primary",
        "csrf_token": csrf_token(client, f"{BASE}/{key}/sua"),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("url", PAGES)
def test_participant_gets_403_on_bank_pages(client, login_as, import_bank, url) -> None:
    import_bank()
    login_as("participant")
    response = client.get(url)
    assert response.status_code == 403
    assert "Bạn không có quyền" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES[:1])
def test_anonymous_is_sent_to_login(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302 and "/tai-khoan/dang-nhap" in response.headers["Location"]


def test_participant_cannot_post_to_bank_actions(client, login_as, import_bank) -> None:
    import_bank()
    login_as("participant")
    for action in ("duyet", "ngung-su-dung"):
        assert client.post(f"{BASE}/MOTCUA-001/{action}").status_code in (400, 403)


def test_every_bank_view_is_wrapped_by_role_required(app) -> None:
    names = [n for n in app.view_functions if n.startswith("bank.")]
    assert len(names) >= 8
    for name in names:
        assert getattr(app.view_functions[name], "__wrapped__", None) is not None, name


def test_dashboard_links_to_the_bank(client, login_as) -> None:
    login_as("organiser")
    page = client.get("/ban-to-chuc/").get_data(as_text=True)
    assert f'href="{BASE}/"' in page and "Ngân hàng câu hỏi" in page


def test_list_shows_counts_and_questions(client, login_as, import_bank) -> None:
    import_bank()
    login_as("organiser")
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Tổng số: 3 câu hỏi" in page and "Đã duyệt: 2" in page and "Chờ duyệt: 1" in page
    for key in ("MOTCUA-001", "MOTCUA-002", "MOTCUA-003"):
        assert key in page


def test_empty_bank_says_so(client, login_as) -> None:
    login_as("organiser")
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Ngân hàng chưa có câu hỏi nào" in page


@pytest.mark.parametrize("query, found", [
    ("thu tuc", {"MOTCUA-001"}),
    ("thủ tục", {"MOTCUA-001"}),
    ("THU TUC hanh chinh", {"MOTCUA-001"}),
    ("mot cua", {"MOTCUA-002", "MOTCUA-003"}),
    ("motcua-002", {"MOTCUA-002"}),
    ("nghi dinh 118", {"MOTCUA-002"}),
    ("khong co dau nao khop", set()),
    ("100%", set()),
])
def test_search_ignores_diacritics(client, login_as, import_bank, query, found) -> None:
    import_bank()
    login_as("organiser")
    page = client.get(f"{BASE}/", query_string={"q": query}).get_data(as_text=True)
    shown = {k for k in ("MOTCUA-001", "MOTCUA-002", "MOTCUA-003") if f">{k}<" in page}
    assert shown == found
    if not found:
        assert "Không có câu hỏi nào khớp với bộ lọc." in page


@pytest.mark.parametrize("args, found", [
    ({"status": "draft"}, {"MOTCUA-003"}),
    ({"status": "approved"}, {"MOTCUA-001", "MOTCUA-002"}),
    ({"difficulty": "medium"}, {"MOTCUA-002"}),
    ({"topic": "one_stop"}, {"MOTCUA-001", "MOTCUA-002", "MOTCUA-003"}),
    ({"topic": "programme"}, set()),
    ({"topic": "one_stop", "difficulty": "hard", "q": "bo phan"}, {"MOTCUA-003"}),
])
def test_filters(client, login_as, import_bank, args, found) -> None:
    import_bank()
    login_as("organiser")
    page = client.get(f"{BASE}/", query_string=args).get_data(as_text=True)
    assert {k for k in ("MOTCUA-001", "MOTCUA-002", "MOTCUA-003") if f">{k}<" in page} == found


def test_list_paginates(app, client, login_as, import_bank, monkeypatch) -> None:
    items = []
    for i in range(1, 56):
        item = questions()[1]
        item.update(id=f"MOTCUA-{i:03d}", text=f"Câu số {i} riêng biệt {'x' * i}?")
        items.append(item)
    monkeypatch.setattr(rules, "NEAR_DUPLICATE", 1.0)  # these stems are alike on purpose
    import_bank(items)
    login_as("organiser")
    first = client.get(f"{BASE}/", query_string={"status": "approved"}).get_data(as_text=True)
    assert "Trang 1/2" in first and ">MOTCUA-050<" in first and ">MOTCUA-051<" not in first
    second = client.get(f"{BASE}/", query_string={"status": "approved", "page": 2})
    assert ">MOTCUA-055<" in second.get_data(as_text=True)


def test_question_page_shows_content_and_history(client, login_as, import_bank) -> None:
    import_bank()
    import_bank(questions(MOTCUA_002={"explanation": "Giải thích đã sửa lần hai."}),
                approve=False)
    login_as("organiser")
    page = client.get(f"{BASE}/MOTCUA-002").get_data(as_text=True)
    assert "Lịch sử phiên bản" in page and "Phiên bản hiện hành: 2" in page
    assert "Giải thích đã sửa lần hai." in page
    assert "Xem nội dung phiên bản 1" in page and "Nhập từ tệp" in page
    assert "Duyệt phiên bản 2" in page
    assert client.get(f"{BASE}/KHONG-CO").status_code == 404


def test_approve_records_who_which_version_and_when(app, client, login_as, import_bank,
                                                    clock) -> None:
    import_bank()
    organiser = login_as("organiser")
    token = csrf_token(client, f"{BASE}/MOTCUA-003")
    response = client.post(f"{BASE}/MOTCUA-003/duyet",
                           data={"approve-version": "1", "approve-confirm": "y",
                                 "approve-csrf_token": token})
    assert response.status_code == 302
    question = _question(app, "MOTCUA-003")
    (version,) = question.versions
    assert question.status == "approved"
    assert version.approved_by_id == organiser.id and version.approved_at == clock.now()
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "question.approve"))
        assert event.actor_id == organiser.id and event.after["version"] == 1
        assert event.before == {"status": "draft"} and event.at == clock.now()
    page = client.get(f"{BASE}/MOTCUA-003").get_data(as_text=True)
    assert "Đã duyệt bởi" in page and organiser.full_name in page


def test_approve_needs_confirmation_and_csrf(app, client, login_as, import_bank) -> None:
    import_bank()
    login_as("organiser")
    token = csrf_token(client, f"{BASE}/MOTCUA-003")
    client.post(f"{BASE}/MOTCUA-003/duyet",
                data={"approve-version": "1", "approve-csrf_token": token})
    assert _question(app, "MOTCUA-003").versions[0].approved_at is None
    response = client.post(f"{BASE}/MOTCUA-003/duyet",
                           data={"approve-version": "1", "approve-confirm": "y"})
    assert response.status_code == 400
    assert _question(app, "MOTCUA-003").status == "draft"


def test_only_the_current_version_can_be_approved(app, client, login_as, import_bank) -> None:
    import_bank()
    import_bank(questions(MOTCUA_003={"explanation": "Giải thích mới."}))
    login_as("organiser")
    token = csrf_token(client, f"{BASE}/MOTCUA-003")
    response = client.post(f"{BASE}/MOTCUA-003/duyet", data={
        "approve-version": "1", "approve-confirm": "y", "approve-csrf_token": token},
        follow_redirects=True)
    assert "Chỉ duyệt được phiên bản hiện hành" in response.get_data(as_text=True)
    assert all(v.approved_at is None for v in _question(app, "MOTCUA-003").versions)


def test_edit_creates_a_new_version_like_an_import(app, client, login_as, import_bank) -> None:
    import_bank()
    organiser = login_as("organiser")
    form = client.get(f"{BASE}/MOTCUA-002/sua").get_data(as_text=True)
    assert "Văn bản nào hiện quy định" in form and "Nghị định 43/2011/NĐ-CP" in form
    data = _edit_data(client, "MOTCUA-002", text="Từ năm 2025, văn bản nào quy định cơ chế "
                                                 "một cửa, một cửa liên thông?")
    response = client.post(f"{BASE}/MOTCUA-002/sua", data=data)
    assert response.status_code == 302
    question = _question(app, "MOTCUA-002")
    v1, v2 = question.versions
    assert question.current_version == 2 and v2.created_by_id == organiser.id
    assert v2.text.startswith("Từ năm 2025") and v1.text.startswith("Văn bản nào hiện")
    assert "tu nam 2025" in question.search_text
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "question.edit"))
    # Saving the same content again adds nothing.
    client.post(f"{BASE}/MOTCUA-002/sua", data=_edit_data(client, "MOTCUA-002",
                                                          text=v2.text))
    assert _question(app, "MOTCUA-002").current_version == 2
    # The file, re-imported, is a change again: a third version, exactly as for any edit.
    assert import_bank().new_versions == ["MOTCUA-002"]


def test_edit_with_errors_is_refused_and_explained(app, client, login_as, import_bank) -> None:
    import_bank()
    login_as("organiser")
    data = _edit_data(client, "MOTCUA-002",
                      text="Văn bản nào sau đây không phải là nghị định?",
                      option_d="Tất cả các đáp án trên", answer="E", facts="C999")
    response = client.post(f"{BASE}/MOTCUA-002/sua", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Câu hỏi phủ định phải viết HOA" in page
    assert "tất cả các đáp án trên" in page.lower()
    assert "C999" in page and "Đáp án E không có" in page
    assert 'value="Tất cả các đáp án trên"' in page or "Tất cả các đáp án trên</textarea>" in page
    assert _question(app, "MOTCUA-002").current_version == 1


def test_edit_refuses_a_near_duplicate_of_another_question(app, client, login_as,
                                                          import_bank) -> None:
    import_bank()
    login_as("organiser")
    data = _edit_data(client, "MOTCUA-002", text=BASE_QUESTIONS[0]["text"])
    page = client.post(f"{BASE}/MOTCUA-002/sua", data=data).get_data(as_text=True)
    assert "MOTCUA-001" in page and "gần trùng" in page


def test_retire_keeps_the_question(app, client, login_as, import_bank) -> None:
    import_bank()
    organiser = login_as("organiser")
    token = csrf_token(client, f"{BASE}/MOTCUA-001")
    client.post(f"{BASE}/MOTCUA-001/ngung-su-dung", data={"retire-csrf_token": token})
    assert _question(app, "MOTCUA-001").status == "approved"  # no confirmation: nothing
    response = client.post(f"{BASE}/MOTCUA-001/ngung-su-dung", data={
        "retire-csrf_token": token, "retire-confirm": "y",
        "retire-reason": "Văn bản đã hết hiệu lực"})
    assert response.status_code == 302
    question = _question(app, "MOTCUA-001")
    assert question.status == "retired" and len(question.versions) == 1
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "question.retire"))
        assert event.actor_id == organiser.id and event.reason == "Văn bản đã hết hiệu lực"


def test_organisers_add_topics(app, client, login_as, import_bank) -> None:
    import_bank()
    login_as("organiser")
    page = client.get(f"{BASE}/chu-de").get_data(as_text=True)
    assert "Cải cách thủ tục hành chính" in page
    token = csrf_token(client, f"{BASE}/chu-de")
    response = client.post(f"{BASE}/chu-de", data={
        "key": "local_plan", "name": "Kế hoạch CCHC của tỉnh", "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Topic.name).where(Topic.key == "local_plan")) == \
            "Kế hoạch CCHC của tỉnh"
    again = client.post(f"{BASE}/chu-de", data={
        "key": "local_plan", "name": "Khác", "csrf_token": token})
    assert again.status_code == 422 and "Đã có chủ đề với mã này." in again.get_data(as_text=True)
    bad = client.post(f"{BASE}/chu-de", data={"key": "Chủ đề", "name": "X", "csrf_token": token})
    assert bad.status_code == 422
    # The new topic can be used right away in the edit form.
    data = _edit_data(client, "MOTCUA-002", topic="local_plan")
    assert client.post(f"{BASE}/MOTCUA-002/sua", data=data).status_code == 302
    assert _question(app, "MOTCUA-002").topic.key == "local_plan"


def test_downloads_are_excel_files(client, login_as, import_bank) -> None:
    import_bank()
    login_as("organiser")
    export = client.get(f"{BASE}/xuat-excel")
    assert export.status_code == 200 and "spreadsheetml" in export.headers["Content-Type"]
    assert load_workbook(BytesIO(export.data)).active.max_row == 4
    report = client.get(f"{BASE}/bao-cao-phap-ly")
    assert load_workbook(BytesIO(report.data)).active.max_row == 3
    everything = client.get(f"{BASE}/bao-cao-phap-ly?status=draft&status=approved")
    assert load_workbook(BytesIO(everything.data)).active.max_row == 4


def test_saving_an_untouched_form_adds_no_version(app, client, login_as, import_bank) -> None:
    """Browsers send textarea line ends as CRLF; YAML has LF: that is not a change."""
    text = "Văn bản nào hiện quy định\ncơ chế một cửa, một cửa liên thông?"
    import_bank(questions(MOTCUA_002={"text": text}))
    login_as("organiser")
    data = _edit_data(client, "MOTCUA-002", text=text.replace("\n", "\r\n"))
    response = client.post(f"{BASE}/MOTCUA-002/sua", data=data, follow_redirects=True)
    assert "Nội dung không thay đổi" in response.get_data(as_text=True)
    assert _question(app, "MOTCUA-002").current_version == 1
