"""Server-side SVG geometry for the organiser's live dashboard: a line of attempts per hour and
a histogram of scores. Plain functions (no Flask): the template draws the shapes with SVG
attributes only (nothing inline for the CSP), and prints the same numbers in a table beside
each chart for screen readers and copying."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 600, 200, 24


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Line:
    points: str  # "x,y x,y ..." for <polyline points=...>
    top: int  # the value at the top of the chart
    labels: list[tuple[float, str]]  # x positions and labels (first, middle, last)


def histogram(counts: Sequence[tuple[str, int]]) -> list[Bar]:
    """Bars for (label, count) pairs, scaled to the largest count."""
    if not counts:
        return []
    top = max(v for _, v in counts) or 1
    slot = (WIDTH - 2 * PAD) / len(counts)
    usable = HEIGHT - 2 * PAD
    bars = []
    for i, (label, value) in enumerate(counts):
        h = usable * value / top
        bars.append(Bar(label, value, round(PAD + i * slot + slot * 0.1, 2),
                        round(HEIGHT - PAD - h, 2), round(slot * 0.8, 2), round(h, 2)))
    return bars


def line(series: Sequence[tuple[str, int]]) -> Line | None:
    """A polyline through (label, value) points, scaled to the largest value."""
    if not series:
        return None
    top = max(v for _, v in series) or 1
    n = len(series)
    step = (WIDTH - 2 * PAD) / max(n - 1, 1)
    usable = HEIGHT - 2 * PAD
    xs = [round(PAD + i * step, 2) for i in range(n)]
    points = " ".join(f"{x},{round(HEIGHT - PAD - usable * v / top, 2)}"
                      for x, (_, v) in zip(xs, series, strict=True))
    marks = sorted({0, n // 2, n - 1})
    return Line(points, top, [(xs[i], series[i][0]) for i in marks])


def score_bins(scores: Sequence[tuple[int, int]], max_score: int) -> list[tuple[str, int]]:
    """(score, attempts) pairs as one bin per possible score 0..max (missing scores are 0)."""
    by_score = dict(scores)
    return [(str(s), by_score.get(s, 0)) for s in range(max(max_score, 0) + 1)]
