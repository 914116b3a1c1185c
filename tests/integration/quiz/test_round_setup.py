"""Round set-up without traps (issue 15, point 6): blueprint rows on demand ("Thêm dòng"),
"Mọi bảng" lines explained and counted per board, the prediction question's wording, the
weekly series copying prize tiers and blueprint, the contest page folding its rules."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from contest_app.extensions import db
from contest_app.organiser.models import AuditEvent
from contest_app.quiz import services
from contest_app.quiz.models import BlueprintLine, Contest, Round
from contest_app.rankings.models import PrizeTier
from tests import factories
from tests.conftest import csrf_token


def round_form(token: str, **fields: str) -> dict:
    return {"csrf_token": token, "title": "Tuần 1", "kind": "official",
            "opens_at": "25/11/2026 09:00", "closes_at": "02/12/2026 09:00",
            "question_count": "15", "time_limit_min": "10", "max_attempts": "1",
            "counting": "best", "reveal": "after_submit", "prediction_kind": "", **fields}


def rows(html: str) -> list[int]:
    return sorted({int(n) for n in re.findall(r'name="lines-(\d+)-count"', html)})


def make_contest(app, boards: list[str] | None = None, bank: int = 30) -> tuple[int, dict]:
    with app.app_context():
        factories.bank(db.session, bank)
        contest = factories.contest(db.session, boards=boards)
        db.session.commit()
        return contest.id, {b.name: b.id for b in contest.boards}


# --- "Thêm dòng" ---------------------------------------------------------------------------

def test_add_line_re_renders_the_form_with_one_more_row(app, client, login_as) -> None:
    contest_id, _ = make_contest(app)
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/moi"
    page = client.get(url).get_data(as_text=True)
    assert rows(page) == list(range(6)) and "Thêm dòng" in page
    # JavaScript may add the row in place (from static/, no inline script: CSP).
    assert '<script src="/static/js/round_form.js"></script>' in page
    assert "data-add-row" in page and 'data-blueprint-rows data-max-rows="30"' in page
    assert b"data-add-row" in client.get("/static/js/round_form.js").data
    token = csrf_token(client, url)
    typed = {f"lines-{i}-count": "2" for i in range(6)} | {"lines-0-difficulty": "hard"}
    more = client.post(url, data=round_form(token, title="Tuần đặc biệt", add_line="1",
                                            question_count="12", **typed))
    html = more.get_data(as_text=True)
    assert more.status_code == 200
    assert rows(html) == list(range(7))
    assert 'value="Tuần đặc biệt"' in html  # what was typed comes back
    assert re.search(r'<option selected value="hard">', html)
    assert "Vui lòng điền" not in html  # no validation on "Thêm dòng"
    with app.app_context():
        assert db.session.scalar(select(Round)) is None  # nothing saved
    again = client.post(url, data=round_form(token, add_line="1", question_count="14",
                                             **typed, **{"lines-6-count": "2"}))
    assert rows(again.get_data(as_text=True)) == list(range(8))
    # The seven lines are saved together.
    saved = client.post(url, data=round_form(token, question_count="14", **typed,
                                             **{"lines-6-count": "2"}))
    assert saved.status_code == 302
    with app.app_context():
        rnd = db.session.scalar(select(Round))
        assert len(rnd.blueprint) == 7
        round_id = rnd.id
    edit = client.get(f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/{round_id}")
    assert rows(edit.get_data(as_text=True)) == list(range(8))  # every line + one empty row


def test_add_line_stops_at_the_maximum(app, client, login_as) -> None:
    contest_id, _ = make_contest(app)
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/moi"
    token = csrf_token(client, url)
    full = {f"lines-{i}-count": "" for i in range(30)}
    page = client.post(url, data=round_form(token, add_line="1", **full)).get_data(as_text=True)
    assert rows(page) == list(range(30))
    assert "Đã đủ số dòng tối đa" in page and 'name="add_line"' not in page


# --- "Mọi bảng" lines counted per board ----------------------------------------------------

def test_each_board_shows_what_its_attempts_draw(app, client, login_as, clock) -> None:
    contest_id, boards = make_contest(app, ["Bảng A", "Bảng B"])
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/moi"
    token = csrf_token(client, url)
    data = round_form(token, **{
        "lines-0-board_id": str(boards["Bảng A"]), "lines-0-count": "10",
        "lines-1-board_id": "0", "lines-1-difficulty": "easy", "lines-1-count": "9",
        "lines-2-board_id": "0", "lines-2-difficulty": "hard", "lines-2-count": "6"})
    refused = client.post(url, data=data)
    html = " ".join(refused.get_data(as_text=True).split())
    assert refused.status_code == 422
    assert "Dòng “Mọi bảng” dùng cho mọi bảng không có dòng riêng" in html
    assert ("<strong>Bảng A</strong>: 10 câu (theo các dòng riêng của bảng) "
            "<span class=\"fw-semibold\">— khác số câu hỏi của vòng thi (15 câu)</span>") in html
    assert "<strong>Bảng B</strong>: 15 câu (theo các dòng “Mọi bảng”)" in html
    # The same summary while adding a row, and on a saved round.
    adding = " ".join(client.post(url, data=data | {"add_line": "1"}).get_data(
        as_text=True).split())
    assert "<strong>Bảng A</strong>: 10 câu" in adding
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        rnd = factories.round_(db.session, contest, clock.now(), question_count=15, lines=[
            (boards["Bảng A"], None, None, 15), (boards["Bảng B"], None, None, 15),
            (None, None, None, 15)])
        db.session.commit()
        round_id = rnd.id
    page = " ".join(client.get(f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/{round_id}")
                    .get_data(as_text=True).split())
    assert "<strong>Bảng A</strong>: 15 câu (theo các dòng riêng của bảng)" in page
    assert "khác số câu hỏi" not in page
    assert "Các dòng “Mọi bảng” hiện không được bảng nào dùng" in page


def test_a_round_without_lines_draws_any_questions(app, client, login_as) -> None:
    contest_id, _ = make_contest(app)
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/moi"
    token = csrf_token(client, url)
    page = client.post(url, data=round_form(token, add_line="1")).get_data(as_text=True)
    assert "15 câu (rút ngẫu nhiên từ mọi chủ đề)" in " ".join(page.split())
    assert "Mọi bảng" not in page  # no boards: nothing to explain


# --- The prediction question's wording -----------------------------------------------------

def test_prediction_wording_saved_and_shown_on_the_take_page(app, client, login_as,
                                                             clock) -> None:
    contest_id, _ = make_contest(app)
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/moi"
    token = csrf_token(client, url)
    wording = "Có bao nhiêu người đạt điểm tuyệt đối trong tuần thi này?"
    saved = client.post(url, data=round_form(token, question_count="5",
                                             prediction_kind="full_marks",
                                             prediction_text=f"  {wording} "))
    assert saved.status_code == 302
    with app.app_context():
        rnd = db.session.scalar(select(Round))
        assert rnd.prediction_text == wording
        round_id = rnd.id
    edit = client.get(saved.location).get_data(as_text=True)
    assert f'value="{wording}"' in edit
    token = csrf_token(client, f"/vong-thi/{round_id}")
    started = client.post(f"/vong-thi/{round_id}/bat-dau", data={"csrf_token": token})
    attempt_id = int(started.location.rsplit("/", 1)[1])
    take = client.get(started.location).get_data(as_text=True)
    assert f"Câu hỏi dự đoán: {wording}</label>" in take
    api = client.post(f"/api/v1/rounds/{round_id}/attempts",
                      headers={"X-CSRFToken": csrf_token(client, started.location)})
    assert api.get_json()["id"] == attempt_id  # the attempt in progress, resumed
    assert api.get_json()["prediction_question"] == wording
    # Once an attempt exists the wording is a frozen rule.
    token = csrf_token(client, saved.location)
    locked = client.post(saved.location, data=round_form(
        token, question_count="5", prediction_kind="full_marks",
        prediction_text="Một câu khác?"))
    assert locked.status_code == 422
    with app.app_context():
        assert db.session.get(Round, round_id).prediction_text == wording


def test_default_wording_without_a_text(app, clock) -> None:
    with app.test_request_context():
        rnd = Round(prediction_kind="participants", prediction_text=None)
        assert services.prediction_question(rnd) == (
            "Theo bạn, vòng thi này sẽ có bao nhiêu người tham gia?")
        rnd.prediction_text = "Bao nhiêu người dự thi?"
        assert services.prediction_question(rnd) == "Bao nhiêu người dự thi?"
        rnd.prediction_kind = None
        assert services.prediction_question(rnd) is None


# --- The weekly series ---------------------------------------------------------------------

def test_weekly_series_copies_prize_tiers_blueprint_and_wording(app, client, login_as,
                                                                clock) -> None:
    contest_id, boards = make_contest(app, ["Bảng A", "Bảng B"])
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        source = factories.round_(db.session, contest, clock.now(), question_count=15,
                                  prediction_kind="full_marks", lines=[
                                      (boards["Bảng A"], None, "easy", 15),
                                      (None, None, None, 15)])
        source.prediction_text = "Bao nhiêu người đúng hết?"
        for board_id in boards.values():
            for level, name, count in ((1, "Giải Nhất", 1), (2, "Giải Nhì", 2)):
                db.session.add(PrizeTier(contest_id=contest_id, round_id=source.id,
                                         board_id=board_id, kind="individual", level=level,
                                         name=name, count=count, amount=1_000_000 // level))
            db.session.add(PrizeTier(contest_id=contest_id, round_id=source.id,
                                     board_id=board_id, kind="unit", level=1, name="Giải Nhất",
                                     count=1))
        # A contest-wide tier is not a round's: it is left alone.
        db.session.add(PrizeTier(contest_id=contest_id, round_id=None, board_id=None,
                                 level=1, name="Giải toàn cuộc thi", count=1))
        db.session.commit()
        source_id = source.id
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}"
    token = csrf_token(client, url)
    response = client.post(f"{url}/loat-tuan-thi", data={
        "csrf_token": token, "series-count": "3", "series-first_opens": "07/12/2026 10:00",
        "series-first_closes": "14/12/2026 09:00", "series-title_pattern": "Tuần {n}"})
    assert response.status_code == 302

    def tiers(session, round_id):
        return sorted((t.board_id, t.kind, t.level, t.name, t.count, t.amount or 0)
                      for t in session.scalars(select(PrizeTier).where(
                          PrizeTier.round_id == round_id)))

    with app.app_context():
        created = db.session.scalars(select(Round).where(
            Round.contest_id == contest_id, Round.id != source_id)).all()
        assert len(created) == 3
        expected = tiers(db.session, source_id)
        assert len(expected) == 6
        for rnd in created:
            assert tiers(db.session, rnd.id) == expected
            assert sorted((ln.board_id or 0, ln.difficulty or "", ln.count)
                          for ln in rnd.blueprint) == [(0, "", 15), (boards["Bảng A"], "easy", 15)]
            assert rnd.prediction_text == "Bao nhiêu người đúng hết?"
        assert db.session.scalar(select(PrizeTier).where(
            PrizeTier.round_id.is_(None))).name == "Giải toàn cuộc thi"
        assert len(db.session.scalars(select(PrizeTier)).all()) == 6 * 4 + 1
    page = client.get(url).get_data(as_text=True)
    assert "các mức giải của từng bảng" in page


def test_weekly_series_without_a_source_round_has_no_tiers(app, client, login_as) -> None:
    contest_id, _ = make_contest(app)
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}"
    token = csrf_token(client, url)
    assert client.post(f"{url}/loat-tuan-thi", data={
        "csrf_token": token, "series-count": "2", "series-first_opens": "07/12/2026 10:00",
        "series-first_closes": "14/12/2026 09:00",
        "series-title_pattern": "Tuần {n}"}).status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(Round)).all()) == 2
        assert db.session.scalar(select(PrizeTier)) is None
        assert db.session.scalar(select(BlueprintLine)) is None
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "round.weekly_series"))
        assert event.after["copied_from"] is None and event.after["prize_tiers_per_round"] == 0


# --- The contest page ----------------------------------------------------------------------

def test_contest_page_folds_the_rules_behind_a_toggle(app, client) -> None:
    with app.app_context():
        contest = factories.contest(db.session)
        contest.rules_text = "Điều 1. Đối tượng dự thi.\nĐiều 2. Cơ cấu giải thưởng."
        db.session.commit()
        contest_id = contest.id
    page = client.get(f"/cuoc-thi/{contest_id}").get_data(as_text=True)
    folded = re.search(r"<details[^>]*data-open-wide[^>]*>\s*<summary[^>]*>(.*?)</summary>"
                       r"(.*?)</details>", page, re.S)
    assert folded, "the rules are not inside a <details> toggle"
    assert folded.group(1).strip() == "Xem thể lệ"
    assert "Điều 2. Cơ cấu giải thưởng." in folded.group(2)
    assert page.count("Điều 2. Cơ cấu giải thưởng.") == 1
    assert '<script src="/static/js/contest.js"></script>' in page
    assert "<script>" not in page  # no inline script (CSP)
    script = client.get("/static/js/contest.js")
    assert script.status_code == 200 and b"data-open-wide" in script.data
    with app.app_context():
        db.session.get(Contest, contest_id).rules_text = ""
        db.session.commit()
        from contest_app.extensions import cache

        cache.clear()  # the anonymous public page may be cached for a few seconds
    assert "Xem thể lệ" not in client.get(f"/cuoc-thi/{contest_id}").get_data(as_text=True)


# --- Permissions ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["participant", "judge"])
def test_round_set_up_is_for_organisers_only(app, client, login_as, role, clock) -> None:
    contest_id, _ = make_contest(app, bank=1)
    login_as(role)
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}"
    token = csrf_token(client, "/")
    assert client.get(f"{url}/vong-thi/moi").status_code == 403
    assert client.get(f"{url}/cai-dat").status_code == 403
    assert client.post(f"{url}/vong-thi/moi",
                       data=round_form(token, add_line="1")).status_code == 403
    assert client.post(f"{url}/loat-tuan-thi", data={
        "csrf_token": token, "series-count": "2", "series-first_opens": "07/12/2026 10:00",
        "series-first_closes": "14/12/2026 09:00",
        "series-title_pattern": "Tuần {n}"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Round)) is None


def test_no_wording_kept_without_a_prediction_question(app, client, login_as, clock) -> None:
    contest_id, _ = make_contest(app)
    login_as("organiser")
    url = f"/ban-to-chuc/cuoc-thi/{contest_id}/vong-thi/moi"
    token = csrf_token(client, url)
    saved = client.post(url, data=round_form(token, question_count="5", prediction_kind="",
                                             prediction_text="Câu bị bỏ qua?"))
    assert saved.status_code == 302
    with app.app_context():
        rnd = db.session.scalar(select(Round))
        assert rnd.prediction_text is None
        round_id = rnd.id
    # Once an attempt exists, the unused wording box is no change to refuse.
    token = csrf_token(client, f"/vong-thi/{round_id}")
    client.post(f"/vong-thi/{round_id}/bat-dau", data={"csrf_token": token})
    token = csrf_token(client, saved.location)
    renamed = client.post(saved.location, data=round_form(
        token, title="Tuần một", question_count="5", prediction_text="Vẫn bỏ qua?"))
    assert renamed.status_code == 302
    with app.app_context():
        assert db.session.get(Round, round_id).title == "Tuần một"
