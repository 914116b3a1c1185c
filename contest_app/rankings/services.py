"""Ranking services: live rankings, exclusions, prize tiers, publishing snapshots, reading
published pages. Writes flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, literal, literal_column, select, text, update
from sqlalchemy.orm import Session

from ..accounts.models import Block, Unit, User
from ..accounts.rules import unaccent
from ..domain import NotFound, ValidationFailed
from ..organiser.models import record
from ..quiz.models import ROUND_OFFICIAL, Board, Contest, Round
from . import queries, rules
from .models import (
    SCOPE_CONTEST,
    SCOPE_ROUND,
    Exclusion,
    PrizeTier,
    RankingName,
    RankingRow,
    RankingSnapshot,
    UnitRankingRow,
)

PRIZE_NAMES = {1: "Giải Nhất", 2: "Giải Nhì", 3: "Giải Ba", 4: "Giải Khuyến khích"}


# --- Settings -----------------------------------------------------------------------------


def _same(column, value: int | None):
    """`column IS NULL` for None, `column = value` otherwise (round and board scopes)."""
    return column.is_(None) if value is None else column == value


def resolve_board(contest: Contest, requested: int | None, strict: bool = False
                  ) -> int | None:
    """The board a ranking request is about: none without boards, the requested one when it
    belongs to the contest, else the first board (or NotFound when `strict`)."""
    ids = [b.id for b in contest.boards]
    if not ids:
        if strict and requested is not None:
            raise NotFound()
        return None
    if requested in ids:
        return requested
    if strict and requested is not None:
        raise NotFound()
    return ids[0]

def contest_chain(contest: Contest) -> tuple[str, ...]:
    return rules.validate_chain(contest.tie_breaks or rules.DEFAULT_CHAIN)


def unit_settings(contest: Contest) -> tuple[str, rules.CollectiveFormula]:
    settings = contest.unit_settings or {}
    points = {int(k): int(v) for k, v in (settings.get("prize_points") or {}).items()}
    formula = rules.CollectiveFormula(
        kind=settings.get("formula", "participation_rate"),
        weights=settings.get("weights") or {"participation_rate": 1.0, "average_score": 0.0,
                                            "prize_points": 0.0},
        prize_points=points or dict(rules.DEFAULT_PRIZE_POINTS),
    )
    return settings.get("order", "collective_score"), formula


def tiers_for(session: Session, contest_id: int, round_id: int | None, board_id: int | None,
              kind: str = "individual") -> list[rules.PrizeTier]:
    rows = session.scalars(select(PrizeTier).where(
        PrizeTier.contest_id == contest_id, PrizeTier.kind == kind,
        _same(PrizeTier.round_id, round_id), _same(PrizeTier.board_id, board_id),
    ).order_by(PrizeTier.level))
    return [rules.PrizeTier(r.level, r.name, r.count, r.amount) for r in rows]


def set_tiers(session: Session, actor_id: int, contest: Contest, round_id: int | None,
              board_id: int | None, kind: str, counts: dict[int, int],
              amounts: dict[int, int | None] | None = None) -> None:
    """Replace the prize tiers of one scope with the given counts per level (0 removes) and
    prize money per winner (đồng; None when not decided)."""
    amounts = amounts or {}
    if any(n < 0 for n in counts.values()) or any(
            a is not None and a < 0 for a in amounts.values()):
        raise ValidationFailed(count=_l("Số giải và tiền thưởng không được là số âm."))
    session.execute(delete(PrizeTier).where(
        PrizeTier.contest_id == contest.id, PrizeTier.kind == kind,
        _same(PrizeTier.round_id, round_id), _same(PrizeTier.board_id, board_id)))
    for level, count in sorted(counts.items()):
        if count:
            session.add(PrizeTier(contest_id=contest.id, round_id=round_id, board_id=board_id,
                                  kind=kind, level=level, name=PRIZE_NAMES[level], count=count,
                                  amount=amounts.get(level)))
    session.flush()
    record(actor_id, "prizes.set", contest, None,
           {"round_id": round_id, "board_id": board_id, "kind": kind,
            "counts": {str(k): v for k, v in counts.items()},
            "amounts": {str(k): v for k, v in amounts.items() if v is not None}})


# --- Exclusions ---------------------------------------------------------------------------

def exclude(session: Session, actor_id: int, rnd: Round, user_id: int, reason: str,
            now: datetime) -> Exclusion:
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationFailed(reason=_l("Vui lòng ghi rõ lý do loại bài (ít nhất 5 ký tự)."))
    if session.get(User, user_id) is None:
        raise NotFound()
    existing = session.scalar(select(Exclusion).where(
        Exclusion.contest_id == rnd.contest_id, Exclusion.round_id == rnd.id,
        Exclusion.user_id == user_id))
    if existing is not None:
        return existing
    row = Exclusion(contest_id=rnd.contest_id, round_id=rnd.id, user_id=user_id, reason=reason,
                    created_by_id=actor_id, created_at=now)
    session.add(row)
    session.flush()
    record(actor_id, "ranking.exclude", row, None,
           {"round_id": rnd.id, "user_id": user_id}, reason=reason)
    return row


def prediction_after_exclusion(session: Session, rnd: Round, board_id: int | None,
                               user_id: int) -> tuple[int, int] | None:
    """(real figure now, real figure once `user_id` is excluded) when excluding them would
    change the prediction question's real figure, else None. Tried inside a savepoint that is
    always rolled back, so the count is the database's own."""
    if rnd.prediction_kind is None:
        return None
    before = prediction_actual(session, rnd, board_id)
    savepoint = session.begin_nested()
    try:
        session.add(Exclusion(contest_id=rnd.contest_id, round_id=rnd.id, user_id=user_id,
                              reason="(thử)", created_at=rnd.closes_at or rnd.opens_at))
        session.flush()
        after = prediction_actual(session, rnd, board_id)
    finally:
        savepoint.rollback()
    return (before, after) if before != after else None


