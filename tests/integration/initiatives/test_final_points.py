"""The final round in points, as contest rules print it: criteria out of their maximum (with
bands), scores in steps of 0,5 on the tablet, the total a sum out of the rubric's maximum,
the combined result on each round brought to 100 first; and conflicts: a panel judge never
sees or scores a finalist from their own unit or that they co-authored."""

from __future__ import annotations

from sqlalchemy import select

from contest_app.extensions import db
from contest_app.initiatives import finals
from contest_app.initiatives.final_models import Finalist, FinalRound, FinalScore
from contest_app.initiatives.models import Initiative, Review

from .conftest import CO_AUTHOR, make_initiative, post


def _settings(world) -> str:
    return f"/ban-to-chuc/sang-kien/dot/{world.call_id}/chung-khao"


def _setup_points_final(organiser, world, judge_ids, **overrides):
    url = _settings(world)
    data = {"title": "Chung khảo 2026", "presentation_minutes": "10", "questions_minutes": "5",
            "preliminary_weight": "30", "final_weight": "70", "scoring": "points",
            "judge_ids": [str(j) for j in judge_ids],
            "criteria-0-name": "Nội dung", "criteria-0-max_points": "40",
            "criteria-0-bands": "35–40: Rất tốt\n0–34,5: Chưa tốt",
            "criteria-1-name": "Trình bày", "criteria-1-max_points": "30",
            "criteria-2-name": "Trả lời câu hỏi", "criteria-2-max_points": "30", **overrides}
    for i in range(3, 5):
        data.setdefault(f"criteria-{i}-name", "")
    return post(organiser, url, data, page=url)


def _one_finalist(app, world, clock, author_id, preliminary=90.0) -> int:
    with app.app_context():
        item = make_initiative(world.call_id, author_id, clock.now(), title="Đội điểm")
        db.session.add(Review(initiative_id=item, judge_id=world.judge1.id, scores={},
                              total=preliminary, comment="Tốt"))
        final = db.session.scalar(select(FinalRound))
        final.finalists.append(Finalist(initiative_id=item, position=1,
                                        preliminary_score=preliminary))
        db.session.commit()
        return final.finalists[0].id


def test_final_settings_in_points_need_a_maximum(app, client_for, world) -> None:
    organiser = client_for(world.organiser)
    judges = [world.judge1.id, world.judge2.id]
    missing = _setup_points_final(organiser, world, judges, **{"criteria-1-max_points": ""})
    assert missing.status_code == 422
    assert "Hãy nhập điểm tối đa của tiêu chí “Trình bày”." in missing.text
    overlap = _setup_points_final(organiser, world, judges,
                                  **{"criteria-0-bands": "30–40: A\n35–36: B"})
    assert overlap.status_code == 422 and "chồng lên nhau" in overlap.text
    with app.app_context():
        assert db.session.scalar(select(FinalRound)) is None
    assert _setup_points_final(organiser, world, judges).status_code == 302
    with app.app_context():
        final = db.session.scalar(select(FinalRound))
        assert final.in_points and final.total_max == 100
        assert [(c.name, c.max_points) for c in final.criteria] == [
            ("Nội dung", 40), ("Trình bày", 30), ("Trả lời câu hỏi", 30)]
        assert final.criteria[0].bands == [[35.0, 40.0, "Rất tốt"], [0.0, 34.5, "Chưa tốt"]]


