"""What each board's attempts draw from a round's blueprint (issue 15, point 6): a board with
own lines draws only those; the others draw the "Mọi bảng" lines."""

from __future__ import annotations

from contest_app.quiz import rules
from contest_app.quiz.rules import DRAW_ANY, DRAW_OWN, DRAW_SHARED, BoardDraw


def test_boards_without_own_lines_draw_the_shared_ones() -> None:
    lines = [(None, 1, "easy", 10), (None, 2, None, 5), (7, 1, None, 12)]
    assert rules.board_draws(lines, [7, 8], 15) == [
        BoardDraw(7, DRAW_OWN, 12, 15), BoardDraw(8, DRAW_SHARED, 15, 15)]
    assert [d.matches for d in rules.board_draws(lines, [7, 8], 15)] == [False, True]


def test_no_line_at_all_draws_any_question_count_questions() -> None:
    assert rules.board_draws([], [7], 20) == [BoardDraw(7, DRAW_ANY, 20, 20)]
    assert rules.board_draws([], [], 20) == [BoardDraw(None, DRAW_ANY, 20, 20)]
    assert rules.board_draws([(None, None, "hard", 4)], [], 20) == [
        BoardDraw(None, DRAW_SHARED, 4, 20)]


def test_shared_lines_unused_when_every_board_has_its_own() -> None:
    lines = [(None, None, None, 10), (7, None, None, 10)]
    assert not rules.shared_lines_unused(lines, [7, 8])
    assert rules.shared_lines_unused(lines + [(8, None, None, 10)], [7, 8])
    assert not rules.shared_lines_unused([(7, None, None, 10)], [7])
    assert not rules.shared_lines_unused(lines, [])


def test_the_counts_agree_with_the_draw() -> None:
    from contest_app.quiz.models import BlueprintLine, Round
    from contest_app.quiz.services import blueprint_for

    cases = [
        [(None, 1, "easy", 10), (None, 2, None, 5), (7, 1, None, 12)],
        [(7, None, None, 3), (8, None, "hard", 2), (8, None, "easy", 9)],
        [],
        [(None, None, None, 6)],
    ]
    for lines in cases:
        rnd = Round(question_count=15, blueprint=[
            BlueprintLine(board_id=b, topic_id=t, difficulty=d, count=n)
            for b, t, d, n in lines])
        for draw in rules.board_draws(lines, [7, 8, 9], 15):
            assert draw.total == sum(s.count for s in blueprint_for(rnd, draw.board_id))