def lift_exclusion(session: Session, actor_id: int, exclusion: Exclusion, reason: str) -> None:
    """Reinstate an excluded entry: like excluding, it needs a reason, and it is audited."""
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationFailed(reason=_l("Vui lòng ghi rõ lý do khôi phục (ít nhất 5 ký tự)."))
    record(actor_id, "ranking.reinstate", exclusion,
           {"round_id": exclusion.round_id, "user_id": exclusion.user_id}, None, reason=reason)
    session.delete(exclusion)
    session.flush()


def exclusions(session: Session, rnd: Round, board_id: int | None = None
               ) -> list[tuple[Exclusion, User]]:
    """The round's (and the contest's) exclusions; when a board is given, of the people whose
    attempts in this round count on that board (as the ranking itself decides)."""
    stmt = (select(Exclusion, User).join(User, User.id == Exclusion.user_id)
            .where(Exclusion.contest_id == rnd.contest_id,
                   (Exclusion.round_id == rnd.id) | Exclusion.round_id.is_(None)))
    if board_id is not None:
        stmt = stmt.where(select(queries.Attempt.id).where(
            queries.Attempt.round_id == rnd.id, queries.Attempt.user_id == Exclusion.user_id,
            queries.Attempt.board_id == board_id).exists())
    return list(session.execute(stmt.order_by(Exclusion.created_at)).tuples())


# --- Live ranking -------------------------------------------------------------------------

def boards_of(rnd_or_contest: Round | Contest) -> list[Board | None]:
    contest = rnd_or_contest.contest if isinstance(rnd_or_contest, Round) else rnd_or_contest
    return list(contest.boards) or [None]


def prediction_actual(session: Session, rnd: Round, board_id: int | None) -> int | None:
    """The real figure for the prediction question (None when the round has none)."""
    if rnd.prediction_kind is None:
        return None
    return session.scalar(queries.prediction_actual_query(rnd, board_id)) or 0


def live_round(session: Session, rnd: Round, board_id: int | None):
    actual = prediction_actual(session, rnd, board_id)
    entries = queries.counting_entries(rnd, board_id, with_person=True)
    tiers = tiers_for(session, rnd.contest_id, rnd.id, board_id)
    return queries.ranked_select(entries, contest_chain(rnd.contest), actual, tiers), actual


