"""Signs of unfair entries in a round, for the organiser to review (never acted on
automatically). Plain rules, no Flask; each finding carries its evidence and a stable key so a
dismissal sticks.

- identical answers: two or more attempts that gave the same answer to every question they
  share, including at least MIN_SHARED_WRONG identical WRONG answers (identical right answers
  are what good participants have in common), with durations within MAX_DURATION_GAP_MS;
- implausibly fast full marks: every question right in less than MIN_SECONDS_PER_QUESTION per
  question;
- one CCCD declared by several accounts (in any contest of the site);
- several accounts starting attempts from one browser (its device mark) within
  DEVICE_WINDOW_MINUTES of each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import combinations

MIN_SHARED_WRONG = 2
MAX_DURATION_GAP_MS = 10_000
MIN_SECONDS_PER_QUESTION = 3

KIND_IDENTICAL = "identical_answers"
KIND_FAST = "fast_full_marks"
KIND_CCCD = "shared_cccd"
KIND_DEVICE = "shared_device"
DEVICE_WINDOW_MINUTES = 30


@dataclass(frozen=True)
class AttemptAnswers:
    attempt_id: int
    user_id: int
    score: int
    max_score: int
    duration_ms: int
    answers: dict[int, frozenset[int]]  # question id -> original option indexes chosen
    keys: dict[int, frozenset[int]]  # question id -> the key


@dataclass(frozen=True)
class Finding:
    kind: str
    key: str  # stable: the kind and the attempts or users involved
    user_ids: tuple[int, ...]
    attempt_ids: tuple[int, ...]
    evidence: dict


def _wrong(a: AttemptAnswers, question_id: int) -> bool:
    return a.answers.get(question_id) != a.keys.get(question_id)


def identical_answers(attempts: Sequence[AttemptAnswers]) -> list[Finding]:
    """Pairs of attempts by different people with identical answers (see the module's rule),
    merged into groups when they chain."""
    pairs = []
    for a, b in combinations(attempts, 2):
        if a.user_id == b.user_id or abs(a.duration_ms - b.duration_ms) > MAX_DURATION_GAP_MS:
            continue
        shared = set(a.answers) & set(b.answers)
        if not shared or any(a.answers[q] != b.answers[q] for q in shared):
            continue
        wrong = [q for q in shared if _wrong(a, q)]
        if len(wrong) >= MIN_SHARED_WRONG:
            pairs.append((a, b, len(shared), len(wrong)))
    groups: list[dict] = []
    for a, b, shared, wrong in pairs:
        home = next((g for g in groups if a.attempt_id in g["ids"] or b.attempt_id in g["ids"]),
                    None)
        if home is None:
            home = {"ids": set(), "users": set(), "shared": shared, "wrong": wrong,
                    "durations": {}}
            groups.append(home)
        for x in (a, b):
            home["ids"].add(x.attempt_id)
            home["users"].add(x.user_id)
            home["durations"][x.attempt_id] = x.duration_ms
        home["shared"], home["wrong"] = min(home["shared"], shared), min(home["wrong"], wrong)
    out = []
    for g in groups:
        ids = tuple(sorted(g["ids"]))
        out.append(Finding(KIND_IDENTICAL, f"{KIND_IDENTICAL}:" + ",".join(map(str, ids)),
                           tuple(sorted(g["users"])), ids,
                           {"same_answers": g["shared"], "same_wrong_answers": g["wrong"],
                            "durations_ms": [g["durations"][i] for i in ids]}))
    return out


def fast_full_marks(attempts: Iterable[AttemptAnswers], question_count: int) -> list[Finding]:
    limit_ms = MIN_SECONDS_PER_QUESTION * 1000 * max(question_count, 1)
    return [Finding(KIND_FAST, f"{KIND_FAST}:{a.attempt_id}", (a.user_id,), (a.attempt_id,),
                    {"duration_ms": a.duration_ms, "score": a.score, "max_score": a.max_score,
                     "limit_ms": limit_ms})
            for a in attempts
            if a.max_score > 0 and a.score == a.max_score and a.duration_ms < limit_ms]


def shared_cccd(holders: Iterable[tuple[str, int]]) -> list[Finding]:
    """(CCCD hash, user id) pairs: a hash held by several accounts. The number itself never
    appears in a finding."""
    by_hash: dict[str, set[int]] = {}
    for digest, user_id in holders:
        by_hash.setdefault(digest, set()).add(user_id)
    return [Finding(KIND_CCCD, f"{KIND_CCCD}:{digest[:16]}", tuple(sorted(users)), (),
                    {"accounts": len(users)})
            for digest, users in sorted(by_hash.items()) if len(users) > 1]


def shared_device(starts: Iterable[tuple[str, int, int, datetime]],
                  window_minutes: int = DEVICE_WINDOW_MINUTES) -> list[Finding]:
    """(device hash, user id, attempt id, started at) of a round: one browser that started
    attempts for several accounts within the window (chained). The mark itself never appears."""
    by_device: dict[str, list[tuple[datetime, int, int]]] = {}
    for digest, user_id, attempt_id, started in starts:
        if digest:
            by_device.setdefault(digest, []).append((started, user_id, attempt_id))
    out = []
    window = timedelta(minutes=window_minutes)
    for _digest, rows in sorted(by_device.items()):
        rows.sort()
        cluster: list[tuple[datetime, int, int]] = []
        clusters = []
        for row in rows:
            if cluster and row[0] - cluster[-1][0] > window:
                clusters.append(cluster)
                cluster = []
            cluster.append(row)
        clusters.append(cluster)
        for group in clusters:
            users = tuple(sorted({u for _, u, _ in group}))
            if len(users) < 2:
                continue
            ids = tuple(sorted(a for _, _, a in group))
            minutes = round((group[-1][0] - group[0][0]).total_seconds() / 60, 1)
            out.append(Finding(KIND_DEVICE, f"{KIND_DEVICE}:" + ",".join(map(str, ids)), users,
                               ids, {"accounts": len(users), "minutes": minutes}))
    return out
