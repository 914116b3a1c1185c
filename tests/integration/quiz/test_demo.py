"""The demo contest: four weekly rounds of 20 questions, drawn without repeats for one
participant, and a practice round that never uses up a real attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from contest_app.accounts.models import User
from contest_app.bank import services as bank_services
from contest_app.bank.models import Question
from contest_app.extensions import db
from contest_app.quiz import rules, services
from contest_app.quiz.demo import DEMO_TITLE
from contest_app.quiz.models import AttemptItem, Contest
from tests import factories


@pytest.fixture
def practice_pool(monkeypatch):
    """Control the practice pool the demo finds, whatever the shipped bank holds: after the
    shipped bank is imported, `size["n"]` approved practice questions remain (extra ones are
    made with the factories, surplus ones retired)."""
    size = {"n": 12}
    real_import = bank_services.import_path

    def import_then_adjust(session, path, **kwargs):
        result = real_import(session, path, **kwargs)
        # Ungrouped questions first: n questions of distinct groups can fill n places.
        practice = list(session.scalars(
            select(Question).where(Question.status == "approved", Question.pool == "practice")
            .order_by(Question.draw_group != "", Question.id)))
        for q in practice[size["n"]:]:
            q.status = "retired"
        topic = factories.topic(session, "demo-practice", "Luyện tập (mẫu)")
        for i in range(len(practice), size["n"]):
            key = f"DEMO-PRACTICE-{i:03d}"
            q = session.scalar(select(Question).where(Question.key == key))
            if q is None:
                factories.question(session, key, topic, pool="practice")
            else:
                q.status = "approved"
        session.flush()
        return result

    monkeypatch.setattr(bank_services, "import_path", import_then_adjust)
    return size


def test_demo_weekly_rounds_never_repeat_a_question(app, clock) -> None:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    # The printed logins name the roles in Vietnamese, never the code's words.
    assert "(Ban tổ chức)" in result.output and "(Giám khảo)" in result.output
    assert "(Người dự thi)" in result.output
    for word in ("organiser", "judge", "participant", "citizen"):
        assert word not in result.output
    with app.app_context():
        contest = db.session.scalar(select(Contest).where(Contest.title == DEMO_TITLE))
        weekly = [r for r in contest.rounds if r.kind == "official"]
        assert len(weekly) == 4
        assert [r.question_count for r in weekly] == [20, 20, 20, 20]
        user = db.session.scalar(select(User).where(User.email == "thisinh1@demo.vn"))
        assert [b.name for b in contest.boards] == ["Cán bộ, công chức, viên chức", "Người dân"]
        from contest_app.participation import services as participation

        participation.join(db.session, user.id, contest, contest.boards[0].id, None, None,
                           clock.now(), participation.data_key(), participation.contest_tz())
        db.session.commit()
        seen: list[int] = []
        for rnd in weekly:
            clock.set(rnd.opens_at + timedelta(hours=1))
            started = services.start_attempt(db.session, user.id, rnd.id, clock.now(), 5)
            services.submit(db.session, user.id, started.attempt.id, clock.now(), 5)
            db.session.commit()
            seen += [qid for (qid,) in db.session.execute(
                select(AttemptItem.question_id).where(
                    AttemptItem.attempt_id == started.attempt.id))]
        assert len(seen) == 80
        assert len(set(seen)) == 80


def test_demo_practice_round_is_open_and_unlimited(app, clock, practice_pool) -> None:
    app.test_cli_runner().invoke(args=["demo"])
    with app.app_context():
        contest = db.session.scalar(select(Contest).where(Contest.title == DEMO_TITLE))
        practice = next(r for r in contest.rounds if r.kind == "practice")
        user = db.session.scalar(select(User).where(User.email == "thisinh2@demo.vn"))
        assert practice.question_count == 10 and practice.reveal == "after_submit"
        for _ in range(3):
            started = services.start_attempt(db.session, user.id, practice.id, clock.now(), 5)
            assert started.created
            drawn = db.session.scalars(select(Question.pool).join(
                AttemptItem, AttemptItem.question_id == Question.id).where(
                AttemptItem.attempt_id == started.attempt.id)).all()
            assert len(drawn) == 10 and set(drawn) == {"practice"}
            services.submit(db.session, user.id, started.attempt.id, clock.now(), 5)
            db.session.commit()
        official = next(r for r in contest.rounds if r.kind == "official"
                        and services.round_status(r, clock.now()) == "open")
        info = services.round_info(db.session, official, user.id, clock.now())
        assert info.used == 0 and info.left == 1


def test_demo_round_closes_publishes_per_board_and_block(app, clock) -> None:
    from contest_app.participation import services as participation

    app.test_cli_runner().invoke(args=["demo"])
    with app.app_context():
        contest = db.session.scalar(select(Contest).where(Contest.title == DEMO_TITLE))
        week1 = min((r for r in contest.rounds if r.kind == "official"),
                    key=lambda r: r.opens_at)
        emails = ["thisinh1@demo.vn", "thisinh2@demo.vn", "thisinh3@demo.vn", "btc@demo.vn"]
        for i, email in enumerate(emails):
            user = db.session.scalar(select(User).where(User.email == email))
            participation.join(db.session, user.id, contest, contest.boards[i % 2].id, None,
                               None, clock.now(), participation.data_key(),
                               participation.contest_tz())
            started = services.start_attempt(db.session, user.id, week1.id, clock.now(), 5)
            services.submit(db.session, user.id, started.attempt.id, clock.now(), 5)
        db.session.commit()
        clock.set(week1.closes_at + timedelta(minutes=1))
        round_id, boards = week1.id, [b.id for b in contest.boards]
    result = app.test_cli_runner().invoke(args=["rankings", "publish", str(round_id)])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    first = client.get(f"/bang-xep-hang/vong-thi/{round_id}?bang={boards[0]}").get_data(
        as_text=True)
    second = client.get(f"/bang-xep-hang/vong-thi/{round_id}?bang={boards[1]}").get_data(
        as_text=True)
    assert "Phạm Minh An" in first and "Võ Quốc Cường" in first
    assert "Hoàng Thu Bình" in second and "Phạm Minh An" not in second
    assert "Nguyễn Thị Ban Tổ Chức" not in first + second  # organisers are never ranked
    units = client.get(f"/bang-xep-hang/vong-thi/{round_id}/don-vi?bang={boards[0]}")
    html = units.get_data(as_text=True)
    assert units.status_code == 200 and "Khối xã, phường" in html
    api = client.get(f"/api/v1/rounds/{round_id}/unit-ranking?board_id={boards[0]}").get_json()
    assert {e["block"] for e in api["entries"]} >= {"Khối sở, ban, ngành", "Khối xã, phường"}


def test_demo_loads_with_a_closed_practice_round_when_the_pool_is_too_small(
        app, clock, practice_pool) -> None:
    practice_pool["n"] = 0
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert ("Vòng “Thi thử” đã được tạo nhưng đang đóng: kho câu hỏi luyện tập (pool: "
            "practice) mới có 0 câu đã duyệt, cần 10 câu") in result.output
    with app.app_context():
        contest = db.session.scalar(select(Contest).where(Contest.title == DEMO_TITLE))
        practice = next(r for r in contest.rounds if r.kind == "practice")
        assert services.round_status(practice, clock.now()) == "closed"
        user = db.session.scalar(select(User).where(User.email == "thisinh2@demo.vn"))
        with pytest.raises(rules.RoundNotOpen):
            services.start_attempt(db.session, user.id, practice.id, clock.now(), 5)
        db.session.rollback()
        practice_id = practice.id
    page = app.test_client().get(f"/vong-thi/{practice_id}")
    assert page.status_code == 200 and "Đã kết thúc" in page.get_data(as_text=True)
    # Nine practice questions are still too few; ten open the round on the next run.
    practice_pool["n"] = 9
    again = app.test_cli_runner().invoke(args=["demo"])
    assert again.exit_code == 0 and "mới có 9 câu đã duyệt, cần 10 câu" in again.output
    practice_pool["n"] = 10
    clock.advance(minutes=1)
    opened = app.test_cli_runner().invoke(args=["demo"])
    assert opened.exit_code == 0, opened.output
    assert "Đã mở vòng “Thi thử”" in opened.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "thisinh2@demo.vn"))
        started = services.start_attempt(db.session, user.id, practice_id, clock.now(), 5)
        assert started.created and len(started.items) == 10