SEARCH_COUNT_CAP = 1000


@dataclass
class Page:
    rows: list
    total: int
    page: int
    per_page: int
    capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def live_page(session: Session, rnd: Round, board_id: int | None, page: int, per_page: int
              ) -> tuple[Page, int | None]:
    stmt, actual = live_round(session, rnd, board_id)
    sub = stmt.subquery()
    total = session.scalar(select(func.count()).select_from(sub)) or 0
    rows = session.execute(select(sub).order_by(sub.c.position)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return Page(rows, total, page, per_page), actual


# --- Publishing ---------------------------------------------------------------------------

def _next_version(session: Session, contest_id: int, round_id: int | None,
                  board_id: int | None) -> int:
    return (session.scalar(select(func.max(RankingSnapshot.version)).where(
        RankingSnapshot.contest_id == contest_id,
        _same(RankingSnapshot.round_id, round_id),
        _same(RankingSnapshot.board_id, board_id))) or 0) + 1


def _new_snapshot(session: Session, actor_id: int | None, contest: Contest, rnd: Round | None,
                  board_id: int | None, now: datetime, rules_used: dict,
                  actual: int | None) -> RankingSnapshot:
    round_id = rnd.id if rnd else None
    session.execute(update(RankingSnapshot).where(
        RankingSnapshot.contest_id == contest.id,
        _same(RankingSnapshot.round_id, round_id),
        _same(RankingSnapshot.board_id, board_id),
    ).values(is_current=False))
    snapshot = RankingSnapshot(
        contest_id=contest.id, round_id=round_id, board_id=board_id,
        scope=SCOPE_ROUND if rnd else SCOPE_CONTEST,
        version=_next_version(session, contest.id, round_id, board_id), is_current=True,
        published_at=now, published_by_id=actor_id, rules=rules_used,
        actual_prediction=actual,
    )
    session.add(snapshot)
    session.flush()
    return snapshot


ROW_COLUMNS = ["position", "rank", "user_id", "full_name", "search_name", "search_given",
               "phone_masked", "unit_id", "unit_name", "score", "duration_ms", "submitted_at",
               "prediction", "prediction_diff", "prize_level", "prize"]


def _store_rows(session: Session, snapshot: RankingSnapshot, ranked) -> None:
    """The snapshot's rows in one INSERT … SELECT (ranks and positions are the window
    functions of `ranked`; no row passes through Python), then its distinct names."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        # A million rows and their indexes overflow SQLite's default 2 MB page cache many
        # times over: give this statement a large one (its sorts stay in memory below the
        # same limit), then restore the connection's own.
        cache = session.execute(text("PRAGMA cache_size")).scalar()
        session.execute(text("PRAGMA cache_size = -262144"))
    else:
        # Sort a million entries in memory rather than in temporary files (this transaction).
        session.execute(text("SET LOCAL work_mem = '256MB'"))
    try:
        sub = ranked.subquery()
        session.execute(insert(RankingRow).from_select(
            ["snapshot_id", *ROW_COLUMNS],
            select(literal(snapshot.id).label("snapshot_id"),
                   *[sub.c[name] for name in ROW_COLUMNS])))
        session.execute(insert(RankingName).from_select(
            ["snapshot_id", "search_name", "entries"],
            select(RankingRow.snapshot_id, RankingRow.search_name, func.count())
            .where(RankingRow.snapshot_id == snapshot.id)
            .group_by(RankingRow.snapshot_id, RankingRow.search_name)))
        snapshot.entry_count = session.scalar(
            select(func.coalesce(func.sum(RankingName.entries), 0))
            .where(RankingName.snapshot_id == snapshot.id)) or 0
    finally:
        if sqlite:
            session.execute(text(f"PRAGMA cache_size = {int(cache)}"))


def publish_round(session: Session, actor_id: int | None, rnd: Round, now: datetime
                  ) -> list[RankingSnapshot]:
    """Freeze the round's ranking (one snapshot per board) with its rules and real figure."""
    if rnd.kind != ROUND_OFFICIAL:
        raise NotFound()
    if rnd.closes_at is None or now < rnd.closes_at:
        raise rules.RoundStillOpen()
    snapshots = []
    for board in boards_of(rnd):
        board_id = board.id if board else None
        stmt, actual = live_round(session, rnd, board_id)
        tiers = tiers_for(session, rnd.contest_id, rnd.id, board_id)
        rules_used = {
            "counting": rnd.counting, "tie_breaks": list(contest_chain(rnd.contest)),
            "prediction_kind": rnd.prediction_kind,
            "prize_tiers": [{"level": t.level, "name": t.name, "count": t.count,
                             "amount": t.amount}
                            for t in tiers],
        }
        snapshot = _new_snapshot(session, actor_id, rnd.contest, rnd, board_id, now,
                                 rules_used, actual)
        snapshot.max_score = session.scalar(select(func.max(queries.Attempt.max_score)).where(
            queries.Attempt.round_id == rnd.id)) or 0
        _store_rows(session, snapshot, stmt)
        _store_units(session, snapshot, rnd, board_id)
        if rnd.prediction_kind is not None and board_id is None:
            rnd.prediction_actual = actual
        snapshots.append(snapshot)
    if session.get_bind().dialect.name == "postgresql":
        # Fresh planner statistics now rather than at the next autovacuum: right after the
        # first large publication they would still describe an empty table, and pages and
        # searches would be planned for a handful of rows.
        session.execute(text("ANALYZE ranking_row, ranking_name"))
    record(actor_id, "ranking.publish", rnd, None,
           {"snapshots": [s.id for s in snapshots], "versions": [s.version for s in snapshots]})
    session.flush()
    return snapshots


WITHDRAW_REASON_MIN = 10


def withdraw_round(session: Session, actor_id: int | None, rnd: Round, reason: str,
                   now: datetime) -> list[RankingSnapshot]:
    """Withdraw a round's publication ("Hủy công bố"): its current snapshots (every board) stop
    being current and shown, stay in the history marked withdrawn, and the round's times and
    rules may change again. The next publication is a new version. Audited with the reason."""
    reason = " ".join((reason or "").split())
    if len(reason) < WITHDRAW_REASON_MIN or len(reason) > 500:
        raise ValidationFailed(reason=_l("Vui lòng ghi lý do hủy công bố (từ 10 đến 500 ký tự)."))
    current = list(session.scalars(select(RankingSnapshot).where(
        RankingSnapshot.contest_id == rnd.contest_id, RankingSnapshot.round_id == rnd.id,
        RankingSnapshot.is_current.is_(True)).order_by(RankingSnapshot.id)))
    if not current:
        raise rules.NotPublished()
    for snapshot in current:
        snapshot.is_current = False
        snapshot.withdrawn_at, snapshot.withdrawn_by_id = now, actor_id
        snapshot.withdrawn_reason = reason
    session.flush()
    record(actor_id, "ranking.withdraw", rnd,
           {"snapshots": [s.id for s in current], "versions": [s.version for s in current]},
           None, reason=reason)
    return current


def round_published(session: Session, round_id: int) -> bool:
    """Has the round a current (not withdrawn) published ranking? Its times and rules are
    then frozen (quiz.rules.check_round_change)."""
    return session.scalar(select(RankingSnapshot.id).where(
        RankingSnapshot.round_id == round_id, RankingSnapshot.is_current.is_(True)
    ).limit(1)) is not None


def withdrawn_snapshot(session: Session, contest_id: int, round_id: int | None,
                       board_id: int | None, version: int | None = None
                       ) -> RankingSnapshot | None:
    """The requested version (else the latest) when it is a withdrawn publication."""
    stmt = select(RankingSnapshot).where(
        RankingSnapshot.contest_id == contest_id,
        _same(RankingSnapshot.round_id, round_id),
        _same(RankingSnapshot.board_id, board_id))
    if version is not None:
        stmt = stmt.where(RankingSnapshot.version == version)
    found = session.scalar(stmt.order_by(RankingSnapshot.version.desc()).limit(1))
    return found if found is not None and found.withdrawn_at is not None else None


def publish_contest(session: Session, actor_id: int | None, contest: Contest, now: datetime
                    ) -> list[RankingSnapshot]:
    """The contest-wide ranking, from the official rounds' current published rankings only
    (a closed round not yet published is left out and named in the snapshot's rules)."""
    official = [r for r in contest.rounds if r.kind == ROUND_OFFICIAL]
    snapshots = []
    per_board = []
    for board in boards_of(contest):
        board_id = board.id if board else None
        published = list(session.scalars(select(RankingSnapshot).where(
            RankingSnapshot.contest_id == contest.id,
            RankingSnapshot.round_id.in_([r.id for r in official]),
            _same(RankingSnapshot.board_id, board_id), RankingSnapshot.is_current.is_(True),
            RankingSnapshot.withdrawn_at.is_(None))))
        per_board.append((board_id, published))
    if not any(published for _, published in per_board):
        raise rules.NothingToPublish()
    for board_id, published in per_board:
        rounds = [s.round_id for s in published]
        if not published:
            continue
        entries = queries.contest_entries([(s.id, s.max_score or 0) for s in published],
                                          contest.id, contest.overall_mode or "sum")
        tiers = tiers_for(session, contest.id, None, board_id)
        ranked = queries.ranked_select(entries, contest_chain(contest), 0, tiers)
        rules_used = {"mode": contest.overall_mode or "sum", "rounds": rounds,
                      "round_versions": {str(s.round_id): s.version for s in published},
                      "unpublished_rounds": [r.id for r in official if r.id not in rounds],
                      "tie_breaks": list(contest_chain(contest)),
                      "prize_tiers": [{"level": t.level, "name": t.name, "count": t.count,
                             "amount": t.amount}
                                      for t in tiers]}
        snapshot = _new_snapshot(session, actor_id, contest, None, board_id, now, rules_used,
                                 None)
        _store_rows(session, snapshot, ranked)
        snapshots.append(snapshot)
    record(actor_id, "ranking.publish_contest", contest, None,
           {"snapshots": [s.id for s in snapshots]})
    session.flush()
    return snapshots


def unit_stats(session: Session, rnd: Round, board_id: int | None,
               snapshot_id: int | None = None) -> list[tuple[Unit, rules.UnitStats]]:
    """Per-unit figures of a round, aggregated by the database (one row per unit)."""
    entries = queries.counting_entries(rnd, board_id)
    by_unit = {u: (n, avg, best, mx) for u, n, avg, best, mx in
               session.execute(queries.unit_entry_stats(entries)).all()}
    attempts = dict(session.execute(queries.unit_attempt_counts(rnd, board_id)).all())
    prizes: dict[int, dict[int, int]] = {}
    if snapshot_id is not None:
        conditions = [RankingRow.snapshot_id == snapshot_id, RankingRow.prize_level.is_not(None)]
        # A prize follows from the rank alone, so the prize winners are the first positions:
        # read up to the first row without one instead of the whole snapshot.
        first_without = session.scalar(
            select(RankingRow.position).where(RankingRow.snapshot_id == snapshot_id,
                                              RankingRow.prize_level.is_(None))
            .order_by(RankingRow.position).limit(1))
        if first_without is not None:
            conditions.append(RankingRow.position < first_without)
        for unit_id, level, n in session.execute(
                select(RankingRow.unit_id, RankingRow.prize_level, func.count())
                .where(*conditions)
                .group_by(RankingRow.unit_id, RankingRow.prize_level)):
            prizes.setdefault(unit_id, {})[level] = n
    result = []
    for unit in session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)):
        n, avg, best, mx = by_unit.get(unit.id, (0, None, None, 0))
        result.append((unit, rules.UnitStats(
            unit_id=unit.id, participants=n, attempts=attempts.get(unit.id, 0),
            headcount=unit.headcount, average_score=float(avg) if avg is not None else None,
            best_score=best, prizes=prizes.get(unit.id, {}), max_score=mx or rnd.question_count,
        )))
    return result


