"""Parser and validator of the bank: one broken file per rule, no app, no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from contest_app.bank import rules
from contest_app.bank.rules import QuestionRecord

from .samples import dump, questions, write_bank, write_facts


@pytest.fixture
def facts_dir(tmp_path: Path) -> Path:
    return write_facts(tmp_path / "facts")


def check(tmp_path: Path, facts_dir: Path | None, items=None, text: str | None = None,
          name: str = "one_stop.yaml") -> rules.CheckResult:
    folder = tmp_path / "bank"
    if text is not None:
        folder.mkdir(exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    else:
        write_bank(folder, items, name=name)
    return rules.check_path(folder, facts_dir=facts_dir or tmp_path / "no-facts")


def codes(result: rules.CheckResult, severity: str = rules.ERROR) -> set[str]:
    return {p.code for p in result.problems if p.severity == severity}


def test_valid_bank_has_no_problem(tmp_path, facts_dir) -> None:
    result = check(tmp_path, facts_dir)
    assert result.ok and result.facts_checked
    assert [p.format() for p in result.problems] == []
    assert [r.id for r in result.records] == ["MOTCUA-001", "MOTCUA-002", "MOTCUA-003"]


def test_records_keep_their_line_and_parsed_values(tmp_path, facts_dir) -> None:
    result = check(tmp_path, facts_dir)
    text = (tmp_path / "bank" / "one_stop.yaml").read_text(encoding="utf-8").splitlines()
    for record in result.records:
        assert text[record.line - 1].strip() == f"- id: {record.id}"
        assert record.topic == "one_stop"
    first, _, third = result.records
    assert first.answer == ["A"] and first.correct == [0] and not first.multiple
    assert third.answer == ["A", "B"] and third.correct == [0, 1] and third.multiple
    assert first.facts == ["B7"]


def test_malformed_yaml_is_reported_with_its_line(tmp_path, facts_dir) -> None:
    text = "topic: one_stop\nquestions:\n  - id: MOTCUA-001\n    text: \"unclosed\n    x: [\n"
    result = check(tmp_path, facts_dir, text=text)
    assert codes(result) == {"yaml_error"}
    (problem,) = result.errors
    assert problem.file.endswith("one_stop.yaml") and problem.line >= 4
    assert "YAML sai cú pháp" in problem.message


@pytest.mark.parametrize("text, code", [
    ("- just\n- a list\n", "structure"),
    ("topic: one_stop\n", "structure"),
    ("questions: []\n", "structure"),
    ("topic: one_stop\nquestions:\n  - plain text\n", "structure"),
    ("topic: one_stop\nquestions: []\nextra: 1\n", "unknown_field"),
])
def test_file_structure_errors(tmp_path, facts_dir, text, code) -> None:
    assert code in codes(check(tmp_path, facts_dir, text=text))


def test_unknown_and_repeated_fields_are_errors(tmp_path, facts_dir) -> None:
    text = dump(questions(MOTCUA_001={"anwser": "A"}))
    result = check(tmp_path, facts_dir, text=text)
    assert "unknown_field" in codes(result)
    text = dump(questions()).replace("  difficulty: easy\n",
                                     "  difficulty: easy\n  difficulty: hard\n", 1)
    result = check(tmp_path, facts_dir, text=text)
    assert "duplicate_field" in codes(result)


def test_options_must_be_a_list(tmp_path, facts_dir) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_001={"options": "A hoặc B"}))
    assert codes(result) == {"structure"}


def test_duplicate_ids_across_files(tmp_path, facts_dir) -> None:
    folder = write_bank(tmp_path / "bank")
    other = questions()[:1]
    other[0]["text"] = "Một câu hỏi khác hẳn về tổ chức bộ máy hành chính nhà nước?"
    write_bank(folder, other, topic="one_stop", name="zz_other.yaml")
    result = rules.check_path(folder, facts_dir=facts_dir)
    (problem,) = [p for p in result.errors if p.code == "duplicate_id"]
    assert problem.file.endswith("zz_other.yaml") and problem.qid == "MOTCUA-001"
    assert "one_stop.yaml" in problem.message


@pytest.mark.parametrize("options", [["Chỉ một phương án"],
                                     [f"Phương án số {i}" for i in range(7)]])
def test_option_count_out_of_range(tmp_path, facts_dir, options) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_001={"options": options}))
    assert "option_count" in codes(result)


def test_duplicate_options(tmp_path, facts_dir) -> None:
    options = ["Nghị định 118/2025/NĐ-CP", "nghị  định 118/2025/nđ-cp", "Luật 80/2025/QH15",
               "Luật 64/2025/QH15"]
    result = check(tmp_path, facts_dir, questions(MOTCUA_002={"options": options}))
    (problem,) = [p for p in result.errors if p.code == "duplicate_option"]
    assert problem.qid == "MOTCUA-002" and "B" in problem.message and "A" in problem.message


def test_empty_option(tmp_path, facts_dir) -> None:
    options = ["Một", "", "Ba", "Bốn"]
    assert "empty_option" in codes(check(tmp_path, facts_dir,
                                         questions(MOTCUA_002={"options": options})))


@pytest.mark.parametrize("answer, code", [
    (None, "no_answer"),
    ("", "no_answer"),
    ([], "no_answer"),
    ("E", "answer_out_of_range"),
    (["A", "F"], "answer_out_of_range"),
    ("1", "answer_format"),
    ("G", "answer_format"),
    (["A", "A"], "answer_format"),
])
def test_answer_errors(tmp_path, facts_dir, answer, code) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_003={"answer": answer}))
    if answer is None:  # the field removed altogether
        assert "no_answer" in codes(result)
    else:
        assert code in codes(result), [p.format() for p in result.problems]


@pytest.mark.parametrize("answer", [["A", "C"], "A, C", "AC"])
def test_single_answer_question_with_several_letters(tmp_path, facts_dir, answer) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_001={"answer": answer}))
    problems = [p for p in result.errors if p.code == "several_answers_single"]
    if answer == "AC":  # one token, not a letter
        assert "answer_format" in codes(result)
    else:
        assert problems and problems[0].qid == "MOTCUA-001"


def test_multiple_answer_marker_allows_several_letters(tmp_path, facts_dir) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_003={"answer": "A, B"}))
    assert result.ok
    result = check(tmp_path, facts_dir, questions(MOTCUA_003={"answer": "A"}))
    assert result.ok and "single_answer_multi" in codes(result, rules.WARNING)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_text(tmp_path, facts_dir, text) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_002={"text": text}))
    assert "empty_text" in codes(result)


@pytest.mark.parametrize("field, value, code", [
    ("difficulty", "very hard", "unknown_difficulty"),
    ("difficulty", None, "unknown_difficulty"),
    ("confidence", "tertiary", "unknown_confidence"),
    ("confidence", None, "unknown_confidence"),
    ("status", "published", "unknown_status"),
    ("status", None, "unknown_status"),
])
def test_unknown_enumerated_values(tmp_path, facts_dir, field, value, code) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_002={field: value}))
    (problem,) = [p for p in result.errors if p.code == code]
    assert problem.qid == "MOTCUA-002"


def test_unknown_topic(tmp_path, facts_dir) -> None:
    folder = write_bank(tmp_path / "bank", topic="astrology")
    result = rules.check_path(folder, facts_dir=facts_dir)
    assert "unknown_topic" in codes(result)


@pytest.mark.parametrize("field, code", [("legal_basis", "missing_legal_basis"),
                                         ("explanation", "missing_explanation")])
@pytest.mark.parametrize("value", [None, ""])
def test_missing_legal_basis_and_explanation(tmp_path, facts_dir, field, code, value) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_001={field: value}))
    assert code in codes(result)


# --- issue 10: facts ---------------------------------------------------------------------

def test_fact_id_missing_from_the_sheets(tmp_path, facts_dir) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_001={"facts": ["B7", "C999"]}))
    (problem,) = result.errors
    assert problem.code == "unknown_fact" and "C999" in problem.message


@pytest.mark.parametrize("fact, flag", [("B9", "UNCONFIRMED"), ("C111", "AVOID")])
def test_fact_marked_unconfirmed_or_avoid(tmp_path, facts_dir, fact, flag) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_001={"facts": [fact]}))
    (problem,) = result.errors
    assert problem.code == "unusable_fact" and flag in problem.message


def test_partly_unconfirmed_fact_is_a_warning(tmp_path, facts_dir) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_001={"facts": ["D68"]}))
    assert result.ok and "partly_unconfirmed_fact" in codes(result, rules.WARNING)


def test_missing_facts_folder_skips_fact_checks_with_a_warning(tmp_path) -> None:
    result = check(tmp_path, None, questions(MOTCUA_001={"facts": ["C999"]}))
    assert result.ok and not result.facts_checked
    assert "facts_skipped" in codes(result, rules.WARNING)


def test_question_without_facts_is_a_warning(tmp_path, facts_dir) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_001={"facts": None}))
    assert result.ok and "missing_facts" in codes(result, rules.WARNING)


def test_facts_path_comes_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("FACTS_PATH", str(tmp_path))
    assert rules.resolve_facts_dir() == tmp_path
    monkeypatch.delenv("FACTS_PATH")
    assert rules.resolve_facts_dir() == rules.DEFAULT_FACTS_DIR == \
        rules.REPO_ROOT / "question_bank" / "facts"


def test_fact_sheet_rows_and_their_sources(facts_dir) -> None:
    facts = rules.load_facts(facts_dir)
    assert set(facts) == {"A1", "B2", "B7", "B9", "C43", "C44", "C111", "D68"}
    assert facts["C43"].source == "Cổng TTĐT https://chinhphu.vn/nd-118"
    assert "plan.txt" in facts["A1"].source
    assert facts["B9"].unusable == "UNCONFIRMED" and facts["C111"].unusable == "AVOID"
    assert facts["B2"].unusable is None and facts["D68"].partly_unconfirmed
    assert rules.load_facts(facts_dir / "missing") is None


def test_shipped_facts_hold_every_row_of_the_shared_sheets(monkeypatch) -> None:
    monkeypatch.delenv("FACTS_PATH", raising=False)
    facts, problems = rules.load_fact_rows()
    assert problems == []
    expected = ({f"A{i}" for i in range(1, 23)} | {f"B{i}" for i in range(1, 17)}
                | {f"C{i}" for i in range(1, 144)} | {f"D{i}" for i in range(1, 94)})
    assert expected <= set(facts) and all(f.structured for f in facts.values())


# --- issue 10: quality rules ---------------------------------------------------------------

@pytest.mark.parametrize("option", [
    "Tất cả các đáp án trên", "Tất cả đều đúng", "Cả A và B đều đúng", "Cả hai phương án trên",
    "Cả ba ý trên", "tat ca cac dap an tren", "Các ý trên đều sai", "Đáp án A và C",
    "Không có đáp án nào đúng", "A và B đều đúng", "Tất cả các ý trên", "Cả A, B và C",
])
def test_all_of_the_above_options(tmp_path, facts_dir, option) -> None:
    options = questions()[1]["options"][:3] + [option]
    result = check(tmp_path, facts_dir, questions(MOTCUA_002={"options": options}))
    (problem,) = [p for p in result.errors if p.code == "all_of_the_above"]
    assert problem.qid == "MOTCUA-002" and "D" in problem.message


@pytest.mark.parametrize("option", ["Tất cả cơ quan hành chính nhà nước", "Cải cách thể chế",
                                    "Ủy ban nhân dân cấp xã và cấp tỉnh",
                                    "Tất cả ý kiến của người dân được tiếp nhận",
                                    "Trong cả năm 2025", "Phương án bố trí biên chế"])
def test_ordinary_options_are_not_all_of_the_above(option) -> None:
    assert rules.all_of_the_above(option) is None


def test_near_duplicate_stems_name_both_ids(tmp_path, facts_dir) -> None:
    text = questions()[0]["text"].replace("những thành phần nào", "các thành phần gì")
    items = questions(MOTCUA_002={"text": text})
    result = check(tmp_path, facts_dir, items)
    (problem,) = [p for p in result.errors if p.code == "near_duplicate"]
    assert problem.qid == "MOTCUA-002" and problem.other_id == "MOTCUA-001"
    assert "MOTCUA-001" in problem.message and "MOTCUA-002" in problem.message


def test_overlap_is_shared_words_over_all_words_of_both_stems() -> None:
    a = rules.stem_words("Thủ tục hành chính là gì?")
    b = rules.stem_words("thu tuc hanh chinh la gi")
    assert rules.overlap(a, b) == 1.0
    assert rules.overlap({"a", "b", "c", "d", "e"}, {"a", "b", "c", "x", "y"}) == 3 / 7
    assert rules.overlap({"a", "b", "c", "d"}, {"a", "b", "c", "d", "e"}) == 0.8


def test_retired_questions_do_not_count_as_near_duplicates(tmp_path, facts_dir) -> None:
    items = questions(MOTCUA_002={"text": questions()[0]["text"], "status": "retired"})
    assert "near_duplicate" not in codes(check(tmp_path, facts_dir, items))


@pytest.mark.parametrize("stem, phrase", [
    ("Cơ quan nào không có thẩm quyền tiếp nhận hồ sơ?", "nào không"),
    ("Văn bản nào sau đây không phải là nghị định?", "đây không"),
    ("Văn bản không phải là nghị định là văn bản nào?", "không phải"),
    ("Nhận định nào sau đây là sai?", "là sai"),
    ("Tất cả các cơ quan sau đều tiếp nhận hồ sơ, ngoại trừ:", "ngoại trừ"),
    ("Nội dung nào không thuộc cải cách thể chế?", "nào không"),
    ("Hồ sơ không được tiếp nhận khi nào?", "không được"),
    ("Nghị định 20/2008/NĐ-CP không điều chỉnh vấn đề gì?", "không điều chỉnh"),
    ("Thủ tục nào sau đây không áp dụng cơ chế một cửa?", "đây không"),
])
def test_negative_stem_must_be_in_capitals(tmp_path, facts_dir, stem, phrase) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_002={"text": stem}))
    (problem,) = [p for p in result.errors if p.code == "negative_lowercase"]
    assert phrase in problem.message and problem.qid == "MOTCUA-002"


@pytest.mark.parametrize("stem", [
    "Cơ quan nào KHÔNG có thẩm quyền tiếp nhận hồ sơ?",
    "Văn bản nào sau đây KHÔNG PHẢI là nghị định?",
    "Nhận định nào sau đây SAI?",
    "Các cơ quan sau đều tiếp nhận hồ sơ, NGOẠI TRỪ:",
    "Quy hoạch không gian đô thị thuộc nhiệm vụ của cơ quan nào?",
    "Hồ sơ có được tiếp nhận qua mạng hay không?",
    "Xử lý sai sót trong hồ sơ thuộc trách nhiệm của ai?",
    "Cải cách hành chính không chỉ là nhiệm vụ của cơ quan nhà nước mà còn của ai?",
])
def test_non_negative_or_capitalised_stems_pass(stem) -> None:
    assert rules.lowercase_negative(stem) is None


def test_single_answer_without_four_options_is_a_warning(tmp_path, facts_dir) -> None:
    options = questions()[1]["options"][:3]
    result = check(tmp_path, facts_dir, questions(MOTCUA_002={"options": options}))
    assert result.ok and "four_options" in codes(result, rules.WARNING)


def test_long_key_in_more_than_a_third_of_the_bank_is_a_warning(tmp_path, facts_dir) -> None:
    long_key = "Nghị định 118/2025/NĐ-CP về thực hiện cơ chế một cửa, một cửa liên thông"
    options = [long_key, *questions()[1]["options"][1:]]
    result = check(tmp_path, facts_dir, questions(MOTCUA_002={"options": options}))
    # One tell among the two single-answer questions: more than a third of the bank.
    assert rules.key_is_longest(result.records[1])
    assert result.ok and codes(result, rules.WARNING) == {"long_key"}


def test_long_key_rule_counts_the_share_of_the_bank(tmp_path, facts_dir) -> None:
    def record(i: int, key_len: int) -> QuestionRecord:
        return QuestionRecord(id=f"MOTCUA-{i:03d}", topic="one_stop", difficulty="easy",
                              text=f"Câu hỏi số {i} về chủ đề riêng {i * 7}?",
                              options=["x" * key_len, "y" * 10, "z" * 10, "w" * 10],
                              answer=["A"], status="approved")
    one_in_three = [record(1, 20), record(2, 10), record(3, 10)]
    assert not [p for p in rules._long_key_tell(one_in_three)]
    two_in_three = [record(1, 20), record(2, 20), record(3, 10)]
    (problem,) = rules._long_key_tell(two_in_three)
    assert problem.severity == rules.WARNING and "2/3" in problem.message


def test_words_without_diacritics_are_a_warning(tmp_path, facts_dir) -> None:
    stem = "Theo Nghi dinh 61/2018/NĐ-CP, ma so ho so thu tuc hanh chinh gồm gì?"
    result = check(tmp_path, facts_dir, questions(MOTCUA_001={"text": stem}))
    (problem,) = [p for p in result.warnings if p.code == "no_diacritics"]
    for word in ("nghi dinh", "ho so", "thu tuc", "hanh chinh"):
        assert word in problem.message


def test_id_should_carry_the_topic_prefix(tmp_path, facts_dir) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_002={"id": "TTHC-002"}))
    assert result.ok and "id_format" in codes(result, rules.WARNING)
    result = check(tmp_path, facts_dir, questions(MOTCUA_002={"id": "MỘT CỬA 2"}))
    assert "bad_id" in codes(result)


# --- messages, hash, helpers ---------------------------------------------------------------

def test_problem_format_is_file_line_id_message(tmp_path, facts_dir) -> None:
    result = check(tmp_path, facts_dir, questions(MOTCUA_002={"legal_basis": ""}))
    (problem,) = result.errors
    line = problem.format()
    assert line.startswith(f"{problem.file}:{problem.line}: [MOTCUA-002] ")
    assert line.endswith("Thiếu căn cứ pháp lý (legal_basis).")
    text = (tmp_path / "bank" / "one_stop.yaml").read_text(encoding="utf-8").splitlines()
    assert text[problem.line - 1].strip().startswith("legal_basis:")


def test_content_hash_follows_the_content_only(tmp_path, facts_dir) -> None:
    records = check(tmp_path, facts_dir).records
    base = records[0]
    same = check(tmp_path, facts_dir).records[0]
    assert rules.content_hash(base) == rules.content_hash(same)
    assert len(rules.content_hash(base)) == 64

    def changed(**fields) -> str:
        record = QuestionRecord(**{**base.__dict__, **fields})
        return rules.content_hash(record)

    for fields in ({"text": base.text + "?"}, {"options": base.options[::-1]},
                   {"answer": ["B"]}, {"explanation": "Khác."}, {"legal_basis": "Luật khác"},
                   {"facts": ["C43"]}, {"confidence": "primary"}):
        assert changed(**fields) != rules.content_hash(base), fields
    for fields in ({"status": "retired"}, {"difficulty": "hard"}, {"file": "x.yaml", "line": 9}):
        assert changed(**fields) == rules.content_hash(base), fields


def test_values_are_trimmed_and_normalised(tmp_path, facts_dir) -> None:
    decomposed = "Thu\u0309 tu\u0323c"  # NFD "Thủ tục"
    items = questions(MOTCUA_002={"text": f"  {decomposed} nào được công khai?  "})
    record = check(tmp_path, facts_dir, items).records[1]
    assert record.text == "Thủ tục nào được công khai?"


def test_fold_keeps_one_character_per_character() -> None:
    text = "Đơn giản hóa THỦ TỤC hành chính"
    assert rules.fold(text) == "don gian hoa thu tuc hanh chinh"
    assert len(rules.fold(text)) == len(text)


def test_enumerations_match_the_models() -> None:
    from contest_app.bank import models

    assert rules.DIFFICULTIES == models.DIFFICULTIES
    assert rules.STATUSES == models.STATUSES
    assert rules.CONFIDENCES == models.CONFIDENCES


def test_shipped_topics_file_lists_the_nine_topics() -> None:
    topics = rules.load_topics(rules.DEFAULT_BANK_DIR / rules.TOPICS_FILE)
    assert list(topics) == ["programme", "institutions", "procedures", "apparatus",
                            "civil_service", "public_finance", "digital_government",
                            "one_stop", "online_services"]
    assert topics["one_stop"].prefix == "MOTCUA"
    assert topics["one_stop"].name == "Cơ chế một cửa, một cửa liên thông"


def test_a_single_file_can_be_checked(tmp_path, facts_dir) -> None:
    folder = write_bank(tmp_path / "bank")
    result = rules.check_path(folder / "one_stop.yaml", facts_dir=facts_dir)
    assert result.ok and len(result.records) == 3
    missing = rules.check_path(tmp_path / "nope", facts_dir=facts_dir)
    assert not missing.ok


def test_the_readme_example_passes_the_checker(tmp_path) -> None:
    readme = (rules.DEFAULT_BANK_DIR / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    records, problems = rules.parse_text(example, "README.md")
    facts = rules.parse_fact_sheet("| id | fact | mark |\n|---|---|---|\n| B7 | x | secondary |",
                                   "FACTS.md")
    topics = rules.load_topics(rules.DEFAULT_BANK_DIR / rules.TOPICS_FILE)
    assert problems + rules.validate(records, topics, facts) == []
    assert records[0].id == "MOTCUA-001" and records[0].correct == [0]
