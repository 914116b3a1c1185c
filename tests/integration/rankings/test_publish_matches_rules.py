"""The published snapshot (one INSERT … SELECT with window functions) agrees with the
plain-Python rules, which stay the specification: random entries with many ties (scores,
times and submission instants from tiny domains), every counting policy, random tie-break
chains, prize tiers and the prediction question."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from contest_app.accounts.models import User
from contest_app.accounts.rules import unaccent
from contest_app.extensions import db
from contest_app.quiz.models import Attempt
from contest_app.rankings import rules, services
from contest_app.rankings.models import RankingName, RankingRow
from tests import factories

PEOPLE = 12

attempt_st = st.tuples(
    st.integers(0, PEOPLE - 1),            # who
    st.integers(3, 5),                     # score (max 5: full marks are common)
    st.sampled_from([60_000, 60_100, 75_000]),  # duration in ms
    st.integers(0, 2),                     # submitted, in minutes after the first
    st.one_of(st.none(), st.integers(0, 6)),    # prediction
)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(attempts=st.lists(attempt_st, min_size=0, max_size=30),
       counting=st.sampled_from(rules.COUNTING),
       chain=st.permutations(rules.TIE_BREAKS).flatmap(
           lambda p: st.integers(0, len(p)).map(lambda n: tuple(p[:n]))),
       prediction_kind=st.sampled_from([None, "full_marks", "participants"]),
       tiers=st.dictionaries(st.sampled_from(rules.PRIZE_LEVELS), st.integers(1, 3),
                             max_size=4))
def test_published_rows_match_the_rules(app_ctx, clock, attempts, counting, chain,
                                        prediction_kind, tiers) -> None:
    try:
        check_one_example(db.session, clock, attempts, counting, chain, prediction_kind,
                          tiers)
    finally:
        db.session.rollback()  # every example starts from the empty database


def check_one_example(session, clock, attempts, counting, chain, prediction_kind,
                      tiers) -> None:
    contest = factories.contest(session, title="Cuộc thi so khớp")
    contest.tie_breaks = list(chain)
    rnd = factories.round_(session, contest, clock.now(), question_count=5,
                           opens_delta=timedelta(days=-2), closes_delta=timedelta(hours=-1),
                           counting=counting, prediction_kind=prediction_kind,
                           max_attempts=None)
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Thị Hồng Nhung", "Nguyễn Văn An"]
    users = []
    for i in range(PEOPLE):
        user = User(email=f"hyp{i}-{rnd.id}@example.vn", full_name=names[i % len(names)],
                    phone=f"09{rnd.id % 1000:03d}{i:05d}", password_hash="x")
        session.add(user)
        users.append(user)
    session.flush()
    numbers: dict[int, int] = {}
    for who, score, duration, minute, prediction in attempts:
        uid = users[who].id
        numbers[uid] = numbers.get(uid, 0) + 1
        factories.finished_attempt(session, rnd, uid, score, duration,
                                   rnd.opens_at + timedelta(minutes=minute), prediction,
                                   number=numbers[uid])
    services.set_tiers(session, None, contest, rnd.id, None, "individual", tiers)
    session.flush()

    counted = rules.counting_attempts(
        [rules.Attempt(a.user_id, a.number, a.score, a.duration_ms, a.submitted_at,
                       a.prediction, a.max_score)
         for a in session.scalars(select(Attempt).where(Attempt.round_id == rnd.id))],
        counting)
    actual = rules.prediction_actual(counted, prediction_kind) if prediction_kind else None
    expected = rules.award(
        rules.rank_entries([rules.Entry(a.user_id, a.score, a.duration_ms, a.submitted_at,
                                        a.prediction) for a in counted],
                           services.contest_chain(contest), actual),
        services.tiers_for(session, contest.id, rnd.id, None))

    snapshot, = services.publish_round(session, None, rnd, clock.now())
    rows = session.scalars(select(RankingRow).where(RankingRow.snapshot_id == snapshot.id)
                           .order_by(RankingRow.position)).all()
    assert snapshot.actual_prediction == actual
    assert [(r.user_id, r.rank, r.position, r.score, r.duration_ms, r.prediction_diff,
             r.prize_level) for r in rows] == [
        (x.entry.user_id, x.rank, x.position, x.entry.score, x.entry.duration_ms,
         x.prediction_diff, x.prize_level) for x in expected]
    assert snapshot.entry_count == len(expected)
    by_name = dict(session.execute(select(RankingName.search_name, RankingName.entries)
                                   .where(RankingName.snapshot_id == snapshot.id)).all())
    assert sum(by_name.values()) == len(rows)
    assert set(by_name) == {r.search_name for r in rows}


@pytest.mark.parametrize("in_order", [True, False, None])
def test_search_pages_and_counts_agree_with_a_plain_filter(app_ctx, clock, monkeypatch,
                                                           in_order) -> None:
    """Searches read in position order, or through the name index, or as the cost rule
    chooses, give the rows, in position order, and the exact count that filtering every row
    in Python gives."""
    if in_order is not None:
        monkeypatch.setattr(services, "search_reads_in_order", lambda *a: in_order)
    session = db.session
    contest = factories.contest(session, title="Cuộc thi tìm tên")
    rnd = factories.round_(session, contest, clock.now(), question_count=5,
                           opens_delta=timedelta(days=-2), closes_delta=timedelta(hours=-1))
    full = ["Nguyễn Văn An", "Nguyễn Thị Hồng Nhung", "Trần Nhung", "Hồng Văn Nam",
            "Lê Văn An", "H' Hen Niê", "Ksor Y Blứ"]
    for i in range(140):
        user = User(email=f"s{i}@example.vn", full_name=full[(i * 5) % 7] if i % 9 else
                    f"Người Lạ {i}", phone=f"0988{i:06d}", password_hash="x")
        session.add(user)
        session.flush()
        factories.finished_attempt(session, rnd, user.id, i % 4 + 2, 60_000 + i,
                                   rnd.opens_at + timedelta(minutes=i % 3))
    snapshot, = services.publish_round(session, None, rnd, clock.now())
    rows = session.scalars(select(RankingRow).where(RankingRow.snapshot_id == snapshot.id)
                           .order_by(RankingRow.position)).all()
    for q in ["nguyen", "van an", "hong nh", "nhung", "H' H", "ksor y bl", "nguoi la 1",
              "la", "xyz", "%", "an"]:
        key = unaccent(q)
        want = [r.position for r in rows if f" {r.search_name}".find(f" {key}") >= 0]
        got, page = [], 1
        while True:
            result = services.snapshot_page(session, snapshot, page, 10, q=q)
            got += [r.position for r in result.rows]
            if page >= result.pages:
                break
            page += 1
        assert got == want, q
        assert result.total == len(want), q