def ranked_units(session: Session, rnd: Round, board_id: int | None,
                 snapshot_id: int | None = None):
    """Units ranked per block: [(block_id, block_name, [(rank, unit, stats, collective)])]."""
    order, formula = unit_settings(rnd.contest)
    stats = unit_stats(session, rnd, board_id, snapshot_id)
    blocks = {b.id: b for b in session.scalars(select(Block))}
    grouped: dict[int | None, list] = {}
    for unit, s in stats:
        grouped.setdefault(unit.block_id, []).append((unit, s))
    result = []
    for block_id in sorted(grouped, key=lambda b: (b is None, blocks[b].position if b else 0,
                                                   blocks[b].name if b else "")):
        units = {s.unit_id: u for u, s in grouped[block_id]}
        ranked = rules.rank_units([s for _, s in grouped[block_id]], order, formula)
        result.append((block_id, blocks[block_id].name if block_id else "",
                       [(rank, units[s.unit_id], s, score) for rank, s, score in ranked]))
    return result


def _store_units(session: Session, snapshot: RankingSnapshot, rnd: Round,
                 board_id: int | None) -> None:
    order, formula = unit_settings(rnd.contest)
    tiers = tiers_for(session, rnd.contest_id, rnd.id, board_id, kind="unit")
    rows = []
    for block_id, block_name, ranked in ranked_units(session, rnd, board_id, snapshot.id):
        for rank, unit, s, score in ranked:
            eligible = rank is not None and rules.unit_prize_eligible(s, block_id is not None)
            tier = rules.prize_for_rank(rank, tiers) if eligible else None
            rows.append({
                "snapshot_id": snapshot.id, "rank": rank, "unit_id": unit.id,
                "unit_name": unit.name, "block_id": block_id, "block_name": block_name,
                "participants": s.participants, "attempts": s.attempts,
                "headcount": s.headcount, "participation_rate": s.participation_rate,
                "average_score": s.average_score, "best_score": s.best_score,
                "prizes": s.prize_count, "prize_points": s.prize_points(formula.prize_points),
                "collective_score": score, "prize": tier.name if tier else None,
            })
    if rows:
        session.execute(insert(UnitRankingRow), rows)
    snapshot.rules = {**snapshot.rules, "unit_order": order, "collective": formula.terms()}


