"""`flask bank ...` through the CLI runner: check exit codes and output, import, export,
report; and the shipped bank passes `bank check`."""

from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import func, select

from contest_app.bank.models import Question
from contest_app.extensions import db
from tests.unit.bank.samples import questions, write_bank


def test_check_passes_on_a_valid_bank(app, bank_dir) -> None:
    result = app.test_cli_runner().invoke(args=["bank", "check", str(bank_dir)])
    assert result.exit_code == 0, result.output
    assert "3 câu hỏi, 0 lỗi, 0 cảnh báo." in result.output


def test_check_prints_every_problem_and_exits_1(app, tmp_path, facts_dir) -> None:
    folder = write_bank(tmp_path / "broken", questions(
        MOTCUA_001={"legal_basis": ""}, MOTCUA_002={"options": ["Một", "Hai", "Ba"]}))
    result = app.test_cli_runner().invoke(args=["bank", "check", str(folder)])
    assert result.exit_code == 1
    path = folder / "one_stop.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    error_line = next(i for i, t in enumerate(lines, 1) if t.strip() == "legal_basis: ''")
    assert f"{path}:{error_line}: [MOTCUA-001] Thiếu căn cứ pháp lý (legal_basis)." \
        in result.output
    assert "[MOTCUA-002] (cảnh báo) Câu hỏi một đáp án nên có đúng 4 phương án" in result.output
    assert "1 lỗi, 1 cảnh báo" in result.output


def test_check_exits_1_on_malformed_yaml(app, tmp_path, facts_dir) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "x.yaml").write_text("topic: one_stop\nquestions: [\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["bank", "check", str(folder)])
    assert result.exit_code == 1 and "YAML sai cú pháp" in result.output


def test_check_warns_when_the_fact_sheets_are_missing(app, bank_dir, monkeypatch,
                                                      tmp_path) -> None:
    monkeypatch.setenv("FACTS_PATH", str(tmp_path / "nowhere"))
    result = app.test_cli_runner().invoke(args=["bank", "check", str(bank_dir)])
    assert result.exit_code == 0
    assert "bỏ qua kiểm tra mã dữ kiện" in result.output


def test_import_prints_a_summary_and_is_idempotent(app, bank_dir) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["bank", "import", str(bank_dir)])
    assert first.exit_code == 0, first.output
    assert "Thêm mới: 3; phiên bản mới: 0; ngừng sử dụng: 0" in first.output
    assert "đang chờ duyệt" in first.output
    second = runner.invoke(args=["bank", "import", str(bank_dir)])
    assert "Thêm mới: 0; phiên bản mới: 0; ngừng sử dụng: 0; cập nhật thuộc tính: 0; " \
           "không đổi: 3;" in second.output
    write_bank(bank_dir, questions(MOTCUA_002={"explanation": "Giải thích mới."})[:2])
    third = runner.invoke(args=["bank", "import", str(bank_dir)])
    # Merge (the default) never retires the question the file lacks.
    assert "phiên bản mới: 1; ngừng sử dụng: 0" in third.output
    assert "Phiên bản mới: MOTCUA-002" in third.output and "Ngừng sử dụng:" not in third.output


def test_import_refuses_a_broken_bank(app, tmp_path, facts_dir) -> None:
    folder = write_bank(tmp_path / "broken", questions(MOTCUA_003={"answer": "F"}))
    result = app.test_cli_runner().invoke(args=["bank", "import", str(folder)])
    assert result.exit_code == 1
    assert "[MOTCUA-003] Đáp án F không có" in result.output
    assert "chưa nhập câu hỏi nào" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 0


def test_export_import_and_report_through_the_cli(app, bank_dir, tmp_path, make_user) -> None:
    runner = app.test_cli_runner()
    organiser = make_user(roles={"organiser"})
    runner.invoke(args=["bank", "import", str(bank_dir), "--approve-as", organiser.email])
    sheet = tmp_path / "bank.xlsx"
    result = runner.invoke(args=["bank", "export", "--xlsx", str(sheet)])
    assert result.exit_code == 0 and "Đã xuất 3 câu hỏi" in result.output
    result = runner.invoke(args=["bank", "import", "--xlsx", str(sheet)])
    assert result.exit_code == 0 and "không đổi: 3;" in result.output
    report = tmp_path / "report.xlsx"
    result = runner.invoke(args=["bank", "report", "--xlsx", str(report)])
    assert result.exit_code == 0 and "(2 câu hỏi)" in result.output
    assert load_workbook(report).active.max_row == 3
    result = runner.invoke(args=["bank", "import", str(bank_dir), "--xlsx", str(sheet)])
    assert result.exit_code != 0


def test_shipped_bank_passes_check(app) -> None:
    """The bank in question_bank/ has no error (content may still be in progress)."""
    result = app.test_cli_runner().invoke(args=["bank", "check"])
    errors = [line for line in result.output.splitlines()
              if "] " in line and "(cảnh báo)" not in line]
    assert result.exit_code == 0, "\n".join(errors[:50])