def test_tablet_scores_in_half_points_and_combines_on_100(app, clock, client_for,
                                                          world) -> None:
    organiser = client_for(world.organiser)
    assert _setup_points_final(organiser, world, [world.judge1.id]).status_code == 302
    finalist = _one_finalist(app, world, clock, world.other.id)
    with app.app_context():
        content, talk, answers = (c.id for c in db.session.scalar(select(FinalRound)).criteria)
    judge = client_for(world.judge1)
    page = f"/giam-khao/chung-khao/doi/{finalist}"
    form = judge.get(page).text
    assert "tối đa 40 điểm" in form and 'step="0.5"' in form and "35–40: Rất tốt" in form
    above = post(judge, page, {f"c{content}": "41", f"c{talk}": "20", f"c{answers}": "20"},
                 page=page)
    assert above.status_code == 422
    assert "Tiêu chí này tối đa 40 điểm; bạn đã nhập 41." in above.text
    off_grid = post(judge, page, {f"c{content}": "30,3", f"c{talk}": "20", f"c{answers}": "20"},
                    page=page)
    assert off_grid.status_code == 422 and "Điểm chấm theo bước 0,5" in off_grid.text
    not_a_number = post(judge, page, {f"c{content}": "ba mươi", f"c{talk}": "20",
                                      f"c{answers}": "20"}, page=page)
    assert not_a_number.status_code == 422 and "Điểm phải là một số" in not_a_number.text
    with app.app_context():
        assert db.session.scalar(select(FinalScore)) is None
    saved = post(judge, page, {f"c{content}": "36,5", f"c{talk}": "24.5", f"c{answers}": "19"},
                 page=page)
    assert saved.status_code == 302
    with app.app_context():
        score = db.session.scalar(select(FinalScore))
        assert score.total == 80.0  # 36,5 + 24,5 + 19 of 100
        assert score.scores == {str(content): 36.5, str(talk): 24.5, str(answers): 19.0}
        (result,) = finals.results(db.session, db.session.scalar(select(FinalRound)))
        assert result.final == 80.0 and result.combined == 83.0  # 30 % of 90 + 70 % of 80
    assert "83,00" in organiser.get(_settings(world)).text


def test_combined_result_brings_a_final_out_of_50_to_100(app, clock, client_for,
                                                         world) -> None:
    organiser = client_for(world.organiser)
    assert _setup_points_final(organiser, world, [world.judge1.id], **{
        "criteria-0-max_points": "20", "criteria-0-bands": "", "criteria-1-max_points": "20",
        "criteria-2-max_points": "10"}).status_code == 302
    finalist = _one_finalist(app, world, clock, world.other.id, preliminary=80.0)
    with app.app_context():
        ids = [c.id for c in db.session.scalar(select(FinalRound)).criteria]
    judge = client_for(world.judge1)
    page = f"/giam-khao/chung-khao/doi/{finalist}"
    assert post(judge, page, dict(zip((f"c{i}" for i in ids), ("18", "18", "9"), strict=True)),
                page=page).status_code == 302
    with app.app_context():
        (result,) = finals.results(db.session, db.session.scalar(select(FinalRound)))
        # 45/50 is 90 on 100: 0.3 * 80 + 0.7 * 90 = 87.
        assert result.final == 45.0 and result.combined == 87.0


def test_conflicted_panel_judge_never_sees_or_scores_the_team(app, clock, client_for, world,
                                                              make_user) -> None:
    # One judge works in the author's unit, another co-authored a submission with the author.
    with app.app_context():
        unit = db.session.get(type(world.author), world.author.id).unit
    same_unit = make_user(roles={"judge"}, full_name="Giám Khảo Cùng Đơn Vị", unit=unit)
    co_author = make_user(roles={"judge"}, full_name=CO_AUTHOR)
    organiser = client_for(world.organiser)
    panel = [world.judge1.id, same_unit.id, co_author.id]
    assert _setup_points_final(organiser, world, panel).status_code == 302
    finalist = _one_finalist(app, world, clock, world.author.id)
    settings = organiser.get(_settings(world)).text
    warning = settings[settings.index('id="panel-conflicts"'):]
    assert "Giám Khảo Cùng Đơn Vị" in warning and CO_AUTHOR in warning
    assert "Giám Khảo Một" not in warning[:warning.index("</div>")]
    assert "0/1 phiếu" in settings  # only the judge without a conflict is expected
    with app.app_context():
        final = db.session.scalar(select(FinalRound))
        assert {(j.id, reason) for j, _f, reason in finals.panel_conflicts(db.session, final)} \
            == {(same_unit.id, "same_unit"), (co_author.id, "author")}
        ids = [c.id for c in final.criteria]
        title = db.session.get(Initiative, final.finalists[0].initiative_id).title
    scores = dict(zip((f"c{i}" for i in ids), ("30", "20", "20"), strict=True))
    for barred in (same_unit, co_author):
        judge = client_for(barred)
        listing = judge.get(f"/giam-khao/chung-khao/{final.id}").text
        assert title not in listing and "0/0 đội đã chấm" in listing
        page = f"/giam-khao/chung-khao/doi/{finalist}"
        assert judge.get(page).status_code == 404
        assert judge.get(f"/chung-khao/doi/{finalist}/dong-ho.json").status_code == 404
        assert post(judge, page, scores, page=f"/giam-khao/chung-khao/{final.id}"
                    ).status_code == 404
    team = organiser.get(f"/ban-to-chuc/sang-kien/chung-khao/doi/{finalist}").text
    assert team.count("Không chấm đội này (xung đột lợi ích)") == 2
    allowed = client_for(world.judge1)
    assert title in allowed.get(f"/giam-khao/chung-khao/{final.id}").text
    page = f"/giam-khao/chung-khao/doi/{finalist}"
    assert post(allowed, page, scores, page=page).status_code == 302
    with app.app_context():
        assert [s.judge_id for s in db.session.scalars(select(FinalScore))] == [world.judge1.id]
        (result,) = finals.results(db.session, db.session.scalar(select(FinalRound)))
        assert (result.scores, result.expected) == (1, 1)