# --- Reading published snapshots ----------------------------------------------------------

def current_snapshot(session: Session, contest_id: int, round_id: int | None,
                     board_id: int | None, version: int | None = None) -> RankingSnapshot:
    conditions = [
        RankingSnapshot.contest_id == contest_id,
        _same(RankingSnapshot.round_id, round_id),
        _same(RankingSnapshot.board_id, board_id),
    ]
    if version is None:
        conditions.append(RankingSnapshot.is_current.is_(True))
    else:
        conditions.append(RankingSnapshot.version == version)
    # A withdrawn publication is kept in the history but never served as a ranking.
    conditions.append(RankingSnapshot.withdrawn_at.is_(None))
    snapshot = session.scalar(select(RankingSnapshot).where(*conditions))
    if snapshot is None:
        raise NotFound()
    return snapshot


def history(session: Session, contest_id: int, round_id: int | None, board_id: int | None
            ) -> list[RankingSnapshot]:
    return list(session.scalars(select(RankingSnapshot).where(
        RankingSnapshot.contest_id == contest_id,
        _same(RankingSnapshot.round_id, round_id),
        _same(RankingSnapshot.board_id, board_id),
    ).order_by(RankingSnapshot.version.desc())))


def name_matches(column, q: str):  # noqa: ANN001, ANN201  (SQLAlchemy column and clause)
    """`column` (an unaccented, lower-case name) holds the words of `q` as a run starting at
    a word boundary. LIKE wildcards typed by the user are taken literally. The leading space
    is an inline literal so that PostgreSQL matches the trigram index on ' ' || search_name."""
    key = unaccent(q)[:150]
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (literal_column("' '") + column).like(f"% {escaped}%", escape="\\")


