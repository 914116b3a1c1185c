"""Certificate rules: who gets which certificate, verification codes, the template's
placeholders and the counting attempt. Plain Python: no Flask, no database session."""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

KIND_PARTICIPATION = "participation"
KIND_PRIZE = "prize"
KIND_CONTEST_PRIZE = "contest_prize"

# Crockford-like base32 without the letters people confuse with digits (I, O) and the digits
# 0 and 1: 32 symbols, so 10 of them carry 50 random bits (unguessable, short enough to type).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10

PLACEHOLDERS = ("ho_ten", "cuoc_thi", "vong_thi", "ket_qua", "ngay", "don_vi")



def new_code(choice=secrets.choice) -> str:  # noqa: ANN001  (an injectable random choice)
    return "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str | None:
    """A typed code as stored: spaces and dashes dropped, upper case; None when it cannot be
    a code (wrong length or a symbol outside the alphabet)."""
    code = "".join(ch for ch in (raw or "") if ch not in " -").upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def display_code(code: str) -> str:
    """ABCDE-FGHJK: two groups of five, easier to read out and type."""
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


@dataclass(frozen=True)
class TemplateProblem:
    """`kind` is "unknown" (with the name), "format" (a {x:...} or {x!r} spec), "positional"
    ({} or {0}) or "braces" (an unmatched { or })."""

    kind: str
    name: str = ""


def template_problems(text: str) -> list[TemplateProblem]:
    """What is wrong with a certificate text's placeholders (empty list: it is fine)."""
    try:
        parts = list(string.Formatter().parse(text or ""))
    except ValueError:
        return [TemplateProblem("braces")]
    problems: list[TemplateProblem] = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name == "" or name.isdigit():
            problems.append(TemplateProblem("positional"))
        elif name not in PLACEHOLDERS:
            if TemplateProblem("unknown", name) not in problems:
                problems.append(TemplateProblem("unknown", name))
        elif spec or conversion:
            problems.append(TemplateProblem("format", name))
    return problems


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with its placeholders replaced (the text must have no problems)."""
    return (text or "").format_map({name: values.get(name, "") for name in PLACEHOLDERS})


def date_parts(day: date) -> dict[str, str]:
    """Day and month with two digits, as Vietnamese official documents write the date
    ("ngày 03 tháng 12 năm 2026")."""
    return {"d": f"{day.day:02d}", "m": f"{day.month:02d}", "y": str(day.year)}


@dataclass(frozen=True)
class Facts:
    """What decides a participant's certificates for one round."""

    offers_participation: bool  # the contest's "Cấp giấy chứng nhận tham gia"
    official_round: bool  # practice rounds give nothing
    closes_at: datetime | None
    now: datetime
    finished: bool  # the attempt was submitted or closed at its deadline (not voided)
    excluded: bool  # disqualified (round or contest), or staff/judge/organiser
    prize: str | None  # prize held in the round's current published ranking, if any


def refusal(facts: Facts, kind: str) -> str | None:
    """Why the participant has no certificate of `kind` for the round (None: they have one).

    Participation: a finished, eligible entry of an official round, once the round has closed
    (results are final, nobody can still improve or be voided mid-round), in a contest that
    offers participation certificates. Prize: a finished, eligible entry holding a prize in the
    round's current published ranking (a withdrawn publication gives none), whether or not the
    contest offers participation certificates."""
    if not facts.official_round:
        return "practice"
    if not facts.finished:
        return "not_finished"
    if facts.excluded:
        return "excluded"
    if kind == KIND_PARTICIPATION:
        if not facts.offers_participation:
            return "not_offered"
        if facts.closes_at is None or facts.now < facts.closes_at:
            return "round_open"
        return None
    if kind == KIND_PRIZE:
        return None if facts.prize else "no_prize"
    return "unknown_kind"


def kinds(facts: Facts) -> list[str]:
    """The certificates the participant has for the round, prize first."""
    return [k for k in (KIND_PRIZE, KIND_PARTICIPATION) if refusal(facts, k) is None]


@dataclass(frozen=True)
class ContestFacts:
    """What decides a participant's contest-wide prize certificate."""

    published: bool  # the contest-wide ranking has a current, not withdrawn, publication
    excluded: bool  # disqualified from the whole contest, or staff/judge/organiser
    prize: str | None  # prize held in that publication, if any


def contest_refusal(facts: ContestFacts) -> str | None:
    """Why the participant has no contest-wide prize certificate (None: they have one). Only
    once the contest-wide ranking is published with a prize for them; a withdrawn publication
    gives none."""
    if not facts.published:
        return "contest_unpublished"
    if facts.excluded:
        return "excluded"
    return None if facts.prize else "no_contest_prize"


def contest_result(prize: str, scope: str) -> str:
    """The certified result of a contest-wide prize: "Giải Nhất toàn cuộc thi"."""
    return f"{prize} {scope}".strip()


@dataclass(frozen=True)
class AttemptFacts:
    id: int
    number: int
    score: int | None
    duration_ms: int | None
    submitted_at: datetime | None


def counting_attempt(attempts: Sequence[AttemptFacts], policy: str) -> AttemptFacts | None:
    """The finished attempt that counts under the round's rule ("best", "first", "last"),
    the same order the ranking uses; None when there is none."""
    if not attempts:
        return None
    if policy == "first":
        return min(attempts, key=lambda a: a.number)
    if policy == "last":
        return max(attempts, key=lambda a: a.number)
    far = datetime.max.replace(tzinfo=None)

    def key(a: AttemptFacts) -> tuple:
        when = a.submitted_at.replace(tzinfo=None) if a.submitted_at else far
        return (-(a.score or 0), a.duration_ms if a.duration_ms is not None else 2**62, when,
                a.number)

    return min(attempts, key=key)
