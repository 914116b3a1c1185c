"""The facts that ship with the bank through the CLI (issue 16): `bank check` reads them and
prints the counts, the legal-check report is filled from them on a fresh clone."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from contest_app.bank import rules, services
from contest_app.bank.models import Question
from contest_app.extensions import db
from tests.conftest import csrf_token
from tests.unit.bank.samples import questions, write_bank


@pytest.fixture
def shipped_facts_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """FACTS_PATH unset and no markdown sheet read: only question_bank/facts/*.yaml."""
    monkeypatch.delenv("FACTS_PATH", raising=False)

    def no_sheets(*args: object, **kwargs: object) -> dict:
        raise AssertionError("a markdown fact sheet was consulted")

    monkeypatch.setattr(rules, "parse_fact_sheet", no_sheets)
    assert rules.resolve_facts_dir() == rules.DEFAULT_FACTS_DIR


def test_check_prints_the_pool_counts_and_the_share_of_recent_texts(app, shipped_facts_only,
                                                                     ) -> None:
    result = app.test_cli_runner().invoke(args=["bank", "check"])
    assert result.exit_code == 0, result.output
    records, _ = rules.parse_path(rules.DEFAULT_BANK_DIR)
    approved = [r for r in records if r.status == "approved"]
    official = sum(r.pool == "official" for r in approved)
    recent, total = rules.recent_share(approved, rules.load_facts())
    assert 0 < recent < total == len(approved)
    assert (f"Đã duyệt: {total} câu (chính thức: {official}, luyện tập: {total - official}); "
            f"dựa trên văn bản ban hành năm 2025–2026: {recent}/{total} "
            f"({round(100 * recent / total)} %).") in result.output


def test_check_fails_on_a_broken_fact_file_naming_file_and_line(app, tmp_path, monkeypatch,
                                                                 ) -> None:
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "mine.yaml").write_text(
        "facts:\n  - id: C43\n    statement: \"x\"\n    document: \"Nghị định 118/2025/NĐ-CP\"\n"
        "    issued: \"9/6/2025\"\n    quote: \"x\"\n    source:\n      title: \"x\"\n"
        "      url: \"\"\n    confidence: primary\n    confirmed: \"x\"\n"
        "    read_on: \"2026-12-03\"\n", encoding="utf-8")
    monkeypatch.setenv("FACTS_PATH", str(facts))
    bank = write_bank(tmp_path / "bank")
    result = app.test_cli_runner().invoke(args=["bank", "check", str(bank)])
    assert result.exit_code == 1
    assert f"{facts / 'mine.yaml'}:5: [C43] Ngày ban hành (issued) «9/6/2025»" in result.output
    assert "Mã dữ kiện B7 không có trong các tệp dữ kiện" in result.output


def test_report_on_the_shipped_bank_finds_every_fact(app, shipped_facts_only,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    with app.app_context():
        services.import_path(db.session, rules.DEFAULT_BANK_DIR, approve=True)
        db.session.commit()
        count = services.write_report(db.session, path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    header = list(rows[0])
    assert count == len(rows) - 1 > 100
    for values in rows[1:]:
        row = dict(zip(header, values, strict=True))
        text = "\n".join(str(v) for v in values if v)
        assert "không tìm thấy" not in text, row["Mã câu hỏi"]
        cited = row["Mã dữ kiện"].split(", ")
        for name in ("Văn bản của dữ kiện (số, ngày ban hành, điều khoản)",
                     "Trích dẫn nguyên văn", "Nguồn của dữ kiện (tên, địa chỉ)",
                     "Mức xác nhận của dữ kiện", "Ngày đọc nguồn"):
            assert [line.split(":")[0] for line in row[name].splitlines()
                    if line[:1].isupper() and line.split(":")[0] in cited] == cited, \
                (row["Mã câu hỏi"], name)
    c59 = services.fact_trail(rules.load_facts() or {}, ["C59"])
    assert c59[0] == "C59: Nghị định 118/2025/NĐ-CP, ngày 09/6/2025"
    assert c59[1].startswith("C59: …là tổ chức hành chính thuộc Văn phòng")
    assert c59[3].startswith("C59: https://ketoandaiduong.com/")
    assert c59[5] == "C59: 03/12/2026" and c59[6] == ""
    c38 = services.fact_trail(rules.load_facts() or {}, ["C38"])
    assert c38[6] == "C38: thay bằng Nghị định 118/2025/NĐ-CP từ 01/7/2025"
    missing = services.fact_trail({}, ["Z1"])
    assert "không tìm thấy" in missing[0] and "không tìm thấy" in missing[2]


def test_sources_prints_or_writes_the_generated_file(app, tmp_path, shipped_facts_only) -> None:
    runner = app.test_cli_runner()
    printed = runner.invoke(args=["bank", "sources"])
    assert printed.exit_code == 0, printed.output
    shipped = (rules.DEFAULT_BANK_DIR / "SOURCES.md").read_text(encoding="utf-8")
    assert printed.output == shipped
    bank = write_bank(tmp_path / "bank")
    written = runner.invoke(args=["bank", "sources", str(bank), "--write"])
    assert written.exit_code == 0 and f"Đã ghi {bank / 'SOURCES.md'}." in written.output
    text = (bank / "SOURCES.md").read_text(encoding="utf-8")
    assert "### B7 — Nghị định 61/2018/NĐ-CP (23/4/2018)" in text
    assert "- questions: MOTCUA-001\n" in text and "cite 3 facts" in text


def test_sources_refuses_a_broken_bank(app, tmp_path, shipped_facts_only) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "x.yaml").write_text("topic: one_stop\nquestions: [\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["bank", "sources", str(bank), "--write"])
    assert result.exit_code == 1 and "YAML sai cú pháp" in result.output
    assert not (bank / "SOURCES.md").exists()


def test_a_draft_on_an_unconfirmed_fact_imports_but_cannot_be_approved(app, client, login_as,
                                                                      import_bank) -> None:
    summary = import_bank(questions(MOTCUA_003={"facts": ["B9"]}))  # B9 is UNCONFIRMED
    assert summary.counts()["added"] == 3
    login_as("organiser")
    base = "/ban-to-chuc/ngan-hang-cau-hoi"
    token = csrf_token(client, f"{base}/MOTCUA-003")
    response = client.post(f"{base}/MOTCUA-003/duyet", data={
        "approve-version": "1", "approve-confirm": "y", "approve-csrf_token": token})
    assert response.status_code == 302
    page = client.get(f"{base}/MOTCUA-003").get_data(as_text=True)
    assert "Chưa thể duyệt" in page and "B9" in page and "UNCONFIRMED" in page
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == "MOTCUA-003"))
        assert question.status == "draft" and question.versions[0].approved_at is None