def search_reads_in_order(matches: int, page: int, per_page: int, entries: int) -> bool:
    """Which way a name search reads its page: walking the snapshot in position order reads
    about page * per_page * entries / matches rows before the page is full; reading the
    matching rows through the name index and sorting them reads `matches` rows. The cheaper
    one wins (common names walk, rare ones use the index)."""
    return matches * matches >= page * per_page * entries


def snapshot_page(session: Session, snapshot: RankingSnapshot, page: int, per_page: int,
                  q: str = "", unit_id: int | None = None) -> Page:
    """A page of published rows: by position range (index scan), or a name or unit search.
    Name search ignores diacritics and matches any run of whole words of the name, the last
    one possibly cut short ("hong nhung", "thi hong", "nhu" all find "Lê Thị Hồng Nhung")."""
    if not q and unit_id is None:
        start = (page - 1) * per_page
        rows = session.scalars(select(RankingRow).where(
            RankingRow.snapshot_id == snapshot.id, RankingRow.position > start,
            RankingRow.position <= start + per_page).order_by(RankingRow.position)).all()
        return Page(list(rows), snapshot.entry_count, page, per_page)
    conditions = [RankingRow.snapshot_id == snapshot.id]
    if unit_id is not None:
        conditions.append(RankingRow.unit_id == unit_id)
    total = None
    order = RankingRow.position
    if q:
        conditions.append(name_matches(RankingRow.search_name, q))
        names = select(RankingName.search_name).where(
            RankingName.snapshot_id == snapshot.id, name_matches(RankingName.search_name, q))
        if unit_id is None:
            # The snapshot's distinct names give the exact number of matching rows.
            total = session.scalar(select(func.coalesce(func.sum(RankingName.entries), 0))
                                   .where(RankingName.snapshot_id == snapshot.id,
                                          name_matches(RankingName.search_name, q))) or 0
        if total == 0:
            return Page([], 0, page, per_page)
        if total is None or not search_reads_in_order(total, page, per_page,
                                                      snapshot.entry_count):
            conditions.append(RankingRow.search_name.in_(names))
            # Sorting the few matches beats walking the position index past every row:
            # "+ 0" keeps the planners from choosing the index order.
            order = RankingRow.position + 0
    if total is None:
        # Counting every match of a common prefix ("nguyen") costs more than the page
        # itself: count up to a cap and say "more than" beyond it.
        total = session.scalar(select(func.count()).select_from(
            select(RankingRow.id).where(*conditions).limit(SEARCH_COUNT_CAP + 1)
            .subquery())) or 0
    stmt = (select(RankingRow).where(*conditions).order_by(order)
            .offset((page - 1) * per_page).limit(per_page))
    walk = q and order is RankingRow.position and session.get_bind().dialect.name == "postgresql"
    if walk:
        # PostgreSQL guesses a handful of matches for any '% run%' pattern and would read the
        # whole snapshot and sort it; the known count says the position walk (the index
        # order, no sort) is cheaper. For this one statement only.
        session.execute(text("SET LOCAL enable_sort = off"))
    try:
        rows = session.scalars(stmt).all()
    finally:
        if walk:
            session.execute(text("SET LOCAL enable_sort = on"))
    return Page(list(rows), min(total, SEARCH_COUNT_CAP), page, per_page,
                capped=total > SEARCH_COUNT_CAP)


