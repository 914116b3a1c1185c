"""Two rounds: the final's settings, the promotion preview (top N with ties, or a threshold),
promoting, the secretary's timer on the server clock, the panel's live scores and the combined
result."""

from __future__ import annotations

from sqlalchemy import func, select

from contest_app.extensions import db
from contest_app.initiatives.final_models import Finalist, FinalRound, FinalScore
from contest_app.initiatives.models import Review
from contest_app.organiser.models import AuditEvent

from .conftest import make_initiative, post

SCORES = {"Hạng A": 90.0, "Hạng B": 80.0, "Hạng C": 80.0, "Hạng D": 60.0}


def _reviewed(app, world, clock) -> dict[str, int]:
    """Four submissions with one review each (the totals in SCORES) and one unscored."""
    ids = {}
    with app.app_context():
        for title, total in SCORES.items():
            item = make_initiative(world.call_id, world.other.id, clock.now(), title=title)
            db.session.add(Review(initiative_id=item, judge_id=world.judge1.id, scores={},
                                  total=total, comment="Tốt"))
            ids[title] = item
        ids["Chưa chấm"] = make_initiative(world.call_id, world.other.id, clock.now(),
                                           title="Chưa chấm")
        db.session.commit()
    return ids


def _setup_final(organiser, world, **overrides):
    url = f"/ban-to-chuc/sang-kien/dot/{world.call_id}/chung-khao"
    data = {"title": "Chung khảo 2026", "presentation_minutes": "10", "questions_minutes": "5",
            "preliminary_weight": "30", "final_weight": "70", "scoring": "weighted",
            "judge_ids": [str(world.judge1.id), str(world.judge2.id)],
            "criteria-0-name": "Trình bày", "criteria-0-weight": "60",
            "criteria-0-scale": "0-10",
            "criteria-1-name": "Trả lời câu hỏi", "criteria-1-weight": "40",
            "criteria-1-scale": "0-10", **overrides}
    for i in range(2, 5):
        data.setdefault(f"criteria-{i}-name", "")
    return post(organiser, url, data, page=url)


def test_final_settings_need_judges_and_positive_weights(app, client_for, world) -> None:
    organiser = client_for(world.organiser)
    page = organiser.get(f"/ban-to-chuc/sang-kien/dot/{world.call_id}/chung-khao").text
    assert 'value="Nội dung"' in page and 'value="40"' in page  # the default rubric, in points
    no_judges = _setup_final(organiser, world, judge_ids=[])
    assert no_judges.status_code == 422
    assert "Hãy chọn ít nhất một giám khảo chung khảo" in no_judges.text
    zero = _setup_final(organiser, world, preliminary_weight="0", final_weight="0")
    assert zero.status_code == 422 and "Tổng hai trọng số phải lớn hơn 0" in zero.text
    with app.app_context():
        assert db.session.scalar(select(func.count(FinalRound.id))) == 0
    assert _setup_final(organiser, world).status_code == 302
    with app.app_context():
        final = db.session.scalar(select(FinalRound))
        assert (final.presentation_minutes, final.questions_minutes) == (10, 5)
        assert (final.preliminary_weight, final.final_weight) == (30, 70)
        assert [c.name for c in final.criteria] == ["Trình bày", "Trả lời câu hỏi"]
        assert final.judge_ids == sorted([world.judge1.id, world.judge2.id])


def test_promotion_preview_then_promote(app, clock, client_for, world) -> None:
    ids = _reviewed(app, world, clock)
    organiser = client_for(world.organiser)
    assert _setup_final(organiser, world).status_code == 302
    url = f"/ban-to-chuc/sang-kien/dot/{world.call_id}/chung-khao/chon"
    plain = organiser.get(url)  # the default rule, top 5, without any error shown
    assert plain.status_code == 200 and "Sẽ chọn 4 sáng kiến." in plain.text
    assert "invalid-feedback" not in plain.text
    # Top 2: the tie at 80 goes through, so three are chosen; nothing is stored by a preview.
    preview = organiser.get(url, query_string={"mode": "top", "value": "2"})
    assert preview.status_code == 200 and "Sẽ chọn 3 sáng kiến." in preview.text
    table = preview.text[preview.text.index('id="promotion-preview"'):]
    assert table.count('data-selected="1"') == 3
    threshold = organiser.get(url, query_string={"mode": "threshold", "value": "85"})
    assert "Sẽ chọn 1 sáng kiến." in threshold.text
    bad = organiser.get(url, query_string={"mode": "top", "value": "1.5"})
    assert "Số sáng kiến phải là số nguyên từ 1 trở lên." in bad.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Finalist.id))) == 0
    unconfirmed = post(organiser, url, {"mode": "top", "value": "2"}, page=url)
    assert unconfirmed.status_code == 422
    done = post(organiser, url, {"mode": "top", "value": "2", "confirm": "y"}, page=url)
    assert done.status_code == 302
    again = post(organiser, url, {"mode": "threshold", "value": "50", "confirm": "y"}, page=url)
    assert again.status_code == 302
    with app.app_context():
        finalists = list(db.session.scalars(select(Finalist).order_by(Finalist.position)))
        assert [(f.initiative_id, f.preliminary_score, f.position) for f in finalists] == [
            (ids["Hạng A"], 90.0, 1), (ids["Hạng B"], 80.0, 2), (ids["Hạng C"], 80.0, 3),
            (ids["Hạng D"], 60.0, 4)]
        events = list(db.session.scalars(select(AuditEvent.after).where(
            AuditEvent.action == "initiative_final.promote").order_by(AuditEvent.id)))
        assert events[0]["promoted"] == [ids["Hạng A"], ids["Hạng B"], ids["Hạng C"]]
        assert events[1]["promoted"] == [ids["Hạng D"]]


