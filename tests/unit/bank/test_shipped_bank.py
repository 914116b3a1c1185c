"""The shipped bank's second edition meets what the bank issue asks of it, on a fresh clone:
no error, enough approved questions in each pool, enough on 2025–2026 texts, every cited fact
shipping in question_bank/facts/ with a quote, and no practice question resting on a fact an
official question uses (practice shows its key: it must not give an official key away)."""

from __future__ import annotations

from contest_app.bank import rules
from contest_app.config import Config

BANK = Config.QUESTION_BANK_PATH
FACTS = f"{BANK}/facts"


def test_shipped_bank_second_edition() -> None:
    result = rules.check_path(BANK, facts_dir=FACTS)
    errors = [p for p in result.problems if p.severity == "error"]
    assert errors == []
    approved = [r for r in result.records if r.status == "approved"]
    official = [r for r in approved if r.pool == rules.POOL_OFFICIAL]
    practice = [r for r in approved if r.pool == rules.POOL_PRACTICE]
    assert len(approved) >= 290 and len(official) >= 230 and len(practice) >= 60
    recent, total = rules.recent_share(approved, result.facts)
    assert recent / total >= 0.35
    for r in approved:
        assert r.facts, r.id
        for fact_id in r.facts:
            assert fact_id in result.facts and result.facts[fact_id].quote, (r.id, fact_id)
    assert [p for p in result.problems if p.code == "practice_shares_fact"] == []