def unit_rows(session: Session, snapshot: RankingSnapshot, block_id: int | None = None
              ) -> list[UnitRankingRow]:
    stmt = select(UnitRankingRow).where(UnitRankingRow.snapshot_id == snapshot.id)
    if block_id is not None:
        stmt = stmt.where(UnitRankingRow.block_id == block_id)
    return list(session.scalars(stmt.order_by(
        UnitRankingRow.block_name, UnitRankingRow.rank.is_(None), UnitRankingRow.rank,
        UnitRankingRow.unit_name)))


def position_of(session: Session, snapshot: RankingSnapshot, user_id: int) -> int | None:
    return session.scalar(select(RankingRow.position).where(
        RankingRow.snapshot_id == snapshot.id, RankingRow.user_id == user_id))


def published_round_ids(session: Session, contest_id: int) -> set[int]:
    return set(session.scalars(select(RankingSnapshot.round_id).where(
        RankingSnapshot.contest_id == contest_id, RankingSnapshot.round_id.is_not(None),
        RankingSnapshot.is_current.is_(True))))


def contest_published(session: Session, contest_id: int) -> bool:
    return session.scalar(select(RankingSnapshot.id).where(
        RankingSnapshot.contest_id == contest_id, RankingSnapshot.round_id.is_(None)
    ).limit(1)) is not None
