"""The facts that ship with the bank (`question_bank/facts/*.yaml`, issue 16): the loader's
validation, and the `bank check` rules on the questions that cite them."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from contest_app.bank import rules

from .samples import questions, write_bank

FACT: dict[str, Any] = {
    "id": "C59",
    "statement": "Theo Nghị định 118/2025/NĐ-CP, Trung tâm Phục vụ hành chính công cấp tỉnh thuộc "
                 "Văn phòng UBND cấp tỉnh.",
    "document": "Nghị định 118/2025/NĐ-CP",
    "issued": "2025-06-09",
    "provision": "Điều 7",
    "quote": "…là tổ chức hành chính thuộc Văn phòng Ủy ban nhân dân cấp tỉnh…",
    "source": {"title": "ketoandaiduong.com", "url": "https://ketoandaiduong.com/nd-118"},
    "confidence": "secondary",
    "confirmed": "1 source (LEGAL_FACTS.md C59)",
    "read_on": "2026-12-03",
}


def fact(**changes: Any) -> dict[str, Any]:
    """A copy of FACT; a value of None removes the field."""
    row = copy.deepcopy(FACT)
    for name, value in changes.items():
        if value is None:
            row.pop(name, None)
        else:
            row[name] = value
    return row


def yaml_text(rows: list[dict[str, Any]]) -> str:
    import yaml
    return yaml.safe_dump({"facts": rows}, allow_unicode=True, sort_keys=False, width=1000)


def write_facts_yaml(folder: Path, rows: list[dict[str, Any]], name: str = "facts.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml_text(rows), encoding="utf-8")
    return folder


# The base bank's facts (B7, C43, C44) as YAML rows; B7 is about the replaced Nghị định 61/2018.
BANK_FACTS = [
    fact(id="B7", document="Nghị định 61/2018/NĐ-CP", issued="2018-04-23",
         replaced_by="Nghị định 118/2025/NĐ-CP", replaced_on="2025-07-01"),
    fact(id="C43"),
    fact(id="C44"),
]


def check(tmp_path: Path, items: list[dict[str, Any]] | None = None,
          rows: list[dict[str, Any]] | None = None) -> rules.CheckResult:
    facts = write_facts_yaml(tmp_path / "facts", BANK_FACTS if rows is None else rows)
    return rules.check_path(write_bank(tmp_path / "bank", items), facts_dir=facts)


def codes(result: rules.CheckResult, severity: str = rules.ERROR) -> set[str]:
    return {p.code for p in result.problems if p.severity == severity}


def load(tmp_path: Path, rows: list[dict[str, Any]]) -> tuple[dict, list[rules.Problem]]:
    facts, problems = rules.load_fact_rows(write_facts_yaml(tmp_path / "f", rows))
    return facts or {}, problems


# --- the loader ---------------------------------------------------------------------------

def test_a_valid_row_is_read_with_every_field(tmp_path) -> None:
    facts, problems = load(tmp_path, [fact(replaced_by="X", replaced_on="2026")])
    assert problems == []
    row = facts["C59"]
    assert (row.document, row.issued, row.provision) == ("Nghị định 118/2025/NĐ-CP",
                                                         "2025-06-09", "Điều 7")
    assert row.quote.startswith("…là tổ chức") and row.source_url.endswith("/nd-118")
    assert row.source == "ketoandaiduong.com — https://ketoandaiduong.com/nd-118"
    assert row.structured and row.recent and row.unusable is None
    assert (row.replaced_by, row.replaced_on) == ("X", "2026")
    assert row.line == 2


@pytest.mark.parametrize("changes, code, field", [
    ({"statement": None}, "fact_missing_field", "statement"),
    ({"document": None}, "fact_missing_field", "document"),
    ({"read_on": None}, "fact_missing_field", "read_on"),
    ({"source": None}, "fact_missing_field", "source"),
    ({"confirmed": ""}, "fact_empty_field", "confirmed"),
    ({"document": ""}, "fact_empty_field", "document"),
])
def test_required_fields(tmp_path, changes, code, field) -> None:
    facts, problems = load(tmp_path, [fact(**changes)])
    (problem,) = problems
    assert problem.code == code and f"«{field}»" in problem.message
    assert problem.qid == "C59" and problem.file.endswith("facts.yaml")


@pytest.mark.parametrize("fid", ["c59", "C-59", "CC59", "59"])
def test_id_pattern(tmp_path, fid) -> None:
    facts, problems = load(tmp_path, [fact(id=fid)])
    assert [p.code for p in problems] == ["fact_bad_id"] and facts == {}


def test_a_row_without_id_is_refused(tmp_path) -> None:
    facts, problems = load(tmp_path, [fact(id=None)])
    assert [p.code for p in problems] == ["fact_missing_field"] and facts == {}


def test_ids_are_unique_across_files(tmp_path) -> None:
    folder = write_facts_yaml(tmp_path / "f", [fact()], name="a.yaml")
    write_facts_yaml(folder, [fact(id="C60"), fact()], name="b.yaml")
    facts, problems = rules.load_fact_rows(folder)
    (problem,) = problems
    assert problem.code == "fact_duplicate_id" and problem.file.endswith("b.yaml")
    lines = (folder / "b.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1] == "- id: C59" and "a.yaml:2" in problem.message
    assert set(facts) == {"C59", "C60"} and facts["C59"].file.endswith("a.yaml")


@pytest.mark.parametrize("changes", [
    {"issued": "09/6/2025"}, {"issued": "2025-02-30"}, {"read_on": "2026"},
    {"read_on": "hôm nay"}, {"replaced_on": "2025-07-01"},  # no replaced_by
    {"replaced_by": "X", "replaced_on": "1/7/2025"},
])
def test_dates(tmp_path, changes) -> None:
    _, problems = load(tmp_path, [fact(**changes)])
    assert [p.code for p in problems] == ["fact_bad_date"]


def test_issued_may_be_a_year_or_unknown(tmp_path) -> None:
    _, problems = load(tmp_path, [fact(issued="2021"), fact(id="C60", issued="")])
    assert problems == []


def test_unquoted_dates_are_read_as_written(tmp_path) -> None:
    text = yaml_text([fact()]).replace("'2025-06-09'", "2025-06-09").replace(
        "'2026-12-03'", "2026-12-03")
    assert "issued: 2025-06-09" in text and "read_on: 2026-12-03" in text
    facts, problems = rules.parse_fact_file(text, "x.yaml")
    assert problems == [] and (facts[0].issued, facts[0].read_on) == ("2025-06-09",
                                                                      "2026-12-03")


def test_the_readme_facts_example_is_valid() -> None:
    readme = (rules.DEFAULT_BANK_DIR / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\nfacts:", 1)[1].split("```", 1)[0]
    facts, problems = rules.parse_fact_file("facts:" + example, "README.md")
    assert problems == [] and facts[0].id == "C59" and facts[0].recent


@pytest.mark.parametrize("changes, code", [
    ({"confidence": "tertiary"}, "fact_bad_confidence"),
    ({"mark": "secondary"}, "fact_unknown_field"),
    ({"source": {"title": "x", "url": "ftp://x"}}, "fact_bad_url"),
    ({"source": "ketoandaiduong.com"}, "fact_structure"),
    ({"source": {"title": "x", "link": "https://x"}}, "fact_structure"),
    ({"statement": ["a", "b"]}, "fact_structure"),
])
def test_field_values(tmp_path, changes, code) -> None:
    _, problems = load(tmp_path, [fact(**changes)])
    assert code in {p.code for p in problems}


def test_file_structure_and_syntax(tmp_path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "a.yaml").write_text("facts: [\n", encoding="utf-8")
    (folder / "b.yaml").write_text("- id: C1\n", encoding="utf-8")
    _, problems = rules.load_fact_rows(folder)
    assert [(Path(p.file).name, p.code) for p in problems] == [
        ("a.yaml", "yaml_error"), ("b.yaml", "fact_structure")]
    assert "YAML sai cú pháp" in problems[0].message


def test_fact_file_problems_fail_the_bank_check(tmp_path) -> None:
    result = check(tmp_path, rows=[*BANK_FACTS, fact(id="C60", read_on="")])
    assert not result.ok and codes(result) == {"fact_empty_field"}


def test_the_default_folder_is_the_shipped_facts(monkeypatch) -> None:
    monkeypatch.delenv("FACTS_PATH", raising=False)
    assert rules.resolve_facts_dir() == rules.DEFAULT_BANK_DIR / "facts"
    assert "C59" in (rules.load_facts() or {})


def test_facts_path_may_hold_yaml_and_legacy_sheets(tmp_path) -> None:
    folder = write_facts_yaml(tmp_path / "f", [fact(id="B7", quote="từ YAML")])
    (folder / "FACTS.md").write_text("| # | fact | mark |\n|---|---|---|\n| B7 | md | secondary |\n"
                                     "| B8 | md only | secondary |\n", encoding="utf-8")
    facts = rules.load_facts(folder)
    assert facts["B7"].quote == "từ YAML" and facts["B7"].structured
    assert facts["B8"].text == "md only" and not facts["B8"].structured


# --- the rules on cited facts -------------------------------------------------------------

def test_the_base_bank_passes_with_yaml_facts(tmp_path) -> None:
    result = check(tmp_path)
    assert result.ok and [p.format() for p in result.problems] == []


@pytest.mark.parametrize("changes, field", [
    ({"quote": ""}, "quote"), ({"source": {"title": "", "url": ""}}, "source.title"),
])
def test_a_cited_row_needs_a_quote_and_a_source(tmp_path, changes, field) -> None:
    result = check(tmp_path, rows=[BANK_FACTS[0], fact(id="C43", **changes), BANK_FACTS[2]])
    (problem,) = result.errors
    assert problem.code == "fact_without_quote" and problem.qid == "MOTCUA-002"
    assert field in problem.message


def test_an_uncited_row_may_lack_a_quote(tmp_path) -> None:
    result = check(tmp_path, rows=[*BANK_FACTS, fact(id="C90", quote="")])
    assert result.ok


@pytest.mark.parametrize("status, severity", [("approved", rules.ERROR),
                                              ("draft", rules.WARNING)])
def test_an_unconfirmed_row_cannot_back_an_approved_question(tmp_path, status, severity) -> None:
    rows = [BANK_FACTS[0], fact(id="C43", confidence="unconfirmed"), BANK_FACTS[2]]
    result = check(tmp_path, questions(MOTCUA_002={"status": status}), rows=rows)
    (problem,) = [p for p in result.problems if p.code == "unusable_fact"]
    assert problem.severity == severity and problem.qid == "MOTCUA-002"


@pytest.mark.parametrize("stem", [
    "Mã số hồ sơ thủ tục hành chính hiện được ghép từ những thành phần nào?",
    "Theo Nghị định 118/2025/NĐ-CP, mã số hồ sơ được ghép từ những thành phần nào?",
])
def test_a_replaced_text_cannot_back_a_present_tense_stem(tmp_path, stem) -> None:
    result = check(tmp_path, questions(MOTCUA_001={"text": stem}))
    (problem,) = result.errors
    assert problem.code == "replaced_fact_present_tense" and problem.qid == "MOTCUA-001"
    assert "Nghị định 61/2018/NĐ-CP" in problem.message and "01/7/2025" in problem.message


@pytest.mark.parametrize("stem", [
    "Theo Nghị định 61/2018/NĐ-CP, mã số hồ sơ được ghép từ những thành phần nào?",
    "Trước ngày 01/7/2025, mã số hồ sơ được ghép từ những thành phần nào?",
    "Theo quy định áp dụng đến tháng 6/2025, mã số hồ sơ được ghép từ những thành phần nào?",
])
def test_a_replaced_text_may_back_a_stem_naming_it_or_dated(tmp_path, stem) -> None:
    assert check(tmp_path, questions(MOTCUA_001={"text": stem})).ok


def test_a_replaced_text_may_back_a_distractor_only(tmp_path) -> None:
    options = ["Nghị định 118/2025/NĐ-CP", "Nghị định 61/2018/NĐ-CP", "Nghị định 63/2010/NĐ-CP",
               "Nghị định 42/2022/NĐ-CP"]
    stem = "Văn bản nào hiện quy định cơ chế một cửa, một cửa liên thông?"
    ok = check(tmp_path, questions(MOTCUA_002={"facts": ["C43", "B7"], "options": options}))
    assert ok.ok
    keyed = check(tmp_path / "k", questions(MOTCUA_002={
        "facts": ["B7"], "text": stem, "options": options, "answer": "B"}))
    assert codes(keyed) == {"replaced_fact_present_tense"}


@pytest.mark.parametrize("text, document, named", [
    ("Theo Luật CBCC 2008, công chức gồm mấy loại?", "Luật Cán bộ, công chức 22/2008/QH12", True),
    ("Theo Luật Cán bộ, công chức năm 2008, …", "Luật Cán bộ, công chức 22/2008/QH12", True),
    ("Theo Luật CBCC 2025, …", "Luật Cán bộ, công chức 22/2008/QH12", False),
    ("Luật sửa đổi năm 2019 bổ sung …", "Luật 52/2019/QH14", True),
    ("Nguyên tắc giữ nguyên từ luật 2015 sang luật 2025", "Luật Ban hành văn bản quy phạm pháp "
     "luật 80/2015/QH13", True),
    ("Theo Nghị định 161/2018/NĐ-CP, …", "Nghị định 61/2018/NĐ-CP", False),
    ("Theo ND 61/2018, …", "Nghị định 61/2018/NĐ-CP", True),
])
def test_names_document(text, document, named) -> None:
    assert rules.names_document(text, document) is named


@pytest.mark.parametrize("text, dated", [
    ("Trước ngày 01/7/2025, …", True), ("Từ ngày 1/7/2025, …", True),
    ("Đến năm 2020, mục tiêu …", True), ("Ngày 09 tháng 6 năm 2025", True),
    ("Hiện nay, cơ quan nào …", False), ("Theo Nghị định 61/2018, …", False),
])
def test_is_dated(text, dated) -> None:
    assert rules.is_dated(text) is dated


def test_a_practice_question_sharing_an_official_fact_is_a_warning(tmp_path) -> None:
    items = questions(MOTCUA_003={"pool": "practice", "facts": ["C43"], "status": "approved"})
    result = check(tmp_path, items)
    (problem,) = [p for p in result.problems if p.code == "practice_shares_fact"]
    assert problem.severity == rules.WARNING and problem.qid == "MOTCUA-003"
    assert problem.other_id == "MOTCUA-002" and "C43" in problem.message
    alone = check(tmp_path / "a", questions(MOTCUA_003={"pool": "practice"}))
    assert "practice_shares_fact" not in codes(alone, rules.WARNING)


def test_counts_of_approved_questions_and_recent_texts(tmp_path) -> None:
    rows = [BANK_FACTS[0], fact(id="C43", issued="2026"), fact(id="C44", issued="2018-04-23")]
    items = questions(MOTCUA_003={"pool": "practice", "status": "approved"})
    result = check(tmp_path, items, rows=rows)
    assert result.counts() == {"approved": 3, "official": 2, "practice": 1, "recent": 1}
    assert rules.recent_share(result.records, result.facts) == (1, 3)


def test_only_the_confidence_of_a_yaml_row_makes_it_unusable(tmp_path) -> None:
    facts, _ = load(tmp_path, [
        fact(confirmed="UNCONFIRMED in 2025, since read in the decree text"),
        fact(id="C60", confidence="unconfirmed", confirmed="secondary; AVOID (sources disagree)"),
        fact(id="C61", confidence="unconfirmed")])
    assert facts["C59"].unusable is None
    assert facts["C60"].unusable == "AVOID" and facts["C61"].unusable == "UNCONFIRMED"
