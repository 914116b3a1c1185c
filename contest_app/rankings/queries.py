"""The ranking computed by the database: counting attempts and the tie-break chain as window
functions, so that a million entries never pass through Python."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    Integer,
    case,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import Unit, User, UserRole, Ward
from ..quiz.models import ATTEMPT_EXPIRED, ATTEMPT_SUBMITTED, Attempt, Round
from .models import Exclusion
from .rules import PrizeTier, validate_chain

FINISHED = (ATTEMPT_SUBMITTED, ATTEMPT_EXPIRED)
INELIGIBLE_ROLES = ("judge", "organiser")


def eligible(user_id_col: ColumnElement, contest_id: int, round_id: int | None) -> list:
    """Conditions that keep organisers, judges, board staff and excluded entries out."""
    excluded = exists().where(
        Exclusion.user_id == user_id_col, Exclusion.contest_id == contest_id,
        or_(Exclusion.round_id.is_(None), Exclusion.round_id == round_id)
        if round_id is not None else true(),
    )
    staff_role = exists().where(UserRole.user_id == user_id_col,
                                UserRole.role.in_(INELIGIBLE_ROLES))
    return [~excluded, ~staff_role, User.is_staff.is_(False)]


def _counting_order(policy: str) -> list:
    if policy == "first":
        return [Attempt.number.asc()]
    if policy == "last":
        return [Attempt.number.desc()]
    return [Attempt.score.desc(), Attempt.duration_ms.asc(), Attempt.submitted_at.asc(),
            Attempt.number.asc()]


PERSON_COLUMNS = ("full_name", "search_name", "search_given", "phone", "unit_id", "ward_id")


def counting_entries(rnd: Round, board_id: int | None, apply_eligibility: bool = True,
                     with_person: bool = False):
    """One row per participant: the attempt that the round's rule says counts. With
    `with_person`, the participant's display fields come along from the join that the
    eligibility check needs anyway, so a ranking built on it reads each user once."""
    conditions = [Attempt.round_id == rnd.id, Attempt.status.in_(FINISHED)]
    if board_id is not None:
        conditions.append(Attempt.board_id == board_id)
    if apply_eligibility:
        conditions += eligible(Attempt.user_id, rnd.contest_id, rnd.id)
    person = [getattr(User, name) for name in PERSON_COLUMNS] if with_person else []
    inner = (
        select(
            Attempt.user_id, Attempt.score, Attempt.max_score, Attempt.duration_ms,
            Attempt.submitted_at, Attempt.prediction, *person,
            func.row_number().over(partition_by=Attempt.user_id,
                                   order_by=_counting_order(rnd.counting)).label("rn"),
        )
        .join(User, User.id == Attempt.user_id)
        .where(*conditions)
        .subquery("finished")
    )
    return select(inner).where(inner.c.rn == 1).subquery("counting")


def prediction_actual_query(rnd: Round, board_id: int | None) -> Select:
    entries = counting_entries(rnd, board_id)
    if rnd.prediction_kind == "participants":
        return select(func.count()).select_from(entries)
    return select(func.count()).select_from(entries).where(
        entries.c.score == entries.c.max_score, entries.c.max_score > 0)


def ordering(entries, chain: Sequence[str], actual: int | None) -> tuple[list, ColumnElement]:
    """ORDER BY terms for the chain, and the prediction difference column."""
    if actual is None:
        diff = null().cast(Integer)
    else:
        diff = case((entries.c.prediction.is_(None), None),
                    else_=func.abs(entries.c.prediction - literal(actual)))
    terms: list = [entries.c.score.desc()]
    for key in validate_chain(chain):
        if key == "prediction":
            terms += [case((diff.is_(None), 1), else_=0).asc(), diff.asc()]
        elif key == "duration":
            terms.append(entries.c.duration_ms.asc())
        elif key == "submitted_at":
            terms.append(entries.c.submitted_at.asc())
    return terms, diff


def prize_columns(rank_col: ColumnElement, tiers: Sequence[PrizeTier]
                  ) -> tuple[ColumnElement, ColumnElement]:
    """CASE expressions giving each rank its prize level and name."""
    if not tiers:
        return null().cast(Integer), null()
    whens_level, whens_name, cumulative = [], [], 0
    for tier in sorted(tiers, key=lambda t: t.level):
        cumulative += tier.count
        whens_level.append((rank_col <= cumulative, tier.level))
        whens_name.append((rank_col <= cumulative, tier.name))
    return case(*whens_level, else_=None), case(*whens_name, else_=None)


def ranked_select(entries, chain: Sequence[str], actual: int | None,
                  tiers: Sequence[PrizeTier]) -> Select:
    """Entries with rank (competition ranking), position, prize and the display fields."""
    terms, diff = ordering(entries, chain, actual)
    carried = all(name in entries.c for name in PERSON_COLUMNS)
    person = [entries.c[name] for name in PERSON_COLUMNS] if carried else []
    ranked = select(
        entries.c.user_id, entries.c.score, entries.c.duration_ms, entries.c.submitted_at,
        entries.c.prediction, diff.label("prediction_diff"), *person,
        # One sort serves both windows: the rank's order is a prefix of the position's.
        func.rank().over(order_by=terms).label("rank"),
        func.row_number().over(order_by=[*terms, entries.c.user_id.asc()]).label("position"),
    ).subquery("ranked")
    level, name = prize_columns(ranked.c.rank, tiers)
    who = ranked.c if carried else User.__table__.c
    masked = func.substr(who.phone, 1, 4) + literal("***") + func.substr(who.phone, 8, 3)
    stmt = select(
        ranked.c.position, ranked.c.rank, ranked.c.user_id, who.full_name,
        who.search_name, who.search_given, masked.label("phone_masked"), who.unit_id,
        # A citizen has no unit: the ward they live in is shown where the unit would be.
        func.coalesce(Unit.name, Ward.name, "").label("unit_name"), ranked.c.score,
        ranked.c.duration_ms, ranked.c.submitted_at, ranked.c.prediction,
        ranked.c.prediction_diff, level.label("prize_level"), name.label("prize"),
    ).select_from(ranked)
    if not carried:
        stmt = stmt.join(User, User.id == ranked.c.user_id)
    return (stmt.outerjoin(Unit, Unit.id == who.unit_id)
            .outerjoin(Ward, Ward.id == who.ward_id))


def unit_attempt_counts(rnd: Round, board_id: int | None) -> Select:
    conditions = [Attempt.round_id == rnd.id, Attempt.status.in_(FINISHED),
                  *eligible(Attempt.user_id, rnd.contest_id, rnd.id)]
    if board_id is not None:
        conditions.append(Attempt.board_id == board_id)
    return (select(User.unit_id, func.count(Attempt.id))
            .join(User, User.id == Attempt.user_id).where(*conditions)
            .group_by(User.unit_id))


def unit_entry_stats(entries) -> Select:
    return (select(User.unit_id, func.count(), func.avg(entries.c.score),
                   func.max(entries.c.score), func.max(entries.c.max_score))
            .join(User, User.id == entries.c.user_id)
            .group_by(User.unit_id))


def contest_entries(snapshots: Sequence[tuple[int, int]], contest_id: int, mode: str):
    """One row per participant over the published rounds of a contest: the sum of the rounds'
    published scores (and times, and prediction differences) or the best round. Built from
    the published round snapshots (`(snapshot_id, max_score)` pairs) and nothing else, so the
    contest-wide ranking can never contradict a round's published one; an exclusion from the
    whole contest made after a round was published still applies. The `prediction` column
    holds the prediction difference, so the chain is applied with a real figure of 0."""
    from sqlalchemy import union_all

    from .models import RankingRow

    excluded = exists().where(Exclusion.user_id == RankingRow.user_id,
                              Exclusion.contest_id == contest_id, Exclusion.round_id.is_(None))
    parts = [select(RankingRow.user_id, RankingRow.score,
                    literal(max_score, Integer).label("max_score"), RankingRow.duration_ms,
                    RankingRow.submitted_at, RankingRow.prediction_diff.label("pdiff"))
             .where(RankingRow.snapshot_id == snapshot_id, ~excluded)
             for snapshot_id, max_score in snapshots]
    if not parts:
        raise ValueError("no rounds")
    u = union_all(*parts).subquery("per_round")
    if mode == "best":
        best = select(
            u, func.row_number().over(
                partition_by=u.c.user_id,
                order_by=[u.c.score.desc(), u.c.duration_ms.asc(), u.c.submitted_at.asc()],
            ).label("rn"),
        ).subquery("best_round")
        return select(best.c.user_id, best.c.score, best.c.max_score, best.c.duration_ms,
                      best.c.submitted_at, best.c.pdiff.label("prediction")
                      ).where(best.c.rn == 1).subquery("contest_entries")
    complete = func.count(u.c.pdiff) == func.count()
    return select(
        u.c.user_id, func.sum(u.c.score).label("score"),
        func.sum(u.c.max_score).label("max_score"),
        func.sum(u.c.duration_ms).label("duration_ms"),
        func.max(u.c.submitted_at).label("submitted_at"),
        case((complete, func.sum(u.c.pdiff)), else_=None).label("prediction"),
    ).group_by(u.c.user_id).subquery("contest_entries")
