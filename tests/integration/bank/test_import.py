"""Versioned import: added, new versions, retired (never deleted), unchanged; nothing written
when the check fails."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest_app.bank import rules, services
from contest_app.bank.models import Question, QuestionVersion, Topic
from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from tests.unit.bank.samples import questions, write_bank


def _question(key: str) -> Question:
    return db.session.scalar(select(Question).where(Question.key == key))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_first_import_adds_questions_with_version_one(app, import_bank, bank_dir) -> None:
    summary = import_bank()
    assert summary.added == ["MOTCUA-001", "MOTCUA-002", "MOTCUA-003"]
    assert summary.counts() == {"added": 3, "new_versions": 0, "retired": 0, "updated": 0,
                                "approved": 0, "left_alone": 0, "unchanged": 0}
    with app.app_context():
        question = _question("MOTCUA-003")
        (version,) = question.versions
        assert question.current_version == 1 and question.status == "draft"
        assert question.topic.name == "Cơ chế một cửa, một cửa liên thông"
        assert version.correct == [0, 1] and version.multiple
        assert version.facts == ["C44"] and version.confidence == "secondary"
        records, _ = rules.parse_path(bank_dir)
        assert version.content_hash == rules.content_hash(records[2])
        assert "bo phan nao tiep nhan ho so" in question.search_text
        # every topic of topics.yaml exists, in order
        keys = list(db.session.scalars(select(Topic.key).order_by(Topic.position)))
        assert keys[:2] == ["programme", "institutions"] and len(keys) == 9
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bank.import"))
        assert event.after["added"] == 3


def test_reimport_is_idempotent(app, import_bank) -> None:
    import_bank()
    summary = import_bank()
    assert summary.counts() == {"added": 0, "new_versions": 0, "retired": 0, "updated": 0,
                                "approved": 0, "left_alone": 0, "unchanged": 3}
    with app.app_context():
        assert _count(QuestionVersion) == 3
        assert _count(AuditEvent) == 1  # nothing changed, nothing logged


def test_changed_text_adds_a_version_and_keeps_the_old_one_intact(app, import_bank) -> None:
    import_bank()
    with app.app_context():
        old = _question("MOTCUA-001").versions[0]
        before = (old.id, old.text, list(old.options), list(old.correct), old.content_hash)
    items = questions(MOTCUA_001={"text": "Theo Nghị định 61/2018/NĐ-CP, mã số hồ sơ gồm "
                                          "những phần nào?", "answer": "B",
                                  "options": ["Số căn cước và ngày nộp",
                                              "Mã cơ quan giải quyết, ngày tiếp nhận và số "
                                              "thứ tự hồ sơ",
                                              "Mã tỉnh, mã huyện và mã xã nơi nộp",
                                              "Số điện thoại của người nộp hồ sơ"]})
    summary = import_bank(items)
    assert summary.new_versions == ["MOTCUA-001"] and summary.unchanged == 2
    with app.app_context():
        question = _question("MOTCUA-001")
        assert question.current_version == 2
        v1, v2 = question.versions
        # The version an earlier attempt points at is untouched: same row, text and key.
        assert (v1.id, v1.text, v1.options, v1.correct, v1.content_hash) == before
        assert v1.correct == [0] and v2.correct == [1]
        assert v2.text.endswith("những phần nào?") and v2.number == 2
        assert "nhung phan nao" in question.search_text
    assert import_bank(items).unchanged == 3


def test_metadata_change_updates_without_a_new_version(app, import_bank) -> None:
    import_bank()
    summary = import_bank(questions(MOTCUA_002={"difficulty": "hard", "status": "draft"}))
    assert summary.updated == ["MOTCUA-002"] and not summary.new_versions
    with app.app_context():
        question = _question("MOTCUA-002")
        # Merge never changes an existing question's status (only its attributes).
        assert (question.difficulty, question.status, question.current_version) == \
            ("hard", "approved", 1)


def test_merge_never_retires_a_missing_question(app, import_bank) -> None:
    import_bank()
    summary = import_bank(questions()[:2])
    assert summary.retired == [] and summary.unchanged == 2
    with app.app_context():
        assert _question("MOTCUA-003").status == "draft"


def test_replace_retires_a_missing_question_not_deletes_it(app, import_bank) -> None:
    import_bank()
    summary = import_bank(questions()[:2], mode=services.MODE_REPLACE)
    assert summary.retired == ["MOTCUA-003"]
    with app.app_context():
        question = _question("MOTCUA-003")
        assert question.status == "retired" and len(question.versions) == 1
        assert _count(Question) == 3
    assert import_bank(questions()[:2], mode=services.MODE_REPLACE).retired == []
    # Back in the file: a retirement is never undone by an import ("left alone").
    summary = import_bank()
    assert summary.left_alone == ["MOTCUA-003"] and not summary.updated
    with app.app_context():
        assert _question("MOTCUA-003").status == "retired"


def test_nothing_is_imported_when_the_check_fails(app, import_bank, facts_dir) -> None:
    items = questions(MOTCUA_002={"answer": "E"})
    with pytest.raises(services.BankCheckFailed) as err:
        import_bank(items)
    assert {p.code for p in err.value.problems if p.is_error} == {"answer_out_of_range"}
    with app.app_context():
        assert _count(Question) == 0 and _count(QuestionVersion) == 0
    import_bank()
    with pytest.raises(services.BankCheckFailed):
        import_bank(questions(MOTCUA_001={"text": "Changed"}, MOTCUA_002={"facts": ["C111"]}))
    with app.app_context():
        assert _question("MOTCUA-001").current_version == 1


def test_empty_bank_is_refused_instead_of_retiring_everything(app, import_bank,
                                                              tmp_path) -> None:
    import_bank()
    with pytest.raises(services.BankCheckFailed) as err:
        import_bank([], folder=tmp_path / "empty")
    assert err.value.problems[0].code == "no_questions"
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Question.status == "retired")) == 0


def test_single_file_import_in_merge_mode_retires_nothing(app, import_bank, tmp_path) -> None:
    import_bank()
    other = write_bank(tmp_path / "other", [{
        **questions()[1], "id": "DVCTT-001",
        "text": "Dịch vụ công trực tuyến toàn trình được cung cấp trên cổng nào?",
    }], topic="online_services")
    with app.app_context():
        summary, _ = services.import_path(db.session, other / "online_services.yaml")
        db.session.commit()
        assert summary.added == ["DVCTT-001"] and summary.retired == []
        assert _question("MOTCUA-001").status == "approved"
