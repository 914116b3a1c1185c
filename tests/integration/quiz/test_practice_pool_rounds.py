"""Practice rounds and the practice pool in the organiser's round form and the bank cache
(issue 14, hole 1)."""

from __future__ import annotations

from sqlalchemy import select

from contest_app.bank.models import Question
from contest_app.extensions import db
from contest_app.quiz import rules, services
from contest_app.quiz.models import Contest, Round
from tests import factories
from tests.conftest import csrf_token


def _form(token: str, **fields: str) -> dict:
    return {"csrf_token": token, "title": "Thi thử", "kind": "practice", "opens_at": "",
            "closes_at": "", "question_count": "10", "time_limit_min": "10",
            "max_attempts": "0", "counting": "best", "reveal": "after_submit",
            "prediction_kind": "", **fields}


def _contest(app) -> int:
    with app.app_context():
        factories.bank(db.session, 30)
        factories.bank(db.session, 4, pool="practice")
        contest = factories.contest(db.session)
        db.session.commit()
        return contest.id


def test_practice_round_form_refused_when_the_practice_pool_is_too_small(
        app, client, login_as) -> None:
    contest_id = _contest(app)
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/moi"
    token = csrf_token(client, url)
    refused = client.post(url, data=_form(token))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Kho hiện có 4 câu hỏi luyện tập đã duyệt, nhưng đề cần 10 câu" in html
    with app.app_context():
        assert db.session.scalar(select(Round)) is None
    # 30 official questions are there, but an official round never serves a practice one
    # and a practice one never an official one: 4 questions are enough.
    ok = client.post(url, data=_form(token, question_count="4"))
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Round)).kind == "practice"


def test_practice_round_form_names_the_failing_blueprint_line(app, client, login_as) -> None:
    contest_id = _contest(app)  # practice difficulties: medium, hard, easy, medium
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/moi"
    token = csrf_token(client, url)
    refused = client.post(url, data=_form(token, question_count="3", **{
        "lines-0-difficulty": "hard", "lines-0-count": "2",
        "lines-1-difficulty": "", "lines-1-count": "1"}))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "cần 2 câu nhưng chỉ có 1 câu luyện tập phù hợp" in html
    assert "Khó" in html


def test_official_round_may_turn_practice_only_if_the_pool_allows(app, client, login_as,
                                                                  clock) -> None:
    contest_id = _contest(app)
    with app.app_context():
        rnd = factories.round_(db.session, db.session.get(Contest, contest_id), clock.now(),
                               question_count=10)
        db.session.commit()
        round_id = rnd.id
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/{round_id}"
    token = csrf_token(client, url)
    refused = client.post(url, data=_form(token))
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.get(Round, round_id).kind == "official"


def test_round_page_warns_about_an_existing_practice_round_that_cannot_open(
        app, client, login_as, clock) -> None:
    contest_id = _contest(app)
    with app.app_context():
        rnd = factories.round_(db.session, db.session.get(Contest, contest_id), clock.now(),
                               kind="practice", question_count=4, max_attempts=None)
        db.session.commit()
        round_id = rnd.id
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/{round_id}"
    assert "chưa thể mở cho thí sinh" not in client.get(url).get_data(as_text=True)
    with app.app_context():
        q = db.session.scalar(select(Question).where(Question.pool == "practice"))
        q.status = "retired"
        db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "chưa thể mở cho thí sinh" in page and "Kho hiện có 3 câu hỏi luyện tập" in page


def test_bank_cache_sees_a_question_moving_between_pools(app, clock) -> None:
    """Even an edit that leaves `updated_at` alone must not leave a stale pool in the cache."""
    with app.app_context():
        factories.bank(db.session, 6)
        db.session.commit()
        bank, _ = services.current_bank(db.session)
        assert {c.pool for c in bank} == {"official"}
        q = db.session.scalar(select(Question).order_by(Question.id))
        q.pool, q.draw_group = "practice", "nhom-1"
        db.session.commit()
        bank, _ = services.current_bank(db.session)
        moved = next(c for c in bank if c.question_id == q.id)
        assert (moved.pool, moved.group) == ("practice", "nhom-1")
        assert rules.pool_shortfall(bank, [rules.BlueprintSpec(1)], "practice") is None
