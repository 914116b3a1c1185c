"""The decision list of a call (danh sách sáng kiến được công nhận, trao giải) for the
official decision, as DOCX and XLSX in the house style of the rankings' annex: every
recognised submission with its award level, its score in points out of the call's real total
(for a two-round call the combined result on 100 of those that reached the final) and, one
row each, its author and co-authors with their unit. The public results page reads the same
rows.

python-docx and openpyxl are imported only when a file is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..exports import Book
from ..i18n import number_text
from ..rankings import annex
from . import cycle, finals, rules
from .models import Initiative, InitiativeCall, Review

HEADER = ["STT", "Tên sáng kiến, giải pháp", "Lĩnh vực", "Kết quả", "Điểm", "Họ và tên",
          "Vai trò", "Đơn vị công tác"]
SUBMISSION_COLUMNS = 5  # the cells written once per submission, merged down its people
ROLE_TEXT = {cycle.AUTHOR: "Tác giả", cycle.CO_AUTHOR: "Đồng tác giả"}
ACCEPTED_TEXT = "Công nhận"


@dataclass(frozen=True)
class Person:
    role: str  # cycle.AUTHOR or cycle.CO_AUTHOR
    name: str
    unit: str


@dataclass(frozen=True)
class DecisionRow:
    initiative_id: int
    title: str
    field: str
    decision: str
    award: str | None
    people: tuple[Person, ...]
    score: float | None = None
    score_max: int = 100
    finalist: bool = False      # reached the final of a two-round call
    two_rounds: bool = False

    @property
    def score_text(self) -> str:
        """"85,15/100", and "(sơ khảo)" for a two-round call's submission that did not reach
        the final (its score is the preliminary one)."""
        if self.score is None:
            return "—"
        text = f"{number_text(self.score, 2)}/{self.score_max}"
        if self.two_rounds and not self.finalist:
            text += " (sơ khảo)"
        return text

    @property
    def result(self) -> str:
        return self.award if self.decision == rules.AWARDED and self.award else ACCEPTED_TEXT


def decision_rows(session: Session, call: InitiativeCall) -> list[DecisionRow]:
    """Awarded then accepted submissions of the call (award levels in order, then by title),
    as recorded now: the organiser's list before publication, the public one after."""
    found = session.scalars(
        select(Initiative).where(Initiative.call_id == call.id,
                                 Initiative.state == rules.SUBMITTED,
                                 Initiative.decision.in_((rules.AWARDED, rules.ACCEPTED)))
        .options(selectinload(Initiative.author)).order_by(Initiative.id))
    found = list(found)
    preliminary = preliminary_scores(session, [i.id for i in found])
    combined = finals.combined_by_initiative(session, call)
    two_rounds = finals.final_of(session, call) is not None
    rows = []
    for item in found:
        unit = item.author.unit.name if item.author.unit else ""
        credited = tuple(Person(role, name, place) for role, name, place in cycle.people(
            item.author.full_name, unit, list(item.co_authors or [])))
        result = combined.get(item.id)
        if result is not None:
            score, score_max = result.combined, 100
        else:
            score, score_max = preliminary.get(item.id), call.total_max or 100
        rows.append(DecisionRow(item.id, item.title, item.field, item.decision, item.award,
                                credited, score, score_max, result is not None, two_rounds))
    return sorted(rows, key=_order)


def _order(row: DecisionRow) -> tuple:
    """Award levels in order, then accepted; within each, finalists first, best score first,
    then by title."""
    decided, level, title = rules.results_order(row.award, row.decision, row.title)
    return (decided, level, not row.finalist, row.score is None,
            -(row.score if row.score is not None and row.score_max else 0.0)
            / (row.score_max or 1), title)


def preliminary_scores(session: Session, initiative_ids: list[int]) -> dict[int, float]:
    """The preliminary score of each submission: the mean of its completed reviews' totals
    (in points out of the call's total), as the organiser's table shows it."""
    totals: dict[int, list[float]] = {}
    if initiative_ids:
        for iid, total in session.execute(select(Review.initiative_id, Review.total).where(
                Review.initiative_id.in_(initiative_ids))):
            totals.setdefault(iid, []).append(total)
    return {iid: round(sum(t) / len(t), 2) for iid, t in totals.items() if t}


