"""The bank format's optional `pool` and `group` keys: YAML parse and check, Excel round trip."""

from __future__ import annotations

from contest_app.bank import rules, services
from contest_app.bank.models import Question
from contest_app.extensions import db

YAML = """topic: t
questions:
  - id: T-001
    difficulty: easy
    text: "Câu hỏi thứ nhất về cải cách hành chính?"
    options: ["Một", "Hai", "Ba", "Bốn"]
    answer: A
    explanation: "Vì thế."
    legal_basis: "Văn bản X"
    confidence: secondary
    status: approved
    pool: practice
    group: cap-01
  - id: T-002
    difficulty: easy
    text: "Hỏi gì đó khác hẳn hoàn toàn nữa nhé?"
    options: ["Năm", "Sáu", "Bảy", "Tám"]
    answer: B
    explanation: "Vì thế."
    legal_basis: "Văn bản X"
    confidence: secondary
    status: approved
    pool: bogus
    group: "có dấu"
"""


def test_yaml_pool_and_group_are_parsed_and_checked() -> None:
    records, problems = rules.parse_text(YAML, "t.yaml")
    assert not problems
    first, second = records
    assert (first.pool, first.group) == ("practice", "cap-01")
    topics = {"t": rules.TopicDef("t", "T")}
    codes = {p.code for p in rules.validate(records, topics, {}) if p.is_error}
    assert {"unknown_pool", "bad_group"} <= codes
    codes_first = {p.code for p in rules.check_record(first, topics, {}) if p.is_error}
    assert not codes_first & {"unknown_pool", "bad_group"}


def test_missing_pool_means_official() -> None:
    text = YAML.split("  - id: T-002")[0].replace("    pool: practice\n", "")
    (record,), _ = rules.parse_text(text, "t.yaml")
    assert record.pool == "official" and record.group == "cap-01"


def test_excel_round_trip_keeps_pool_and_group(app, import_bank, tmp_path) -> None:
    import_bank()
    path = tmp_path / "bank.xlsx"
    with app.app_context():
        question = db.session.scalars(db.select(Question).order_by(Question.key)).first()
        key = question.key
        question.pool, question.draw_group = "practice", "g1"
        db.session.commit()
        services.export_xlsx(db.session, path)
        question.pool, question.draw_group = "official", ""
        db.session.commit()
        summary, _ = services.import_xlsx(db.session, path)
        db.session.commit()
        assert summary.updated == [key] and not summary.new_versions
        question = db.session.scalar(db.select(Question).where(Question.key == key))
        assert (question.pool, question.draw_group) == ("practice", "g1")
        summary, _ = services.import_xlsx(db.session, path)
        assert not summary.changed
