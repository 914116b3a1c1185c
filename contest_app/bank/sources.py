"""`question_bank/SOURCES.md`, generated from the bank and its facts (pure: no Flask).

For every fact id the questions cite: the document, its date of issue, the provision, the quote
read, the source (title and address), how it was confirmed and when it was read, whether the
text was replaced, and which questions rest on it. `flask bank sources --write` regenerates
the file; a test keeps the shipped file up to date."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .rules import POOL_PRACTICE, Fact, QuestionRecord, recent_share

SOURCES_FILE = "SOURCES.md"

INTRO = """\
# Sources of the question bank

This file is generated: do not edit it by hand. Run
`flask --app contest_app bank sources --write` after changing a question's `facts:` or a row of
`question_bank/facts/*.yaml`; a test fails when it is out of date.

Every question lists in `facts:` the ids of the rows of `question_bank/facts/*.yaml` it rests on.
Below, for each fact id used: the document and its date of issue, the provision, the words read
(verbatim), where they were read, how the row was confirmed and when, whether the text has since
been replaced, and the questions that cite it (practice-pool questions are marked *(luyện tập)*).
`flask --app contest_app bank report --xlsx FILE` writes the same trail per question into a
spreadsheet for the organiser's legal officer.
"""


GROUPS = {"A": "A — the Đắk Lắk Department of Home Affairs' 2021 CCHC communication plan",
          "B": "B — legal documents", "C": "C — legal facts (origin: LEGAL_FACTS.md §2)",
          "D": "D — further legal facts (origin: LEGAL_FACTS.md §6)"}


def _fact_key(fact_id: str) -> tuple[str, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", fact_id)
    return (match.group(1), int(match.group(2))) if match else (fact_id, 0)


def _vn_date(text: str) -> str:
    if len(text) == 10 and text[4] == "-":
        return f"{text[8:]}/{int(text[5:7])}/{text[:4]}"
    return text


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _fact_block(fact: Fact, citing: list[QuestionRecord]) -> list[str]:
    issued = _vn_date(fact.issued)
    head = fact.document or fact.text
    if issued:
        head += f" ({issued})"
    if fact.provision:
        head += f", {fact.provision}"
    lines = [f"### {fact.id} — {_one_line(head)}", "",
             f"- fact: {_one_line(fact.text)}"]
    if fact.quote:
        lines.append(f"- quote: «{_one_line(fact.quote)}»")
    source = _one_line(fact.source_title or fact.source)
    if fact.source_url:
        source = f"{source} — <{fact.source_url}>" if source else f"<{fact.source_url}>"
    lines.append(f"- source: {source or '(none)'}")
    confirmed = "; ".join(x for x in (fact.confidence, _one_line(fact.confirmed)) if x)
    read_on = f"; read on {_vn_date(fact.read_on)}" if fact.read_on else ""
    lines.append(f"- confirmed: {confirmed or _one_line(fact.mark)}{read_on}")
    if fact.replaced_by:
        since = f" from {_vn_date(fact.replaced_on)}" if fact.replaced_on else ""
        lines.append(f"- replaced by {fact.replaced_by}{since}: questions name the old text "
                     "or are dated")
    ids = ", ".join(f"{r.id} *(luyện tập)*" if r.pool == POOL_PRACTICE else r.id
                    for r in citing)
    lines.extend([f"- questions: {ids}", ""])
    return lines


def render_sources(records: Iterable[QuestionRecord], facts: Mapping[str, Fact]) -> str:
    """The text of SOURCES.md for the bank `records` (retired questions left out)."""
    active = sorted((r for r in records if r.status != "retired"), key=lambda r: r.id)
    citing: dict[str, list[QuestionRecord]] = {}
    for record in active:
        for fact_id in dict.fromkeys(record.facts):
            citing.setdefault(fact_id, []).append(record)
    used = sorted(citing, key=_fact_key)
    approved = [r for r in active if r.status == "approved"]
    recent, total = recent_share(approved, facts)
    share = round(100 * recent / total) if total else 0
    lines = [INTRO,
             f"{len(active)} questions ({len(approved)} approved, "
             f"{sum(r.pool == POOL_PRACTICE for r in approved)} of them in the practice pool) "
             f"cite {len(used)} facts; {recent} of the {total} approved questions "
             f"({share} %) rest on a text issued in 2025–2026.", ""]
    missing = [f for f in used if f not in facts]
    if missing:
        lines.extend(["## Cited but missing from question_bank/facts", ""])
        lines.extend(f"- {f}: {', '.join(r.id for r in citing[f])}" for f in missing)
        lines.append("")
    group = ""
    for fact_id in used:
        if fact_id not in facts:
            continue
        letter = _fact_key(fact_id)[0]
        if letter != group:
            group = letter
            lines.extend([f"## {GROUPS.get(letter, letter)}", ""])
        lines.extend(_fact_block(facts[fact_id], citing[fact_id]))
    return "\n".join(lines).rstrip("\n") + "\n"
