"""Imports that cannot destroy the bank: merge (the default) never retires and never undoes a
retirement made in the web; replace retires what the file lacks; the CLI's --dry-run,
--replace and --approve-as; approval records; the cross-topic id error; YAML export round
trip."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from sqlalchemy import func, select

from contest_app.bank import rules, services
from contest_app.bank.models import Question, QuestionVersion
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from tests.unit.bank.samples import questions, write_bank

NEW_QUESTION = {
    "id": "MOTCUA-004",
    "difficulty": "easy",
    "text": "Nghị quyết nào ban hành Chương trình tổng thể cải cách hành chính nhà nước "
            "giai đoạn 2011 - 2020?",
    "options": ["Nghị quyết 76/NQ-CP", "Nghị quyết 30c/NQ-CP", "Nghị quyết 17/NQ-CP",
                "Nghị quyết 02/NQ-CP"],
    "answer": "B",
    "explanation": "Chương trình tổng thể giai đoạn 2011 - 2020 ban hành kèm Nghị quyết "
                   "30c/NQ-CP.",
    "legal_basis": "Nghị quyết 30c/NQ-CP",
    "facts": ["B2"],
    "confidence": "secondary",
    "status": "approved",
}


def _question(key: str) -> Question:
    return db.session.scalar(select(Question).where(Question.key == key))


def _statuses(app) -> dict[str, str]:
    with app.app_context():
        return dict(db.session.execute(select(Question.key, Question.status)).all())


def _versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(QuestionVersion.id)))


def _sheet_with_only_new_rows(app, path: Path) -> Path:
    """The bug: an Excel sheet holding one new question (and none of the others)."""
    with app.app_context():
        services.export_xlsx(db.session, path)
    book = load_workbook(path)
    ws = book.active
    ws.delete_rows(3, 2)  # keep the header and MOTCUA-001's row
    row = [NEW_QUESTION["id"], "one_stop", "easy", NEW_QUESTION["text"],
           *NEW_QUESTION["options"], "", "", "B", NEW_QUESTION["explanation"],
           NEW_QUESTION["legal_basis"], "B2", "secondary", "approved", "official", ""]
    for col, value in enumerate(row, start=1):
        ws.cell(row=2, column=col, value=value)
    book.save(path)
    return path


def test_excel_with_new_questions_only_retires_nothing(app, import_bank, tmp_path) -> None:
    import_bank()
    before = _statuses(app)
    path = _sheet_with_only_new_rows(app, tmp_path / "new.xlsx")
    with app.app_context():
        summary, _ = services.import_xlsx(db.session, path)
        db.session.commit()
    assert summary.added == ["MOTCUA-004"] and summary.retired == []
    after = _statuses(app)
    assert {k: after[k] for k in before} == before
    assert after["MOTCUA-004"] == "draft"  # waiting for approval: nobody ticked the check


def test_replace_retires_what_the_sheet_lacks(app, import_bank, tmp_path) -> None:
    import_bank()
    path = _sheet_with_only_new_rows(app, tmp_path / "new.xlsx")
    with app.app_context():
        plan, _ = services.plan_xlsx(db.session, path, mode=services.MODE_REPLACE)
        assert [i.key for i in plan.retired] == ["MOTCUA-001", "MOTCUA-002", "MOTCUA-003"]
        db.session.rollback()
    assert _statuses(app)["MOTCUA-002"] == "approved"  # a plan writes nothing
    with app.app_context():
        summary, _ = services.import_xlsx(db.session, path, mode=services.MODE_REPLACE)
        db.session.commit()
    assert summary.retired == ["MOTCUA-001", "MOTCUA-002", "MOTCUA-003"]


def test_reimport_never_undoes_a_retirement_made_in_the_web(app, import_bank,
                                                            make_user) -> None:
    import_bank()
    organiser = make_user(roles={"organiser"})
    with app.app_context():
        services.retire_question(db.session, _question("MOTCUA-001"), organiser.id, "Lỗi thời")
        db.session.commit()
    versions = _versions(app)
    # The same file again, and a file that changed the retired question: both leave it alone.
    assert import_bank().left_alone == ["MOTCUA-001"]
    summary = import_bank(questions(MOTCUA_001={"explanation": "Giải thích đã sửa."}))
    assert summary.left_alone == ["MOTCUA-001"] and summary.new_versions == []
    assert _statuses(app)["MOTCUA-001"] == "retired" and _versions(app) == versions
    # Replace mode does not bring it back either.
    assert import_bank(mode=services.MODE_REPLACE).left_alone == ["MOTCUA-001"]
    assert _statuses(app)["MOTCUA-001"] == "retired"


def test_import_without_the_legal_check_arrives_waiting(app, bank_dir) -> None:
    with app.app_context():
        summary, _ = services.import_path(db.session, bank_dir)
        db.session.commit()
        assert summary.added == ["MOTCUA-001", "MOTCUA-002", "MOTCUA-003"]
        for question in db.session.scalars(select(Question)):
            assert question.status == "draft"
            assert question.versions[0].approved_at is None
            assert not question.versions[0].legal_checked


def test_import_with_the_legal_check_records_the_approval(app, bank_dir, make_user,
                                                          clock) -> None:
    organiser = make_user(roles={"organiser"})
    with app.app_context():
        services.import_path(db.session, bank_dir, actor_id=organiser.id, approve=True)
        db.session.commit()
        approved = _question("MOTCUA-001").versions[0]
        assert _question("MOTCUA-001").status == "approved"
        assert (approved.approved_by_id, approved.approved_at, approved.legal_checked) == \
            (organiser.id, clock.now(), True)
        draft = _question("MOTCUA-003")  # the file says draft: it stays waiting
        assert draft.status == "draft" and draft.versions[0].approved_at is None


def test_a_changed_approved_question_waits_for_a_new_approval(app, import_bank) -> None:
    import_bank()
    summary = import_bank(questions(MOTCUA_002={"explanation": "Giải thích mới."}),
                          approve=False)
    assert summary.new_versions == ["MOTCUA-002"]
    with app.app_context():
        question = _question("MOTCUA-002")
        v1, v2 = question.versions
        # Never "approved" with an unapproved current version.
        assert question.status == "draft" and v2.approved_at is None
        assert v1.approved_at is not None and v1.legal_checked


def test_ticking_the_check_approves_unchanged_waiting_questions(app, import_bank) -> None:
    import_bank(approve=False)
    assert _statuses(app)["MOTCUA-001"] == "draft"
    summary = import_bank()
    assert summary.approved == ["MOTCUA-001", "MOTCUA-002"] and not summary.new_versions
    assert _statuses(app) == {"MOTCUA-001": "approved", "MOTCUA-002": "approved",
                              "MOTCUA-003": "draft"}


def test_an_id_taken_by_another_topic_is_an_error(app, import_bank, tmp_path) -> None:
    import_bank()
    other = write_bank(tmp_path / "other", [{**NEW_QUESTION, "id": "MOTCUA-001"}],
                       topic="online_services")
    with app.app_context(), pytest.raises(services.BankCheckFailed) as err:
        services.import_path(db.session, other / "online_services.yaml")
    problem = next(p for p in err.value.problems if p.code == "id_other_topic")
    assert problem.is_error and problem.qid == "MOTCUA-001"
    assert "Cơ chế một cửa" in problem.message
    # The same question moved to another topic is a move, not a clash.
    moved = write_bank(tmp_path / "moved", [questions()[0]], topic="online_services")
    with app.app_context():
        summary, _ = services.import_path(db.session, moved / "online_services.yaml")
        db.session.commit()
        assert summary.updated == ["MOTCUA-001"]
        assert _question("MOTCUA-001").topic.key == "online_services"


# --- the CLI -------------------------------------------------------------------------------

def test_cli_dry_run_prints_the_plan_and_writes_nothing(app, import_bank, bank_dir) -> None:
    import_bank()
    items = [*questions(MOTCUA_002={"explanation": "Giải thích mới."})[:2], NEW_QUESTION]
    write_bank(bank_dir, items)
    with app.app_context():
        events = db.session.scalar(select(func.count(AuditEvent.id)))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["bank", "import", str(bank_dir), "--replace", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Chạy thử (chế độ thay cả ngân hàng), chưa ghi gì: thêm mới: 1; phiên bản mới: 1;" \
        in result.output
    assert "không đổi: 1; giữ nguyên: 0; ngừng sử dụng: 1; lỗi: 0." in result.output
    assert "Thêm mới: MOTCUA-004" in result.output
    assert "Phiên bản mới: MOTCUA-002" in result.output
    assert "Ngừng sử dụng: MOTCUA-003" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 3
        assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    assert _statuses(app)["MOTCUA-003"] == "draft"


def test_cli_dry_run_lists_errors_and_exits_1(app, import_bank, bank_dir) -> None:
    write_bank(bank_dir, questions(MOTCUA_002={"answer": "F"}))
    result = app.test_cli_runner().invoke(args=["bank", "import", str(bank_dir), "--dry-run"])
    assert result.exit_code == 1 and "[MOTCUA-002] Đáp án F không có" in result.output


def test_cli_merge_is_the_default_and_replace_retires(app, import_bank, bank_dir) -> None:
    import_bank()
    write_bank(bank_dir, questions()[:2])
    runner = app.test_cli_runner()
    merged = runner.invoke(args=["bank", "import", str(bank_dir)])
    assert merged.exit_code == 0 and "ngừng sử dụng: 0" in merged.output
    assert _statuses(app)["MOTCUA-003"] == "draft"
    replaced = runner.invoke(args=["bank", "import", str(bank_dir), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "ngừng sử dụng: 1" in replaced.output and "Ngừng sử dụng: MOTCUA-003" \
        in replaced.output
    assert _statuses(app)["MOTCUA-003"] == "retired"


def test_cli_approve_as_records_that_organisers_approval(app, bank_dir, make_user) -> None:
    organiser = make_user(roles={"organiser"})
    participant = make_user()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["bank", "import", str(bank_dir), "--approve-as",
                                  participant.email])
    assert refused.exit_code != 0 and "Không có tài khoản ban tổ chức" in refused.output
    result = runner.invoke(args=["bank", "import", str(bank_dir), "--approve-as",
                                 organiser.email.upper()])
    assert result.exit_code == 0, result.output
    with app.app_context():
        version = _question("MOTCUA-002").versions[0]
        assert version.approved_by_id == organiser.id and version.legal_checked


# --- YAML export ---------------------------------------------------------------------------

def test_export_yaml_round_trips(app, import_bank, make_user, tmp_path) -> None:
    import_bank([*questions(MOTCUA_002={"group": "nd118", "pool": "practice"}),
                 {**NEW_QUESTION, "text": NEW_QUESTION["text"] + "\nDòng thứ hai: «x»?"}])
    organiser = make_user(roles={"organiser"})
    with app.app_context():
        services.retire_question(db.session, _question("MOTCUA-004"), organiser.id)
        db.session.commit()
    folder = tmp_path / "exported"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["bank", "export"]).exit_code != 0  # --xlsx or --yaml
    both = runner.invoke(args=["bank", "export", "--xlsx", str(tmp_path / "a.xlsx"),
                               "--yaml", str(folder)])
    assert both.exit_code != 0 and not folder.exists()
    result = runner.invoke(args=["bank", "export", "--yaml", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Đã xuất 4 câu hỏi ra 1 tệp YAML" in result.output
    data = yaml.safe_load((folder / "one_stop.yaml").read_text(encoding="utf-8"))
    assert data["topic"] == "one_stop" and len(data["questions"]) == 4
    assert (folder / "topics.yaml").exists()
    check = runner.invoke(args=["bank", "check", str(folder)])
    assert check.exit_code == 0, check.output
    versions = _versions(app)
    with app.app_context():
        events = db.session.scalar(select(func.count(AuditEvent.id)))
        summary, _ = services.import_path(db.session, folder)
        db.session.commit()
        assert not summary.changed and summary.unchanged == 4 and not summary.left_alone
        assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    assert _versions(app) == versions
    # The exported records are the database's, field for field.
    records, problems = rules.parse_path(folder)
    assert not problems
    with app.app_context():
        for record in records:
            expected = services.record_of(_question(record.id))
            assert rules.content_hash(record) == rules.content_hash(expected)
            assert (record.status, record.pool, record.group) == \
                (expected.status, expected.pool, expected.group)

