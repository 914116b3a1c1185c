"""Excel: export then import changes nothing; edits in Excel become versions; bad rows are
reported by row number and nothing is imported; the legal-check report."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from contest_app.bank import services
from contest_app.bank.models import Question, QuestionVersion
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent

HEADER = ["Mã câu hỏi", "Chủ đề", "Mức độ", "Nội dung câu hỏi", "Phương án A", "Phương án B",
          "Phương án C", "Phương án D", "Phương án E", "Phương án F", "Đáp án đúng",
          "Giải thích", "Căn cứ pháp lý", "Mã dữ kiện", "Độ tin cậy", "Trạng thái",
          "Dùng cho vòng thi (pool)", "Nhóm câu tương tự (group)",
          "Phiên bản hiện hành (chỉ để xem)"]


def _export(app, path: Path) -> int:
    with app.app_context():
        return services.export_xlsx(db.session, path)


def _import(app, path: Path) -> services.ImportSummary:
    with app.app_context():
        summary, _ = services.import_xlsx(db.session, path)
        db.session.commit()
        return summary


def test_export_has_a_vietnamese_header_and_one_row_per_question(app, import_bank,
                                                                 tmp_path) -> None:
    import_bank()
    path = tmp_path / "bank.xlsx"
    assert _export(app, path) == 3
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 4
    first = dict(zip(HEADER, rows[1], strict=True))
    assert first["Mã câu hỏi"] == "MOTCUA-001" and first["Chủ đề"] == "one_stop"
    assert first["Đáp án đúng"] == "A" and first["Phương án E"] is None
    third = dict(zip(HEADER, rows[3], strict=True))
    assert third["Đáp án đúng"] == "A, B" and third["Mã dữ kiện"] == "C44"


def test_export_then_import_changes_nothing(app, import_bank, tmp_path) -> None:
    import_bank()
    path = tmp_path / "bank.xlsx"
    _export(app, path)
    with app.app_context():
        events = db.session.scalar(select(func.count(AuditEvent.id)))
    summary = _import(app, path)
    assert summary.counts() == {"added": 0, "new_versions": 0, "retired": 0, "updated": 0,
                                "approved": 0, "left_alone": 0, "unchanged": 3}
    with app.app_context():
        assert db.session.scalar(select(func.count(QuestionVersion.id))) == 3
        assert db.session.scalar(select(func.count(AuditEvent.id))) == events


def test_a_change_made_in_excel_becomes_a_new_version(app, import_bank, tmp_path) -> None:
    import_bank()
    path = tmp_path / "bank.xlsx"
    _export(app, path)
    wb = load_workbook(path)
    ws = wb.active
    ws["D3"] = "Văn bản nào quy định cơ chế một cửa, một cửa liên thông từ năm 2025?"
    ws["C2"] = "trung bình"  # Vietnamese labels are accepted
    wb.save(path)
    summary = _import(app, path)
    assert summary.new_versions == ["MOTCUA-002"] and summary.updated == ["MOTCUA-001"]
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == "MOTCUA-002"))
        assert question.current_version == 2
        assert question.versions[0].text.startswith("Văn bản nào hiện quy định")


def test_a_row_removed_from_the_sheet_is_retired_only_in_replace_mode(app, import_bank,
                                                                      tmp_path) -> None:
    import_bank()
    path = tmp_path / "bank.xlsx"
    _export(app, path)
    wb = load_workbook(path)
    wb.active.delete_rows(3)
    wb.save(path)
    assert _import(app, path).retired == []  # merge (the default) never retires
    with app.app_context():
        summary, _ = services.import_xlsx(db.session, path, mode=services.MODE_REPLACE)
        db.session.commit()
    assert summary.retired == ["MOTCUA-002"]


def test_bad_rows_are_reported_by_row_number_and_nothing_is_imported(app, import_bank,
                                                                    tmp_path) -> None:
    import_bank()
    path = tmp_path / "bank.xlsx"
    _export(app, path)
    wb = load_workbook(path)
    ws = wb.active
    ws["C3"] = "rất khó"          # row 3: unknown difficulty
    ws["K4"] = None               # row 4: no answer
    ws["D2"] = "Đã sửa nội dung câu một?"  # a valid change that must not be written either
    ws.append(["MOTCUA-009", "one_stop", "easy", "Câu hỏi có một phương án?", "Duy nhất",
               None, None, None, None, None, "A", "Giải thích.", "Luật", "C43", "primary",
               "draft"])         # row 5: one option
    wb.save(path)
    with app.app_context(), pytest.raises(services.BankCheckFailed) as err:
        services.import_xlsx(db.session, path)
    errors = {(p.line, p.code) for p in err.value.problems if p.is_error}
    assert errors == {(3, "unknown_difficulty"), (4, "no_answer"), (5, "option_count")}
    assert all(p.file == "bank.xlsx" for p in err.value.problems if p.is_error)
    with app.app_context():
        assert db.session.scalar(select(func.count(QuestionVersion.id))) == 3
        assert db.session.scalar(select(func.count(Question.id))) == 3


def test_a_sheet_without_the_expected_columns_is_refused(app, tmp_path, facts_dir) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Câu hỏi", "Đáp án"])
    wb.active.append(["Một câu?", "A"])
    path = tmp_path / "wrong.xlsx"
    wb.save(path)
    with app.app_context(), pytest.raises(services.BankCheckFailed) as err:
        services.import_xlsx(db.session, path)
    (problem,) = err.value.problems
    assert problem.line == 1 and "Mã câu hỏi" in problem.message
    (tmp_path / "not.xlsx").write_text("not a workbook")
    with app.app_context(), pytest.raises(services.BankCheckFailed) as err:
        services.import_xlsx(db.session, tmp_path / "not.xlsx")
    assert err.value.problems[0].code == "xlsx_error"


def test_report_has_one_row_per_approved_question_with_fact_sources(app, import_bank,
                                                                    tmp_path) -> None:
    import_bank()
    path = tmp_path / "report.xlsx"
    with app.app_context():
        assert services.write_report(db.session, path) == 2
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    assert len(rows) == 3  # header + the two approved questions (the draft is left out)
    assert {r[0] for r in rows[1:]} == {"MOTCUA-001", "MOTCUA-002"}
    row = dict(zip(header, rows[2], strict=True))
    assert row["Câu hỏi"].startswith("Văn bản nào hiện quy định")
    assert row["Đáp án đúng"] == "A. Nghị định 118/2025/NĐ-CP"
    assert row["Căn cứ pháp lý"] == "Nghị định 118/2025/NĐ-CP"
    assert row["Mã dữ kiện"] == "C43"
    assert "https://chinhphu.vn/nd-118" in row["Nguồn của dữ kiện (tên, địa chỉ)"]
    assert row["Độ tin cậy"] == "primary"
    assert row["Giải thích"].startswith("Từ năm 2025")
    with app.app_context():
        assert services.write_report(db.session, path, statuses=("draft", "approved")) == 3
