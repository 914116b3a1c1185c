"""SVG geometry of the live dashboard's charts."""

from __future__ import annotations

from contest_app.quiz import charts


def test_histogram_scales_to_the_tallest_bar() -> None:
    bars = charts.histogram([("0", 1), ("1", 4), ("2", 2)])
    usable = charts.HEIGHT - 2 * charts.PAD
    assert [b.value for b in bars] == [1, 4, 2]
    assert bars[1].height == usable and bars[0].height == usable / 4
    assert bars[1].y == charts.HEIGHT - charts.PAD - usable
    assert bars[0].x < bars[1].x < bars[2].x
    assert charts.histogram([]) == []
    assert all(b.height == 0 for b in charts.histogram([("0", 0), ("1", 0)]))


def test_line_points_and_labels() -> None:
    line = charts.line([("25/11 08:00", 0), ("25/11 09:00", 10), ("25/11 10:00", 5)])
    xs = [float(p.split(",")[0]) for p in line.points.split()]
    ys = [float(p.split(",")[1]) for p in line.points.split()]
    assert xs == sorted(xs) and ys[1] == charts.PAD and ys[0] == charts.HEIGHT - charts.PAD
    assert [label for _, label in line.labels] == ["25/11 08:00", "25/11 09:00", "25/11 10:00"]
    assert charts.line([]) is None
    assert charts.line([("x", 3)]).points == f"{float(charts.PAD)},{float(charts.PAD)}"


def test_score_bins_fill_missing_scores() -> None:
    assert charts.score_bins([(0, 2), (3, 1)], 3) == [("0", 2), ("1", 0), ("2", 0), ("3", 1)]
