"""Rankings computed by the database agree with the plain-Python rules."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from contest_app.extensions import db
from contest_app.quiz.models import Attempt, Round
from contest_app.rankings import rules, services


def live(app, round_id, board_id=None):
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        page, actual = services.live_page(db.session, rnd, board_id, 1, 10_000)
        return page.rows, actual


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_database_ranking_matches_the_rules(app, world, seed) -> None:
    rng = random.Random(seed)
    users = [world.person(f"Người {i}") for i in range(40)]
    for uid in users:
        for number in range(1, rng.randint(1, 3) + 1):
            world.attempt(uid, rng.randint(7, 10), rng.choice([60, 61, 75]),
                          at_minutes=rng.choice([1, 2, 3]), number=number,
                          prediction=rng.choice([None, 5, 8, 12]))
    rows, actual = live(app, world.round_id)
    with app.app_context():
        attempts = db.session.scalars(select(Attempt)).all()
        counting = rules.counting_attempts(
            [rules.Attempt(a.user_id, a.number, a.score, a.duration_ms, a.submitted_at,
                           a.prediction, a.max_score) for a in attempts], "best")
    assert actual == rules.prediction_actual(counting, "full_marks")
    expected = rules.rank_entries(
        [rules.Entry(a.user_id, a.score, a.duration_ms, a.submitted_at, a.prediction)
         for a in counting], rules.DEFAULT_CHAIN, actual)
    assert [(r.user_id, r.rank, r.position, r.score) for r in rows] == [
        (x.entry.user_id, x.rank, x.position, x.entry.score) for x in expected]


def test_tie_break_chain_and_shared_ranks(app, world) -> None:
    a, b, c, d, e = (world.person(n) for n in ("An", "Bình", "Cường", "Dũng", "Em"))
    world.attempt(a, 10, 90, prediction=2)     # full marks; prediction off by 0 (actual = 2)
    world.attempt(b, 10, 60, prediction=5)     # full marks; off by 3, faster
    world.attempt(c, 9, 50, at_minutes=1)
    world.attempt(d, 9, 50, at_minutes=1)      # a full tie with c
    world.attempt(e, 9, 50, at_minutes=2)      # same but later
    rows, actual = live(app, world.round_id)
    assert actual == 2
    assert [(r.user_id, r.rank) for r in rows] == [(a, 1), (b, 2), (c, 3), (d, 3), (e, 5)]


@pytest.mark.parametrize("policy, expected_score", [("best", 9), ("first", 5), ("last", 7)])
def test_counting_policies(app, world, policy, expected_score) -> None:
    with app.app_context():
        db.session.get(Round, world.round_id).counting = policy
        db.session.commit()
    uid = world.person("Nhiều Lượt")
    world.attempt(uid, 5, 60, number=1)
    world.attempt(uid, 9, 80, number=2)
    world.attempt(uid, 7, 40, number=3)
    rows, _ = live(app, world.round_id)
    assert [(r.user_id, r.score) for r in rows] == [(uid, expected_score)]


def test_staff_judges_organisers_never_ranked(app, world) -> None:
    ok = world.person("Thí Sinh")
    org = world.person("Ban Tổ Chức", roles=("organiser",))
    judge = world.person("Giám Khảo", roles=("judge",))
    staff = world.person("Tổ Giúp Việc", is_staff=True)
    for uid in (ok, org, judge, staff):
        world.attempt(uid, 10, 60)
    rows, actual = live(app, world.round_id)
    assert [r.user_id for r in rows] == [ok]
    assert actual == 1  # the real figure counts eligible entries only


def test_in_progress_attempts_do_not_count(app, world) -> None:
    uid = world.person("Đang Làm")
    world.attempt(uid, 10, 60, status="in_progress")
    rows, _ = live(app, world.round_id)
    assert rows == []


def test_unit_statistics(app, world, make_unit) -> None:
    big = make_unit("Sở Lớn", headcount=4, block="Khối sở")
    small = make_unit("Xã Nhỏ", headcount=None, block="Khối xã")
    make_unit("Sở Vắng", headcount=10, block="Khối sở")
    u1, u2, u3 = (world.person(f"Người {i}", unit_id=big.id) for i in range(3))
    s1 = world.person("Người xã", unit_id=small.id)
    world.attempt(u1, 10, 60)
    world.attempt(u2, 6, 60, number=1)
    world.attempt(u2, 8, 60, number=2)
    world.attempt(u3, 7, 60)
    world.attempt(s1, 9, 60)
    with app.app_context():
        rnd = db.session.get(Round, world.round_id)
        blocks = services.ranked_units(db.session, rnd, None)
    by_name = {unit.name: (rank, stats, score) for _, _, rows in blocks
               for rank, unit, stats, score in rows}
    rank, stats, score = by_name["Sở Lớn"]
    assert (stats.participants, stats.attempts, stats.best_score) == (3, 4, 10)
    assert stats.participation_rate == 0.75 and score == 75.0
    assert stats.average_score == pytest.approx((10 + 8 + 7) / 3)
    assert by_name["Sở Vắng"][1].participation_rate == 0.0
    assert by_name["Xã Nhỏ"][1].participation_rate is None
    assert [name for name, _, _ in [(b[1], 0, 0) for b in blocks]] == ["Khối sở", "Khối xã"]
    assert rank == 1 and by_name["Sở Vắng"][0] is None  # nobody took part: listed, unranked