def test_save_score_refuses_a_conflicted_judge(app, clock, world, make_user) -> None:
    from contest_app.initiatives import rules

    with app.app_context():
        unit = db.session.get(type(world.author), world.author.id).unit
    judge = make_user(roles={"judge"}, unit=unit)
    with app.app_context():
        final = FinalRound(call_id=world.call_id, title="CK", judge_ids=[judge.id],
                           scoring="points")
        db.session.add(final)
        db.session.flush()
        from contest_app.initiatives.final_models import FinalCriterion

        final.criteria.append(FinalCriterion(name="Nội dung", weight=10, max_points=10))
        item = make_initiative(world.call_id, world.author.id, clock.now())
        final.finalists.append(Finalist(initiative_id=item, position=1, preliminary_score=80))
        db.session.flush()
        criterion = final.criteria[0].id
        try:
            finals.save_score(db.session, judge.id, final.finalists[0], {criterion: 5}, "",
                              clock.now())
        except rules.JudgeNotEligible:
            pass
        else:  # pragma: no cover - the assertion below reports it
            raise AssertionError("a judge of the author's unit scored the team")
        assert db.session.scalar(select(FinalScore)) is None


def test_exports_show_points_out_of_the_calls_real_total(app, clock, client_for,
                                                         world) -> None:
    import io

    from docx import Document
    from openpyxl import load_workbook

    from contest_app.initiatives.models import InitiativeCall

    with app.app_context():
        call = db.session.get(InitiativeCall, world.call_id)
        call.scoring = "points"
        for c, points in zip(call.criteria, (30, 20, 20, 10), strict=True):
            c.max_points = c.weight = points
        item = make_initiative(world.call_id, world.author.id, clock.now(),
                               decision="awarded", award="Giải Ba")
        db.session.add(Review(initiative_id=item, judge_id=world.judge1.id, scores={},
                              total=60.5, comment="Tốt"))
        db.session.commit()
        assert call.total_max == 80
    organiser = client_for(world.organiser)
    sheet = load_workbook(io.BytesIO(organiser.get(
        f"/ban-to-chuc/sang-kien/dot/{world.call_id}/bang.xlsx").data)).active
    header = [c.value for c in sheet[2]]
    assert "Điểm trung bình (/80)" in header and "Điểm trung bình (/100)" not in header
    assert sheet[3][header.index("Điểm trung bình (/80)")].value == 60.5
    document = Document(io.BytesIO(organiser.get(
        f"/ban-to-chuc/sang-kien/dot/{world.call_id}/danh-sach-quyet-dinh.docx").data))
    table = document.tables[0]
    assert table.rows[0].cells[4].text == "Điểm (trên 80)"
    assert [c.text for c in table.rows[1].cells][3:5] == ["Giải Ba", "60,50/80"]