def _body(rows: Sequence[DecisionRow]) -> list[tuple[int, list[list[object]]]]:
    """Per submission: its number and one table row per person (the submission's cells
    filled on each, so that a filtered Excel sheet still reads right)."""
    out = []
    for number, row in enumerate(rows, start=1):
        lines = [[number, row.title, row.field, row.result, row.score_text, p.name,
                  ROLE_TEXT[p.role], p.unit] for p in row.people]
        out.append((number, lines))
    return out


def summary(rows: Sequence[DecisionRow]) -> list[list[object]]:
    """Submissions and people per result (award levels in order, then "Công nhận")."""
    order: dict[str, list[int]] = {}
    for row in rows:
        counted = order.setdefault(row.result, [0, 0])
        counted[0] += 1
        counted[1] += len(row.people)
    body: list[list[object]] = [[name, n, p] for name, (n, p) in order.items()]
    body.append(["Tổng cộng", len(rows), sum(len(r.people) for r in rows)])
    return body


SUMMARY_HEADER = ["Kết quả", "Số sáng kiến", "Số tác giả, đồng tác giả"]
TITLE = "DANH SÁCH SÁNG KIẾN, GIẢI PHÁP ĐƯỢC CÔNG NHẬN, TRAO GIẢI"
SUBTITLE = "(Kèm theo Quyết định số ......./QĐ-....... ngày ...... tháng ...... năm ........)"


def score_header(call: InitiativeCall, two_rounds: bool) -> str:
    """The score column's title: the real total of a one-round call, the combined result of a
    two-round call."""
    if two_rounds:
        return "Điểm chung cuộc (trên 100)"
    return f"Điểm (trên {call.total_max or 100})"


def _header(score_title: str | None) -> list[str]:
    return [score_title if h == "Điểm" and score_title else h for h in HEADER]


def decision_docx(heading: annex.Heading, rows: Sequence[DecisionRow],
                  score_title: str | None = None) -> bytes:
    from docx.shared import Cm

    document = annex._document(landscape=True)
    annex._titles(document, heading, TITLE, SUBTITLE)
    if not rows:
        document.add_paragraph("Chưa có sáng kiến nào được công nhận.")
    else:
        widths = [1.0, 5.4, 3.2, 2.4, 2.4, 4.0, 2.2, 5.0]
        table = document.add_table(rows=1, cols=len(HEADER))
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, _header(score_title), strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(title).bold = True
        for _number, lines in _body(rows):
            first = None
            for index, values in enumerate(lines):
                cells = table.add_row().cells
                if index == 0:
                    first = cells
                for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
                    # The submission's cells are written once and merged down its people.
                    cell.text = str(value) if index == 0 or column >= SUBMISSION_COLUMNS else ""
            if first is not None and len(lines) > 1:
                last = table.rows[-1].cells
                for column in range(SUBMISSION_COLUMNS):
                    first[column].merge(last[column])
                    first[column].text = str(lines[0][column])
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    document.add_paragraph()
    annex._heading(document, "Tổng hợp theo kết quả")
    annex._table(document, SUMMARY_HEADER, summary(rows), widths=[6.0, 4.0, 5.0],
                 bold_last=True)
    annex._signatures(document)
    return annex._save(document)


def decision_xlsx(heading: annex.Heading, rows: Sequence[DecisionRow],
                  score_title: str | None = None) -> bytes:
    book = Book()
    sheet = book.sheet("Danh sách công nhận")
    annex._xlsx_titles(sheet, heading, TITLE, len(HEADER))
    body = [line for _number, lines in _body(rows) for line in lines]
    first = annex._xlsx_table(sheet, sheet.max_row + 2, _header(score_title), body,
                              [6, 46, 30, 18, 18, 28, 14, 40])
    after = annex._xlsx_table(sheet, first + 2, SUMMARY_HEADER, summary(rows), None)
    annex._xlsx_signatures(sheet, after + 2)
    return book.save()
