"""SOURCES.md is generated from the bank and its facts (issue 16)."""

from __future__ import annotations

import pytest

from contest_app.bank import rules
from contest_app.bank.sources import SOURCES_FILE, render_sources

from .samples import questions, write_bank
from .test_facts import BANK_FACTS, write_facts_yaml


def test_shipped_sources_file_is_up_to_date(monkeypatch) -> None:
    """Regenerate with `flask --app contest_app bank sources --write`."""
    monkeypatch.delenv("FACTS_PATH", raising=False)
    records, problems = rules.parse_path(rules.DEFAULT_BANK_DIR)
    facts = rules.load_facts()
    assert not [p for p in problems if p.is_error] and facts
    shipped = (rules.DEFAULT_BANK_DIR / SOURCES_FILE).read_text(encoding="utf-8")
    assert shipped == render_sources(records, facts), \
        "question_bank/SOURCES.md is out of date: run `flask --app contest_app bank sources " \
        "--write`"


@pytest.fixture
def rendered(tmp_path) -> str:
    items = questions(MOTCUA_003={"pool": "practice", "facts": ["C44", "Z9"]})
    items.append({**items[0], "id": "MOTCUA-004", "status": "retired", "facts": ["C43"]})
    records, _ = rules.parse_path(write_bank(tmp_path / "bank", items))
    facts = rules.load_facts(write_facts_yaml(tmp_path / "facts", BANK_FACTS))
    return render_sources(records, facts)


def test_every_fact_used_with_its_trail_and_questions(rendered) -> None:
    block = rendered.split("### B7 — ", 1)[1].split("###", 1)[0]
    assert block.startswith("Nghị định 61/2018/NĐ-CP (23/4/2018), Điều 7")
    assert "- quote: «…là tổ chức hành chính thuộc Văn phòng" in block
    assert "- source: ketoandaiduong.com — <https://ketoandaiduong.com/nd-118>" in block
    assert "- confirmed: secondary; 1 source (LEGAL_FACTS.md C59); read on 03/12/2026" in block
    assert "- replaced by Nghị định 118/2025/NĐ-CP from 01/7/2025" in block
    assert "- questions: MOTCUA-001\n" in block
    assert "### C44 — " in rendered and "- questions: MOTCUA-003 *(luyện tập)*" in rendered


def test_retired_questions_are_left_out_and_missing_facts_listed(rendered) -> None:
    assert "MOTCUA-004" not in rendered
    assert "## Cited but missing from question_bank/facts\n\n- Z9: MOTCUA-003" in rendered
    assert "3 questions (2 approved, 0 of them in the practice pool) cite 4 facts" in rendered