def _finalists(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Finalist.id).order_by(Finalist.position)))


def test_timer_runs_on_the_server_clock(app, clock, client_for, world) -> None:
    _reviewed(app, world, clock)
    organiser = client_for(world.organiser)
    _setup_final(organiser, world)
    url = f"/ban-to-chuc/sang-kien/dot/{world.call_id}/chung-khao/chon"
    post(organiser, url, {"mode": "top", "value": "2", "confirm": "y"}, page=url)
    first, second = _finalists(app)[:2]
    team = f"/ban-to-chuc/sang-kien/chung-khao/doi/{first}"
    state = f"/chung-khao/doi/{first}/dong-ho.json"
    assert organiser.get(state).json["phase"] == "not_started"
    assert post(organiser, f"{team}/dong-ho", {"action": "start"}, page=team).status_code == 302
    clock.advance(minutes=4)
    now = organiser.get(state).json
    assert now["running"] and now["elapsed"] == 240 and now["phase"] == "presentation"
    assert now["left"] == 360 and now["presentation_seconds"] == 600
    post(organiser, f"{team}/dong-ho", {"action": "pause"}, page=team)
    clock.advance(minutes=30)
    paused = organiser.get(state).json
    assert not paused["running"] and paused["elapsed"] == 240
    post(organiser, f"{team}/dong-ho", {"action": "start"}, page=team)
    clock.advance(minutes=7)
    assert organiser.get(state).json["phase"] == "questions"
    # Starting the next team pauses this one.
    other = f"/ban-to-chuc/sang-kien/chung-khao/doi/{second}"
    post(organiser, f"{other}/dong-ho", {"action": "start"}, page=other)
    clock.advance(minutes=10)
    assert organiser.get(state).json == {**organiser.get(state).json, "running": False,
                                         "elapsed": 660}
    refused = post(organiser, f"{team}/dong-ho", {"action": "rewind"}, page=team)
    assert refused.status_code == 303
    # Judges of the panel read the state; a judge off the panel and participants do not.
    judge = client_for(world.judge1)
    assert judge.get(state).json["elapsed"] == 660
    assert client_for(world.author).get(state).status_code == 403


def test_live_scores_and_combined_result(app, clock, client_for, world, make_user) -> None:
    ids = _reviewed(app, world, clock)
    organiser = client_for(world.organiser)
    _setup_final(organiser, world)
    url = f"/ban-to-chuc/sang-kien/dot/{world.call_id}/chung-khao/chon"
    post(organiser, url, {"mode": "top", "value": "1", "confirm": "y"}, page=url)
    (finalist,) = _finalists(app)
    with app.app_context():
        criteria = [c.id for c in db.session.scalar(select(FinalRound)).criteria]
    judge = client_for(world.judge1)
    assert "Chấm chung khảo: Chung khảo 2026" in judge.get("/giam-khao/").text
    page = f"/giam-khao/chung-khao/doi/{finalist}"
    assert 'id="final-timer"' in judge.get(page).text
    missing = post(judge, page, {f"c{criteria[0]}": "8"}, page=page)
    assert missing.status_code == 422 and "Vui lòng chấm tiêu chí này." in missing.text
    out_of_range = post(judge, page, {f"c{criteria[0]}": "11", f"c{criteria[1]}": "5"},
                        page=page)
    assert out_of_range.status_code == 422
    assert post(judge, page, {f"c{criteria[0]}": "10", f"c{criteria[1]}": "5"},
                page=page).status_code == 302  # 0.6*100 + 0.4*50 = 80
    stranger = client_for(make_user(roles={"judge"}))
    assert stranger.get(page).status_code == 404
    settings = organiser.get(f"/ban-to-chuc/sang-kien/dot/{world.call_id}/chung-khao").text
    # 30 % of 90 + 70 % of 80 = 83
    assert "83,00" in settings and "1/2 phiếu" in settings
    judge2 = client_for(world.judge2)
    post(judge2, page, {f"c{criteria[0]}": "6", f"c{criteria[1]}": "6"}, page=page)  # 60
    settings = organiser.get(f"/ban-to-chuc/sang-kien/dot/{world.call_id}/chung-khao").text
    # final mean 70 -> 0.3*90 + 0.7*70 = 76
    assert "76,00" in settings and "2/2 phiếu" in settings
    with app.app_context():
        assert db.session.scalar(select(func.count(FinalScore.id))) == 2
        assert db.session.scalar(select(AuditEvent.object_id).where(
            AuditEvent.action == "initiative_final.score").limit(1)) == str(ids["Hạng A"])
