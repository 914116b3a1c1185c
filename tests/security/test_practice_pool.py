"""Hole 1 of issue 14: practice rounds handed out the official key.

A practice round reveals its key after submit. It used to draw from the same approved bank as
official rounds, so replaying it harvested the official key (56 attempts revealed 167 of 174
questions, then an official round with `reveal=never` was answered 20/20). Now practice rounds
draw only the practice pool and official rounds never draw it, whatever a blueprint says; two
questions of one group never share an attempt; a practice round whose pool is too small is
refused, at start and in the organiser's form."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from contest_app.bank.models import Question, QuestionVersion
from contest_app.extensions import db
from contest_app.quiz import rules, services
from contest_app.quiz.models import Attempt, AttemptItem, Contest, Round
from tests import factories
from tests.conftest import csrf_token

PLAYS = 1000


@dataclass
class World:
    contest_id: int
    practice_id: int
    official_id: int
    official_ids: set[int]
    practice_ids: set[int]
    official_texts: list[str]


def build(app, clock, n_official: int = 40, n_practice: int = 25, practice_count: int = 10,
          official_count: int = 20) -> World:
    """A bank of official and practice questions (official ones marked in their text), a
    practice round and an official round that never reveals its key."""
    with app.app_context():
        topic = factories.topic(db.session)
        for i in range(n_official):
            factories.question(db.session, f"OFF-{i:03d}", topic, ("easy", "medium", "hard")[i % 3],
                               correct=[i % 4], text=f"Câu chính thức số {i}?")
        for i in range(n_practice):
            factories.question(db.session, f"PRA-{i:03d}", topic, ("easy", "medium", "hard")[i % 3],
                               correct=[i % 4], text=f"Câu luyện tập số {i}?", pool="practice")
        contest = factories.contest(db.session)
        practice = factories.round_(db.session, contest, clock.now(), kind="practice",
                                    question_count=practice_count, max_attempts=None,
                                    title="Thi thử")
        official = factories.round_(db.session, contest, clock.now(),
                                    question_count=official_count, reveal="never",
                                    title="Tuần 1")
        db.session.commit()
        pools = dict(db.session.execute(select(Question.id, Question.pool)).all())
        return World(contest.id, practice.id, official.id,
                     {q for q, p in pools.items() if p == "official"},
                     {q for q, p in pools.items() if p == "practice"},
                     [f"Câu chính thức số {i}?" for i in range(n_official)])


def _key_of(version_rows) -> dict[int, frozenset[str]]:
    return {qid: frozenset(opts[i] for i in correct) for qid, opts, correct in version_rows}


def test_a_thousand_practice_plays_never_reveal_an_official_key(app, clock, make_user) -> None:
    world = build(app, clock)
    user = make_user()
    drawn: set[int] = set()
    revealed: dict[int, frozenset[str]] = {}
    with app.app_context():
        for play in range(PLAYS):
            started = services.start_attempt(db.session, user.id, world.practice_id,
                                             clock.now(), 5, seed=play + 1)
            assert started.created
            attempt = services.submit(db.session, user.id, started.attempt.id, clock.now(), 5)
            assert services.review_allowed(attempt, clock.now())  # practice shows its key
            for item in services.attempt_items(db.session, attempt, review=True):
                drawn.add(item.question_id)
                revealed[item.question_id] = frozenset(
                    text for oid, text in item.options if oid in (item.correct or []))
            if play % 100 == 99:
                db.session.commit()
        db.session.commit()
        assert db.session.scalar(select(func.count(Attempt.id)).where(
            Attempt.round_id == world.practice_id)) == PLAYS
        assert drawn <= world.practice_ids
        assert not drawn & world.official_ids
        assert not set(revealed) & world.official_ids
        assert len(drawn) == len(world.practice_ids)  # the whole practice pool was served
        # The harvest is worth nothing in the official round: none of its questions is known.
        official = services.start_attempt(db.session, user.id, world.official_id, clock.now(), 5)
        ids = {i.question_id for i in official.items}
        assert ids <= world.official_ids and not ids & set(revealed)
        keys = _key_of(db.session.execute(
            select(QuestionVersion.question_id, QuestionVersion.options,
                   QuestionVersion.correct)).all())
        assert all(keys[q] for q in ids)
        attempt = services.submit(db.session, user.id, official.attempt.id, clock.now(), 5)
        assert not services.review_allowed(attempt, clock.now())  # reveal=never holds


def test_practice_plays_over_http_show_only_practice_questions(app, client, clock, login_as,
                                                               api_token) -> None:
    world = build(app, clock)
    # Through the API (a bearer token, no session cookie)…
    headers, _ = api_token()
    for _ in range(5):
        started = client.post(f"/api/v1/rounds/{world.practice_id}/attempts", headers=headers)
        assert started.status_code == 201
        attempt_id = started.get_json()["id"]
        client.post(f"/api/v1/attempts/{attempt_id}/submission", headers=headers)
        review = client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).get_json()
        assert review["review"] and {r["question_id"] for r in review["review"]} <= \
            world.practice_ids
    # …and through the pages.
    login_as()
    for _ in range(5):
        token = csrf_token(client, f"/vong-thi/{world.practice_id}")
        started = client.post(f"/vong-thi/{world.practice_id}/bat-dau",
                              data={"csrf_token": token})
        assert started.status_code == 302
        attempt_url = started.headers["Location"]
        take = client.get(attempt_url).get_data(as_text=True)
        assert "Câu luyện tập số" in take
        submitted = client.post(attempt_url, data={"csrf_token": token, "action": "submit"})
        result = client.get(submitted.headers["Location"]).get_data(as_text=True)
        assert "Giải thích" in result  # the key is shown…
        assert "Câu luyện tập số" in result
        assert not any(text in take + result for text in world.official_texts)  # …never official


def test_official_round_never_draws_practice_questions_even_when_short(
        app, client, clock, make_user, api_token) -> None:
    # 8 official questions for a 10-question blueprint, 25 practice questions unused.
    world = build(app, clock, n_official=8, official_count=10)
    user = make_user()
    with app.app_context():
        with pytest.raises(rules.BankTooSmall) as err:
            services.start_attempt(db.session, user.id, world.official_id, clock.now(), 5)
        assert not isinstance(err.value, rules.PracticePoolTooSmall)
        assert (err.value.fields["needed"], err.value.fields["available"]) == (10, 8)
        db.session.rollback()
        # A blueprint line of any topic or difficulty cannot reach the practice pool either.
        rnd = db.session.get(Round, world.official_id)
        rnd.question_count = 8
        rnd.blueprint = []
        db.session.commit()
        for seed in range(1, 51):
            drawn = rules.draw_questions(services.current_bank(db.session)[0],
                                         services.blueprint_for(rnd, None), seed, None,
                                         rules.pool_for_round(rnd.kind))
            assert {d.question_id for d in drawn} == world.official_ids
        rnd.question_count = 10
        db.session.commit()
    headers, _ = api_token()
    refused = client.post(f"/api/v1/rounds/{world.official_id}/attempts", headers=headers)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "bank_too_small"
    with app.app_context():
        assert db.session.scalar(select(func.count(Attempt.id))) == 0


def test_groups_are_honoured_in_real_attempts(app, clock, make_user) -> None:
    """Twelve groups of three similar questions: an attempt of 12 takes one of each."""
    with app.app_context():
        topic = factories.topic(db.session)
        groups = {}
        for g in range(12):
            for k in range(3):
                q = factories.question(db.session, f"G{g:02d}-{k}", topic,
                                       ("easy", "medium", "hard")[k], group=f"nhom-{g:02d}")
                groups[q.id] = q.draw_group
        contest = factories.contest(db.session)
        rnd = factories.round_(db.session, contest, clock.now(), question_count=12,
                               max_attempts=None, lines=[(None, None, "easy", 4),
                                                         (None, None, "hard", 4),
                                                         (None, None, None, 4)])
        practice_groups = {}
        for g in range(6):
            for k in range(2):
                q = factories.question(db.session, f"PG{g:02d}-{k}", topic, pool="practice",
                                       group=f"luyen-tap-{g}")
                practice_groups[q.id] = q.draw_group
        practice = factories.round_(db.session, contest, clock.now(), kind="practice",
                                    question_count=6, max_attempts=None, title="Thi thử")
        db.session.commit()
        for i in range(30):
            user = make_user()
            for round_id, owner in ((rnd.id, groups), (practice.id, practice_groups)):
                started = services.start_attempt(db.session, user.id, round_id, clock.now(), 5)
                ids = [qid for (qid,) in db.session.execute(
                    select(AttemptItem.question_id).where(
                        AttemptItem.attempt_id == started.attempt.id))]
                every = groups | practice_groups
                assert len({every[q] for q in ids}) == len(ids), f"attempt {i}: {ids}"
                assert set(ids) <= set(owner)
            db.session.commit()


def test_practice_round_with_too_small_pool_is_refused_at_start(app, client, clock, login_as,
                                                                api_token) -> None:
    world = build(app, clock, n_practice=4)  # 4 practice questions, the round needs 10
    headers, _ = api_token()
    refused = client.post(f"/api/v1/rounds/{world.practice_id}/attempts", headers=headers)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "practice_pool_too_small"
    assert "kho câu hỏi dành cho thi thử chưa đủ câu" in error["message"]
    login_as()
    token = csrf_token(client, f"/vong-thi/{world.practice_id}")
    page = client.post(f"/vong-thi/{world.practice_id}/bat-dau", data={"csrf_token": token},
                       follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "Vòng thi thử chưa thể bắt đầu" in html
    assert not any(text in html for text in world.official_texts)
    with app.app_context():
        assert db.session.scalar(select(func.count(Attempt.id))) == 0


def test_practice_round_with_too_small_pool_is_refused_in_the_organiser_form(
        app, client, clock, login_as) -> None:
    world = build(app, clock, n_practice=4)
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{world.contest_id}/vong-thi/moi"
    token = csrf_token(client, url)
    form = {"csrf_token": token, "title": "Thi thử 2", "kind": "practice", "opens_at": "",
            "closes_at": "", "question_count": "10", "time_limit_min": "10",
            "max_attempts": "0", "counting": "best", "reveal": "after_submit",
            "prediction_kind": ""}
    refused = client.post(url, data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r"Kho hiện có 4 câu hỏi luyện tập đã duyệt, nhưng\s+đề cần 10 câu", html)
    with app.app_context():
        assert db.session.scalar(select(func.count(Round.id)).where(
            Round.title == "Thi thử 2")) == 0
    # The existing practice round's page says it cannot open, and saving it is refused too.
    edit = f"/ban-to-chuc/cuoc-thi/{world.contest_id}/vong-thi/{world.practice_id}"
    assert "chưa thể mở cho thí sinh" in client.get(edit).get_data(as_text=True)
    assert client.post(edit, data={**form, "title": "Thi thử"}).status_code == 422
    with app.app_context():
        assert db.session.get(Contest, world.contest_id) is not None
